#pragma once
// What the kernels read and never write: stencil coefficients and the CPML medium (v^2 dt^2 and
// the recursion coefficients of the absorbing layers) on the padded grid of grid.hpp.
//
// CPML after Pasalic and McGarry (2010), second-order form: along each axis a memory variable
// follows psi <- b psi + a (derivative), with damping profile d(s) = d0 (s / L)^3,
// d0 = -4 vmax ln(R) / (2 L), and frequency shift alpha = pi f_pml (1 - s / L), for s the depth
// into a layer of thickness L: b = exp(-(d + alpha) dt), a = d / (d + alpha) (b - 1).

#include <cstddef>
#include <vector>

#include "grid.hpp"
#include "vmb/modeling/model.hpp"

namespace vmb::detail {

// The usual R = 1e-3 with a quadratic profile leaves 5 % of the direct wave at grazing incidence
// for a width of 20 cells; this stronger, smoother profile leaves 0.03 % there and under 0.01 % at
// normal incidence (tests/modeling/test_boundary.cpp).
constexpr double kPmlReflection = 1e-7;
constexpr int kPmlPower = 3;

// Stencil coefficients (stencil.hpp) scaled by the grid spacing.
struct Coefficients {
  float cx[5], cz[5];  // second derivative / dx^2, / dz^2
  float gx[5], gz[5];  // first derivative / dx, / dz
};
Coefficients make_coefficients(int order, double dx_m, double dz_m);

// CPML coefficients a (<= 0) and b (in (0, 1]) along one axis, `length` entries: entry
// j + offset belongs to layer-and-model cell j (width_lo absorbing cells, n_model model cells,
// width_hi absorbing cells); a = b = 0 everywhere else, the model included.
void pml_profile(int n_model, int width_lo, int width_hi, int offset, double spacing_m,
                 double vmax_m_s, double f_pml_hz, double dt_s, std::vector<float>& a,
                 std::vector<float>& b, std::size_t length);

struct Medium {
  explicit Medium(std::size_t n) : vdt2(n) {}
  AlignedBuffer vdt2;         // v^2 dt^2 (m^2) over the padded grid; model edge replicated outward
  std::vector<float> ax, bx;  // CPML coefficients per padded column
  std::vector<float> az, bz;  // per padded row
};
// vmax_m_s sets the CPML damping; 0: the model's largest velocity.
Medium make_medium(const VelocityModel& model, const Grid& g, double dt_internal_s, double f_pml_hz,
                   double vmax_m_s = 0.0);

}  // namespace vmb::detail
