// Test 1: homogeneous medium against the wavelet convolved with the 2D Green's function,
// amplitude included.
//
// v = 2000 m/s, dx = dz = 10 m, Ricker f0 = 16.7 Hz: 12 grid points per wavelength at the peak
// frequency (4.8 at fmax = 2.5 f0). Receivers at 200, 350 and 500 m from the source (1.7 to 4.2
// wavelengths). dt = 0.25 ms (Courant number 0.05) keeps the time error far below the spatial one.
// The dispersion error grows with the distance travelled; the printed figures go into
// docs/solver.md.

#include <gtest/gtest.h>

#include <cstdio>

#include "analytic.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace {

constexpr double kV = 2000.0, kH = 10.0, kDt = 2.5e-4;
constexpr double kF0 = kV / (12 * kH);
constexpr int kNt = 2400;

class Analytic : public ::testing::TestWithParam<std::pair<int, double>> {};

TEST_P(Analytic, HomogeneousMatchesGreensFunction) {
  const auto [order, tolerance] = GetParam();
  const std::vector<double> offsets = {200.0, 350.0, 500.0};
  vmb::VelocityModel model(121, 161, kH, kH, static_cast<float>(kV));
  vmb::Survey survey;
  survey.sources = {{500.0, 600.0}};
  for (double off : offsets) survey.receivers.push_back({500.0 + off, 600.0});
  const auto wavelet = vmb::ricker(kF0, kNt, kDt);
  vmb::SolverOptions options;
  options.order = order;
  const vmb::Gathers g = vmb::simulate(model, survey, wavelet, {kNt, kDt}, options);
  ASSERT_EQ(g.substeps, 1);
  for (std::size_t ir = 0; ir < offsets.size(); ++ir) {
    std::vector<double> trace(kNt);
    for (int it = 0; it < kNt; ++it) trace[it] = g(0, it, static_cast<int>(ir));
    const auto exact = vmb::test::green_trace(wavelet, kDt, kNt, offsets[ir], kV);
    const double error = vmb::test::relative_l2(trace, exact);
    std::printf("order %d offset %3.0f m: relative L2 error %.3f %%\n", order, offsets[ir],
                100 * error);
    EXPECT_LE(error, tolerance) << "offset " << offsets[ir] << " m";
  }
}

INSTANTIATE_TEST_SUITE_P(Orders, Analytic,
                         ::testing::Values(std::pair{4, 0.05}, std::pair{6, 0.01},
                                           std::pair{8, 0.003}));

}  // namespace
