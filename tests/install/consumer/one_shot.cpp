// One shot through an installed vmbkit::modeling: the direct wave in a homogeneous model arrives
// at offset / velocity. Exits non-zero when it does not.

#include <cmath>
#include <cstdio>

#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/wavelet.hpp"

int main() {
  // 1. A homogeneous 2000 m/s model of 60 x 120 cells of 10 m, one source and one receiver
  //    800 m apart.
  const vmb::VelocityModel model(60, 120, 10.0, 10.0, 2000.0f);
  const vmb::Survey survey{{{200.0, 300.0}}, {{1000.0, 300.0}}};
  // 2. A 15 Hz Ricker (peak at 0.1 s), 1 s at 1 ms.
  const int nt = 1000;
  const double dt = 1e-3;
  const auto gathers = vmb::simulate(model, survey, vmb::ricker(15.0, nt, dt), {nt, dt});
  // 3. The trace's largest value comes after the wavelet's peak plus the travel time.
  int pick = 0;
  for (int it = 0; it < nt; ++it)
    if (std::abs(gathers(0, it, 0)) > std::abs(gathers(0, pick, 0))) pick = it;
  const double expected_s = 0.1 + 800.0 / 2000.0;
  std::printf("one_shot: direct wave at %.3f s (travel time plus wavelet peak: %.3f s)\n",
              pick * dt, expected_s);
  return pick * dt > expected_s && pick * dt < expected_s + 0.05 ? 0 : 1;
}
