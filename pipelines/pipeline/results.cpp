#include "results.hpp"

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "vmb/io/atomic_file.hpp"
#include "vmb/io/error.hpp"

namespace vmb::pipeline {
namespace {

using nlohmann::json;

// Numbers as JSON numbers; an infinite one (a PSNR of identical models) as the string "inf" or
// "-inf", since JSON has no infinity.
json number(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

double number(const json& j) {
  if (j.is_string()) {
    const auto text = j.get<std::string>();
    if (text == "inf") return std::numeric_limits<double>::infinity();
    if (text == "-inf") return -std::numeric_limits<double>::infinity();
    throw std::invalid_argument("'" + text + "' is not a number");
  }
  return j.get<double>();
}

json to_json(const PredictorSummary& p) {
  const auto& m = p.metrics;
  return {{"paper_psnr", number(m.paper_psnr)},
          {"paper_ssim", number(m.paper_ssim)},
          {"mae", number(m.mae)},
          {"rmse", number(m.rmse)},
          {"ssim", number(m.ssim)},
          {"psnr", number(m.psnr)},
          {"data_misfit", number(p.data_misfit)}};
}

PredictorSummary predictor(const json& j) {
  PredictorSummary p;
  auto& m = p.metrics;
  m.paper_psnr = number(j.at("paper_psnr"));
  m.paper_ssim = number(j.at("paper_ssim"));
  m.mae = number(j.at("mae"));
  m.rmse = number(j.at("rmse"));
  m.ssim = number(j.at("ssim"));
  m.psnr = number(j.at("psnr"));
  p.data_misfit = number(j.at("data_misfit"));
  return p;
}

void write(const std::filesystem::path& path, const json& j) {
  vmb::io::write_text_file(path.string(), j.dump(2) + "\n");
}

// Parses path and hands the document to read; any missing field or wrong type is one IoError.
template <typename Read>
auto read(const std::filesystem::path& path, Read read) {
  std::ifstream in(path);
  if (!in) throw vmb::IoError("'" + path.string() + "' is missing: run the pipeline again");
  try {
    return read(json::parse(in));
  } catch (const std::exception& e) {  // json's own errors and number()'s
    throw vmb::IoError("'" + path.string() + "' is damaged (" + e.what() +
                       "): run the pipeline again");
  }
}

}  // namespace

void write_summary(const std::filesystem::path& path, const EvaluationSummary& summary) {
  write(path, {{"network", to_json(summary.network)}, {"baseline", to_json(summary.baseline)}});
}

EvaluationSummary read_evaluation_summary(const std::filesystem::path& path) {
  return read(path, [](const json& j) {
    return EvaluationSummary{predictor(j.at("network")), predictor(j.at("baseline"))};
  });
}

void write_summary(const std::filesystem::path& path, const FwiSummary& summary) {
  json methods = json::array();
  for (const auto& m : summary.methods)
    methods.push_back({{"method", m.method},
                       {"mae", number(m.mae)},
                       {"rmse", number(m.rmse)},
                       {"ssim", number(m.ssim)},
                       {"data_misfit", number(m.data_misfit)},
                       {"seconds", number(m.seconds)}});
  write(path, {{"methods", methods}});
}

FwiSummary read_fwi_summary(const std::filesystem::path& path) {
  return read(path, [](const json& j) {
    FwiSummary s;
    for (const auto& m : j.at("methods"))
      s.methods.push_back({m.at("method").get<std::string>(), number(m.at("mae")),
                           number(m.at("rmse")), number(m.at("ssim")), number(m.at("data_misfit")),
                           number(m.at("seconds"))});
    return s;
  });
}

}  // namespace vmb::pipeline
