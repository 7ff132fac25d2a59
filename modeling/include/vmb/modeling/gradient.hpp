#pragma once
// The least-squares data misfit, its gradient with respect to the velocity by the adjoint-state
// method, and the linearised (Born) forward operator with its adjoint, all on the solver's own
// discretisation (solver.hpp): the transpose of every step (stencil, CPML recursions, free surface,
// off-grid interpolation, sub-steps), so that, imaging every step, the gradient is that of the
// discrete misfit itself (tests/modeling/test_gradient.cpp: dot-product, Taylor and
// finite-difference tests).
//
// Misfit: J(v) = 1/2 sum over shots, output samples and receivers of (d_sim(v) - d_obs)^2.
//
// Imaging and memory: the gradient is the sum over time steps of the adjoint field times the
// forward pressure's second time difference. That product is band-limited (twice the wavelet's
// band), so summing it every few steps, times the steps each stands for, gives the same sum: by
// default every k-th step, k * dt a quarter of the period of the wavelet's highest frequency
// (max_frequency(), 2.5 f0 for a Ricker: 6 steps of 1 ms for 15 Hz; SolverOptions::imaging_every
// sets k, 1 images every step; with sub-steps every step is imaged). The Born operator
// scatters at the same steps, so born and born_adjoint are exact transposes whatever k; against
// imaging every step the gradient changes by about 1e-4 (test_gradient.cpp). The forward pass keeps
// the imaged steps' second differences, 1 / k of the O(grid x nt) that keeping every step would
// take (110 MB for one FCNVMB shot instead of 680 MB), and the backward pass needs no
// recomputation: one gradient costs one forward and one adjoint run. Where that would take more
// than four times the memory of checkpointing (k = 1, or long records), the forward pass keeps its
// whole state every K steps instead and the backward pass recomputes each stretch of K steps from
// its checkpoint before running the adjoint through it, with K about sqrt(6 nt / k) imaged steps:
// memory O(grid x sqrt(nt / k)) per shot, at the cost of one more forward run. Saved boundaries
// would need no recomputation of the absorbing layers' state but cannot rebuild it backward (the
// CPML recursions damp), which an exact gradient needs.
// Shots run in parallel as in simulate(); each shot's gradient is summed in shot order, so results
// do not depend on the thread count.

#include <vector>

#include "vmb/modeling/model.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/survey.hpp"

namespace vmb {

struct MisfitGradient {
  double misfit = 0.0;           // J, in squared trace units
  std::vector<double> gradient;  // dJ/dv at each model node, [nz][nx], per m/s
  Gathers simulated;             // d_sim(v), [nshots][nt][nrec]
  // With illumination asked for: the sum over shots and internal steps of the squared second time
  // difference of the forward pressure at each model node, [nz][nx]: the source side of the
  // Gauss-Newton Hessian's diagonal, which FWI divides the gradient by. Empty otherwise.
  std::vector<double> illumination;
};

// J and dJ/dv at `model` for data `observed` recorded with the same survey, wavelet and time axis.
// The solver options are those of simulate() (snapshots are not taken); set max_velocity to keep
// the time step and absorbing layers fixed while the model changes. Throws ModelingError on bad
// input, observed gathers whose shape differs from the survey's or which hold non-finite values
// among it.
MisfitGradient misfit_gradient(const VelocityModel& model, const Survey& survey,
                               const std::vector<float>& wavelet, const TimeAxis& time,
                               const Gathers& observed, const SolverOptions& options = {},
                               bool illumination = false);

// The Born operator: the first-order change of the gathers, (d d_sim / d v) dv, for a velocity
// change dv at each model node ([nz][nx], m/s).
Gathers born(const VelocityModel& model, const std::vector<double>& dv, const Survey& survey,
             const std::vector<float>& wavelet, const TimeAxis& time,
             const SolverOptions& options = {});

// Its adjoint: (d d_sim / d v)^T applied to `data` ([nshots][nt][nrec], the survey's shape), at
// each model node, [nz][nx]. misfit_gradient is this applied to d_sim - d_obs.
std::vector<double> born_adjoint(const VelocityModel& model, const Gathers& data,
                                 const Survey& survey, const std::vector<float>& wavelet,
                                 const TimeAxis& time, const SolverOptions& options = {});

}  // namespace vmb
