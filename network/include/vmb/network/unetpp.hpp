#pragma once
// UNet++ (Zhou, Rahman Siddiquee, Tajbakhsh and Liang, 2018, "UNet++: A Nested U-Net
// Architecture for Medical Image Segmentation", DLMIA) on FCNVMB's encoder, in LibTorch: the
// U-Net's plain skips replaced by nested, dense ones, so each decoder level sees the encoder's
// features refined at every depth, not only the raw ones.
//
// Input [B, shots, nt, nrec]; output [B, 1, nz, nx]. Blocks are FCNVMB's conv blocks (two 3x3
// conv -> BatchNorm -> ReLU), levels i = 0 ... 4 of c_i = w 2^i channels:
//   X(0,0) = block(input)                      at nt x nrec
//   X(i,0) = block(maxpool2x2(X(i-1,0)))       ceil mode, i = 1 ... 4
//   X(i,j) = block([X(i,0), ..., X(i,j-1), up(X(i+1,j-1))])   j >= 1, i + j <= 4
// where up is a 2x2, stride-2 transposed convolution to c_i channels cropped to X(i,0)'s size
// (ceil-mode pooling leaves it at most one cell larger; the odd cell is dropped at the bottom and
// right). The output is a 1x1 convolution of X(0,4)'s first nz rows and nx columns, so nt >= nz
// and nrec >= nx. No deep supervision; default PyTorch initialisation.
// About 16 % more parameters than FCNVMB of the same width, and about three times its arithmetic
// (the full-resolution level alone has five blocks where the U-Net has two).

#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

#include "vmb/network/fcnvmb.hpp"
#include "vmb/network/velocity_net.hpp"

namespace vmb::network {

class UnetPlusPlusImpl : public VelocityNetImpl {
 public:
  explicit UnetPlusPlusImpl(const NetworkConfig& config);
  // The outputs of every node, named x{i}{j} in the order computed, then output.
  std::vector<std::pair<std::string, torch::Tensor>> stages(const torch::Tensor& x) override;

 private:
  static constexpr int kLevels = 5;
  // blocks_[i][j] computes X(i,j); ups_[i][j] upsamples X(i+1,j-1) for it (j >= 1; ups_[i][0]
  // is empty).
  std::vector<std::vector<ConvBlock>> blocks_;
  std::vector<std::vector<torch::nn::ConvTranspose2d>> ups_;
  torch::nn::MaxPool2d pool_{nullptr};
  torch::nn::Conv2d final_{nullptr};
};
TORCH_MODULE(UnetPlusPlus);

}  // namespace vmb::network
