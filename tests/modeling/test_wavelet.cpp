// Ricker wavelet, band-limited resampling and the time-step rule.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "vmb/modeling/resample.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/wavelet.hpp"

TEST(Wavelet, RickerPeaksAtItsDelay) {
  const auto w = vmb::ricker(15.0, 400, 1e-3);
  const auto peak = std::max_element(w.begin(), w.end()) - w.begin();
  EXPECT_EQ(peak, 100);  // 1.5 / 15 Hz = 100 ms
  EXPECT_FLOAT_EQ(w[100], 1.0f);
  EXPECT_LT(std::abs(w[0]), 2e-8);  // (1 - 4.5 pi^2) exp(-2.25 pi^2) = -1e-8
  EXPECT_NEAR(vmb::peak_frequency(w, 1e-3), 15.0, 0.5);
  EXPECT_NEAR(vmb::max_frequency(w, 1e-3), 2.5 * 15.0, 1.0);
}

TEST(Wavelet, UpsamplingIsBandLimitedInterpolation) {
  // The upsampled coarse Ricker equals the Ricker sampled finely, and passes through the samples.
  const double f0 = 20.0, dt = 2e-3;
  const int factor = 3;
  const auto coarse = vmb::ricker(f0, 300, dt);
  const auto fine = vmb::upsample(coarse, factor);
  const auto exact = vmb::ricker(f0, 300 * factor, dt / factor);
  ASSERT_EQ(fine.size(), exact.size());
  for (std::size_t i = 0; i < fine.size(); ++i) EXPECT_NEAR(fine[i], exact[i], 2e-5) << i;
  for (std::size_t i = 0; i < coarse.size(); ++i) EXPECT_NEAR(fine[i * factor], coarse[i], 1e-6);
}

TEST(TimeStep, SubstepsKeepTheInternalStepWithinTheLimit) {
  for (int order : {2, 4, 6, 8}) {
    const double limit = vmb::kStabilityMargin * vmb::stability_limit(order, 4500.0, 10.0, 10.0);
    EXPECT_EQ(vmb::substeps_for(limit, order, 4500.0, 10.0, 10.0), 1);
    EXPECT_EQ(vmb::substeps_for(limit * 1.01, order, 4500.0, 10.0, 10.0), 2);
  }
  // Order 2 in 2D: the classic Courant limit v dt / dx <= 1 / sqrt(2).
  EXPECT_NEAR(vmb::stability_limit(2, 1000.0, 10.0, 10.0), 10.0 / 1000.0 / std::sqrt(2.0), 1e-12);
}
