// The cost of one misfit gradient against one forward simulation of the same shots, and the
// memory of each.
//
//   build/benchmarks/bench_fwi [--repeat N] [--threads T] [--shots N]
//
// FCNVMB geometry: vmb::demo_model (201 x 301 at 10 m), 301 receivers, 2000 steps of 1 ms, order
// 8, CPML 20; observed data from the same model with its layers 3 % slower. Prints the best of N
// runs (default 2) of simulate() and of misfit_gradient(), their ratio, and the peak resident
// memory of each (Linux's VmHWM, reset between them), beside what keeping every time step of the
// forward wavefield would take; and the gradient imaging every step (SolverOptions::imaging_every
// 1, checkpointed) for comparison with the default, which images every few steps.

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "driver.hpp"
#include "options.hpp"
#include "vmb/modeling/gradient.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace {

namespace po = boost::program_options;

// Peak resident memory of this process since the last reset, MiB (0 where /proc does not say).
double peak_mib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmHWM:") {
      double kib = 0;
      status >> kib;
      return kib / 1024.0;
    }
    status.ignore(1 << 12, '\n');
  }
  return 0.0;
}

// Resets the peak to the current resident memory (Linux 4.0 and later).
void reset_peak() { std::ofstream("/proc/self/clear_refs") << "5"; }

template <class F>
double best_of(int repeat, F&& f) {
  double best = 1e30;
  for (int r = 0; r < repeat; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

class BenchFwi {
 public:
  static po::options_description options() {
    po::options_description o("bench_fwi");
    o.add_options()("repeat", vmb::cli::positive<int>("repeat")->default_value(2),
                    "runs of each; the best counts")(
        "shots", vmb::cli::positive<int>("shots")->default_value(29), "shots (FCNVMB: 29)");
    o.add(vmb::cli::threads_options());
    return o;
  }
  explicit BenchFwi(const po::variables_map& vm)
      : repeat_(vm["repeat"].as<int>()), shots_(vm["shots"].as<int>()) {}

  void run() const {
    const auto model = vmb::demo_model(201, 301, 10.0);
    vmb::VelocityModel observed_model = model;
    for (float& v : observed_model.velocity)
      if (v < 4400.0f) v *= 0.97f;
    const int nt = 2000;
    const double dt = 1e-3;
    const vmb::Survey survey{vmb::evenly_spaced(shots_, 0.0, model.width_m(), 10.0),
                             vmb::evenly_spaced(model.nx, 0.0, model.width_m(), 10.0)};
    const auto wavelet = vmb::ricker(15.0, nt, dt);
    vmb::SolverOptions options;
    options.max_velocity = model.max_velocity();
    const auto observed = vmb::simulate(observed_model, survey, wavelet, {nt, dt}, options);

    reset_peak();
    const double base = peak_mib();
    const double forward = best_of(repeat_, [&] {
      vmb::simulate(model, survey, wavelet, {nt, dt}, options);
    });
    const double forward_mib = peak_mib() - base;
    reset_peak();
    double misfit = 0;
    const double gradient = best_of(repeat_, [&] {
      misfit = vmb::misfit_gradient(model, survey, wavelet, {nt, dt}, observed, options).misfit;
    });
    const double gradient_mib = peak_mib() - base;
    reset_peak();
    vmb::SolverOptions every_step = options;
    every_step.imaging_every = 1;
    const double exact = best_of(repeat_, [&] {
      vmb::misfit_gradient(model, survey, wavelet, {nt, dt}, observed, every_step);
    });
    const double exact_mib = peak_mib() - base;
    const int pml = options.pml_width;
    const double every_step_mib = double(model.nz + 2 * pml) * (model.nx + 2 * pml) * nt * 4.0 /
                                  (1 << 20) * std::min(shots_, omp_get_max_threads());
    std::printf(
        "FCNVMB geometry: 201 x 301, %d shots, 301 receivers, %d steps of 1 ms, order 8, CPML "
        "%d, %d threads\n",
        shots_, nt - 1, pml, omp_get_max_threads());
    std::printf("  forward simulation       %8.3f s   peak memory %+8.1f MiB\n", forward,
                forward_mib);
    std::printf("  misfit and gradient      %8.3f s   peak memory %+8.1f MiB   (J %.4e)\n",
                gradient, gradient_mib, misfit);
    std::printf("  gradient / forward       %8.2f\n", gradient / forward);
    std::printf(
        "  every step imaged        %8.3f s   peak memory %+8.1f MiB   (checkpointed; %.2f x "
        "forward)\n",
        exact, exact_mib, exact / forward);
    std::printf("  every forward step kept  would take %.0f MiB for the shots running at once\n",
                every_step_mib);
  }

 private:
  int repeat_;
  int shots_;
};

}  // namespace

int main(int argc, char** argv) {
  return vmb::cli::run_tool<BenchFwi>(argc, argv, "bench_fwi", "[options]");
}
