#include "vmb/network/fcnvmb.hpp"

namespace vmb::network {

namespace nn = torch::nn;

ConvBlockImpl::ConvBlockImpl(int in, int out) {
  layers_ = register_module(
      "layers",
      nn::Sequential(nn::Conv2d(nn::Conv2dOptions(in, out, 3).stride(1).padding(1).bias(true)),
                     nn::BatchNorm2d(out), nn::ReLU(),
                     nn::Conv2d(nn::Conv2dOptions(out, out, 3).stride(1).padding(1).bias(true)),
                     nn::BatchNorm2d(out), nn::ReLU()));
}

torch::Tensor ConvBlockImpl::forward(const torch::Tensor& x) { return layers_->forward(x); }

DownImpl::DownImpl(int in, int out) {
  conv_ = register_module("conv", ConvBlock(in, out));
  pool_ = register_module("pool", nn::MaxPool2d(nn::MaxPool2dOptions(2).stride(2).ceil_mode(true)));
}

torch::Tensor DownImpl::forward(const torch::Tensor& x) { return pool_(conv_(x)); }

UpImpl::UpImpl(int in, int out, SkipJoin join) : join_(join) {
  up_ =
      register_module("up", nn::ConvTranspose2d(nn::ConvTranspose2dOptions(in, out, 2).stride(2)));
  conv_ = register_module("conv", ConvBlock(in, out));
}

torch::Tensor upsample(const torch::nn::ConvTranspose2d& up, const torch::Tensor& x) {
  const torch::Tensor& w = up->weight;  // [in, out, 2, 2]
  TORCH_CHECK(w.size(2) == 2 && w.size(3) == 2 && up->options.stride()->at(0) == 2 &&
                  up->options.stride()->at(1) == 2,
              "upsample takes a 2x2 transposed convolution of stride 2");
  const std::int64_t in = w.size(0), out = w.size(1);
  // Channel o * 4 + 2 a + b of the 1x1 convolution is output pixel (2 i + a, 2 j + b) of
  // channel o, which is the order pixel_shuffle reads.
  const torch::Tensor kernel = w.permute({1, 2, 3, 0}).reshape({out * 4, in, 1, 1});
  return torch::pixel_shuffle(torch::conv2d(x, kernel, up->bias.repeat_interleave(4)), 2);
}

torch::Tensor upsample_to(const torch::nn::ConvTranspose2d& up, const torch::Tensor& x,
                          const torch::Tensor& skip) {
  const torch::Tensor out = upsample(up, x);
  TORCH_CHECK(out.size(2) >= skip.size(2) && out.size(3) >= skip.size(3), "upsampled ", out.size(2),
              " x ", out.size(3), " is smaller than its skip of ", skip.size(2), " x ",
              skip.size(3));
  return out.slice(2, 0, skip.size(2)).slice(3, 0, skip.size(3));
}

torch::Tensor model_window(const torch::Tensor& top, const NetworkConfig& config, int first) {
  TORCH_CHECK(top.size(2) >= first + config.nz && top.size(3) >= first + config.nx, "input of ",
              top.size(2), " x ", top.size(3), " after the decoder is too small for a ", config.nz,
              " x ", config.nx, " model");
  return top.slice(2, first, first + config.nz).slice(3, first, first + config.nx).contiguous();
}

torch::Tensor UpImpl::forward(const torch::Tensor& skip, const torch::Tensor& deeper) {
  if (join_ == SkipJoin::cropped)
    return conv_(torch::cat({skip, upsample_to(up_, deeper, skip)}, 1));
  const torch::Tensor up = upsample(up_, deeper);
  const std::int64_t rows = up.size(2) - skip.size(2), cols = up.size(3) - skip.size(3);
  // Centred zero padding: left and top get the floor of half the difference.
  const torch::Tensor padded = nn::functional::pad(
      skip, nn::functional::PadFuncOptions({cols / 2, (cols + 1) / 2, rows / 2, (rows + 1) / 2}));
  return conv_(torch::cat({padded, up}, 1));
}

FcnvmbImpl::FcnvmbImpl(const NetworkConfig& config, int width) : VelocityNetImpl(config) {
  const int w = width > 0 ? width : config.width;
  down1_ = register_module("down1", Down(config.shots, w));
  down2_ = register_module("down2", Down(w, 2 * w));
  down3_ = register_module("down3", Down(2 * w, 4 * w));
  down4_ = register_module("down4", Down(4 * w, 8 * w));
  centre_ = register_module("centre", ConvBlock(8 * w, 16 * w));
  up4_ = register_module("up4", Up(16 * w, 8 * w));
  up3_ = register_module("up3", Up(8 * w, 4 * w));
  up2_ = register_module("up2", Up(4 * w, 2 * w));
  up1_ = register_module("up1", Up(2 * w, w));
  final_ = register_module("final", nn::Conv2d(nn::Conv2dOptions(w, 1, 1)));
}

std::vector<std::pair<std::string, torch::Tensor>> FcnvmbImpl::stages(const torch::Tensor& x) {
  const auto d1 = down1_(x), d2 = down2_(d1), d3 = down3_(d2), d4 = down4_(d3);
  const auto c = centre_(d4);
  const auto u4 = up4_(d4, c), u3 = up3_(d3, u4), u2 = up2_(d2, u3), u1 = up1_(d1, u2);
  // The reference crops from index 1.
  return {{"down1", d1}, {"down2", d2},
          {"down3", d3}, {"down4", d4},
          {"centre", c}, {"up4", u4},
          {"up3", u3},   {"up2", u2},
          {"up1", u1},   {"output", final_(model_window(u1, config(), 1))}};
}

}  // namespace vmb::network
