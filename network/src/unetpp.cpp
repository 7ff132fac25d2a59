#include "vmb/network/unetpp.hpp"

namespace vmb::network {

namespace nn = torch::nn;

UnetPlusPlusImpl::UnetPlusPlusImpl(const NetworkConfig& config)
    : VelocityNetImpl(config), blocks_(kLevels), ups_(kLevels) {
  const auto channels = [&](int i) { return config.width << i; };
  for (int i = 0; i < kLevels; ++i)
    for (int j = 0; i + j < kLevels; ++j) {
      const std::string node = std::to_string(i) + std::to_string(j);
      const int in = j == 0 ? (i == 0 ? config.shots : channels(i - 1)) : (j + 1) * channels(i);
      blocks_[i].push_back(register_module("x" + node, ConvBlock(in, channels(i))));
      ups_[i].push_back(
          j == 0 ? nn::ConvTranspose2d(nullptr)
                 : register_module(
                       "up" + node,
                       nn::ConvTranspose2d(
                           nn::ConvTranspose2dOptions(channels(i + 1), channels(i), 2).stride(2))));
    }
  pool_ = register_module("pool", nn::MaxPool2d(nn::MaxPool2dOptions(2).stride(2).ceil_mode(true)));
  final_ = register_module("final", nn::Conv2d(nn::Conv2dOptions(config.width, 1, 1)));
}

std::vector<std::pair<std::string, torch::Tensor>> UnetPlusPlusImpl::stages(
    const torch::Tensor& x) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  std::vector<std::vector<torch::Tensor>> node(kLevels, std::vector<torch::Tensor>(kLevels));
  const auto keep = [&](int i, int j, torch::Tensor t) {
    out.emplace_back("x" + std::to_string(i) + std::to_string(j), t);
    node[i][j] = std::move(t);
  };
  // Computed by anti-diagonals of the encoder: X(i,0) as soon as it exists, then every nested
  // node it completes, as the reference implementation orders them.
  for (int k = 0; k < kLevels; ++k) {
    keep(k, 0, blocks_[k][0](k == 0 ? x : pool_(node[k - 1][0])));
    for (int j = 1; j <= k; ++j) {
      const int i = k - j;
      std::vector<torch::Tensor> inputs(node[i].begin(), node[i].begin() + j);
      inputs.push_back(upsample_to(ups_[i][j], node[i + 1][j - 1], node[i][0]));
      keep(i, j, blocks_[i][j](torch::cat(inputs, 1)));
    }
  }
  const auto& top = node[0][kLevels - 1];
  out.emplace_back("output", final_(model_window(top, config())));
  return out;
}

}  // namespace vmb::network
