#pragma once
// FCNVMB (Yang and Ma, 2019): the U-Net of the authors' reference implementation in LibTorch.
//
// Input [B, nshots, nt, nrec] (the shots are the channels); output [B, 1, nz, nx].
// - A conv block is two times (3x3 conv, stride 1, padding 1, with bias -> BatchNorm -> ReLU).
// - Encoder stage: a conv block, then 2x2 max-pooling (stride 2, ceil mode); only the pooled
//   tensor goes on. Centre: a conv block 8w -> 16w without pooling.
// - Decoder stage: 2x2 transposed conv (stride 2) of the deeper tensor; the encoder stage's pooled
//   output, zero-padded centred to the upsampled size (left and top get the floor of half the
//   difference); [skip, upsampled] concatenated; a conv block.
// - Rows and columns from index 1 cropped to the model size, then a 1x1 conv to one channel; no
//   output activation. Default PyTorch initialisation.
// Widths w * [1, 2, 4, 8, 16]; w = 64 in the paper (31,058,497 trainable parameters for 29 shots).

#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

#include "vmb/network/velocity_net.hpp"

namespace vmb::network {

// Two (3x3 conv -> BatchNorm -> ReLU).
class ConvBlockImpl : public torch::nn::Module {
 public:
  ConvBlockImpl(int in, int out);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Sequential layers_{nullptr};
};
TORCH_MODULE(ConvBlock);

// A conv block, then 2x2 max-pooling with ceil mode.
class DownImpl : public torch::nn::Module {
 public:
  DownImpl(int in, int out);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  ConvBlock conv_{nullptr};
  torch::nn::MaxPool2d pool_{nullptr};
};
TORCH_MODULE(Down);

// A 2x2, stride-2 transposed convolution computed as what it is, a 1x1 convolution to four times
// the channels and a pixel shuffle (each output pixel receives one input pixel): the same values
// as up->forward(x), from the same weights, on oneDNN's convolution kernels rather than
// LibTorch's slow_conv_transpose2d (im2col and BLAS), which took a tenth of a training step.
torch::Tensor upsample(const torch::nn::ConvTranspose2d& up, const torch::Tensor& x);

// upsample(up, x) cropped to the rows and columns of `skip`, a full-resolution encoder output:
// ceil-mode pooling leaves the upsampled tensor at most one cell larger, dropped at the bottom and
// right.
torch::Tensor upsample_to(const torch::nn::ConvTranspose2d& up, const torch::Tensor& x,
                          const torch::Tensor& skip);

// The top decoder level's nz rows and nx columns (config's) from row and column `first` on,
// contiguous; c10::Error when the level is too small for that window.
torch::Tensor model_window(const torch::Tensor& top, const NetworkConfig& config, int first = 0);

// How a decoder stage meets its skip.
enum class SkipJoin {
  // The reference's: the skip is the encoder stage's pooled output, half the upsampled size,
  // zero-padded centred to it; its features reach only the centre of the decoder's grid.
  padded,
  // A classic U-Net's: the skip is the encoder's output before pooling, cell for cell where the
  // upsampled tensor is (upsample_to).
  cropped
};

// Upsample the deeper tensor, join the skip to it (SkipJoin), concatenate [skip, up], a conv
// block.
class UpImpl : public torch::nn::Module {
 public:
  UpImpl(int in, int out, SkipJoin join = SkipJoin::padded);
  torch::Tensor forward(const torch::Tensor& skip, const torch::Tensor& deeper);

 private:
  SkipJoin join_;
  torch::nn::ConvTranspose2d up_{nullptr};
  ConvBlock conv_{nullptr};
};
TORCH_MODULE(Up);

class FcnvmbImpl : public VelocityNetImpl {
 public:
  // width: filters of the first stage; 0 takes config.width (unet-wide gives its matched width).
  explicit FcnvmbImpl(const NetworkConfig& config = {}, int width = 0);
  // The outputs of every stage, by name (down1 ... down4, centre, up4 ... up1, output).
  std::vector<std::pair<std::string, torch::Tensor>> stages(const torch::Tensor& x) override;

 private:
  Down down1_{nullptr}, down2_{nullptr}, down3_{nullptr}, down4_{nullptr};
  ConvBlock centre_{nullptr};
  Up up4_{nullptr}, up3_{nullptr}, up2_{nullptr}, up1_{nullptr};
  torch::nn::Conv2d final_{nullptr};
};
TORCH_MODULE(Fcnvmb);

}  // namespace vmb::network
