#include "vmb/modeling/gradient.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <new>
#include <sstream>

#include "adjoint_kernels.hpp"
#include "kernels.hpp"
#include "problem.hpp"
#include "vmb/modeling/error.hpp"

namespace vmb {
namespace {

using detail::AdjointWorkspace;
using detail::AlignedBuffer;
using detail::Grid;
using detail::PointOperator;
using detail::Problem;
using detail::Workspace;

[[noreturn]] void fail(const std::string& what) { throw ModelingError(what); }

// Internal steps between checkpoints: about sqrt(6 n) for n steps, which balances the checkpoints
// (6 arrays each) against the recomputed stretch (one array per step).
int checkpoint_interval(std::int64_t steps) {
  return std::max(1, static_cast<int>(std::lround(std::sqrt(6.0 * static_cast<double>(steps)))));
}

void check_gathers(const Problem& p, const Gathers& d, const char* what) {
  if (d.nshots != p.nshots || d.nt != p.nt || d.nrec != p.nrec ||
      d.data.size() != static_cast<std::size_t>(p.nshots) * p.nt * p.nrec) {
    std::ostringstream msg;
    msg << what << " gathers are " << d.nshots << " x " << d.nt << " x " << d.nrec
        << " (shots x samples x receivers) but the survey and time axis give " << p.nshots << " x "
        << p.nt << " x " << p.nrec;
    fail(msg.str());
  }
  for (float x : d.data)
    if (!std::isfinite(x)) fail(std::string(what) + " gathers hold a value that is not finite");
}

void check_model_field(const VelocityModel& model, const std::vector<double>& field,
                       const char* what) {
  if (field.size() != static_cast<std::size_t>(model.nz) * model.nx) {
    std::ostringstream msg;
    msg << what << " has " << field.size() << " values, the model " << model.nz << " x "
        << model.nx;
    fail(msg.str());
  }
  for (double x : field)
    if (!std::isfinite(x)) fail(std::string(what) + " holds a value that is not finite");
}

// The model node whose velocity padded node (r, c) holds (the edge replicated outward), or -1
// for the zero nodes around the absorbing layers.
std::int64_t model_node(const Grid& g, std::int64_t r, std::int64_t c) {
  const std::int64_t row = r - g.halo, col = c - detail::kAlign;
  if (row < 0 || row >= g.nzp || col < 0 || col >= g.nxp) return -1;
  const std::int64_t iz = std::clamp<std::int64_t>(row - g.top, 0, g.nz - 1);
  const std::int64_t ix = std::clamp<std::int64_t>(col - g.left, 0, g.nx - 1);
  return iz * g.nx + ix;
}

// s += v^2 dt^2 * (receiver interpolation)^T row: the adjoint source of one output sample.
void inject_adjoint(const Problem& s, const float* row, float* a) {
  const float* vdt2 = s.medium.vdt2.data();
  for (std::size_t ir = 0; ir < s.receivers.size(); ++ir) {
    const PointOperator& op = s.receivers[ir];
    for (std::size_t k = 0; k < op.index.size(); ++k)
      a[op.index[k]] += vdt2[op.index[k]] * op.weight[k] * row[ir];
  }
}

// Copies n floats in parallel over the calling OpenMP team.
void copy_shared(const float* from, float* to, std::size_t n) {
#pragma omp for schedule(static)
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) to[i] = from[i];
}

// The per-shot residual: writes the adjoint source [nt][nrec] for the shot's simulated traces and
// returns the shot's misfit.
using Residual = std::function<double(int, const float*, float*)>;

// What one shot of the adjoint keeps: the forward state, its checkpoints, the pressure's second
// time difference over one recomputed stretch, the adjoint state, and the sum over steps of
// s^{n+1} (p^{n+1} - 2 p^n + p^{n-1}).
struct ShotScratch {
  ShotScratch(const Problem& s, int interval)
      : forward(s.grid.size()),
        adjoint(s.grid.size()),
        product(s.grid.size()),
        illumination(s.grid.size()) {
    const std::int64_t segments = (s.last_step() + interval - 1) / interval;
    for (std::int64_t i = 0; i < 6 * segments; ++i) checkpoints.emplace_back(s.grid.size());
    for (int i = 0; i < interval; ++i) change.emplace_back(s.grid.size());
    traces.resize(std::size_t(s.nt) * s.nrec);
    residual.resize(std::size_t(s.nt) * s.nrec);
  }
  Workspace forward;
  AdjointWorkspace adjoint;
  AlignedBuffer product;
  AlignedBuffer illumination;              // sum of change^2, when asked for
  std::vector<AlignedBuffer> checkpoints;  // per checkpoint: p, q, psi_x, zeta_x, psi_z, zeta_z
  std::vector<AlignedBuffer> change;       // p^{n+1} - 2 p^n + p^{n-1}, n = n0 .. n0 + interval - 1
  std::vector<float> traces, residual;     // [nt][nrec]
};

// The arrays of the forward state in checkpoint order, the current pressure p and previous q
// first.
std::vector<float*> state(Workspace& w, float* p, float* q) {
  return {p, q, w.psi_x.data(), w.zeta_x.data(), w.psi_z.data(), w.zeta_z.data()};
}

// One forward step with the shot's source added to the new level, inside an OpenMP parallel
// region; with a change array also that level's p^{n+1} - 2 p^n + p^{n-1}, source included.
template <int R>
void source_step(const Problem& s, const PointOperator& source, std::int64_t step, Workspace& w,
                 float* p, float* q, float* change = nullptr) {
  if (change) {
    detail::advance<detail::Vec, R, true>(s.coefficients, s.medium, s.grid, w, p, q, change);
  } else {
    detail::advance<detail::Vec, R>(s.coefficients, s.medium, s.grid, w, p, q);
  }
#pragma omp single
  {
    detail::inject(source, s.source_function[step], q);
    if (change) detail::inject(source, s.source_function[step], change);
  }
}

template <int R>
int adjoint_shot(const Problem& s, int shot, ShotScratch& w, int interval, const Residual& residual,
                 bool illuminate, double& misfit, int threads) {
  const std::int64_t last = s.last_step();
  const std::size_t n = s.grid.size();
  const PointOperator& source = s.sources[shot];
  int team = 1;
  w.forward.reset();
  w.adjoint.reset();
  w.product.zero();
  w.illumination.zero();
#pragma omp parallel num_threads(threads)
  {
    const detail::FlushDenormals flush;
#pragma omp single nowait
    team = omp_get_num_threads();
    // 1. Forward, keeping the whole state every `interval` steps.
    float* p = w.forward.p.data();
    float* q = w.forward.q.data();
    for (std::int64_t step = 0; step <= last; ++step) {
      if (step % interval == 0 && step < last) {
        const auto from = state(w.forward, p, q);
        for (int k = 0; k < 6; ++k)
          copy_shared(from[k], w.checkpoints[6 * (step / interval) + k].data(), n);
      }
      if (step % s.substeps == 0) {
#pragma omp single
        detail::record_receivers(s.receivers, p, w.traces.data() + (step / s.substeps) * s.nrec);
      }
      if (step == last) break;
      source_step<R>(s, source, step, w.forward, p, q);
      std::swap(p, q);
    }
#pragma omp single
    misfit = residual(shot, w.traces.data(), w.residual.data());

    // 2. Backward, stretch by stretch: recompute the pressure from the stretch's checkpoint, then
    // run the adjoint through it, accumulating s^{n+1} times the second time difference of p.
    float* a = w.adjoint.s.data();
    float* b = w.adjoint.s_old.data();
#pragma omp single
    inject_adjoint(s, w.residual.data() + std::size_t(s.nt - 1) * s.nrec, a);
    const std::int64_t segments = (last + interval - 1) / interval;
    for (std::int64_t c = segments - 1; c >= 0; --c) {
      const std::int64_t n0 = c * interval, n1 = std::min(n0 + interval, last);
      p = w.forward.p.data();
      q = w.forward.q.data();
      const auto to = state(w.forward, p, q);
      for (int k = 0; k < 6; ++k) copy_shared(w.checkpoints[6 * c + k].data(), to[k], n);
      for (std::int64_t step = n0; step < n1; ++step) {
        float* change = w.change[step - n0].data();
        source_step<R>(s, source, step, w.forward, p, q, change);
        std::swap(p, q);
        if (illuminate) {
          float* sum = w.illumination.data();
#pragma omp for schedule(static)
          for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i)
            sum[i] += change[i] * change[i];
        }
      }
      for (std::int64_t step = n1 - 1; step >= n0; --step) {
        detail::adjoint_advance<detail::Vec, R>(s.coefficients, s.medium, s.grid, w.adjoint, a, b,
                                                w.change[step - n0].data(), w.product.data());
        std::swap(a, b);
        if (step % s.substeps == 0) {
#pragma omp single
          inject_adjoint(s, w.residual.data() + std::size_t(step / s.substeps) * s.nrec, a);
        }
      }
    }
  }
  return team;
}

