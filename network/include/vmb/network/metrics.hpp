#pragma once
// The model metrics (vmb/modeling/metrics.hpp) as the network's evaluation uses them, and their
// JSON form.

#include <string>

#include "vmb/modeling/metrics.hpp"

namespace vmb::network {

using vmb::compare;
using vmb::mean;
using vmb::metric_text;
using vmb::Metrics;
using vmb::ssim;

// The metrics as a JSON object (through nlohmann::json): numbers, and the string "inf" for an
// infinite PSNR. A NaN is never a score: NetworkError.
std::string to_json(const Metrics& m);

}  // namespace vmb::network
