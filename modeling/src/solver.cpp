#include "vmb/modeling/solver.hpp"

#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <new>

#include "grid.hpp"
#include "kernels.hpp"
#include "medium.hpp"
#include "problem.hpp"
#include "vmb/modeling/error.hpp"

namespace vmb {
namespace {

[[noreturn]] void fail(const std::string& what) { throw ModelingError(what); }

using detail::Grid;
using detail::PointOperator;
using detail::Problem;
using detail::Workspace;

// Where a shot's snapshots go: every `every` output samples, `count` of them, [count][nz][nx].
struct Snapshots {
  int every = 0;
  int count = 0;
  float* data = nullptr;  // null: none
};

// Records the receivers (and a snapshot when one is due) at output sample it.
void record(const Problem& s, const float* p, std::int64_t it, float* traces,
            const Snapshots& snap) {
  const Grid& g = s.grid;
  detail::record_receivers(s.receivers, p, traces + it * s.nrec);
  if (snap.data && it % snap.every == 0 && it / snap.every < snap.count) {
    float* out = snap.data + (it / snap.every) * std::size_t(g.nz) * g.nx;
    for (int iz = 0; iz < g.nz; ++iz)
      std::copy_n(p + g.index(iz, 0), g.nx, out + std::size_t(iz) * g.nx);
  }
}

// Runs one shot on `threads` threads; returns how many ran.
template <int R>
int run_shot(const Problem& s, const PointOperator& source, Workspace& w, float* traces,
             const Snapshots& snap, int threads) {
  const std::int64_t last = s.last_step();
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
        record(s, p, n / s.substeps, traces, snap);
      }
      if (n == last) break;
      detail::advance<detail::Vec, R>(s.coefficients, s.medium, s.grid, w, p, q);
#pragma omp single
      detail::inject(source, s.source_function[n], q);
      std::swap(p, q);
    }
  }
  return team;
}

int run_shot(const Problem& s, const PointOperator& source, Workspace& w, float* traces,
             const Snapshots& snap, int threads) {
  switch (s.order) {
    case 2:
      return run_shot<1>(s, source, w, traces, snap, threads);
    case 4:
      return run_shot<2>(s, source, w, traces, snap, threads);
    case 6:
      return run_shot<3>(s, source, w, traces, snap, threads);
    default:
      return run_shot<4>(s, source, w, traces, snap, threads);
  }
}

}  // namespace

Gathers simulate(const VelocityModel& model, const Survey& survey,
                 const std::vector<float>& wavelet, const TimeAxis& time,
                 const SolverOptions& options) {
  const int nsnapshots =
      options.snapshot_every > 0 ? (time.nt - 1) / options.snapshot_every + 1 : 0;
  const double output_bytes =
      4.0 * (double(survey.sources.size()) * time.nt * survey.receivers.size() +
             double(survey.sources.size()) * nsnapshots * model.nz * model.nx);
  const Problem problem(model, survey, wavelet, time, options, 6.0, output_bytes);
  const int nshots = problem.nshots, nrec = problem.nrec;

  Gathers out;
  out.snapshot_every = options.snapshot_every;
  out.nsnapshots = nsnapshots;
  try {
    problem.shape(out, time.dt);
    out.snapshots.assign(static_cast<std::size_t>(nshots) * nsnapshots * model.nz * model.nx, 0.0f);
    std::vector<Workspace> work;
    work.reserve(problem.workspaces);
    for (int i = 0; i < problem.workspaces; ++i) work.emplace_back(problem.grid.size());
    out.threads = detail::run_shots(
        problem,
        [&](int s, int slot, int threads) {
          const Snapshots snap{
              options.snapshot_every, nsnapshots,
              nsnapshots ? out.snapshots.data() + std::size_t(s) * nsnapshots * model.nz * model.nx
                         : nullptr};
          return run_shot(problem, problem.sources[s], work[slot],
                          out.data.data() + std::size_t(s) * time.nt * nrec, snap, threads);
        },
        options.on_shot_done);
  } catch (const std::bad_alloc&) {
    fail("grid too large: cannot allocate the wavefields and gathers");
  }
  return out;
}

}  // namespace vmb