int adjoint_shot(const Problem& s, int shot, ShotScratch& w, int interval, const Residual& residual,
                 bool illuminate, double& misfit, int threads) {
  switch (s.order) {
    case 2:
      return adjoint_shot<1>(s, shot, w, interval, residual, illuminate, misfit, threads);
    case 4:
      return adjoint_shot<2>(s, shot, w, interval, residual, illuminate, misfit, threads);
    case 6:
      return adjoint_shot<3>(s, shot, w, interval, residual, illuminate, misfit, threads);
    default:
      return adjoint_shot<4>(s, shot, w, interval, residual, illuminate, misfit, threads);
  }
}

// d(v^2 dt^2)/dv / (v^2 dt^2) = 2 / v, and the adjoint field is s = v^2 dt^2 times the adjoint of
// p: dJ/dv = sum over the padded nodes holding the node's velocity of 2 / (v^3 dt^2) times the
// accumulated product.
void add_model_gradient(const Problem& s, const float* product, double* gradient) {
  const Grid& g = s.grid;
  const double dt2 = s.internal_dt * s.internal_dt;
  for (std::int64_t r = 0; r < g.rows; ++r)
    for (std::int64_t c = 0; c < g.stride; ++c) {
      const std::int64_t node = model_node(g, r, c);
      if (node < 0) continue;
      const double v = s.model.velocity[node];
      gradient[node] += 2.0 / (v * v * v * dt2) * product[r * g.stride + c];
    }
}

