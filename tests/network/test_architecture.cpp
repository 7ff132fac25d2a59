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

// The skip is padded to the upsampled tensor with the odd cell at the bottom and right: with the
// upsampling silenced and the convolutions passing the skip channel straight through, the output
// is the padded skip itself, so a swapped split moves the ones.
TEST(Architecture, SkipPaddingSplitIsCentredWithTheOddCellLast) {
  torch::NoGradGuard no_grad;
  vmb::network::Up up(2, 1);
  up->eval();
  for (auto& p : up->named_parameters()) {
    const std::string& name = p.key();
    torch::Tensor& t = p.value();
    if (name.rfind("up.", 0) == 0 || name.find("bias") != std::string::npos) {
      t.zero_();
    } else if (t.dim() == 4) {  // a 3 x 3 convolution: the identity on input channel 0, the skip
      t.zero_();
      t[0][0][1][1] = 1.0f;
    }
  }
  const auto skip = torch::ones({1, 1, 3, 5});
  const auto deeper = torch::ones({1, 2, 3, 3});  // upsampled to 6 x 6: 3 rows, 1 column to pad
  const auto out = up->forward(skip, deeper);
  ASSERT_EQ(out.sizes().vec(), (std::vector<std::int64_t>{1, 1, 6, 6}));
  for (int r = 0; r < 6; ++r)
    for (int c = 0; c < 6; ++c) {
      const bool inside = r >= 1 && r < 4 && c >= 0 && c < 5;  // top 1, bottom 2, left 0, right 1
      EXPECT_NEAR(out[0][0][r][c].item<float>(), inside ? 1.0f : 0.0f, 1e-4)
          << "row " << r << ", column " << c;
    }
}

// The decoder's upsampling is the transposed convolution, computed another way: the same values
// and the same gradients for the input, the weights and the bias, on an odd-sized input.
TEST(Architecture, UpsampleIsTheTransposedConvolution) {
  torch::manual_seed(3);
  torch::nn::ConvTranspose2d up(torch::nn::ConvTranspose2dOptions(6, 3, 2).stride(2));
  const auto x = torch::randn({2, 6, 5, 7}, torch::requires_grad());
  const auto weights = torch::randn({2, 3, 10, 14});  // a fixed linear functional of the output

  const auto expected = up->forward(x);
  (expected * weights).sum().backward();
  const auto grad_x = x.grad().clone(), grad_w = up->weight.grad().clone(),
             grad_b = up->bias.grad().clone();
  x.grad().zero_();
  up->zero_grad();

  const auto got = vmb::network::upsample(up, x);
  ASSERT_EQ(got.sizes(), expected.sizes());
  EXPECT_LE((got - expected).abs().max().item<float>(), 1e-5f);
  (got * weights).sum().backward();
  EXPECT_LE((x.grad() - grad_x).abs().max().item<float>(), 1e-5f);
  EXPECT_LE((up->weight.grad() - grad_w).abs().max().item<float>(), 1e-4f);
  EXPECT_LE((up->bias.grad() - grad_b).abs().max().item<float>(), 1e-4f);
  EXPECT_GT(grad_b.abs().max().item<float>(), 1.0f);  // the gradients compared are not all zero
}
