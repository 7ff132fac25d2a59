// Ricker wavelet, band-limited resampling and the time-step rule.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "vmb/modeling/error.hpp"
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
  for (int i = 0; i < n; ++i)
    noisy[i] = pulse[i] + static_cast<float>(std::sin(2 * M_PI * 350 * i * 1e-3));
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

// The energy of a Ricker wavelet above a frequency, from its closed-form spectrum, against the
// discrete spectrum of a finely sampled Ricker (a direct DFT of the same samples).
TEST(Wavelet, EnergyAboveAFrequencyMatchesTheSampledSpectrum) {
  const double f0 = 25.0, dt = 1e-4;
  const int n = 4000;  // 0.4 s: the wavelet (peak at 60 ms) has decayed to 1e-40
  const auto w = vmb::ricker(f0, n, dt);
  const double df = 1.0 / (n * dt);
  std::vector<double> energy(n / 2);
  for (int k = 0; k < n / 2; ++k) {
    double re = 0.0, im = 0.0;
    for (int i = 0; i < n; ++i) {
      re += w[i] * std::cos(2 * M_PI * k * i / n);
      im -= w[i] * std::sin(2 * M_PI * k * i / n);
    }
    energy[k] = re * re + im * im;
  }
  double total = 0.0;
  for (double e : energy) total += e;
  for (double f : {10.0, 25.0, 26.0, 40.0, 60.0}) {
    // Bin k stands for [k - 1/2, k + 1/2] df; the one that holds f counts with its share above f.
    double above = 0.0;
    for (int k = 0; k < n / 2; ++k)
      above += energy[k] * std::clamp((k * df + df / 2 - f) / df, 0.0, 1.0);
    EXPECT_NEAR(vmb::ricker_energy_above(f0, f), above / total, 2e-3) << f << " Hz";
  }
  // Half the energy lies above f0 / kRickerNyquistRatio.
  EXPECT_NEAR(vmb::ricker_energy_above(f0, f0 / vmb::kRickerNyquistRatio), 0.5, 1e-3);
}

TEST(Wavelet, RickerMostlyAboveTheNyquistFrequencyIsRefused) {
  const double dt = 1e-3, nyquist = 500.0;
  EXPECT_NO_THROW(vmb::ricker(0.95 * vmb::kRickerNyquistRatio * nyquist, 100, dt));
  try {
    vmb::ricker(1.05 * vmb::kRickerNyquistRatio * nyquist, 100, dt);
    FAIL() << "no error";
  } catch (const vmb::ModelingError& e) {
    EXPECT_NE(std::string(e.what()).find("above the Nyquist frequency 500 Hz"), std::string::npos)
        << e.what();
  }
}
