#pragma once
// The networks that map shot gathers to a velocity model, built by name: each architecture is its
// own unit (fcnvmb.hpp, inversionnet.hpp, unet.hpp, unetpp.hpp) deriving from VelocityNetImpl
// (velocity_net.hpp), made here from one NetworkConfig, so training, checkpoints, evaluation and
// prediction take any of them.
//
//   fcnvmb        the paper's U-Net (Yang and Ma, 2019)
//   inversionnet  OpenFWI's encoder-decoder without skips (Wu and Lin, 2019)
//   unet          FCNVMB with a classic U-Net's skips (Ronneberger et al., 2015): full resolution
//                 where FCNVMB's are pooled and padded; the same parameters
//   unetpp        FCNVMB's encoder with UNet++'s nested, dense skips (Zhou et al., 2018)
//   unet-wide     the control for unetpp: FCNVMB with as many parameters as unetpp of the same
//                 width (its own width the integer that comes closest), so that a gain of unetpp
//                 over it is its structure's, not its size's

#include <string>
#include <vector>

#include "vmb/network/velocity_net.hpp"

namespace vmb::network {

// The architectures' names, in the order above.
const std::vector<std::string>& architectures();

// NetworkError naming the known architectures unless `name` is one.
void check_architecture(const std::string& name);

// The network config.arch names, with default PyTorch initialisation from LibTorch's generator;
// NetworkError for an unknown name (listing the known ones) or non-positive sizes.
VelocityNet make_network(const NetworkConfig& config);

// unet-wide's own width for a config: the FCNVMB width whose parameter count comes closest to
// unetpp's at config.width (the smaller on a tie).
int matched_width(const NetworkConfig& config);

// A table of the layers with their parameter counts and, for the config's input shape, each
// stage's output shape; ends with the trainable parameter count.
std::string summary(VelocityNet& net);

}  // namespace vmb::network
