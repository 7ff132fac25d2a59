// Resampling a model to another grid: block averages inside, the edge beyond, nearest nodes when
// refining, and bad grids refused.

#include <gtest/gtest.h>

#include "vmb/modeling/error.hpp"
#include "vmb/modeling/model.hpp"

namespace {

// v = 1500 + z + 2 x (z, x in m): linear, so a symmetric block's mean is its centre's value.
vmb::VelocityModel linear_model() {
  vmb::VelocityModel m(201, 301, 10.0, 10.0);
  for (int iz = 0; iz < m.nz; ++iz)
    for (int ix = 0; ix < m.nx; ++ix) m.at(iz, ix) = float(1500.0 + 10.0 * iz + 20.0 * ix);
  return m;
}

}  // namespace

TEST(Resample, CoarserGridTakesBlockMeans) {
  // The FCNVMB grid (201 x 301 at 10 m) to the quick preset's (51 x 77 at 40 m).
  const auto coarse = vmb::resample(linear_model(), 51, 77, 40.0, 40.0);
  ASSERT_EQ(coarse.nz, 51);
  ASSERT_EQ(coarse.nx, 77);
  EXPECT_DOUBLE_EQ(coarse.dx, 40.0);
  for (int iz = 1; iz < 50; ++iz)
    for (int ix = 1; ix < 75; ++ix)  // x = 40 ix; column 75 is at 3000 m, the old edge
      ASSERT_NEAR(coarse.at(iz, ix), 1500.0 + 40.0 * iz + 80.0 * ix, 1e-3) << iz << ", " << ix;
  // At the surface the block is cut in half: the mean of rows 0, 1 and 2 (0, 10, 20 m).
  EXPECT_NEAR(coarse.at(0, 10), 1500.0 + 10.0 + 800.0, 1e-3);
  // Column 76 (3040 m) lies beyond the old model (3000 m): it takes the edge column.
  EXPECT_NEAR(coarse.at(20, 76), 1500.0 + 800.0 + 6000.0, 1e-3);
}

TEST(Resample, FinerGridTakesNearestNodes) {
  vmb::VelocityModel m(2, 2, 10.0, 10.0);
  m.velocity = {1500.0f, 2000.0f, 2500.0f, 3000.0f};
  const auto fine = vmb::resample(m, 5, 5, 2.5, 2.5);  // spacing 2.5 m: nodes at 0 .. 10 m
  EXPECT_FLOAT_EQ(fine.at(0, 0), 1500.0f);
  EXPECT_FLOAT_EQ(fine.at(0, 1), 1500.0f);  // 2.5 m from the first node, 7.5 from the second
  EXPECT_FLOAT_EQ(fine.at(0, 3), 2000.0f);
  EXPECT_FLOAT_EQ(fine.at(4, 4), 3000.0f);
}

TEST(Resample, BadGridsAreRefused) {
  const auto m = linear_model();
  EXPECT_THROW(vmb::resample(m, 0, 10, 10.0, 10.0), vmb::ModelingError);
  EXPECT_THROW(vmb::resample(m, 10, 10, -1.0, 10.0), vmb::ModelingError);
  vmb::VelocityModel bad(2, 2, 10.0, 10.0, -5.0f);
  EXPECT_THROW(vmb::resample(bad, 2, 2, 10.0, 10.0), vmb::ModelingError);
}
