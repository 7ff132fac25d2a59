#pragma once
// The classic U-Net (Ronneberger, Fischer and Brox, 2015, "U-Net: Convolutional Networks for
// Biomedical Image Segmentation", MICCAI) on FCNVMB's blocks: the control that separates how
// FCNVMB's skips are wired from everything else.
//
// FCNVMB's reference skips are its encoder stages' pooled outputs, half the decoder's size,
// zero-padded centred to it (fcnvmb.hpp), so their features reach only the centre of each
// decoder grid: at the paper's size rows 100 to 299 and columns 76 to 226 of the 400 x 304 top
// level, which the output crop makes z 990 m down and x 750 to 2250 m at 10 m, a rectangle of
// finer texture in every prediction. Here each skip is the encoder block's output before pooling,
// at the decoder's own resolution, so every output cell gets the fine features of the input cells
// above it. Everything else is FCNVMB's: the same blocks, channels and upsampling, hence exactly
// its parameter count at every width (31,058,497 at the paper's).
//
// Input [B, shots, nt, nrec]; output [B, 1, nz, nx]. Levels i = 1 ... 4 of w 2^(i-1) channels:
//   down_i = block(i == 1 ? input : maxpool2x2(down_(i-1)))     ceil mode
//   centre = block(maxpool2x2(down4))                           16 w channels
//   up_i   = block([down_i, upsample_to(up_(i+1) or centre, down_i)])
// The output is a 1x1 convolution of up1's first nz rows and nx columns, so nt >= nz and
// nrec >= nx. Default PyTorch initialisation.

#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

#include "vmb/network/fcnvmb.hpp"
#include "vmb/network/velocity_net.hpp"

namespace vmb::network {

class UnetImpl : public VelocityNetImpl {
 public:
  explicit UnetImpl(const NetworkConfig& config);
  // The outputs of every stage, by name (down1 ... down4 before pooling, centre, up4 ... up1,
  // output).
  std::vector<std::pair<std::string, torch::Tensor>> stages(const torch::Tensor& x) override;

 private:
  ConvBlock down1_{nullptr}, down2_{nullptr}, down3_{nullptr}, down4_{nullptr};
  torch::nn::MaxPool2d pool_{nullptr};
  ConvBlock centre_{nullptr};
  Up up4_{nullptr}, up3_{nullptr}, up2_{nullptr}, up1_{nullptr};
  torch::nn::Conv2d final_{nullptr};
};
TORCH_MODULE(Unet);

}  // namespace vmb::network
