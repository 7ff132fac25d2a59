#pragma once
// InversionNet (Wu and Lin, 2019, IEEE Transactions on Computational Imaging; the baseline of
// OpenFWI, Deng et al., 2022) in LibTorch: a plain encoder-decoder without skip connections.
//
// Input [B, nshots, nt, nrec]; output [B, 1, nz, nx] in (-1, 1), a tanh: trained on labels scaled
// to OpenFWI's [-1, 1] (label_low; checkpoints from before vmbkit 0.5 used [0, 1] and keep it).
// Every block is a convolution with bias -> BatchNorm -> LeakyReLU (slope 0.2); widths w * [1, 2,
// 4, 8, 16], w = 32 as published.
// - Time encoder: (7x1) stride (2,1) to w, then (3x1) stride-(2,1) and stride-1 convolutions
//   (2w, 2w, 2w, 2w, 4w, 4w): four halvings of the time axis, receivers untouched.
// - Space encoder: 3x3 convolutions, a stride-2 and a stride-1 one at 4w, 8w and 8w.
// - A convolution whose kernel is the whole remaining map, to 16w channels of 1 x 1.
// - Decoder: a transposed convolution (stride 2) to 16w x kz x kx, then four times (4x4
//   transposed convolution, stride 2, padding 1, halving the channels; a 3x3 convolution), to
//   w x 16 kz x 16 kx; a centred crop to nz x nx; a 3x3 convolution to one channel, BatchNorm,
//   tanh.
// For OpenFWI's geometry (5 shots x 1000 samples x 70 receivers to 70 x 70) this is the published
// layer list: the last encoder kernel 8 x 9, kz = kx = 5, the crop 5 cells a side; 24,409,123
// trainable parameters. For other geometries the input and output stages adapt: the last encoder
// kernel is whatever map the time and space halvings leave (ceil at each), and kz = ceil(nz / 16),
// kx = ceil(nx / 16), the crop taking the floor of half the excess from the top and left.

#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

#include "vmb/network/velocity_net.hpp"

namespace vmb::network {

// OpenFWI's geometry and width: 5 shots x 1000 samples x 70 receivers to 70 x 70, width 32.
NetworkConfig openfwi_inversionnet();

class InversionNetImpl : public VelocityNetImpl {
 public:
  // NetworkError for non-positive sizes.
  explicit InversionNetImpl(const NetworkConfig& config = openfwi_inversionnet());
  // Every block's output, by name (as OpenFWI names its layers: convblock1 ... convblock8,
  // deconv1_1 ... deconv5_2, crop, deconv6).
  std::vector<std::pair<std::string, torch::Tensor>> stages(const torch::Tensor& x) override;

 private:
  std::vector<std::pair<std::string, torch::nn::Sequential>> encoder_, decoder_;
  torch::nn::Sequential output_{nullptr};
};
TORCH_MODULE(InversionNet);

}  // namespace vmb::network
