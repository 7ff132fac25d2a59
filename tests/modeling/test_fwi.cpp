// FWI (fwi.hpp): the band filter, the smooth starting model, an inversion that recovers a lens
// with every accepted step lowering the misfit, and bad settings refused.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "vmb/modeling/error.hpp"
#include "vmb/modeling/fwi.hpp"
#include "vmb/modeling/resample.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace {

// The amplitude of a sinusoid over a whole number of its periods: sqrt(2) times its RMS.
double amplitude(const std::vector<float>& s, int from) {
  double sum = 0.0;
  for (std::size_t i = from; i < s.size(); ++i) sum += double(s[i]) * s[i];
  return std::sqrt(2.0 * sum / (s.size() - from));
}

std::vector<float> cosine(double f_hz, int nt, double dt) {
  std::vector<float> s(nt);
  for (int i = 0; i < nt; ++i) s[i] = float(std::cos(2.0 * M_PI * f_hz * i * dt));
  return s;
}

vmb::VelocityModel layered(int nz, int nx) {
  vmb::VelocityModel m(nz, nx, 10.0, 10.0);
  for (int iz = 0; iz < nz; ++iz)
    for (int ix = 0; ix < nx; ++ix) m.at(iz, ix) = float(iz < 4 ? 1500.0 : 1900.0 + 20.0 * iz);
  return m;
}

bool in_lens(int iz, int ix) { return (iz - 18) * (iz - 18) + (ix - 24) * (ix - 24) < 25; }

}  // namespace

// The Butterworth gain at five frequencies, measured over the last second of two (the transients
// of its sharpest section decay with a time constant of 61 ms), and the filter commuting with the
// solver: filtered wavelet in, filtered traces out.
TEST(Fwi, LowpassHasTheButterworthGainAndCommutesWithTheSolver) {
  const int nt = 2000;
  const double dt = 1e-3;
  for (double f : {4.0, 8.0, 10.0, 12.0, 20.0}) {
    const double r = std::tan(M_PI * f * dt) / std::tan(M_PI * 10.0 * dt);
    const double a = amplitude(vmb::lowpass(cosine(f, nt, dt), dt, 10.0), 1000);
    EXPECT_NEAR(a, 1.0 / std::sqrt(1.0 + std::pow(r, 12)), 1e-4) << f;
  }
  EXPECT_EQ(vmb::lowpass(cosine(4.0, nt, dt), dt, 600.0), cosine(4.0, nt, dt));
  EXPECT_THROW(vmb::lowpass(cosine(4.0, nt, dt), dt, 0.0), vmb::ModelingError);

  const auto model = layered(30, 40);
  const vmb::Survey survey{{{200.0, 20.0}}, vmb::evenly_spaced(8, 0.0, model.width_m(), 20.0)};
  const vmb::TimeAxis time{500, dt};
  const auto wavelet = vmb::ricker(20.0, time.nt, dt);
  const auto traces = vmb::simulate(model, survey, wavelet, time);
  const auto from_filtered = vmb::simulate(model, survey, vmb::lowpass(wavelet, dt, 8.0), time);
  double diff = 0.0, norm = 0.0;
  std::vector<float> trace(time.nt);
  for (int r = 0; r < traces.nrec; ++r) {
    for (int t = 0; t < time.nt; ++t) trace[t] = traces(0, t, r);
    const auto filtered = vmb::lowpass(trace, dt, 8.0);
    for (int t = 0; t < time.nt; ++t) {
      diff += std::pow(double(filtered[t]) - from_filtered(0, t, r), 2);
      norm += std::pow(double(filtered[t]), 2);
    }
  }
  std::printf("filtered traces against traces of the filtered wavelet: relative %.1e\n",
              std::sqrt(diff / norm));
  EXPECT_LT(std::sqrt(diff / norm), 1e-4);
}

TEST(Fwi, SmoothedModelKeepsConstantsAndMeansAndSoftensSteps) {
  vmb::VelocityModel flat(20, 30, 10.0, 10.0, 2500.0f);
  for (float v : vmb::smoothed(flat, 40.0).velocity) ASSERT_FLOAT_EQ(v, 2500.0f);
  const auto m = layered(40, 30);
  EXPECT_EQ(vmb::smoothed(m, 0.0).velocity, m.velocity);
  const auto s = vmb::smoothed(m, 30.0);
  // The step from 1500 to 1980 m/s between rows 3 and 4 is spread over several rows.
  EXPECT_LT(s.at(4, 15) - s.at(3, 15), 0.3 * (m.at(4, 15) - m.at(3, 15)));
  EXPECT_GT(s.at(3, 15), 1500.0f);
  // Far from the step the linear gradient is kept.
  EXPECT_NEAR(s.at(20, 15), m.at(20, 15), 1e-2);
  // Rows above from_row stay sharp and are not mixed in.
  const auto below = vmb::smoothed(m, 30.0, 4);
  for (int ix = 0; ix < m.nx; ++ix) ASSERT_EQ(below.at(3, ix), 1500.0f);
  EXPECT_NEAR(below.at(4, 15), 1980.0f + 0.5f * 20.0f, 15.0f);
  EXPECT_THROW(vmb::smoothed(m, -1.0), vmb::ModelingError);
}

