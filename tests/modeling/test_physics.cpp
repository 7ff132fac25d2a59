// Physics beyond the square grid: a rectangular grid (dz != dx), an off-grid source's amplitude,
// and the free surface's ghost, each against the 2D Green's function (support/analytic.hpp).
//
// v = 2000 m/s, Ricker f0 = 16.7 Hz (12 points per wavelength at 10 m), dt = 0.25 ms, order 8:
// the setting in which the square-grid test (test_analytic.cpp) holds order 8 to 0.3 %.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "analytic.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace {

constexpr double kV = 2000.0, kDt = 2.5e-4, kF0 = kV / 120.0;
constexpr int kNt = 2400;

std::vector<double> trace(const vmb::Gathers& g, int ir) {
  std::vector<double> t(g.nt);
  for (int it = 0; it < g.nt; ++it) t[it] = g(0, it, ir);
  return t;
}

std::vector<double> green(double r) {
  return vmb::test::green_trace(vmb::ricker(kF0, kNt, kDt), kDt, kNt, r, kV);
}

}  // namespace

TEST(Physics, RectangularGridMatchesGreensFunction) {
  // dz = 7.5 m, dx = 10 m; receivers along x, along z and on the diagonal.
  const vmb::VelocityModel model(161, 121, 7.5, 10.0, static_cast<float>(kV));
  vmb::Survey survey;
  survey.sources = {{400.0, 450.0}};
  survey.receivers = {{750.0, 450.0}, {400.0, 825.0}, {650.0, 690.0}};
  const auto g = vmb::simulate(model, survey, vmb::ricker(kF0, kNt, kDt), {kNt, kDt});
  ASSERT_EQ(g.substeps, 1);
  for (int ir = 0; ir < 3; ++ir) {
    const auto& rec = survey.receivers[ir];
    const double r = std::hypot(rec.x - 400.0, rec.z - 450.0);
    const double error = vmb::test::relative_l2(trace(g, ir), green(r));
    std::printf("dz 7.5 m, dx 10 m, receiver %d (%.1f m): relative L2 error %.3f %%\n", ir, r,
                100 * error);
    EXPECT_LE(error, 0.003) << "receiver " << ir;
  }
}

TEST(Physics, OffGridSourceHasTheAnalyticAmplitude) {
  // The source between nodes in both directions; the receivers on nodes.
  const vmb::VelocityModel model(121, 161, 10.0, 10.0, static_cast<float>(kV));
  vmb::Survey survey;
  survey.sources = {{503.7, 604.2}};
  survey.receivers = {{850.0, 600.0}, {500.0, 300.0}};
  const auto g = vmb::simulate(model, survey, vmb::ricker(kF0, kNt, kDt), {kNt, kDt});
  for (int ir = 0; ir < 2; ++ir) {
    const auto& rec = survey.receivers[ir];
    const double r = std::hypot(rec.x - 503.7, rec.z - 604.2);
    const auto got = trace(g, ir), exact = green(r);
    const double peak_ratio =
        got[vmb::test::peak_index(exact)] / exact[vmb::test::peak_index(exact)];
    const double error = vmb::test::relative_l2(got, exact);
    std::printf("off-grid source, r %.1f m: relative L2 error %.3f %%, peak ratio %.4f\n", r,
                100 * error, peak_ratio);
    EXPECT_NEAR(peak_ratio, 1.0, 0.01) << "receiver " << ir;
    EXPECT_LE(error, 0.01) << "receiver " << ir;
  }
}

TEST(Physics, FreeSurfaceGhostHasOppositeSignAndTheImageDelay) {
  // Source and receiver 100 m deep, 400 m apart, under a free surface: the trace is the direct
  // wave minus the wave of the image source 100 m above the surface (p = 0 at z = 0).
  const vmb::VelocityModel model(121, 161, 10.0, 10.0, static_cast<float>(kV));
  vmb::Survey survey;
  survey.sources = {{400.0, 100.0}};
  survey.receivers = {{800.0, 100.0}};
  vmb::SolverOptions options;
  options.free_surface = true;
  const auto g = vmb::simulate(model, survey, vmb::ricker(kF0, kNt, kDt), {kNt, kDt}, options);
  const double r_direct = 400.0, r_image = std::hypot(400.0, 200.0);
  const auto direct = green(r_direct), image = green(r_image);
  std::vector<double> exact(kNt), ghost(kNt), got = trace(g, 0);
  for (int it = 0; it < kNt; ++it) {
    exact[it] = direct[it] - image[it];
    ghost[it] = got[it] - direct[it];
  }
  const double error = vmb::test::relative_l2(got, exact);
  // The ghost alone: the image wave with its sign flipped, at the image's travel time.
  const int ghost_peak = vmb::test::peak_index(ghost), image_peak = vmb::test::peak_index(image);
  std::printf("free surface: relative L2 error %.3f %%, ghost peak at %.2f ms (image %.2f ms)\n",
              100 * error, 1e3 * ghost_peak * kDt, 1e3 * image_peak * kDt);
  EXPECT_LE(error, 0.01);
  EXPECT_LE(std::abs(ghost_peak - image_peak), 2) << "ghost delay";
  EXPECT_LT(ghost[ghost_peak] * image[image_peak], 0.0) << "ghost sign";
  EXPECT_LE(vmb::test::relative_l2(std::vector<double>(ghost),
                                   [&] {
                                     std::vector<double> flipped(image);
                                     for (double& x : flipped) x = -x;
                                     return flipped;
                                   }()),
            0.02);
}
