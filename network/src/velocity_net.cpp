#include "vmb/network/velocity_net.hpp"

namespace vmb::network {

bool output_bounded(const std::string& arch) { return arch == "inversionnet"; }

std::int64_t parameter_count(torch::nn::Module& module) {
  std::int64_t n = 0;
  for (const auto& p : module.parameters())
    if (p.requires_grad()) n += p.numel();
  return n;
}

}  // namespace vmb::network