// The model node's own padded-grid value of a field (not summed over the absorbing layers).
void add_model_field(const Problem& s, const float* field, double* out) {
  for (int iz = 0; iz < s.model.nz; ++iz)
    for (int ix = 0; ix < s.model.nx; ++ix)
      out[std::size_t(iz) * s.model.nx + ix] += field[s.grid.index(iz, ix)];
}

// The adjoint of the Born operator applied to the residuals that `residual` makes from each
// shot's simulated traces; fills the misfit and, when given, the simulated gathers and the
// illumination.
std::vector<double> adjoint(const Problem& s, const Residual& residual, double& misfit,
                            Gathers* simulated, std::vector<double>* illumination) {
  const int interval = checkpoint_interval(s.last_step());
  const std::size_t nodes = static_cast<std::size_t>(s.model.nz) * s.model.nx;
  std::vector<double> gradient(nodes, 0.0);
  if (illumination) illumination->assign(nodes, 0.0);
  std::vector<double> per_shot_misfit(s.nshots, 0.0);
  try {
    // Each shot's sums on their own, added to the totals in shot order (after the shots when they
    // run in parallel) so that the totals do not depend on the thread count.
    const int kept = s.shot_parallel ? s.nshots : 1;
    std::vector<std::vector<double>> shot_gradient(kept), shot_illumination(kept);
    auto add_shot = [&](int k) {
      for (std::size_t i = 0; i < nodes; ++i) gradient[i] += shot_gradient[k][i];
      if (illumination)
        for (std::size_t i = 0; i < nodes; ++i) (*illumination)[i] += shot_illumination[k][i];
    };
    std::vector<ShotScratch> scratch;
    scratch.reserve(s.workspaces);
    for (int i = 0; i < s.workspaces; ++i) scratch.emplace_back(s, interval);
    detail::run_shots(s,
                      [&](int shot, int slot, int threads) {
                        ShotScratch& w = scratch[slot];
                        const int team =
                            adjoint_shot(s, shot, w, interval, residual, illumination != nullptr,
                                         per_shot_misfit[shot], threads);
                        if (simulated)
                          std::copy(w.traces.begin(), w.traces.end(),
                                    simulated->data.begin() + std::size_t(shot) * s.nt * s.nrec);
                        const int k = s.shot_parallel ? shot : 0;
                        shot_gradient[k].assign(nodes, 0.0);
                        add_model_gradient(s, w.product.data(), shot_gradient[k].data());
                        if (illumination) {
                          shot_illumination[k].assign(nodes, 0.0);
                          add_model_field(s, w.illumination.data(), shot_illumination[k].data());
                        }
                        if (!s.shot_parallel) add_shot(0);
                        return team;
                      },
                      {});
    if (s.shot_parallel)
      for (int k = 0; k < s.nshots; ++k) add_shot(k);
  } catch (const std::bad_alloc&) {
    fail("grid too large: cannot allocate the adjoint's wavefields and checkpoints");
  }
  misfit = 0.0;
  for (double m : per_shot_misfit) misfit += m;
  return gradient;
}

