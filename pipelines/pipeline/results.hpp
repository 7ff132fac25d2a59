#pragma once
// What one stage hands to the next: the summaries of an evaluation and of the FWI comparison,
// as typed structs written and read as JSON (through nlohmann::json). The report and the network
// comparison read them by field name, never by position.

#include <filesystem>
#include <string>
#include <vector>

#include "vmb/modeling/metrics.hpp"

namespace vmb::pipeline {

// The mean metrics of one predictor over a test set: the image metrics (an infinite PSNR is
// written as the string "inf") and the data misfit of its re-simulated gathers (rel. L2).
struct PredictorSummary {
  vmb::Metrics metrics;
  double data_misfit = 0.0;
};

// eval/SET/summary.json: the network and the baseline (the mean model of its training data).
struct EvaluationSummary {
  PredictorSummary network, baseline;
};

// One method of the FWI comparison, means over its models: MAE and RMSE in m/s, SSIM, the data
// misfit (rel. L2) and seconds per model.
struct FwiMethodSummary {
  std::string method;  // network, fwi_smooth or fwi_network
  double mae = 0.0, rmse = 0.0, ssim = 0.0, data_misfit = 0.0, seconds = 0.0;
};

// fwi/summary.json: the methods in the order they were compared.
struct FwiSummary {
  std::vector<FwiMethodSummary> methods;
};

// Written atomically. Reading throws vmb::IoError naming the file when it is missing or damaged.
void write_summary(const std::filesystem::path& path, const EvaluationSummary& summary);
EvaluationSummary read_evaluation_summary(const std::filesystem::path& path);
void write_summary(const std::filesystem::path& path, const FwiSummary& summary);
FwiSummary read_fwi_summary(const std::filesystem::path& path);

}  // namespace vmb::pipeline
