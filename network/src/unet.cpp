#include "vmb/network/unet.hpp"

namespace vmb::network {

namespace nn = torch::nn;

UnetImpl::UnetImpl(const NetworkConfig& config) : VelocityNetImpl(config) {
  const int w = config.width;
  down1_ = register_module("down1", ConvBlock(config.shots, w));
  down2_ = register_module("down2", ConvBlock(w, 2 * w));
  down3_ = register_module("down3", ConvBlock(2 * w, 4 * w));
  down4_ = register_module("down4", ConvBlock(4 * w, 8 * w));
  pool_ = register_module("pool", nn::MaxPool2d(nn::MaxPool2dOptions(2).stride(2).ceil_mode(true)));
  centre_ = register_module("centre", ConvBlock(8 * w, 16 * w));
  up4_ = register_module("up4", Up(16 * w, 8 * w, SkipJoin::cropped));
  up3_ = register_module("up3", Up(8 * w, 4 * w, SkipJoin::cropped));
  up2_ = register_module("up2", Up(4 * w, 2 * w, SkipJoin::cropped));
  up1_ = register_module("up1", Up(2 * w, w, SkipJoin::cropped));
  final_ = register_module("final", nn::Conv2d(nn::Conv2dOptions(w, 1, 1)));
}

std::vector<std::pair<std::string, torch::Tensor>> UnetImpl::stages(const torch::Tensor& x) {
  const auto d1 = down1_(x), d2 = down2_(pool_(d1)), d3 = down3_(pool_(d2)), d4 = down4_(pool_(d3));
  const auto c = centre_(pool_(d4));
  const auto u4 = up4_(d4, c), u3 = up3_(d3, u4), u2 = up2_(d2, u3), u1 = up1_(d1, u2);
  return {{"down1", d1}, {"down2", d2},
          {"down3", d3}, {"down4", d4},
          {"centre", c}, {"up4", u4},
          {"up3", u3},   {"up2", u2},
          {"up1", u1},   {"output", final_(model_window(u1, config()))}};
}

}  // namespace vmb::network
