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
#include "vmb/modeling/wavelet.hpp"

namespace vmb {
namespace {

using detail::AdjointWorkspace;
using detail::AlignedBuffer;
using detail::Grid;
using detail::PointOperator;
using detail::Problem;
using detail::Workspace;

[[noreturn]] void fail(const std::string& what) { throw ModelingError(what); }

// How the backward pass gets the forward pressure's second time difference at the imaged steps
// (every `every`-th internal step from 0): stored by the forward pass itself, or recomputed
// stretch by stretch from checkpoints of the whole forward state.
struct Imaging {
  int every = 1;
  std::int64_t interval = 0;     // internal steps per recomputed stretch, a multiple of every
  std::int64_t segments = 1;     // stretches
  std::int64_t kept = 0;         // second differences kept at once
  std::int64_t checkpoints = 0;  // whole forward states kept (6 arrays each)
  // Whether the forward pass keeps every imaged step (one stretch, nothing recomputed).
  bool stored() const { return checkpoints == 0; }
};

// The imaging plan for `steps` internal steps of internal_dt seconds. Unless `every` is given, the
// interval is a quarter of the period of the wavelet's highest frequency f_max (max_frequency():
// 2.5 f0 for a Ricker). The product of two fields band-limited to f_max holds no frequency at or
// above 1 / (every * internal_dt) > 2 f_max, so its sum over the imaged steps times `every` equals
// its sum over all steps (Poisson summation); f_max is where the spectrum falls to 3 % of its peak,
// and the quarter rather than a half covers what lies beyond (tests/modeling/test_gradient.cpp
// measures the change against imaging every step: 1.6e-4 at 6 steps of 1 ms for a 15 Hz Ricker,
// 1e-2 at 8). With sub-steps every step is imaged: the adjoint source enters once per output
// sample, so the adjoint field carries images of its band at multiples of the output rate, which
// imaging fewer steps would fold back. The imaged steps are stored outright when they take at most
// four times the memory of checkpointing (about sqrt(6 n) arrays for n imaged steps), which costs
// one more forward run.
Imaging imaging_plan(const std::vector<float>& wavelet, double dt, int substeps, int every,
                     std::int64_t steps) {
  Imaging plan;
  const double internal_dt = dt / substeps;
  if (every > 0) {
    plan.every = every;
  } else if (substeps == 1) {
    // A wavelet with no frequency above zero (a constant) images once.
    const double f_max = max_frequency(wavelet, dt);
    const double longest = double(std::clamp<std::int64_t>(steps, 1, 1 << 30));
    plan.every = static_cast<int>(std::clamp(
        f_max > 0 ? std::floor(1.0 / (4.0 * f_max * internal_dt)) : longest, 1.0, longest));
  }
  const std::int64_t images = (steps + plan.every - 1) / plan.every;
  const std::int64_t per_stretch =
      std::max<std::int64_t>(1, std::llround(std::sqrt(6.0 * double(images))));
  const std::int64_t interval = per_stretch * plan.every;
  const std::int64_t segments = (steps + interval - 1) / interval;
  if (images <= 4 * (6 * segments + per_stretch)) {
    plan.interval = steps;
    plan.kept = images;
  } else {
    plan.interval = interval;
    plan.segments = segments;
    plan.kept = per_stretch;
    plan.checkpoints = segments;
  }
  return plan;
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
// time difference at the imaged steps (of the whole run or of one recomputed stretch), the adjoint
// state, and the sum over the imaged steps of s^{n+1} (p^{n+1} - 2 p^n + p^{n-1}).
struct ShotScratch {
  ShotScratch(const Problem& s, const Imaging& plan)
      : forward(s.grid.size()),
        adjoint(s.grid.size()),
        product(s.grid.size()),
        illumination(s.grid.size()) {
    for (std::int64_t i = 0; i < 6 * plan.checkpoints; ++i) checkpoints.emplace_back(s.grid.size());
    for (std::int64_t i = 0; i < plan.kept; ++i) change.emplace_back(s.grid.size());
    traces.resize(std::size_t(s.nt) * s.nrec);
    residual.resize(std::size_t(s.nt) * s.nrec);
  }
  Workspace forward;
  AdjointWorkspace adjoint;
  AlignedBuffer product;
  AlignedBuffer illumination;              // sum of change^2, when asked for
  std::vector<AlignedBuffer> checkpoints;  // per checkpoint: p, q, psi_x, zeta_x, psi_z, zeta_z
  std::vector<AlignedBuffer> change;       // p^{n+1} - 2 p^n + p^{n-1} at the imaged steps kept
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

// Adds change^2 to the illumination sum, inside an OpenMP parallel region.
void illuminate(const float* change, float* sum, std::size_t n) {
#pragma omp for schedule(static)
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) sum[i] += change[i] * change[i];
}

template <int R>
int adjoint_shot(const Problem& s, int shot, ShotScratch& w, const Imaging& plan,
                 const Residual& residual, bool illuminated, double& misfit, int threads) {
  const std::int64_t last = s.last_step();
  const std::size_t n = s.grid.size();
  const PointOperator& source = s.sources[shot];
  const int every = plan.every;
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
    // 1. Forward, keeping the imaged steps' second differences, or the whole state at the start
    // of each stretch.
    float* p = w.forward.p.data();
    float* q = w.forward.q.data();
    // One forward step, with a change array at an imaged step (added to the illumination).
    auto forward_step = [&](std::int64_t step, float* change) {
      source_step<R>(s, source, step, w.forward, p, q, change);
      std::swap(p, q);
      if (change && illuminated) illuminate(change, w.illumination.data(), n);
    };
    for (std::int64_t step = 0; step <= last; ++step) {
      if (!plan.stored() && step % plan.interval == 0 && step < last) {
        const auto from = state(w.forward, p, q);
        for (int k = 0; k < 6; ++k)
          copy_shared(from[k], w.checkpoints[6 * (step / plan.interval) + k].data(), n);
      }
      if (step % s.substeps == 0) {
#pragma omp single
        detail::record_receivers(s.receivers, p, w.traces.data() + (step / s.substeps) * s.nrec);
      }
      if (step == last) break;
      forward_step(step,
                   plan.stored() && step % every == 0 ? w.change[step / every].data() : nullptr);
    }
#pragma omp single
    misfit = residual(shot, w.traces.data(), w.residual.data());

    // 2. Backward, stretch by stretch (one stretch when the imaged steps are stored): recompute
    // the stretch's imaged steps from its checkpoint, then run the adjoint through it,
    // accumulating s^{n+1} times the second time difference of p at the imaged steps.
    float* a = w.adjoint.s.data();
    float* b = w.adjoint.s_old.data();
#pragma omp single
    inject_adjoint(s, w.residual.data() + std::size_t(s.nt - 1) * s.nrec, a);
    for (std::int64_t c = plan.segments - 1; c >= 0; --c) {
      const std::int64_t n0 = c * plan.interval, n1 = std::min(n0 + plan.interval, last);
      if (!plan.stored()) {
        p = w.forward.p.data();
        q = w.forward.q.data();
        const auto to = state(w.forward, p, q);
        for (int k = 0; k < 6; ++k) copy_shared(w.checkpoints[6 * c + k].data(), to[k], n);
        for (std::int64_t step = n0; step < n1; ++step)
          forward_step(step, step % every == 0 ? w.change[(step - n0) / every].data() : nullptr);
      }
      for (std::int64_t step = n1 - 1; step >= n0; --step) {
        const float* change = step % every == 0 ? w.change[(step - n0) / every].data() : nullptr;
        detail::adjoint_advance<detail::Vec, R>(s.coefficients, s.medium, s.grid, w.adjoint, a, b,
                                                change, w.product.data());
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

int adjoint_shot(const Problem& s, int shot, ShotScratch& w, const Imaging& plan,
                 const Residual& residual, bool illuminated, double& misfit, int threads) {
  switch (s.order) {
    case 2:
      return adjoint_shot<1>(s, shot, w, plan, residual, illuminated, misfit, threads);
    case 4:
      return adjoint_shot<2>(s, shot, w, plan, residual, illuminated, misfit, threads);
    case 6:
      return adjoint_shot<3>(s, shot, w, plan, residual, illuminated, misfit, threads);
    default:
      return adjoint_shot<4>(s, shot, w, plan, residual, illuminated, misfit, threads);
  }
}

// d(v^2 dt^2)/dv / (v^2 dt^2) = 2 / v, and the adjoint field is s = v^2 dt^2 times the adjoint of
// p: dJ/dv = sum over the padded nodes holding the node's velocity of 2 / (v^3 dt^2) times the
// product accumulated over the imaged steps, times the steps each stands for.
void add_model_gradient(const Problem& s, int every, const float* product, double* gradient) {
  const Grid& g = s.grid;
  const double dt2 = s.internal_dt * s.internal_dt / every;
  for (std::int64_t r = 0; r < g.rows; ++r)
    for (std::int64_t c = 0; c < g.stride; ++c) {
      const std::int64_t node = model_node(g, r, c);
      if (node < 0) continue;
      const double v = s.model.velocity[node];
      gradient[node] += 2.0 / (v * v * v * dt2) * product[r * g.stride + c];
    }
}

// The model node's own padded-grid value of a field (not summed over the absorbing layers), times
// `weight`.
void add_model_field(const Problem& s, double weight, const float* field, double* out) {
  for (int iz = 0; iz < s.model.nz; ++iz)
    for (int ix = 0; ix < s.model.nx; ++ix)
      out[std::size_t(iz) * s.model.nx + ix] += weight * field[s.grid.index(iz, ix)];
}

// The adjoint of the Born operator applied to the residuals that `residual` makes from each
// shot's simulated traces; fills the misfit and, when given, the simulated gathers and the
// illumination.
std::vector<double> adjoint(const Problem& s, const Imaging& plan, const Residual& residual,
                            double& misfit, Gathers* simulated, std::vector<double>* illumination) {
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
    for (int i = 0; i < s.workspaces; ++i) scratch.emplace_back(s, plan);
    detail::run_shots(
        s,
        [&](int shot, int slot, int threads) {
          ShotScratch& w = scratch[slot];
          const int team = adjoint_shot(s, shot, w, plan, residual, illumination != nullptr,
                                        per_shot_misfit[shot], threads);
          if (simulated)
            std::copy(w.traces.begin(), w.traces.end(),
                      simulated->data.begin() + std::size_t(shot) * s.nt * s.nrec);
          const int k = s.shot_parallel ? shot : 0;
          shot_gradient[k].assign(nodes, 0.0);
          add_model_gradient(s, plan.every, w.product.data(), shot_gradient[k].data());
          if (illumination) {
            shot_illumination[k].assign(nodes, 0.0);
            add_model_field(s, plan.every, w.illumination.data(), shot_illumination[k].data());
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
// perturbation driven at the imaged steps by scale (2 dv / v on the padded grid, times the steps
// each imaged step stands for) times the background's second time difference: the operator whose
// exact transpose the adjoint is.
struct BornScratch {
  explicit BornScratch(std::size_t n) : background(n), perturbation(n), change(n) {}
  Workspace background, perturbation;
  AlignedBuffer change;  // the background's p^{n+1} - 2 p^n + p^{n-1}
};

template <int R>
int born_shot(const Problem& s, int shot, int every, const float* scale, BornScratch& w,
              float* traces, int threads) {
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
      float* change = step % every == 0 ? w.change.data() : nullptr;
      source_step<R>(s, s.sources[shot], step, w.background, p, q, change);
      detail::advance<detail::Vec, R>(s.coefficients, s.medium, s.grid, w.perturbation, dp, dq);
      if (change) {
#pragma omp for schedule(static)
        for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i)
          dq[i] += scale[i] * change[i];
      }
      std::swap(p, q);
      std::swap(dp, dq);
    }
  }
  return team;
}

// The imaging plan of a problem given by its inputs, checked first.
Imaging plan_for(const VelocityModel& model, const Survey& survey,
                 const std::vector<float>& wavelet, const TimeAxis& time,
                 const SolverOptions& options) {
  detail::validate_inputs(model, survey, wavelet, time, options);
  const int substeps = substeps_for(
      time.dt, options.order,
      options.max_velocity > 0 ? options.max_velocity : model.max_velocity(), model.dx, model.dz);
  const std::int64_t steps = std::int64_t(time.nt - 1) * substeps;
  return imaging_plan(wavelet, time.dt, substeps, options.imaging_every, steps);
}

double gathers_bytes(const Survey& survey, const TimeAxis& time) {
  return 4.0 * double(survey.sources.size()) * time.nt * survey.receivers.size();
}

// The shot setup of the adjoint (or, with adjoint false, the Born operator): simulate()'s
// without snapshots, its memory check counting the arrays each shot keeps and `gathers` gathers.
Problem operator_problem(const VelocityModel& model, const Survey& survey,
                         const std::vector<float>& wavelet, const TimeAxis& time,
                         const SolverOptions& options, const Imaging& plan, bool adjoint,
                         double gathers) {
  SolverOptions o = options;
  o.snapshot_every = 0;
  const double per_shot_gradients = adjoint ? 8.0 * model.nz * model.nx * survey.sources.size() : 0;
  // Adjoint: forward state 6, adjoint state 10, product and illumination 2, and the plan's arrays.
  const double arrays = adjoint ? 18.0 + 6.0 * plan.checkpoints + plan.kept : 13.0;
  return Problem(model, survey, wavelet, time, o, arrays,
                 gathers * gathers_bytes(survey, time) + per_shot_gradients);
}

}  // namespace

MisfitGradient misfit_gradient(const VelocityModel& model, const Survey& survey,
                               const std::vector<float>& wavelet, const TimeAxis& time,
                               const Gathers& observed, const SolverOptions& options,
                               bool illumination) {
  const Imaging plan = plan_for(model, survey, wavelet, time, options);
  const Problem s = operator_problem(model, survey, wavelet, time, options, plan, true, 3.0);
  check_gathers(s, observed, "observed");
  const std::size_t per_shot = std::size_t(s.nt) * s.nrec;
  MisfitGradient out;
  s.shape(out.simulated, time.dt);
  out.gradient = adjoint(
      s, plan,
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
  const Imaging plan = plan_for(model, survey, wavelet, time, options);
  const Problem s = operator_problem(model, survey, wavelet, time, options, plan, true, 2.0);
  check_gathers(s, data, "adjoint source");
  const std::size_t per_shot = std::size_t(s.nt) * s.nrec;
  double misfit = 0.0;
  return adjoint(
      s, plan,
      [&](int shot, const float*, float* residual) {
        std::copy_n(data.data.data() + std::size_t(shot) * per_shot, per_shot, residual);
        return 0.0;
      },
      misfit, nullptr, nullptr);
}

Gathers born(const VelocityModel& model, const std::vector<double>& dv, const Survey& survey,
             const std::vector<float>& wavelet, const TimeAxis& time,
             const SolverOptions& options) {
  const Imaging plan = plan_for(model, survey, wavelet, time, options);
  const Problem s = operator_problem(model, survey, wavelet, time, options, plan, false, 1.0);
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
        scale.data()[r * g.stride + c] =
            static_cast<float>(2.0 * plan.every * dv[node] / model.velocity[node]);
    }
  Gathers out;
  s.shape(out, time.dt);
  std::vector<BornScratch> work;
  for (int i = 0; i < s.workspaces; ++i) work.emplace_back(g.size());
  auto shot_of = [&](int shot, int slot, int threads) {
    float* traces = out.data.data() + std::size_t(shot) * s.nt * s.nrec;
    switch (s.order) {
      case 2:
        return born_shot<1>(s, shot, plan.every, scale.data(), work[slot], traces, threads);
      case 4:
        return born_shot<2>(s, shot, plan.every, scale.data(), work[slot], traces, threads);
      case 6:
        return born_shot<3>(s, shot, plan.every, scale.data(), work[slot], traces, threads);
      default:
        return born_shot<4>(s, shot, plan.every, scale.data(), work[slot], traces, threads);
    }
  };
  out.threads = detail::run_shots(s, shot_of, {});
  return out;
}

}  // namespace vmb
