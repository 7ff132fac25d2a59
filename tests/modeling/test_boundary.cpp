// Test 3: CPML of width 20 at order 8 against a reference on a grid large enough that nothing
// returns from its edges inside the recording window.
//
// Homogeneous v = 2000 m/s, 10 m grid, Ricker 15 Hz, 0.8 s window. Normal incidence: a source in
// the centre of a 101 x 101 model and receivers on its edges. Grazing incidence: source and
// receivers (offsets 100 to 1200 m) on a line 20 m below the top edge of a 61 x 301 model, so the
// wave runs along the top absorbing layer. Criterion: at every receiver, the largest difference
// from the reference within the window is at most 1 % of that receiver's direct-wave peak.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace {

constexpr double kV = 2000.0, kH = 10.0, kF0 = 15.0, kDt = 1e-3;
constexpr int kNt = 800;
constexpr int kMargin =
    90;  // cells added on each side of the reference: 2 * 900 m > 2000 m/s * 0.8 s

// Largest per-receiver ratio max|trace - reference| / max|reference|.
double worst_ratio(int nz, int nx, const vmb::Survey& survey) {
  const auto wavelet = vmb::ricker(kF0, kNt, kDt);
  vmb::SolverOptions options;  // order 8, width 20
  const auto g =
      vmb::simulate(vmb::VelocityModel(nz, nx, kH, kH, kV), survey, wavelet, {kNt, kDt}, options);
  vmb::Survey shifted = survey;
  const double shift = kMargin * kH;
  for (auto* list : {&shifted.sources, &shifted.receivers})
    for (auto& pos : *list) pos = {pos.x + shift, pos.z + shift};
  const auto ref = vmb::simulate(vmb::VelocityModel(nz + 2 * kMargin, nx + 2 * kMargin, kH, kH, kV),
                                 shifted, wavelet, {kNt, kDt}, options);
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

TEST(Boundary, NoAbsorbingLayerAgreesUntilTheEdgeReflectionArrives) {
  // Odd sizes exercise vectors that run past the model into the zero nodes. Without absorbing
  // layers the edges are rigid (p = 0): the traces agree with the absorbing run until the first
  // edge reflection arrives, then differ by a reflection's worth.
  const vmb::VelocityModel model(37, 53, kH, kH, kV);
  const vmb::Survey survey{{{260.0, 180.0}}, {{300.0, 180.0}}};
  const int nt = 400;
  const auto wavelet = vmb::ricker(25.0, nt, kDt);  // peak at 60 ms, lasting about 40 ms each side
  vmb::SolverOptions rigid, absorbing;
  rigid.pml_width = 0;
  const auto a = vmb::simulate(model, survey, wavelet, {nt, kDt}, rigid);
  const auto b = vmb::simulate(model, survey, wavelet, {nt, kDt}, absorbing);
  double peak = 0.0;
  for (float v : b.data) peak = std::max(peak, double(std::abs(v)));
  // The top and bottom edges are 180 m away: the reflection travels 362 m, arriving at 181 ms
  // plus the wavelet's delay; its front (40 ms early) is after 190 ms.
  double before = 0.0, after = 0.0;
  for (int it = 0; it < nt; ++it) {
    const double d = std::abs(a(0, it, 0) - b(0, it, 0));
    (it < 190 ? before : after) = std::max(it < 190 ? before : after, d);
  }
  std::printf("rigid vs absorbing edges: %.1e of the peak before the reflection, %.2f after\n",
              before / peak, after / peak);
  EXPECT_LT(before, 1e-4 * peak);
  EXPECT_GT(after, 0.05 * peak);
}
