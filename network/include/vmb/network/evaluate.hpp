#pragma once
// Evaluating a trained network on a dataset, against the baseline that predicts the mean
// training model for every sample. Writes into the output folder:
//   metrics.json   per-sample and mean metrics of the network and the baseline
//   metrics.csv    one row per sample: index, then the network's and the baseline's metrics
//   predictions.h5 /prediction and /truth float32 [N, nz, nx] (m/s), /index int64 [N]
//   panel_IIIII.png truth | prediction | difference for the chosen samples
// Standard metrics scale by the evaluated dataset's velocity range.

#include <cstdint>
#include <string>
#include <vector>

#include "vmb/network/metrics.hpp"

namespace vmb::network {

struct EvalConfig {
  std::string checkpoint;
  std::string network;  // the architecture expected in the checkpoint; empty: any
  std::string data;     // dataset folder
  std::string out;      // output folder (created)
  std::string name;     // label for the pictures, e.g. "SEG test"
  std::vector<std::int64_t> panels = {0, 1, 2};
  std::string device = "auto";
  std::string precision = "auto";  // fp32 | bf16 | fp16 | auto (see precision.hpp)
  int batch_size = 4;
  bool quiet = false;
};

struct EvalResult {
  std::vector<std::int64_t> indices;
  std::vector<Metrics> network, baseline;
  Metrics network_mean, baseline_mean;
  double vmin = 0.0, vmax = 0.0;
};

EvalResult evaluate(const EvalConfig& config);

}  // namespace vmb::network
