// The CPML medium (modeling/src/medium.hpp): v^2 dt^2 on the padded grid with the model edge
// replicated outward, and absorbing coefficients that vanish in the model and grow smoothly
// towards the outer edge.

#include <gtest/gtest.h>

#include <cmath>

#include "medium.hpp"
#include "stencil.hpp"

namespace {

TEST(Medium, VelocityReplicatedIntoTheLayersAndZeroBeyond) {
  vmb::VelocityModel model(12, 9, 10.0, 10.0, 2000.0f);
  for (int iz = 0; iz < model.nz; ++iz)
    for (int ix = 0; ix < model.nx; ++ix) model.at(iz, ix) = 1500.0f + 100.0f * iz + 10.0f * ix;
  const double dt = 1e-3;
  const auto g = vmb::detail::make_grid(model, 8, 5, false);
  const auto m = vmb::detail::make_medium(model, g, dt, 15.0);
  const float* vdt2 = m.vdt2.data();
  auto expected = [&](int iz, int ix) {
    const double v = model.at(std::clamp(iz, 0, model.nz - 1), std::clamp(ix, 0, model.nx - 1));
    return static_cast<float>(v * v * dt * dt);
  };
  for (int iz = -g.top; iz < model.nz + g.bottom; ++iz)
    for (int ix = -g.left; ix < model.nx + g.right; ++ix)
      ASSERT_EQ(vdt2[g.index(iz, ix)], expected(iz, ix)) << iz << ", " << ix;
  double outside = 0.0;
  for (std::size_t i = 0; i < g.size(); ++i) outside += vdt2[i];
  for (int iz = -g.top; iz < model.nz + g.bottom; ++iz)
    for (int ix = -g.left; ix < model.nx + g.right; ++ix) outside -= vdt2[g.index(iz, ix)];
  EXPECT_NEAR(outside, 0.0, 1e-9) << "halo and alignment nodes hold no velocity";
}

TEST(Medium, PmlProfileVanishesInTheModelAndGrowsOutward) {
  const int n_model = 30, lo = 10, hi = 7, offset = 4;
  std::vector<float> a, b;
  vmb::detail::pml_profile(n_model, lo, hi, offset, 10.0, 3000.0, 15.0, 1e-3, a, b, 60);
  ASSERT_EQ(a.size(), 60u);
  for (int j = 0; j < lo + n_model + hi; ++j) {
    const bool absorbing = j < lo || j >= lo + n_model;
    if (!absorbing) {
      EXPECT_EQ(a[j + offset], 0.0f);
      EXPECT_EQ(b[j + offset], 0.0f);
      continue;
    }
    EXPECT_LT(a[j + offset], 0.0f) << j;
    EXPECT_GT(b[j + offset], 0.0f) << j;
    EXPECT_LT(b[j + offset], 1.0f) << j;
  }
  for (int j = 0; j < offset; ++j) EXPECT_EQ(a[j], 0.0f);
  for (int j = offset + lo + n_model + hi; j < 60; ++j) EXPECT_EQ(a[j], 0.0f);
  // Damping grows towards the outer edge on both sides: b falls.
  for (int j = 1; j < lo; ++j) EXPECT_LT(b[offset + j - 1], b[offset + j]);
  for (int j = lo + n_model + 1; j < lo + n_model + hi; ++j)
    EXPECT_LT(b[offset + j], b[offset + j - 1]);
  // The outermost cell: d = d0, alpha = 0, so b = exp(-d0 dt) with d0 = -4 vmax ln(R) / (2 L).
  const double d0 = -4.0 * 3000.0 * std::log(vmb::detail::kPmlReflection) / (2.0 * lo * 10.0);
  EXPECT_NEAR(b[offset], std::exp(-d0 * 1e-3), 1e-6);
}

TEST(Medium, CoefficientsScaledBySpacing) {
  const auto c = vmb::detail::make_coefficients(8, 10.0, 5.0);
  const auto c2 = vmb::detail::second_derivative_coefficients(8);
  const auto c1 = vmb::detail::first_derivative_coefficients(8);
  for (int k = 0; k < 5; ++k) {
    EXPECT_FLOAT_EQ(c.cx[k], static_cast<float>(c2[k] / 100.0));
    EXPECT_FLOAT_EQ(c.cz[k], static_cast<float>(c2[k] / 25.0));
    EXPECT_FLOAT_EQ(c.gx[k], static_cast<float>(c1[k] / 10.0));
    EXPECT_FLOAT_EQ(c.gz[k], static_cast<float>(c1[k] / 5.0));
  }
}

}  // namespace
