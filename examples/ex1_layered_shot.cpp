// vmbkit example 1: shots over a layered model with a salt body.
//
// Shows how to call the solver directly from C++: build a velocity model, lay out a surface
// survey, make a Ricker wavelet, simulate, and read the gathers. It checks the first arrivals
// against offset / v of the top layer, so the numbers it prints can be trusted at a glance.
//
// Run:  build/examples/ex1_layered_shot [nshots]        (default 5 shots)
//
// Steps:
//   1. A 201 x 301 model at 10 m: five layers from 2000 to 4000 m/s and a 4500 m/s salt dome.
//      (vmb::demo_model; writing your own is a loop over model.at(iz, ix).)
//   2. Sources evenly along the surface at 10 m depth; a receiver at every column, 10 m deep.
//   3. A 15 Hz Ricker wavelet, 2000 samples of 1 ms.
//   4. Simulate all shots (in parallel over shots) with the default order 8 and CPML 20.
//   5. Print what the solver chose and the first-break check for the middle shot.

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "vmb/modeling/error.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/wavelet.hpp"

int main(int argc, char** argv) {
  try {
    const int nshots = argc > 1 ? std::atoi(argv[1]) : 5;
    if (nshots <= 0) throw vmb::ModelingError("nshots must be positive");

    // 1. The model, [nz][nx] with x fastest, m/s: the toolkit's layered demo model.
    const vmb::VelocityModel model = vmb::demo_model(201, 301, 10.0);

    // 2. The survey, positions in metres.
    const vmb::Survey survey{vmb::evenly_spaced(nshots, 0.0, model.width_m(), 10.0),
                             vmb::evenly_spaced(model.nx, 0.0, model.width_m(), 10.0)};

    // 3. The wavelet at the output step.
    const vmb::TimeAxis time{2000, 1e-3};
    const double f0 = 15.0;
    const auto wavelet = vmb::ricker(f0, time.nt, time.dt);

    // 4. Simulate.
    const auto start = std::chrono::steady_clock::now();
    const vmb::Gathers gathers = vmb::simulate(model, survey, wavelet, time);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    // 5. Report.
    std::printf(
        "%d shots x %d samples x %d receivers in %.2f s (internal dt %.3g s, %d sub-step%s)\n",
        gathers.nshots, gathers.nt, gathers.nrec, seconds, gathers.internal_dt, gathers.substeps,
        gathers.substeps > 1 ? "s" : "");
    for (const auto& w : gathers.warnings) std::printf("warning: %s\n", w.c_str());
    const int shot = nshots / 2;
    const double sx = survey.sources[shot].x, v_top = model.at(0, 0);
    std::printf(
        "shot %d at x = %.0f m: direct-wave peaks (in 2D the waveform peaks about 7 ms\n"
        "after offset / v + wavelet delay, the tail of the 2D Green's function)\n",
        shot, sx);
    std::printf("  offset (m)   picked (ms)   offset / v + delay (ms)\n");
    bool failed = false;
    for (int ir = 0; ir < gathers.nrec; ir += 50) {
      const double offset = std::abs(survey.receivers[ir].x - sx);
      if (offset < 200.0 || offset > 1500.0) continue;
      const double predicted = offset / v_top + vmb::ricker_delay(f0);
      // Search a window around the prediction: the direct wave's peak.
      int best = 0;
      float peak = 0.0f;
      for (int it = 0; it < gathers.nt; ++it) {
        if (std::abs(it * time.dt - predicted) > 0.05) continue;
        if (std::abs(gathers(shot, it, ir)) > peak) {
          peak = std::abs(gathers(shot, it, ir));
          best = it;
        }
      }
      std::printf("  %9.0f   %11.0f   %23.1f\n", offset, best * 1e3 * time.dt, predicted * 1e3);
      // The pick lies 0 to 15 ms after the prediction (the 2D waveform's lag, a sample of
      // rounding): anything else means the solver, the survey or the wavelet is wrong.
      const double lag = best * time.dt - predicted;
      if (!(lag >= 0.0 && lag <= 0.015)) {
        std::fprintf(stderr,
                     "ex1_layered_shot: the direct wave at offset %.0f m peaks %.1f ms "
                     "from offset / v + delay, not 0 to 15 ms after it\n",
                     offset, lag * 1e3);
        failed = true;
      }
    }
    return failed ? 1 : 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ex1_layered_shot: %s\n", e.what());
    return 1;
  }
}
