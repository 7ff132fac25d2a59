#pragma once
// What every network from shot gathers to a velocity model is: a module taking [B, shots, nt,
// nrec] and making [B, 1, nz, nx], its sizes in one NetworkConfig, its modules owned by it. The
// architectures derive from it in their own units; architecture.hpp builds them by name.

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace vmb::network {

struct NetworkConfig {
  std::string arch = "fcnvmb";  // one of architectures()
  int shots = 29;               // input channels
  int nt = 400;                 // time samples of the input
  int nrec = 301;               // receivers of the input
  int nz = 201;                 // model rows
  int nx = 301;                 // model columns
  // Filters of the first stage (64 in the FCNVMB paper, 32 in InversionNet's); for unet-wide the
  // width of the unetpp it is matched to.
  int width = 64;
};

// Whether the architecture's output is bounded (InversionNet ends in a tanh), so that it can only
// learn labels scaled into its range, never velocities in m/s.
bool output_bounded(const std::string& arch);

// What every architecture is: a module from gathers to a velocity model.
class VelocityNetImpl : public torch::nn::Module {
 public:
  virtual ~VelocityNetImpl() = default;
  // The outputs of every stage, by name; the last is the network's output [B, 1, nz, nx].
  virtual std::vector<std::pair<std::string, torch::Tensor>> stages(const torch::Tensor& x) = 0;
  virtual torch::Tensor forward(const torch::Tensor& x) { return stages(x).back().second; }
  // The label of the slowest velocity when labels are scaled (the fastest is 1): 0, labels in
  // [0, 1], for outputs without a bound; -1 for a bounded one (a tanh), so that its labels fill
  // (-1, 1) and its output starts, centred on 0, in their middle.
  double label_low() const { return output_bounded(config_.arch) ? -1.0 : 0.0; }
  const NetworkConfig& config() const { return config_; }

 protected:
  explicit VelocityNetImpl(NetworkConfig config) : config_(std::move(config)) {}

 private:
  NetworkConfig config_;
};
TORCH_MODULE(VelocityNet);

// Trainable parameters.
std::int64_t parameter_count(torch::nn::Module& module);

}  // namespace vmb::network
