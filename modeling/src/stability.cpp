// The solver's rules that every operator shares (simulate, the gradient, the Born operator):
// the stability limit of each order, the sub-steps it asks for, the dispersion warning and the
// checks of SolverOptions. Apart from solver.cpp so that problem.cpp, which builds what both the
// forward and the adjoint solvers run, depends on nothing above it.

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>

#include "stencil.hpp"
#include "vmb/modeling/error.hpp"
#include "vmb/modeling/solver.hpp"

namespace vmb {
namespace {

[[noreturn]] void fail(const std::string& what) { throw ModelingError(what); }

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
  if (options.imaging_every < 0) fail("imaging interval must not be negative");
  if (!(options.pml_frequency >= 0) || !std::isfinite(options.pml_frequency))
    fail("PML frequency must be finite and not negative");
}

}  // namespace vmb
