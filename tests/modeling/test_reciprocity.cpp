// Test 4: swapping source and receiver in a heterogeneous model gives the same trace.
//
// The discrete operator (1/v^2) D_tt - L is symmetric and sources and receivers share one
// interpolation operator, so reciprocity holds up to the CPML and float32 round-off. Positions
// are off the grid, so the Kaiser-sinc weights take part too.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace {

vmb::VelocityModel heterogeneous_model() {
  vmb::VelocityModel model(121, 161, 10.0, 10.0);
  for (int iz = 0; iz < model.nz; ++iz)
    for (int ix = 0; ix < model.nx; ++ix) {
      const double interface = 500.0 + 80.0 * std::sin(ix * 10.0 / 300.0);
      double v = iz * 10.0 < interface ? 1800.0 + 1.5 * iz * 10.0 : 3200.0;
      const double bx = ix * 10.0 - 1000.0, bz = iz * 10.0 - 900.0;
      if (bx * bx + bz * bz < 150.0 * 150.0) v = 4200.0;  // a fast body
      model.at(iz, ix) = static_cast<float>(v);
    }
  return model;
}

}  // namespace

TEST(Reciprocity, SwappingSourceAndReceiverGivesTheSameTrace) {
  const auto model = heterogeneous_model();
  const vmb::Position a{203.7, 155.2}, b{1291.4, 733.9};
  const int nt = 1200;
  const double dt = 1e-3;
  const auto wavelet = vmb::ricker(12.0, nt, dt);
  const auto ab = vmb::simulate(model, {{a}, {b}}, wavelet, {nt, dt});
  const auto ba = vmb::simulate(model, {{b}, {a}}, wavelet, {nt, dt});
  double num = 0.0, den = 0.0;
  for (int it = 0; it < nt; ++it) {
    num += std::pow(double(ab(0, it, 0)) - ba(0, it, 0), 2);
    den += std::pow(double(ab(0, it, 0)), 2);
  }
  const double rel = std::sqrt(num / den);
  std::printf("reciprocity: relative L2 difference %.2e\n", rel);
  EXPECT_GT(den, 0.0);
  EXPECT_LE(rel, 1e-3);
}
