// Test 2: the error against the analytic solution falls at the order of the stencil as dx halves.
//
// v = 2000 m/s, Ricker f0 = 10 Hz, receiver 300 m from the source. dx = 20, 10, 5 m; dt = 50 us
// for every grid (Courant number at most 0.05), small enough that the second-order time error
// stays well below the finest spatial error of order 4.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "analytic.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace {

double error_for(int order, double h) {
  const double v = 2000.0, f0 = 10.0, dt = 5e-5, offset = 300.0;
  const int nt = 7000;  // 0.35 s: the pulse has passed the receiver
  const double size = 1200.0;
  const int n = static_cast<int>(std::lround(size / h)) + 1;
  vmb::VelocityModel model(n, n, h, h, static_cast<float>(v));
  vmb::Survey survey;
  survey.sources = {{size / 2 - offset / 2, size / 2}};
  survey.receivers = {{size / 2 + offset / 2, size / 2}};
  const auto wavelet = vmb::ricker(f0, nt, dt);
  vmb::SolverOptions options;
  options.order = order;
  const auto g = vmb::simulate(model, survey, wavelet, {nt, dt}, options);
  std::vector<double> trace(g.data.begin(), g.data.end());
  return vmb::test::relative_l2(trace, vmb::test::green_trace(wavelet, dt, nt, offset, v));
}

// Least-squares slope of log(error) against log(h).
double fitted_order(const std::vector<double>& h, const std::vector<double>& e) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double n = static_cast<double>(h.size());
  for (std::size_t i = 0; i < h.size(); ++i) {
    const double x = std::log(h[i]), y = std::log(e[i]);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

}  // namespace

class Convergence : public ::testing::TestWithParam<int> {};

TEST_P(Convergence, ErrorFallsAtTheOrderOfTheStencil) {
  const int order = GetParam();
  const std::vector<double> spacing = {20.0, 10.0, 5.0};
  std::vector<double> errors;
  for (double h : spacing) {
    errors.push_back(error_for(order, h));
    std::printf("order %d dx %4.1f m: relative L2 error %.3e\n", order, h, errors.back());
  }
  const double slope = fitted_order(spacing, errors);
  std::printf("order %d: fitted convergence rate %.2f\n", order, slope);
  EXPECT_NEAR(slope, order, 0.2 * order);
}

INSTANTIATE_TEST_SUITE_P(Orders, Convergence, ::testing::Values(2, 4));
