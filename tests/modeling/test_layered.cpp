// Test 5: the reflection from a flat interface arrives at its two-way time.
//
// v1 = 2000 m/s down to the interface, v2 = 3000 m/s below; rows z <= 590 m hold v1 and rows
// z >= 600 m hold v2, so the interface lies midway, at 595 m. Source and receiver share the point
// (1000 m, 100 m). The reflected wave alone is the trace minus the trace of the same shot in the
// model without the interface; at normal incidence it is the field of an image source 990 m away
// scaled by R = (v2 - v1) / (v2 + v1) = 0.2, whose peak time the analytic 2D solution gives.

#include <gtest/gtest.h>

#include <cstdio>

#include "analytic.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/wavelet.hpp"

TEST(Layered, ReflectionArrivesAtTheTwoWayTime) {
  const double v1 = 2000.0, v2 = 3000.0, h = 10.0, dt = 1e-3;
  const int nt = 900;
  vmb::VelocityModel layered(121, 201, h, h, static_cast<float>(v1));
  for (int iz = 60; iz < layered.nz; ++iz)
    for (int ix = 0; ix < layered.nx; ++ix) layered.at(iz, ix) = static_cast<float>(v2);
  const vmb::VelocityModel homogeneous(121, 201, h, h, static_cast<float>(v1));
  const vmb::Survey survey{{{1000.0, 100.0}}, {{1000.0, 100.0}}};
  const auto wavelet = vmb::ricker(15.0, nt, dt);
  const auto full = vmb::simulate(layered, survey, wavelet, {nt, dt});
  const auto direct = vmb::simulate(homogeneous, survey, wavelet, {nt, dt});
  std::vector<double> reflected(nt);
  for (int it = 0; it < nt; ++it) reflected[it] = full(0, it, 0) - direct(0, it, 0);

  const double path = 2.0 * (595.0 - 100.0);
  const auto expected = vmb::test::green_trace(wavelet, dt, nt, path, v1);
  const int picked = vmb::test::peak_index(reflected);
  const int predicted = vmb::test::peak_index(expected);
  std::printf("reflection peak at sample %d, predicted %d (two-way time %.1f ms + wavelet delay)\n",
              picked, predicted, 1e3 * path / v1);
  EXPECT_LE(std::abs(picked - predicted), 1);
  // Same polarity as the incident wave: a positive reflection coefficient.
  EXPECT_GT(reflected[picked] * expected[predicted], 0.0);
}
