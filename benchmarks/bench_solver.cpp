// Solver throughput in grid-point updates per second (padded grid, absorbing layers included).
//
//   build/benchmarks/bench_solver [--repeat N] [--threads T] [--case fcnvmb|large|all]
//
// (a) fcnvmb: the FCNVMB geometry: 201 x 301 at 10 m, 29 shots, 301 receivers, 2000 steps of
//     1 ms, order 8, CPML 20, vmb::demo_model (layers and salt, 2000 to 4500 m/s).
// (b) large: one 2000 x 2000 shot, 10 m, 1000 steps of 1 ms, order 8, CPML 20.
// Prints the best of N runs (default 3) with its wall time.

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace {

void run_case(const char* name, const vmb::VelocityModel& model, int nshots, int nt, int repeat,
              int threads) {
  const double dt = 1e-3;
  vmb::Survey survey{vmb::evenly_spaced(nshots, 0.0, model.width_m(), 10.0),
                     vmb::evenly_spaced(model.nx, 0.0, model.width_m(), 10.0)};
  vmb::SolverOptions options;
  options.threads = threads;
  const auto wavelet = vmb::ricker(15.0, nt, dt);
  double best = 1e30;
  int substeps = 1;
  for (int r = 0; r < repeat; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto g = vmb::simulate(model, survey, wavelet, {nt, dt}, options);
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    substeps = g.substeps;
  }
  const int pml = options.pml_width;
  const double points = double(model.nz + 2 * pml) * (model.nx + 2 * pml);
  const double updates = points * nshots * double(nt - 1) * substeps;
  std::printf(
      "%-7s %4d x %4d, %2d shots, %d steps (%d sub-steps), order 8, %d threads: "
      "%.3f s, %.2f G updates/s\n",
      name, model.nz, model.nx, nshots, (nt - 1) * substeps, substeps, threads, best,
      updates / best * 1e-9);
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 3, threads = omp_get_max_threads();
  std::string which = "all";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    if (key == "--repeat")
      repeat = std::atoi(argv[i + 1]);
    else if (key == "--threads")
      threads = std::atoi(argv[i + 1]);
    else if (key == "--case")
      which = argv[i + 1];
    else {
      std::fprintf(stderr, "bench_solver: unknown option %s\n", key.c_str());
      return 2;
    }
  }
  if (which == "all" || which == "fcnvmb")
    run_case("fcnvmb", vmb::demo_model(201, 301, 10.0), 29, 2000, repeat, threads);
  if (which == "all" || which == "large")
    run_case("large", vmb::demo_model(2000, 2000, 10.0), 1, 1000, repeat, threads);
  return 0;
}