// One shot of the Born operator: the background and the perturbation stepped together, the
// perturbation driven by scale (2 dv / v on the padded grid) times the background's second time
// difference.
struct BornScratch {
  explicit BornScratch(std::size_t n) : background(n), perturbation(n), change(n) {}
  Workspace background, perturbation;
  AlignedBuffer change;  // the background's p^{n+1} - 2 p^n + p^{n-1}
};

template <int R>
int born_shot(const Problem& s, int shot, const float* scale, BornScratch& w, float* traces,
              int threads) {
  const std::int64_t last = s.last_step();
  const std::size_t n = s.grid.size();
  w.background.reset();
  w.perturbation.reset();
  int team = 1;
#pragma omp parallel num_threads(threads)
  {
    const detail::FlushDenormals flush;
#pragma omp single nowait
    team = omp_get_num_threads();
    float* p = w.background.p.data();
    float* q = w.background.q.data();
    float* dp = w.perturbation.p.data();
    float* dq = w.perturbation.q.data();
    for (std::int64_t step = 0; step <= last; ++step) {
      if (step % s.substeps == 0) {
#pragma omp single
        detail::record_receivers(s.receivers, dp, traces + (step / s.substeps) * s.nrec);
      }
      if (step == last) break;
      float* change = w.change.data();
      source_step<R>(s, s.sources[shot], step, w.background, p, q, change);
      detail::advance<detail::Vec, R>(s.coefficients, s.medium, s.grid, w.perturbation, dp, dq);
#pragma omp for schedule(static)
      for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) dq[i] += scale[i] * change[i];
      std::swap(p, q);
      std::swap(dp, dq);
    }
  }
  return team;
}

// Padded-grid float arrays one shot of the adjoint keeps.
double adjoint_arrays(const VelocityModel& model, const TimeAxis& time,
                      const SolverOptions& options) {
  const int substeps = substeps_for(
      time.dt, options.order,
      options.max_velocity > 0 ? options.max_velocity : model.max_velocity(), model.dx, model.dz);
  const std::int64_t steps = std::int64_t(std::max(time.nt - 1, 0)) * substeps;
  const int interval = checkpoint_interval(steps);
  return 6.0 + 10.0 + 1.0 + 6.0 * double((steps + interval - 1) / interval) + interval;
}

double gathers_bytes(const Survey& survey, const TimeAxis& time) {
  return 4.0 * double(survey.sources.size()) * time.nt * survey.receivers.size();
}

