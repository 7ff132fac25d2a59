#pragma once
// Full-waveform inversion: the least-squares misfit of gradient.hpp minimised by L-BFGS with
// bounds, one low-pass frequency band after another (frequency continuation).
//
// Each band filters the observed data and the wavelet alike (vmb::lowpass, zero phase) and runs
// `iterations` L-BFGS iterations. A step is the L-BFGS direction (two-loop recursion over the last
// `memory` pairs, Eigen vectors, preconditioned by the inverse illumination of gradient.hpp)
// projected onto [vmin, vmax]; a backtracking line search takes the
// first trial whose misfit satisfies the Armijo condition, so every accepted step lowers the
// misfit. A band ends early when no trial lowers it. Rows above fix_top keep their velocities (a
// water layer). The solver's time step and absorbing layers are set by vmax for the whole
// inversion, so the misfit is one smooth function of the model throughout.

#include <functional>
#include <vector>

#include "vmb/modeling/model.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/survey.hpp"

namespace vmb {

struct FwiSettings {
  std::vector<double> bands_hz;  // low-pass corner of each stage, Hz, in the order they run
  int iterations = 10;           // L-BFGS iterations per band
  double vmin = 1400.0;          // lower bound, m/s
  double vmax = 5000.0;          // upper bound, m/s
  int fix_top = 0;               // model rows kept fixed
  int memory = 5;                // L-BFGS correction pairs
  int max_trials = 8;            // line-search trials per iteration
};

struct FwiIteration {
  int band = 0;           // 0-based
  double band_hz = 0.0;   // the band's corner
  int iteration = 0;      // 0: the band's starting model; then 1, 2, ...
  double misfit = 0.0;    // J in the band
  double relative = 0.0;  // J / (1/2 |d_obs|^2) in the band
  int evaluations = 0;    // misfit-and-gradient evaluations so far in the band
  double seconds = 0.0;   // since the inversion started
};

struct FwiCallbacks {
  // After the starting evaluation of each band and after each accepted step.
  std::function<void(const FwiIteration&, const VelocityModel&)> on_iteration;
  // After each band, with its final model.
  std::function<void(int, const VelocityModel&)> on_band;
};

// Throws ModelingError, naming the problem, for an empty band list, a band that is not positive,
// fewer than one iteration or pair, bounds that are not ordered or exclude a velocity of the
// initial model, a fix_top outside the model, or a non-finite initial model.
void validate(const FwiSettings& settings, const VelocityModel& initial);

// Inverts `observed` (recorded with survey, wavelet and time) from `initial`; returns the final
// model. options.max_velocity is replaced by settings.vmax.
VelocityModel fwi(const VelocityModel& initial, const Survey& survey,
                  const std::vector<float>& wavelet, const TimeAxis& time, const Gathers& observed,
                  const SolverOptions& options, const FwiSettings& settings,
                  const FwiCallbacks& callbacks = {});

// The model's velocities clipped to [settings.vmin, settings.vmax], as float32 values that lie
// inside the bounds (a start for fwi from, say, a network's prediction).
VelocityModel within_bounds(const VelocityModel& model, const FwiSettings& settings);

// The model smoothed by a Gaussian of standard deviation sigma_m (m) along each axis, the edges
// extended by their own values: FWI's usual smooth starting model. Rows above from_row (a water
// layer that FWI keeps fixed) stay as they are and take no part. sigma_m 0 returns it as it is.
VelocityModel smoothed(const VelocityModel& model, double sigma_m, int from_row = 0);

}  // namespace vmb
