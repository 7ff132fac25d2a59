#include "vmb/network/inversionnet.hpp"

#include "vmb/network/error.hpp"

namespace vmb::network {
namespace {

namespace nn = torch::nn;

// Convolution (kernel, stride, padding per axis) -> BatchNorm -> LeakyReLU(0.2).
nn::Sequential conv(int in, int out, std::vector<std::int64_t> kernel,
                    std::vector<std::int64_t> stride, std::vector<std::int64_t> padding) {
  return nn::Sequential(
      nn::Conv2d(nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding)),
      nn::BatchNorm2d(out), nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)));
}

nn::Sequential conv3(int in, int out, int stride = 1) {
  return conv(in, out, {3, 3}, {stride, stride}, {1, 1});
}

// Transposed convolution -> BatchNorm -> LeakyReLU(0.2).
nn::Sequential deconv(int in, int out, std::vector<std::int64_t> kernel, int padding) {
  return nn::Sequential(
      nn::ConvTranspose2d(nn::ConvTranspose2dOptions(in, out, kernel).stride(2).padding(padding)),
      nn::BatchNorm2d(out), nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)));
}

std::int64_t halved(std::int64_t n) { return (n + 1) / 2; }

}  // namespace

NetworkConfig openfwi_inversionnet() { return {"inversionnet", 5, 1000, 70, 70, 70, 32}; }

InversionNetImpl::InversionNetImpl(const NetworkConfig& config) : VelocityNetImpl(config) {
  const auto& c = config;
  if (c.shots < 1 || c.nt < 1 || c.nrec < 1 || c.nz < 1 || c.nx < 1 || c.width < 1)
    throw NetworkError("InversionNet needs positive shots, nt, nrec, nz, nx and width");
  const int w = c.width;
  // The map the encoder leaves: four halvings of time, then three of both axes.
  std::int64_t t = c.nt, r = c.nrec;
  for (int i = 0; i < 4; ++i) t = halved(t);
  for (int i = 0; i < 3; ++i) t = halved(t), r = halved(r);
  encoder_ = {{"convblock1", conv(c.shots, w, {7, 1}, {2, 1}, {3, 0})},
              {"convblock2_1", conv(w, 2 * w, {3, 1}, {2, 1}, {1, 0})},
              {"convblock2_2", conv(2 * w, 2 * w, {3, 1}, {1, 1}, {1, 0})},
              {"convblock3_1", conv(2 * w, 2 * w, {3, 1}, {2, 1}, {1, 0})},
              {"convblock3_2", conv(2 * w, 2 * w, {3, 1}, {1, 1}, {1, 0})},
              {"convblock4_1", conv(2 * w, 4 * w, {3, 1}, {2, 1}, {1, 0})},
              {"convblock4_2", conv(4 * w, 4 * w, {3, 1}, {1, 1}, {1, 0})},
              {"convblock5_1", conv3(4 * w, 4 * w, 2)},
              {"convblock5_2", conv3(4 * w, 4 * w)},
              {"convblock6_1", conv3(4 * w, 8 * w, 2)},
              {"convblock6_2", conv3(8 * w, 8 * w)},
              {"convblock7_1", conv3(8 * w, 8 * w, 2)},
              {"convblock7_2", conv3(8 * w, 8 * w)},
              {"convblock8", conv(8 * w, 16 * w, {t, r}, {1, 1}, {0, 0})}};
  const std::int64_t kz = (c.nz + 15) / 16, kx = (c.nx + 15) / 16;
  decoder_ = {
      {"deconv1_1", deconv(16 * w, 16 * w, {kz, kx}, 0)}, {"deconv1_2", conv3(16 * w, 16 * w)},
      {"deconv2_1", deconv(16 * w, 8 * w, {4, 4}, 1)},    {"deconv2_2", conv3(8 * w, 8 * w)},
      {"deconv3_1", deconv(8 * w, 4 * w, {4, 4}, 1)},     {"deconv3_2", conv3(4 * w, 4 * w)},
      {"deconv4_1", deconv(4 * w, 2 * w, {4, 4}, 1)},     {"deconv4_2", conv3(2 * w, 2 * w)},
      {"deconv5_1", deconv(2 * w, w, {4, 4}, 1)},         {"deconv5_2", conv3(w, w)}};
  for (auto& [name, block] : encoder_) register_module(name, block);
  for (auto& [name, block] : decoder_) register_module(name, block);
  output_ =
      register_module("deconv6", nn::Sequential(nn::Conv2d(nn::Conv2dOptions(w, 1, 3).padding(1)),
                                                nn::BatchNorm2d(1), nn::Tanh()));
}

std::vector<std::pair<std::string, torch::Tensor>> InversionNetImpl::stages(
    const torch::Tensor& x) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  torch::Tensor y = x;
  for (auto& [name, block] : encoder_) out.emplace_back(name, y = block->forward(y));
  for (auto& [name, block] : decoder_) out.emplace_back(name, y = block->forward(y));
  const int nz = config().nz, nx = config().nx;
  const std::int64_t top = (y.size(2) - nz) / 2, left = (y.size(3) - nx) / 2;
  out.emplace_back("crop", y = y.slice(2, top, top + nz).slice(3, left, left + nx));
  out.emplace_back("deconv6", output_->forward(y));
  return out;
}

}  // namespace vmb::network
