// Test 3: CPML of width 20 at order 8 against a reference on a grid large enough that nothing
// returns from its edges inside the recording window.
//
// Homogeneous v = 2000 m/s, 10 m grid, Ricker 15 Hz, 0.8 s window. Normal incidence: a source in
// the centre of a 101 x 101 model and receivers on its edges. Grazing incidence: source and
// receivers (offsets 100 to 1200 m) on a line 20 m below the top edge of a 61 x 301 model, so the
// wave runs along the top absorbing layer. Criterion: at every receiver, the largest difference from the reference within
// the window is at most 1 % of that receiver's direct-wave peak.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace {

constexpr double kV = 2000.0, kH = 10.0, kF0 = 15.0, kDt = 1e-3;
constexpr int kNt = 800;
constexpr int kMargin = 90;  // cells added on each side of the reference: 2 * 900 m > 2000 m/s * 0.8 s

// Largest per-receiver ratio max|trace - reference| / max|reference|.
double worst_ratio(int nz, int nx, const vmb::Survey& survey) {
  const auto wavelet = vmb::ricker(kF0, kNt, kDt);
  vmb::SolverOptions options;  // order 8, width 20
  const auto g = vmb::simulate(vmb::VelocityModel(nz, nx, kH, kH, kV), survey, wavelet,
                               {kNt, kDt}, options);
  vmb::Survey shifted = survey;
  const double shift = kMargin * kH;
  for (auto* list : {&shifted.sources, &shifted.receivers})
    for (auto& pos : *list) pos = {pos.x + shift, pos.z + shift};
  const auto ref = vmb::simulate(
      vmb::VelocityModel(nz + 2 * kMargin, nx + 2 * kMargin, kH, kH, kV), shifted, wavelet,
      {kNt, kDt}, options);
  double worst = 0.0;
  for (int ir = 0; ir < g.nrec; ++ir) {
    double diff = 0.0, peak = 0.0;
    for (int it = 0; it < kNt; ++it) {
      diff = std::max(diff, double(std::abs(g(0, it, ir) - ref(0, it, ir))));
      peak = std::max(peak, double(std::abs(ref(0, it, ir))));
    }
    worst = std::max(worst, diff / peak);
  }
  return worst;
}

}  // namespace

TEST(Boundary, NormalIncidence) {
  vmb::Survey survey;
  survey.sources = {{500.0, 500.0}};
  for (double s = 0; s <= 1000.0; s += 50.0)
    for (vmb::Position p : {vmb::Position{s, 0.0}, {s, 1000.0}, {0.0, s}, {1000.0, s}})
      survey.receivers.push_back(p);
  const double ratio = worst_ratio(101, 101, survey);
  std::printf("normal incidence: worst difference %.3f %% of the direct-wave peak\n", 100 * ratio);
  EXPECT_LE(ratio, 0.01);
}

TEST(Boundary, GrazingIncidence) {
  vmb::Survey survey;
  survey.sources = {{200.0, 20.0}};
  for (double x = 300.0; x <= 1400.0; x += 100.0) survey.receivers.push_back({x, 20.0});
  const double ratio = worst_ratio(61, 301, survey);
  std::printf("grazing incidence: worst difference %.3f %% of the direct-wave peak\n", 100 * ratio);
  EXPECT_LE(ratio, 0.01);
}
