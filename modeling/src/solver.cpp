#include "vmb/modeling/solver.hpp"

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <memory>
#include <new>
#include <sstream>

#include "grid.hpp"
#include "kernels.hpp"
#include "medium.hpp"
#include "stencil.hpp"
#include "vmb/modeling/error.hpp"
#include "vmb/modeling/resample.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace vmb {
namespace {

[[noreturn]] void fail(const std::string& what) { throw ModelingError(what); }

void validate_inputs(const VelocityModel& model, const Survey& survey,
                     const std::vector<float>& wavelet, const TimeAxis& time,
                     const SolverOptions& options) {
  validate(model);
  if (time.nt <= 0) fail("nt must be positive");
  if (!(time.dt > 0) || !std::isfinite(time.dt)) fail("dt must be positive and finite");
  validate(options);
  if (survey.sources.empty()) fail("survey has no sources");
  if (survey.receivers.empty()) fail("survey has no receivers");
  if (wavelet.empty()) fail("wavelet is empty");
  for (float w : wavelet)
    if (!std::isfinite(w)) fail("wavelet holds a value that is not finite");
  const double tol_x = 1e-6 * model.dx, tol_z = 1e-6 * model.dz;
  auto check = [&](const Position& pos, const char* what, std::size_t i) {
    if (!std::isfinite(pos.x) || !std::isfinite(pos.z) || pos.x < -tol_x || pos.z < -tol_z ||
        pos.x > model.width_m() + tol_x || pos.z > model.depth_m() + tol_z) {
      std::ostringstream msg;
      msg << what << ' ' << i << " at (x " << pos.x << " m, z " << pos.z
          << " m) lies outside the model (x 0 to " << model.width_m() << " m, z 0 to "
          << model.depth_m() << " m)";
      fail(msg.str());
    }
  };
  for (std::size_t i = 0; i < survey.sources.size(); ++i) check(survey.sources[i], "source", i);
  for (std::size_t i = 0; i < survey.receivers.size(); ++i)
    check(survey.receivers[i], "receiver", i);
}

using detail::Coefficients;
using detail::Grid;
using detail::Medium;
using detail::PointOperator;
using detail::Workspace;

struct ShotSetup {
  const Grid* grid;
  const Coefficients* coefficients;
  const Medium* medium;
  const std::vector<PointOperator>* receivers;
  const std::vector<float>* source_function;  // at the internal step, scaled by 1 / (dx dz)
  int substeps;
  int nt;
  int snapshot_every;
  int nsnapshots;
};

// Records the receivers (and a snapshot when one is due) at output sample it.
void record(const ShotSetup& s, const float* p, std::int64_t it, float* traces, float* snapshots) {
  const Grid& g = *s.grid;
  const auto& receivers = *s.receivers;
  const int nrec = static_cast<int>(receivers.size());
  float* row = traces + it * nrec;
  for (int ir = 0; ir < nrec; ++ir) {
    float sum = 0.0f;
    for (std::size_t k = 0; k < receivers[ir].index.size(); ++k)
      sum += receivers[ir].weight[k] * p[receivers[ir].index[k]];
    row[ir] = sum;
  }
  if (snapshots && it % s.snapshot_every == 0 && it / s.snapshot_every < s.nsnapshots) {
    float* snap = snapshots + (it / s.snapshot_every) * std::size_t(g.nz) * g.nx;
    for (int iz = 0; iz < g.nz; ++iz)
      std::copy_n(p + g.index(iz, 0), g.nx, snap + std::size_t(iz) * g.nx);
  }
}

// Runs one shot on `threads` threads; returns how many ran.
template <int R>
int run_shot(const ShotSetup& s, const PointOperator& source, Workspace& w, float* traces,
             float* snapshots, int threads) {
  const std::int64_t last = static_cast<std::int64_t>(s.nt - 1) * s.substeps;
  int team = 1;
  w.reset();
#pragma omp parallel num_threads(threads)
  {
    const detail::FlushDenormals flush;
#pragma omp single nowait
    team = omp_get_num_threads();
    float* p = w.p.data();
    float* q = w.q.data();
    for (std::int64_t n = 0; n <= last; ++n) {
      if (n % s.substeps == 0) {
#pragma omp single
        record(s, p, n / s.substeps, traces, snapshots);
      }
      if (n == last) break;
      detail::advance<detail::Vec, R>(*s.coefficients, *s.medium, *s.grid, w, p, q);
#pragma omp single
      {
        const float f = (*s.source_function)[n];
        for (std::size_t k = 0; k < source.index.size(); ++k)
          q[source.index[k]] += source.weight[k] * f;
      }
      std::swap(p, q);
    }
  }
  return team;
}

int run_shot(int order, const ShotSetup& s, const PointOperator& source, Workspace& w,
             float* traces, float* snapshots, int threads) {
  switch (order) {
    case 2:
      return run_shot<1>(s, source, w, traces, snapshots, threads);
    case 4:
      return run_shot<2>(s, source, w, traces, snapshots, threads);
    case 6:
      return run_shot<3>(s, source, w, traces, snapshots, threads);
    default:
      return run_shot<4>(s, source, w, traces, snapshots, threads);
  }
}

double physical_memory_bytes() {
  return static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
}

}  // namespace