// The shot setup of the adjoint (or, with adjoint false, the Born operator): simulate()'s
// without snapshots, its memory check counting the arrays each shot keeps and `gathers` gathers.
Problem operator_problem(const VelocityModel& model, const Survey& survey,
                         const std::vector<float>& wavelet, const TimeAxis& time,
                         const SolverOptions& options, bool adjoint, double gathers) {
  validate(model);
  if (time.nt <= 0) fail("nt must be positive");
  if (!(time.dt > 0) || !std::isfinite(time.dt)) fail("dt must be positive and finite");
  validate(options);
  SolverOptions o = options;
  o.snapshot_every = 0;
  const double per_shot_gradients = adjoint ? 8.0 * model.nz * model.nx * survey.sources.size() : 0;
  return Problem(model, survey, wavelet, time, o, adjoint ? adjoint_arrays(model, time, o) : 13.0,
                 gathers * gathers_bytes(survey, time) + per_shot_gradients);
}

}  // namespace

MisfitGradient misfit_gradient(const VelocityModel& model, const Survey& survey,
                               const std::vector<float>& wavelet, const TimeAxis& time,
                               const Gathers& observed, const SolverOptions& options,
                               bool illumination) {
  const Problem s = operator_problem(model, survey, wavelet, time, options, true, 3.0);
  check_gathers(s, observed, "observed");
  const std::size_t per_shot = std::size_t(s.nt) * s.nrec;
  MisfitGradient out;
  s.shape(out.simulated, time.dt);
  out.gradient = adjoint(
      s,
      [&](int shot, const float* traces, float* residual) {
        const float* d = observed.data.data() + std::size_t(shot) * per_shot;
        double sum = 0.0;
        for (std::size_t i = 0; i < per_shot; ++i) {
          residual[i] = traces[i] - d[i];
          sum += double(residual[i]) * residual[i];
        }
        return 0.5 * sum;
      },
      out.misfit, &out.simulated, illumination ? &out.illumination : nullptr);
  return out;
}

std::vector<double> born_adjoint(const VelocityModel& model, const Gathers& data,
                                 const Survey& survey, const std::vector<float>& wavelet,
                                 const TimeAxis& time, const SolverOptions& options) {
  const Problem s = operator_problem(model, survey, wavelet, time, options, true, 2.0);
  check_gathers(s, data, "adjoint source");
  const std::size_t per_shot = std::size_t(s.nt) * s.nrec;
  double misfit = 0.0;
  return adjoint(
      s,
      [&](int shot, const float*, float* residual) {
        std::copy_n(data.data.data() + std::size_t(shot) * per_shot, per_shot, residual);
        return 0.0;
      },
      misfit, nullptr, nullptr);
}

Gathers born(const VelocityModel& model, const std::vector<double>& dv, const Survey& survey,
             const std::vector<float>& wavelet, const TimeAxis& time,
             const SolverOptions& options) {
  const Problem s = operator_problem(model, survey, wavelet, time, options, false, 1.0);
  check_model_field(model, dv, "the velocity change");
  const Grid& g = s.grid;
  // 2 dv / v on the padded grid (each node the change of the velocity it holds): the Born source
  // is that times the background's second time difference, since d(v^2 dt^2) / (v^2 dt^2) = 2 dv
  // / v.
  AlignedBuffer scale(g.size());
  for (std::int64_t r = 0; r < g.rows; ++r)
    for (std::int64_t c = 0; c < g.stride; ++c) {
      const std::int64_t node = model_node(g, r, c);
      if (node >= 0)
        scale.data()[r * g.stride + c] = static_cast<float>(2.0 * dv[node] / model.velocity[node]);
    }
  Gathers out;
  s.shape(out, time.dt);
  std::vector<BornScratch> work;
  for (int i = 0; i < s.workspaces; ++i) work.emplace_back(g.size());
  auto shot_of = [&](int shot, int slot, int threads) {
    float* traces = out.data.data() + std::size_t(shot) * s.nt * s.nrec;
    switch (s.order) {
      case 2:
        return born_shot<1>(s, shot, scale.data(), work[slot], traces, threads);
      case 4:
        return born_shot<2>(s, shot, scale.data(), work[slot], traces, threads);
      case 6:
        return born_shot<3>(s, shot, scale.data(), work[slot], traces, threads);
      default:
        return born_shot<4>(s, shot, scale.data(), work[slot], traces, threads);
    }
  };
  out.threads = detail::run_shots(s, shot_of, {});
  return out;
}

}  // namespace vmb
