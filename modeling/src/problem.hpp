#pragma once
// What simulate() and the adjoint-state gradient share: their inputs checked, and everything a
// shot needs built once (padded grid, coefficients, CPML medium, source and receiver operators,
// the source function at the internal step), and the way shots are shared among threads.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "grid.hpp"
#include "medium.hpp"
#include "vmb/modeling/model.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/survey.hpp"

namespace vmb::detail {

// Throws ModelingError naming the first problem of the inputs (the checks Problem makes first).
void validate_inputs(const VelocityModel& model, const Survey& survey,
                     const std::vector<float>& wavelet, const TimeAxis& time,
                     const SolverOptions& options);

struct Problem {
  // Checks the inputs (ModelingError naming the first problem) and builds the shot setup.
  // `wavefields` is the number of padded-grid float arrays one shot keeps (for the memory check)
  // and `output_bytes` what the caller returns.
  Problem(const VelocityModel& model, const Survey& survey, const std::vector<float>& wavelet,
          const TimeAxis& time, const SolverOptions& options, double wavefields,
          double output_bytes);

  const VelocityModel& model;
  int order = 8;
  int nshots = 0, nrec = 0, nt = 0;
  int substeps = 1;          // internal steps per output step
  double internal_dt = 0.0;  // s
  int threads = 1;           // OpenMP threads in all
  bool shot_parallel = false;
  int workspaces = 1;  // shots running at once
  std::vector<std::string> warnings;
  Grid grid;
  Coefficients coefficients;
  Medium medium;
  std::vector<PointOperator> sources;    // weights include v^2 dt^2 at their nodes
  std::vector<PointOperator> receivers;  // plain interpolation weights
  std::vector<float> source_function;    // the wavelet at the internal step, / (dx dz)

  // Gives `gathers` this problem's shape, time steps and warnings, its traces zero.
  void shape(Gathers& gathers, double dt) const;

  // The last internal step index: (nt - 1) * substeps.
  std::int64_t last_step() const { return static_cast<std::int64_t>(nt - 1) * substeps; }
};

// Runs shot(s, workspace, threads) for every shot s: shots in parallel, one thread each, when
// there are at least as many shots as threads (workspace is then the thread's), otherwise one
// after another with every thread (workspace 0). shot returns how many threads ran it; done(k,
// n) is called, serialised, after each finished shot, and an exception it throws is rethrown
// once every shot is done. Returns the number of threads that ran shots.
int run_shots(const Problem& problem, const std::function<int(int, int, int)>& shot,
              const std::function<void(int, int)>& done);

// Receiver values of p, one per receiver, written to row[0 .. nrec).
void record_receivers(const std::vector<PointOperator>& receivers, const float* p, float* row);

}  // namespace vmb::detail
