// The network is the authors' reference U-Net: parameter count and every stage's shape.

#include <gtest/gtest.h>

#include "vmb/network/fcnvmb.hpp"

TEST(Architecture, PaperSizeParametersAndStageShapes) {
  vmb::network::Fcnvmb net(vmb::network::NetworkConfig{29, 64, 201, 301});
  EXPECT_EQ(vmb::network::parameter_count(*net), 31058497);
  torch::NoGradGuard no_grad;
  net->eval();
  const auto stages = net->stages(torch::zeros({1, 29, 400, 301}));
  const std::vector<std::pair<std::string, std::vector<std::int64_t>>> expected = {
      {"down1", {1, 64, 200, 151}}, {"down2", {1, 128, 100, 76}},  {"down3", {1, 256, 50, 38}},
      {"down4", {1, 512, 25, 19}},  {"centre", {1, 1024, 25, 19}}, {"up4", {1, 512, 50, 38}},
      {"up3", {1, 256, 100, 76}},   {"up2", {1, 128, 200, 152}},   {"up1", {1, 64, 400, 304}},
      {"output", {1, 1, 201, 301}}};
  ASSERT_EQ(stages.size(), expected.size());
  for (std::size_t i = 0; i < stages.size(); ++i) {
    EXPECT_EQ(stages[i].first, expected[i].first);
    EXPECT_EQ(stages[i].second.sizes().vec(), expected[i].second) << expected[i].first;
  }
}

TEST(Architecture, SmallPresetsAndSkipPadding) {
  // A narrow network on small inputs: odd sizes make every skip need centred padding.
  vmb::network::Fcnvmb net(vmb::network::NetworkConfig{5, 4, 35, 47});
  const auto out = net->forward(torch::randn({2, 5, 61, 47}));
  EXPECT_EQ(out.sizes().vec(), (std::vector<std::int64_t>{2, 1, 35, 47}));
  // Too small an input for the model size is an error, not a crash.
  EXPECT_THROW(net->forward(torch::randn({1, 5, 16, 16})), c10::Error);
}
