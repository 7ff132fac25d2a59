#pragma once
// 2D constant-density acoustic finite-difference solver.
//
// Equation and amplitude convention:
//   (1 / v^2) p_tt - lap(p) = f(t) delta(x - x_s),
// so a trace recorded at distance r in a homogeneous medium equals the source wavelet f convolved
// with the 2D Green's function H(t - r/v) / (2 pi sqrt(t^2 - r^2/v^2)), with a positive sign.
//
// Discretisation: second order in time (leapfrog), central differences of order 2, 4, 6 or 8 in
// space, float32 wavefields. The point source is injected as f / (dx dz) at its grid node (the
// discrete delta). Absorbing boundaries are convolutional PML (Pasalic and McGarry 2010, the
// second-order form) added outside the model, the model edge replicated into them; the top side is
// optionally a free surface (p = 0 on row 0, imposed by an odd mirror). Off-grid sources and
// receivers use Kaiser-windowed sinc weights (Hicks 2002, half-width 4 nodes); on-grid ones are
// exact single nodes.
//
// Time stepping: the caller gives the output step dt and sample count nt. The solver takes k
// integer sub-steps of dt / k, the smallest k with dt / k within the stability limit of the order
// times a safety margin, interpolates the wavelet onto the internal step with FFTW (band-limited),
// and returns every k-th internal sample. Because the injected wavelet then holds no energy above
// the output Nyquist frequency and the scheme is linear and time-invariant, the internal-rate
// traces hold none either, and taking every k-th sample is exact band-limited resampling.
// Output sample i is the pressure at t = i dt; sample 0 is zero.

#include <functional>
#include <string>
#include <vector>

#include "vmb/modeling/model.hpp"
#include "vmb/modeling/survey.hpp"

namespace vmb {

struct TimeAxis {
  int nt = 0;       // output samples
  double dt = 0.0;  // output step, s
};

struct SolverOptions {
  int order = 8;               // spatial accuracy: 2, 4, 6 or 8
  int pml_width = 20;          // CPML cells on each absorbing side
  bool free_surface = false;   // top side p = 0 instead of CPML
  int snapshot_every = 0;      // keep the wavefield every this many output samples; 0: none
  int threads = 0;             // OpenMP threads; 0: the OpenMP default
  double pml_frequency = 0.0;  // Hz, CPML alpha = pi f; 0: the wavelet's peak frequency
  // m/s: the velocity that sets the internal time step and the CPML damping; 0: the model's
  // largest. Not below the model's largest. An inversion fixes it so that every model it tries is
  // stepped and damped alike (its misfit is then a smooth function of the velocities).
  double max_velocity = 0.0;
  // The gradient's imaging interval (gradient.hpp), internal steps; 0: from the wavelet's band.
  int imaging_every = 0;
  // Called after each finished shot with (shots done, shots in all); calls are serialised.
  std::function<void(int, int)> on_shot_done;
};

// Traces of every shot, [nshots][nt][nrec], plus what the solver chose.
struct Gathers {
  int nshots = 0;
  int nt = 0;
  int nrec = 0;
  double dt = 0.0;               // output step, s
  std::vector<float> data;       // pressure, [nshots][nt][nrec]
  int nsnapshots = 0;            // per shot
  int snapshot_every = 0;        // output samples between snapshots
  std::vector<float> snapshots;  // [nshots][nsnapshots][nz][nx], snapshot j at t = j * every * dt
  int substeps = 1;              // internal steps per output step
  double internal_dt = 0.0;      // s
  int threads = 0;               // OpenMP threads that ran the shots
  std::vector<std::string> warnings;

  float& operator()(int shot, int it, int ir) {
    return data[(static_cast<std::size_t>(shot) * nt + it) * nrec + ir];
  }
  float operator()(int shot, int it, int ir) const {
    return data[(static_cast<std::size_t>(shot) * nt + it) * nrec + ir];
  }
};

// Largest stable leapfrog step (s) for a stencil of the given order; the solver uses this times
// kStabilityMargin.
double stability_limit(int order, double vmax_m_s, double dx_m, double dz_m);
constexpr double kStabilityMargin = 0.9;

// The number of internal sub-steps per output step the solver takes.
int substeps_for(double dt_s, int order, double vmax_m_s, double dx_m, double dz_m);

// Grid points per shortest wavelength below which the order's dispersion becomes visible.
double min_points_per_wavelength(int order);

// A warning when vmin / (fmax * max(dx, dz)) falls below min_points_per_wavelength(order);
// empty otherwise.
std::string dispersion_warning(const VelocityModel& model, double fmax_hz, int order);

// Throws ModelingError unless the options are valid (order 2, 4, 6 or 8; widths, intervals and
// thread counts not negative): a tool checks them before it starts writing.
void validate(const SolverOptions& options);

// Throws ModelingError, naming the first one, unless every source and receiver lies within the
// model (edges included); also for an empty source or receiver list.
void validate(const VelocityModel& model, const Survey& survey);

// Simulates one shot per survey source, the wavelet (nt samples at time.dt, the source time
// function f of the equation above) fired at each. Shots run in parallel when there are at least
// as many shots as threads; otherwise each shot runs parallel over grid rows. Results do not
// depend on the thread count. Throws ModelingError on bad input.
Gathers simulate(const VelocityModel& model, const Survey& survey,
                 const std::vector<float>& wavelet, const TimeAxis& time,
                 const SolverOptions& options = {});

}  // namespace vmb
