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
#include <string>

#include "driver.hpp"
#include "options.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace {

namespace po = boost::program_options;

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

class BenchSolver {
 public:
  static po::options_description options() {
    po::options_description o("bench_solver");
    o.add_options()("repeat", vmb::cli::positive<int>("repeat")->default_value(3),
                    "runs of each case; the best counts")(
        "case", po::value<std::string>()->default_value("all"), "fcnvmb | large | all");
    o.add(vmb::cli::threads_options());
    return o;
  }
  explicit BenchSolver(const po::variables_map& vm)
      : repeat_(vm["repeat"].as<int>()), which_(vm["case"].as<std::string>()) {
    if (which_ != "all" && which_ != "fcnvmb" && which_ != "large")
      throw vmb::cli::UsageError("--case must be fcnvmb, large or all");
  }
  void run() const {
    const int threads = omp_get_max_threads();
    if (which_ == "all" || which_ == "fcnvmb")
      run_case("fcnvmb", vmb::demo_model(201, 301, 10.0), 29, 2000, repeat_, threads);
    if (which_ == "all" || which_ == "large")
      run_case("large", vmb::demo_model(2000, 2000, 10.0), 1, 1000, repeat_, threads);
  }

 private:
  int repeat_;
  std::string which_;
};

}  // namespace

int main(int argc, char** argv) {
  return vmb::cli::run_tool<BenchSolver>(argc, argv, "bench_solver", "[options]");
}
