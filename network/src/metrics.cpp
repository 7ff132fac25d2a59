#include "vmb/network/metrics.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "vmb/network/data.hpp"

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

}  // namespace vmb::network
