#include "vmb/network/metrics.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "vmb/network/error.hpp"

namespace vmb::network {

std::string to_json(const Metrics& m) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, value] : {std::pair{"paper_psnr", m.paper_psnr},
                                    {"paper_ssim", m.paper_ssim},
                                    {"mae", m.mae},
                                    {"rmse", m.rmse},
                                    {"ssim", m.ssim},
                                    {"psnr", m.psnr}}) {
    if (std::isnan(value)) throw NetworkError(std::string("the metric ") + name + " is NaN");
    j[name] = std::isinf(value) ? nlohmann::json(metric_text(value)) : nlohmann::json(value);
  }
  return j.dump();
}

torch::Tensor ssim_tensor(const torch::Tensor& a, const torch::Tensor& b, double dynamic_range) {
  const auto options = a.options();
  auto g = torch::arange(kSsimWindow, options) - double(kSsimWindow / 2);
  g = torch::exp(-g * g / (2 * kSsimSigma * kSsimSigma));
  g = g / g.sum();
  const auto rows = g.view({1, 1, kSsimWindow, 1}), cols = g.view({1, 1, 1, kSsimWindow});
  auto blur = [&](const torch::Tensor& x) {
    namespace F = torch::nn::functional;
    return F::conv2d(F::conv2d(x, cols, F::Conv2dFuncOptions().padding({0, kSsimWindow / 2})), rows,
                     F::Conv2dFuncOptions().padding({kSsimWindow / 2, 0}));
  };
  const double c1 = std::pow(0.01 * dynamic_range, 2), c2 = std::pow(0.03 * dynamic_range, 2);
  const auto ma = blur(a), mb = blur(b);
  const auto va = blur(a * a) - ma * ma, vb = blur(b * b) - mb * mb, cab = blur(a * b) - ma * mb;
  return ((2 * ma * mb + c1) * (2 * cab + c2) / ((ma * ma + mb * mb + c1) * (va + vb + c2))).mean();
}

}  // namespace vmb::network