double stability_limit(int order, double vmax_m_s, double dx_m, double dz_m) {
  if (!detail::is_supported_order(order)) fail("order is not one of 2, 4, 6, 8");
  // Largest eigenvalue of the 1D stencil, at the Nyquist wavenumber: |c0| + 2 sum |ck|.
  const auto c = detail::second_derivative_coefficients(order);
  double nyquist = std::abs(c[0]);
  for (int k = 1; k < 5; ++k) nyquist += 2.0 * std::abs(c[k]);
  return 2.0 / (vmax_m_s * std::sqrt(nyquist * (1.0 / (dx_m * dx_m) + 1.0 / (dz_m * dz_m))));
}

int substeps_for(double dt_s, int order, double vmax_m_s, double dx_m, double dz_m) {
  const double limit = kStabilityMargin * stability_limit(order, vmax_m_s, dx_m, dz_m);
  const double ratio = dt_s / limit;
  if (ratio > 1e7) fail("dt is more than 1e7 times the stability limit");
  return std::max(1, static_cast<int>(std::ceil(ratio * (1.0 - 1e-12))));
}

double min_points_per_wavelength(int order) {
  switch (order) {
    case 2:
      return 10.0;
    case 4:
      return 5.0;
    case 6:
      return 4.0;
    default:
      return 3.5;
  }
}

std::string dispersion_warning(const VelocityModel& model, double fmax_hz, int order) {
  const double ppw = model.min_velocity() / (fmax_hz * std::max(model.dx, model.dz));
  if (ppw >= min_points_per_wavelength(order)) return {};
  std::ostringstream msg;
  msg.precision(3);
  msg << "only " << ppw << " grid points per shortest wavelength (vmin " << model.min_velocity()
      << " m/s, fmax " << fmax_hz << " Hz, spacing " << std::max(model.dx, model.dz)
      << " m); order " << order << " needs " << min_points_per_wavelength(order)
      << " to keep dispersion small";
  return msg.str();
}

void validate(const SolverOptions& options) {
  if (!detail::is_supported_order(options.order)) {
    std::ostringstream msg;
    msg << "order " << options.order << " is not one of 2, 4, 6, 8";
    fail(msg.str());
  }
  if (options.pml_width < 0) fail("PML width must not be negative");
  if (options.snapshot_every < 0) fail("snapshot interval must not be negative");
  if (options.threads < 0) fail("thread count must not be negative");
  if (!(options.pml_frequency >= 0) || !std::isfinite(options.pml_frequency))
    fail("PML frequency must be finite and not negative");
}