TEST(Fwi, RecoversALensAndEveryStepLowersTheMisfit) {
  const int nz = 36, nx = 48;
  const auto start = layered(nz, nx);
  vmb::VelocityModel truth = start;
  for (int iz = 0; iz < nz; ++iz)
    for (int ix = 0; ix < nx; ++ix)
      if (in_lens(iz, ix)) truth.at(iz, ix) += 300.0f;
  vmb::Survey survey{vmb::evenly_spaced(4, 20.0, truth.width_m() - 20.0, 20.0),
                     vmb::evenly_spaced(24, 0.0, truth.width_m(), 20.0)};
  const vmb::TimeAxis time{400, 1e-3};
  const auto wavelet = vmb::ricker(20.0, time.nt, time.dt);
  vmb::SolverOptions options;
  options.pml_width = 12;
  vmb::FwiSettings settings;
  settings.bands_hz = {12.0, 25.0};
  settings.iterations = 10;
  settings.vmin = 1400.0;
  settings.vmax = 3000.0;
  settings.fix_top = 4;
  options.max_velocity = settings.vmax;
  const auto observed = vmb::simulate(truth, survey, wavelet, time, options);

  std::vector<std::vector<double>> misfits(settings.bands_hz.size());
  int bands_done = 0;
  vmb::FwiCallbacks callbacks;
  callbacks.on_iteration = [&](const vmb::FwiIteration& it, const vmb::VelocityModel&) {
    std::printf("band %d (%.0f Hz) iteration %d: misfit %.4e (relative %.4f), %d evaluations\n",
                it.band, it.band_hz, it.iteration, it.misfit, it.relative, it.evaluations);
    misfits[it.band].push_back(it.misfit);
  };
  callbacks.on_band = [&](int band, const vmb::VelocityModel&) { bands_done = band + 1; };
  const auto result =
      vmb::fwi(start, survey, wavelet, time, observed, options, settings, callbacks);
  EXPECT_EQ(bands_done, 2);
  for (const auto& band : misfits) {
    ASSERT_GE(band.size(), 3u);
    for (std::size_t k = 1; k < band.size(); ++k) EXPECT_LT(band[k], band[k - 1]) << k;
  }
  EXPECT_LT(misfits[1].back(), 0.2 * misfits[1].front());
  double error_before = 0.0, error_after = 0.0;
  int lens = 0;
  for (int iz = 0; iz < nz; ++iz)
    for (int ix = 0; ix < nx; ++ix) {
      if (iz < settings.fix_top) {
        ASSERT_EQ(result.at(iz, ix), start.at(iz, ix));
      }
      if (!in_lens(iz, ix)) continue;
      error_before += std::abs(start.at(iz, ix) - truth.at(iz, ix));
      error_after += std::abs(result.at(iz, ix) - truth.at(iz, ix));
      ++lens;
    }
  std::printf("lens: mean error %.1f m/s before, %.1f m/s after\n", error_before / lens,
              error_after / lens);
  EXPECT_LT(error_after, 0.6 * error_before);
  EXPECT_GE(result.min_velocity(), settings.vmin);
  EXPECT_LE(result.max_velocity(), settings.vmax);
}

TEST(Fwi, BadSettingsAreRefused) {
  const auto model = layered(20, 30);
  auto message = [&](const vmb::FwiSettings& s) {
    try {
      vmb::validate(s, model);
    } catch (const vmb::ModelingError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  vmb::FwiSettings good;
  good.bands_hz = {5.0};
  EXPECT_EQ(message(good), "");
  auto s = good;
  s.bands_hz.clear();
  EXPECT_NE(message(s).find("the list of frequency bands is empty"), std::string::npos);
  s = good;
  s.bands_hz = {5.0, -1.0};
  EXPECT_NE(message(s).find("must be positive"), std::string::npos);
  s = good;
  s.vmin = 1600.0;
  EXPECT_NE(message(s).find("exclude the initial model's velocities (1500 to"), std::string::npos);
  s = good;
  s.fix_top = 20;
  EXPECT_NE(message(s).find("fix-top 20 is outside the model's 20 rows"), std::string::npos);
  s = good;
  s.iterations = 0;
  EXPECT_NE(message(s).find("iterations"), std::string::npos);
}

// Bounds that float32 cannot hold exactly: the clipped model lies inside them, so that FWI and
// its checks accept it.
TEST(Fwi, WithinBoundsStaysInsideBoundsFloatsCannotHold) {
  vmb::VelocityModel m(2, 3, 10.0, 10.0, 2000.0f);
  m.velocity = {1000.0f, 1500.0f, 2000.0f, 4930.2f, 6000.0f, 3000.0f};
  vmb::FwiSettings s;
  s.bands_hz = {5.0};
  s.vmin = 1350.1;
  s.vmax = 4930.2;
  ASSERT_GT(double(4930.2f), s.vmax);  // the float nearest the bound lies outside it
  const auto clipped = vmb::within_bounds(m, s);
  for (float v : clipped.velocity) {
    EXPECT_GE(double(v), s.vmin);
    EXPECT_LE(double(v), s.vmax);
  }
  EXPECT_NO_THROW(vmb::validate(s, clipped));
}
