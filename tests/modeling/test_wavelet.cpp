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

TEST(Wavelet, DecimationKeepsTheBandAndDropsWhatWouldAlias) {
  // 1 ms -> 5 ms (new Nyquist 100 Hz). A 15 Hz Ricker survives; a 350 Hz tone, which plain
  // sample-picking folds onto 50 Hz in the band, is removed up to the leakage of its finite
  // 2 s record (about 1 / (pi * 250 Hz * 2 s) = 6e-4).
  const int n = 2000;
  const auto pulse = vmb::ricker(15.0, n, 1e-3);
  const auto coarse = vmb::ricker(15.0, n / 5, 5e-3);
  std::vector<float> noisy(n);
  for (int i = 0; i < n; ++i) noisy[i] = pulse[i] + static_cast<float>(std::sin(2 * M_PI * 350 * i * 1e-3));
  const auto d = vmb::decimate(noisy, 5);
  ASSERT_EQ(d.size(), 400u);
  // The record stops mid-cycle of the tone: within a few output samples of its ends the filter
  // rings (an edge effect of any filter on a finite record); beyond them it must be clean.
  double filtered = 0.0, picked = 0.0;
  int worst = 0;
  for (int i = 10; i < 390; ++i) {
    const double e = std::abs(d[i] - coarse[i]);
    if (e > filtered) worst = i;
    filtered = std::max(filtered, e);
    picked = std::max(picked, double(std::abs(noisy[5 * i] - coarse[i])));
  }
  EXPECT_LT(filtered, 2e-3) << "at output sample " << worst;
  EXPECT_GT(picked, 0.5);  // without the filter the tone aliases in at full strength
  // A clean band-limited pulse comes through to round-off.
  const auto clean = vmb::decimate(pulse, 5);
  for (int i = 0; i < 400; ++i) EXPECT_NEAR(clean[i], coarse[i], 1e-5) << i;
}
