// The networks: the authors' reference U-Net and OpenFWI's InversionNet, their parameter counts
// and every stage's shape.

#include <gtest/gtest.h>

#include <map>

#include "vmb/network/data.hpp"
#include "vmb/network/fcnvmb.hpp"
#include "vmb/network/inversionnet.hpp"

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

// InversionNet on OpenFWI's input is OpenFWI's published layer list: every block's shape (as
// OpenFWI's network.py annotates them) and 24,409,123 trainable parameters (convolutions with
// bias, BatchNorm weights and biases).
TEST(Architecture, InversionNetOpenFwiShapesAndParameters) {
  vmb::network::InversionNet net;
  EXPECT_EQ(vmb::network::parameter_count(*net), 24409123);
  torch::NoGradGuard no_grad;
  net->eval();
  const auto stages = net->stages(torch::zeros({1, 5, 1000, 70}));
  using Shape = std::vector<std::int64_t>;
  const std::vector<std::pair<std::string, Shape>> expected = {
      {"convblock1", {1, 32, 500, 70}},   {"convblock2_1", {1, 64, 250, 70}},
      {"convblock2_2", {1, 64, 250, 70}}, {"convblock3_1", {1, 64, 125, 70}},
      {"convblock3_2", {1, 64, 125, 70}}, {"convblock4_1", {1, 128, 63, 70}},
      {"convblock4_2", {1, 128, 63, 70}}, {"convblock5_1", {1, 128, 32, 35}},
      {"convblock5_2", {1, 128, 32, 35}}, {"convblock6_1", {1, 256, 16, 18}},
      {"convblock6_2", {1, 256, 16, 18}}, {"convblock7_1", {1, 256, 8, 9}},
      {"convblock7_2", {1, 256, 8, 9}},   {"convblock8", {1, 512, 1, 1}},
      {"deconv1_1", {1, 512, 5, 5}},      {"deconv1_2", {1, 512, 5, 5}},
      {"deconv2_1", {1, 256, 10, 10}},    {"deconv2_2", {1, 256, 10, 10}},
      {"deconv3_1", {1, 128, 20, 20}},    {"deconv3_2", {1, 128, 20, 20}},
      {"deconv4_1", {1, 64, 40, 40}},     {"deconv4_2", {1, 64, 40, 40}},
      {"deconv5_1", {1, 32, 80, 80}},     {"deconv5_2", {1, 32, 80, 80}},
      {"crop", {1, 32, 70, 70}},          {"deconv6", {1, 1, 70, 70}}};
  ASSERT_EQ(stages.size(), expected.size());
  for (std::size_t i = 0; i < stages.size(); ++i) {
    EXPECT_EQ(stages[i].first, expected[i].first);
    EXPECT_EQ(stages[i].second.sizes().vec(), expected[i].second) << expected[i].first;
  }
  const auto out = stages.back().second;
  EXPECT_LE(out.abs().max().item<float>(), 1.0f);  // the tanh
}

// Other geometries: the last encoder kernel takes the map the halvings leave, the decoder grows to
// 16 ceil(n / 16) and crops centred (floor of half the excess at the top and left).
TEST(Architecture, InversionNetAdaptsToOtherGeometries) {
  vmb::network::InversionNet net(vmb::network::InversionNetConfig{29, 400, 301, 201, 301, 4});
  torch::NoGradGuard no_grad;
  net->eval();
  const auto stages = net->stages(torch::zeros({1, 29, 400, 301}));
  std::map<std::string, std::vector<std::int64_t>> shape;
  for (const auto& [name, t] : stages) shape[name] = t.sizes().vec();
  EXPECT_EQ(shape["convblock7_2"], (std::vector<std::int64_t>{1, 32, 4, 38}));  // 400 -> 25 -> 4
  EXPECT_EQ(shape["convblock8"], (std::vector<std::int64_t>{1, 64, 1, 1}));
  EXPECT_EQ(shape["deconv1_1"], (std::vector<std::int64_t>{1, 64, 13, 19}));
  EXPECT_EQ(shape["deconv5_2"], (std::vector<std::int64_t>{1, 4, 208, 304}));
  EXPECT_EQ(shape["deconv6"], (std::vector<std::int64_t>{1, 1, 201, 301}));
  EXPECT_THROW(vmb::network::InversionNet(vmb::network::InversionNetConfig{5, 0, 70, 70, 70, 32}),
               vmb::NetworkError);
}
