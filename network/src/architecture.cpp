#include "vmb/network/architecture.hpp"

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "vmb/network/error.hpp"
#include "vmb/network/fcnvmb.hpp"
#include "vmb/network/inversionnet.hpp"
#include "vmb/network/unet.hpp"
#include "vmb/network/unetpp.hpp"

namespace vmb::network {

const std::vector<std::string>& architectures() {
  static const std::vector<std::string> names = {"fcnvmb", "inversionnet", "unet", "unetpp",
                                                 "unet-wide"};
  return names;
}

void check_architecture(const std::string& name) {
  if (std::find(architectures().begin(), architectures().end(), name) != architectures().end())
    return;
  std::string known;
  for (const auto& a : architectures()) known += (known.empty() ? "" : ", ") + a;
  throw NetworkError("unknown network '" + name + "' (" + known + ")");
}

namespace {

// The trainable parameter count of an architecture as a function of its width w: every weight
// tensor's size is a product of at most two channel counts, each linear in w, so the count is
// exactly A w^2 + B w + C; the three coefficients come from networks of widths 1, 2 and 3.
struct ParameterPolynomial {
  std::int64_t a2 = 0, a1 = 0, a0 = 0;  // twice A, B times 2, C times 2: exact integers
  std::int64_t at(std::int64_t w) const { return (a2 * w * w + a1 * w + a0) / 2; }
};

ParameterPolynomial parameter_polynomial(const std::string& arch, int shots) {
  // The networks built for counting draw their initial weights from LibTorch's generator: its
  // state is put back, so that building unet-wide draws the same weights as building FCNVMB of
  // its width would.
  auto generator = at::detail::getDefaultCPUGenerator();
  const torch::Tensor state = generator.get_state();
  std::int64_t p[4] = {};
  for (int w = 1; w <= 3; ++w) {
    NetworkConfig c;
    c.arch = arch;
    c.shots = shots;
    c.width = w;
    auto net = make_network(c);
    p[w] = parameter_count(*net);
  }
  generator.set_state(state);
  const std::int64_t a2 = p[3] - 2 * p[2] + p[1];  // 2 A
  return {a2, 2 * (p[2] - p[1]) - 3 * a2, 2 * (3 * p[1] - 3 * p[2] + p[3])};
}

}  // namespace

int matched_width(const NetworkConfig& config) {
  const std::int64_t target = parameter_polynomial("unetpp", config.shots).at(config.width);
  const auto fcnvmb = parameter_polynomial("fcnvmb", config.shots);
  int best = config.width;
  for (int w = config.width; w <= 2 * config.width; ++w)
    if (std::llabs(fcnvmb.at(w) - target) < std::llabs(fcnvmb.at(best) - target)) best = w;
  return best;
}

VelocityNet make_network(const NetworkConfig& config) {
  check_architecture(config.arch);
  if (config.shots < 1 || config.nt < 1 || config.nrec < 1 || config.nz < 1 || config.nx < 1 ||
      config.width < 1)
    throw NetworkError("network sizes must be positive");
  // The holder from the base pointer (ModuleHolder's forwarding constructor would take any other).
  const auto held = [](std::shared_ptr<VelocityNetImpl> impl) { return VelocityNet(impl); };
  if (config.arch == "fcnvmb") return held(std::make_shared<FcnvmbImpl>(config));
  if (config.arch == "inversionnet") return held(std::make_shared<InversionNetImpl>(config));
  if (config.arch == "unet") return held(std::make_shared<UnetImpl>(config));
  if (config.arch == "unetpp") return held(std::make_shared<UnetPlusPlusImpl>(config));
  return held(std::make_shared<FcnvmbImpl>(config, matched_width(config)));  // unet-wide
}

std::string summary(VelocityNet& net) {
  const NetworkConfig& c = net->config();
  std::ostringstream s;
  s << c.arch << ", width " << c.width;
  if (c.arch == "unet-wide") s << " (FCNVMB of width " << matched_width(c) << ")";
  s << "\n";
  s << "layer                                    parameters\n";
  for (const auto& item : net->named_children()) {
    std::int64_t n = 0;
    for (const auto& p : item.value()->parameters()) n += p.numel();
    s << "  " << item.key();
    s << std::string(std::max<std::size_t>(1, 38 - item.key().size()), ' ') << n << "\n";
  }
  torch::NoGradGuard no_grad;
  const bool was_training = net->is_training();
  net->eval();
  s << "stage shapes for input [1, " << c.shots << ", " << c.nt << ", " << c.nrec << "]:\n";
  for (const auto& [name, t] : net->stages(torch::zeros({1, c.shots, c.nt, c.nrec}))) {
    s << "  " << name << std::string(std::max<std::size_t>(1, 14 - name.size()), ' ');
    for (std::int64_t d = 1; d < t.dim(); ++d) s << (d > 1 ? "x" : "") << t.size(d);
    s << "\n";
  }
  net->train(was_training);
  s << "trainable parameters: " << parameter_count(*net) << "\n";
  return s.str();
}

}  // namespace vmb::network
