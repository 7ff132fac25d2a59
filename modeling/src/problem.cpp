#include "problem.hpp"

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <sstream>

#include "vmb/modeling/error.hpp"
#include "vmb/modeling/resample.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace vmb::detail {
namespace {

[[noreturn]] void fail(const std::string& what) { throw ModelingError(what); }

double physical_memory_bytes() {
  return static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
}

const VelocityModel& checked(const VelocityModel& model, const Survey& survey,
                             const std::vector<float>& wavelet, const TimeAxis& time,
                             const SolverOptions& options) {
  validate_inputs(model, survey, wavelet, time, options);
  return model;
}

double vmax_of(const VelocityModel& model, const SolverOptions& options) {
  return options.max_velocity > 0 ? options.max_velocity : double(model.max_velocity());
}

}  // namespace

void validate_inputs(const VelocityModel& model, const Survey& survey,
                     const std::vector<float>& wavelet, const TimeAxis& time,
                     const SolverOptions& options) {
  validate(model);
  if (time.nt <= 0) fail("nt must be positive");
  if (!(time.dt > 0) || !std::isfinite(time.dt)) fail("dt must be positive and finite");
  validate(options);
  if (options.max_velocity > 0 && options.max_velocity < model.max_velocity()) {
    std::ostringstream msg;
    msg << "the solver's maximum velocity " << options.max_velocity
        << " m/s is below the model's largest, " << model.max_velocity() << " m/s";
    fail(msg.str());
  }
  validate(model, survey);
  if (wavelet.empty()) fail("wavelet is empty");
  for (float w : wavelet)
    if (!std::isfinite(w)) fail("wavelet holds a value that is not finite");
}

Problem::Problem(const VelocityModel& m, const Survey& survey, const std::vector<float>& wavelet,
                 const TimeAxis& time, const SolverOptions& options, double wavefields,
                 double output_bytes)
    : model(checked(m, survey, wavelet, time, options)),
      order(options.order),
      nshots(static_cast<int>(survey.sources.size())),
      nrec(static_cast<int>(survey.receivers.size())),
      nt(time.nt),
      substeps(substeps_for(time.dt, options.order, vmax_of(m, options), m.dx, m.dz)),
      internal_dt(time.dt / substeps),
      threads(options.threads > 0 ? options.threads : omp_get_max_threads()),
      shot_parallel(threads > 1 && nshots >= threads),
      workspaces(shot_parallel ? threads : 1),
      grid(make_grid(m, options.order, options.pml_width, options.free_surface)),
      coefficients(make_coefficients(options.order, m.dx, m.dz)),
      medium(1) {
  std::vector<float> source_wavelet(wavelet);
  source_wavelet.resize(time.nt, 0.0f);
  const double fmax = max_frequency(source_wavelet, time.dt);
  if (fmax > 0) {
    std::string warning = dispersion_warning(model, fmax, order);
    if (!warning.empty()) warnings.push_back(std::move(warning));
  }
  const double f_pml =
      options.pml_frequency > 0 ? options.pml_frequency : peak_frequency(source_wavelet, time.dt);

  const double needed =
      4.0 * static_cast<double>(grid.size()) * (wavefields * workspaces + 1) + output_bytes;
  if (needed > 0.9 * physical_memory_bytes()) {
    std::ostringstream msg;
    msg.precision(3);
    msg << "grid too large: the simulation needs " << needed / (1 << 30)
        << " GiB, this machine has " << physical_memory_bytes() / (1 << 30) << " GiB";
    fail(msg.str());
  }
  try {
    medium = make_medium(model, grid, internal_dt, f_pml, vmax_of(model, options));
    source_function = upsample(source_wavelet, substeps);
    for (float& f : source_function) f /= static_cast<float>(model.dx * model.dz);
    for (const auto& pos : survey.sources) {
      sources.push_back(point_operator(pos, model, grid));
      // The solver adds v^2 dt^2 f / (dx dz) at the source nodes.
      for (std::size_t k = 0; k < sources.back().index.size(); ++k)
        sources.back().weight[k] *= medium.vdt2.data()[sources.back().index[k]];
    }
    for (const auto& pos : survey.receivers) receivers.push_back(point_operator(pos, model, grid));
  } catch (const std::bad_alloc&) {
    fail("grid too large: cannot allocate the wavefields and gathers");
  }
}

void Problem::shape(Gathers& gathers, double dt) const {
  gathers.nshots = nshots;
  gathers.nt = nt;
  gathers.nrec = nrec;
  gathers.dt = dt;
  gathers.substeps = substeps;
  gathers.internal_dt = internal_dt;
  gathers.threads = threads;
  gathers.warnings = warnings;
  gathers.data.assign(static_cast<std::size_t>(nshots) * nt * nrec, 0.0f);
}

int run_shots(const Problem& problem, const std::function<int(int, int, int)>& shot,
              const std::function<void(int, int)>& done) {
  const int nshots = problem.nshots;
  int finished = 0, ran_threads = 0;
  std::exception_ptr callback_error;
  auto report = [&]() {
#pragma omp critical(vmb_run_shots_progress)
    {
      ++finished;
      if (done && !callback_error) {
        try {
          done(finished, nshots);
        } catch (...) {
          callback_error = std::current_exception();
        }
      }
    }
  };
  if (problem.shot_parallel) {
    std::vector<char> ran(problem.threads, 0);
#pragma omp parallel for num_threads(problem.threads) schedule(dynamic, 1)
    for (int s = 0; s < nshots; ++s) {
      shot(s, omp_get_thread_num(), 1);
      ran[omp_get_thread_num()] = 1;
      report();
    }
    ran_threads = static_cast<int>(std::count(ran.begin(), ran.end(), 1));
  } else {
    for (int s = 0; s < nshots; ++s) {
      ran_threads = shot(s, 0, problem.threads);
      report();
    }
  }
  if (callback_error) std::rethrow_exception(callback_error);
  return ran_threads;
}

void record_receivers(const std::vector<PointOperator>& receivers, const float* p, float* row) {
  for (std::size_t ir = 0; ir < receivers.size(); ++ir) {
    float sum = 0.0f;
    for (std::size_t k = 0; k < receivers[ir].index.size(); ++k)
      sum += receivers[ir].weight[k] * p[receivers[ir].index[k]];
    row[ir] = sum;
  }
}

}  // namespace vmb::detail

namespace vmb {

void validate(const VelocityModel& model, const Survey& survey) {
  if (survey.sources.empty()) throw ModelingError("survey has no sources");
  if (survey.receivers.empty()) throw ModelingError("survey has no receivers");
  const double tol_x = 1e-6 * model.dx, tol_z = 1e-6 * model.dz;
  auto check = [&](const Position& pos, const char* what, std::size_t i) {
    if (!std::isfinite(pos.x) || !std::isfinite(pos.z) || pos.x < -tol_x || pos.z < -tol_z ||
        pos.x > model.width_m() + tol_x || pos.z > model.depth_m() + tol_z) {
      std::ostringstream msg;
      msg << what << ' ' << i << " at (x " << pos.x << " m, z " << pos.z
          << " m) lies outside the model (x 0 to " << model.width_m() << " m, z 0 to "
          << model.depth_m() << " m)";
      throw ModelingError(msg.str());
    }
  };
  for (std::size_t i = 0; i < survey.sources.size(); ++i) check(survey.sources[i], "source", i);
  for (std::size_t i = 0; i < survey.receivers.size(); ++i)
    check(survey.receivers[i], "receiver", i);
}

}  // namespace vmb