Gathers simulate(const VelocityModel& model, const Survey& survey,
                 const std::vector<float>& wavelet, const TimeAxis& time,
                 const SolverOptions& options) {
  validate_inputs(model, survey, wavelet, time, options);
  const int order = options.order;
  const int nshots = static_cast<int>(survey.sources.size());
  const int nrec = static_cast<int>(survey.receivers.size());
  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
  const bool shot_parallel = threads > 1 && nshots >= threads;
  const int workspaces = shot_parallel ? threads : 1;

  Gathers out;
  out.nshots = nshots;
  out.nt = time.nt;
  out.nrec = nrec;
  out.dt = time.dt;
  out.substeps = substeps_for(time.dt, order, model.max_velocity(), model.dx, model.dz);
  out.internal_dt = time.dt / out.substeps;
  out.snapshot_every = options.snapshot_every;
  out.nsnapshots = options.snapshot_every > 0 ? (time.nt - 1) / options.snapshot_every + 1 : 0;

  std::vector<float> source_wavelet(wavelet);
  source_wavelet.resize(time.nt, 0.0f);
  const double fmax = max_frequency(source_wavelet, time.dt);
  if (fmax > 0) {
    std::string warning = dispersion_warning(model, fmax, order);
    if (!warning.empty()) out.warnings.push_back(std::move(warning));
  }
  const double f_pml =
      options.pml_frequency > 0 ? options.pml_frequency : peak_frequency(source_wavelet, time.dt);

  const Grid grid =
      detail::make_grid(model, options.order, options.pml_width, options.free_surface);
  const double wavefield_bytes = 6.0 * 4.0 * static_cast<double>(grid.size()) * workspaces;
  const double output_bytes = 4.0 * (double(nshots) * time.nt * nrec +
                                     double(nshots) * out.nsnapshots * model.nz * model.nx);
  const double needed = wavefield_bytes + 4.0 * grid.size() + output_bytes;
  if (needed > 0.9 * physical_memory_bytes()) {
    std::ostringstream msg;
    msg.precision(3);
    msg << "grid too large: the simulation needs " << needed / (1 << 30)
        << " GiB, this machine has " << physical_memory_bytes() / (1 << 30) << " GiB";
    fail(msg.str());
  }

  try {
    const Coefficients coefficients = detail::make_coefficients(order, model.dx, model.dz);
    const Medium medium = detail::make_medium(model, grid, out.internal_dt, f_pml);
    std::vector<float> source_function = upsample(source_wavelet, out.substeps);
    for (float& f : source_function) f /= static_cast<float>(model.dx * model.dz);

    std::vector<PointOperator> sources, receivers;
    for (const auto& pos : survey.sources) {
      sources.push_back(detail::point_operator(pos, model, grid));
      // The solver adds v^2 dt^2 f / (dx dz) at the source nodes.
      for (std::size_t k = 0; k < sources.back().index.size(); ++k)
        sources.back().weight[k] *= medium.vdt2.data()[sources.back().index[k]];
    }
    for (const auto& pos : survey.receivers)
      receivers.push_back(detail::point_operator(pos, model, grid));

    out.data.assign(static_cast<std::size_t>(nshots) * time.nt * nrec, 0.0f);
    out.snapshots.assign(static_cast<std::size_t>(nshots) * out.nsnapshots * model.nz * model.nx,
                         0.0f);
    std::vector<Workspace> work;
    work.reserve(workspaces);
    for (int i = 0; i < workspaces; ++i) work.emplace_back(grid.size());

    const ShotSetup setup{&grid,      &coefficients,          &medium,
                          &receivers, &source_function,       out.substeps,
                          time.nt,    options.snapshot_every, out.nsnapshots};
    auto traces = [&](int s) { return out.data.data() + std::size_t(s) * time.nt * nrec; };
    auto snaps = [&](int s) {
      return out.nsnapshots
                 ? out.snapshots.data() + std::size_t(s) * out.nsnapshots * model.nz * model.nx
                 : nullptr;
    };
    int done = 0;
    std::exception_ptr callback_error;
    auto report = [&]() {
#pragma omp critical(vmb_simulate_progress)
      {
        ++done;
        if (options.on_shot_done && !callback_error) {
          try {
            options.on_shot_done(done, nshots);
          } catch (...) {
            callback_error = std::current_exception();
          }
        }
      }
    };
    if (shot_parallel) {
      std::vector<char> ran(threads, 0);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
      for (int s = 0; s < nshots; ++s) {
        run_shot(order, setup, sources[s], work[omp_get_thread_num()], traces(s), snaps(s), 1);
        ran[omp_get_thread_num()] = 1;
        report();
      }
      out.threads = static_cast<int>(std::count(ran.begin(), ran.end(), 1));
    } else {
      for (int s = 0; s < nshots; ++s) {
        out.threads = run_shot(order, setup, sources[s], work[0], traces(s), snaps(s), threads);
        report();
      }
    }
    if (callback_error) std::rethrow_exception(callback_error);
  } catch (const std::bad_alloc&) {
    fail("grid too large: cannot allocate the wavefields and gathers");
  }
  return out;
}

}  // namespace vmb
