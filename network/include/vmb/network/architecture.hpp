#pragma once
// The networks that map shot gathers to a velocity model, behind one type: each architecture is
// its own unit (fcnvmb.hpp, inversionnet.hpp, unet.hpp, unetpp.hpp) deriving from VelocityNetImpl,
// built by name from one NetworkConfig, so training, checkpoints, evaluation and prediction take
// any of them.
//
//   fcnvmb        the paper's U-Net (Yang and Ma, 2019)
//   inversionnet  OpenFWI's encoder-decoder without skips (Wu and Lin, 2019)
//   unet          FCNVMB with a classic U-Net's skips (Ronneberger et al., 2015): full resolution
//                 where FCNVMB's are pooled and padded; the same parameters
//   unetpp        FCNVMB's encoder with UNet++'s nested, dense skips (Zhou et al., 2018)
//   unet-wide     the control for unetpp: FCNVMB with as many parameters as unetpp of the same
//                 width (its own width the integer that comes closest), so that a gain of unetpp
//                 over it is its structure's, not its size's
//
// Every network takes [B, shots, nt, nrec] and makes [B, 1, nz, nx]; its modules are owned by it.

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

// The architectures' names, in the order above.
const std::vector<std::string>& architectures();

// NetworkError naming the known architectures unless `name` is one.
void check_architecture(const std::string& name);

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

// The network config.arch names, with default PyTorch initialisation from LibTorch's generator;
// NetworkError for an unknown name (listing the known ones) or non-positive sizes.
VelocityNet make_network(const NetworkConfig& config);

// unet-wide's own width for a config: the FCNVMB width whose parameter count comes closest to
// unetpp's at config.width (the smaller on a tie).
int matched_width(const NetworkConfig& config);

// Trainable parameters.
std::int64_t parameter_count(torch::nn::Module& module);

// A table of the layers with their parameter counts and, for the config's input shape, each
// stage's output shape; ends with the trainable parameter count.
std::string summary(VelocityNet& net);

}  // namespace vmb::network
