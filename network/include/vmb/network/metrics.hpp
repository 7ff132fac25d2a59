#pragma once
// The model metrics (vmb/modeling/metrics.hpp) as the network's evaluation uses them, and their
// JSON form.

#include <torch/torch.h>

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

// vmb::ssim as a differentiable tensor operation, for training on it: the mean SSIM of the
// images a and b [batch, 1, rows, cols] (float32, same device), with the same 11-point Gaussian
// window (sigma 1.5, zero padded) and constants (0.01 and 0.03 times dynamic_range). For each
// image it equals vmb::ssim to rounding.
torch::Tensor ssim_tensor(const torch::Tensor& a, const torch::Tensor& b, double dynamic_range);

}  // namespace vmb::network
