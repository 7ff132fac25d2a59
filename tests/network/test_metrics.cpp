// Metrics against values computed by hand.

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "vmb/network/metrics.hpp"

TEST(Metrics, IdenticalModelsGiveSsimOneAndInfinitePsnr) {
  std::vector<float> v(20 * 30);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = 2000.0f + float(i % 37) * 50.0f;
  const auto m = vmb::network::compare(v.data(), v.data(), 20, 30, 1500.0, 4500.0);
  EXPECT_NEAR(m.paper_ssim, 1.0, 1e-12);
  EXPECT_NEAR(m.ssim, 1.0, 1e-12);
  EXPECT_EQ(m.mae, 0.0);
  EXPECT_EQ(m.rmse, 0.0);
  EXPECT_TRUE(std::isinf(m.psnr) && m.psnr > 0);
  EXPECT_TRUE(std::isinf(m.paper_psnr));
  EXPECT_EQ(vmb::network::metric_text(m.psnr), "inf");
  EXPECT_EQ(nlohmann::json::parse(vmb::network::to_json(m)).at("psnr"), "inf");
}

TEST(Metrics, HandComputedErrors) {
  // Truth 3000 everywhere, prediction off by +100 on half the cells and -100 on the other half.
  const int nz = 10, nx = 10;
  std::vector<float> truth(nz * nx, 3000.0f), pred(nz * nx);
  for (int i = 0; i < nz * nx; ++i) pred[i] = i % 2 ? 3100.0f : 2900.0f;
  const auto m = vmb::network::compare(truth.data(), pred.data(), nz, nx, 2000.0, 4000.0);
  EXPECT_DOUBLE_EQ(m.mae, 100.0);
  EXPECT_DOUBLE_EQ(m.rmse, 100.0);
  EXPECT_NEAR(m.paper_psnr, 10 * std::log10(3000.0 * 3000.0 / 10000.0), 1e-9);  // 29.54 dB
  EXPECT_NEAR(m.psnr, 10 * std::log10(2000.0 * 2000.0 / 10000.0), 1e-9);        // 26.02 dB
}

TEST(Metrics, SsimOfConstantImagesInClosedForm) {
  // Two constant images a and b. With zero padding a pixel sees window mass m (the product of the
  // 1D Gaussian masses inside the image), so mu = a m, sigma_a^2 = a^2 (m - m^2),
  // sigma_ab = a b (m - m^2), and SSIM follows in closed form, pixel by pixel.
  const int n = 23;
  // The values the float images hold (0.4f is 0.4000000059...).
  const double a = double(0.5f), b = double(0.4f), c1 = 1e-4, c2 = 9e-4;
  std::vector<float> ia(n * n, float(a)), ib(n * n, float(b));
  double g[11], gsum = 0.0;
  for (int k = 0; k < 11; ++k) gsum += g[k] = std::exp(-(k - 5.0) * (k - 5.0) / (2 * 1.5 * 1.5));
  auto mass = [&](int i) {
    double m = 0.0;
    for (int k = 0; k < 11; ++k)
      if (i + k - 5 >= 0 && i + k - 5 < n) m += g[k] / gsum;
    return m;
  };
  double expected = 0.0;
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c) {
      const double m = mass(r) * mass(c), v = m - m * m;
      expected += ((2 * a * b * m * m + c1) * (2 * a * b * v + c2)) /
                  (((a * a + b * b) * m * m + c1) * ((a * a + b * b) * v + c2));
    }
  expected /= n * n;
  EXPECT_NEAR(vmb::network::ssim(ia.data(), ib.data(), n, n, 1.0), expected, 1e-9);
  EXPECT_NEAR(vmb::network::ssim(ib.data(), ib.data(), n, n, 1.0), 1.0, 1e-12);
}

// The training loss's SSIM is the evaluation's: per image and averaged over a batch, and its
// gradient is the derivative of that value (central differences in double precision).
TEST(Metrics, SsimTensorIsTheMetricAndDifferentiable) {
  torch::manual_seed(3);
  const int rows = 13, cols = 17;
  const auto a = torch::rand({2, 1, rows, cols}), b = (a + 0.3 * torch::rand({2, 1, rows, cols}));
  double expected = 0.0;
  for (int i = 0; i < 2; ++i) {
    const auto ai = a[i].contiguous(), bi = b[i].contiguous();
    expected += vmb::ssim(ai.data_ptr<float>(), bi.data_ptr<float>(), rows, cols, 1.0) / 2;
  }
  EXPECT_NEAR(vmb::network::ssim_tensor(a, b, 1.0).item<double>(), expected, 1e-6);
  EXPECT_NEAR(vmb::network::ssim_tensor(a, a, 1.0).item<double>(), 1.0, 1e-6);
  const auto ad = a.to(torch::kDouble), bd = b.to(torch::kDouble).requires_grad_(true);
  vmb::network::ssim_tensor(ad, bd, 1.0).backward();
  const double h = 1e-6;
  for (const auto& at : {std::array<std::int64_t, 3>{0, 0, 0}, {1, 6, 8}, {0, 12, 3}}) {
    auto plus = bd.detach().clone(), minus = bd.detach().clone();
    plus[at[0]][0][at[1]][at[2]] += h;
    minus[at[0]][0][at[1]][at[2]] -= h;
    const double numeric = (vmb::network::ssim_tensor(ad, plus, 1.0).item<double>() -
                            vmb::network::ssim_tensor(ad, minus, 1.0).item<double>()) /
                           (2 * h);
    EXPECT_NEAR(bd.grad()[at[0]][0][at[1]][at[2]].item<double>(), numeric,
                1e-6 * std::max(1.0, std::abs(numeric)));
  }
}
