#include "medium.hpp"

#include <algorithm>
#include <cmath>

#include "stencil.hpp"

namespace vmb::detail {

Coefficients make_coefficients(int order, double dx_m, double dz_m) {
  const auto c2 = second_derivative_coefficients(order);
  const auto c1 = first_derivative_coefficients(order);
  Coefficients c{};
  for (int k = 0; k < 5; ++k) {
    c.cx[k] = static_cast<float>(c2[k] / (dx_m * dx_m));
    c.cz[k] = static_cast<float>(c2[k] / (dz_m * dz_m));
    c.gx[k] = static_cast<float>(c1[k] / dx_m);
    c.gz[k] = static_cast<float>(c1[k] / dz_m);
  }
  return c;
}

void pml_profile(int n_model, int width_lo, int width_hi, int offset, double spacing_m,
                 double vmax_m_s, double f_pml_hz, double dt_s, std::vector<float>& a,
                 std::vector<float>& b, std::size_t length) {
  a.assign(length, 0.0f);
  b.assign(length, 0.0f);
  const int n = width_lo + n_model + width_hi;
  for (int j = 0; j < n; ++j) {
    double frac = 0.0;
    int width = 0;
    if (j < width_lo) {
      width = width_lo;
      frac = static_cast<double>(width_lo - j) / width_lo;
    } else if (j > width_lo + n_model - 1) {
      width = width_hi;
      frac = static_cast<double>(j - (width_lo + n_model - 1)) / width_hi;
    }
    if (frac <= 0.0) continue;
    const double thickness = width * spacing_m;
    const double d0 = -(kPmlPower + 1) * vmax_m_s * std::log(kPmlReflection) / (2.0 * thickness);
    const double d = d0 * std::pow(frac, kPmlPower);
    const double alpha = M_PI * f_pml_hz * (1.0 - frac);
    const double bb = std::exp(-(d + alpha) * dt_s);
    a[j + offset] = static_cast<float>(d / (d + alpha) * (bb - 1.0));
    b[j + offset] = static_cast<float>(bb);
  }
}

Medium make_medium(const VelocityModel& model, const Grid& g, double dt_internal_s, double f_pml_hz,
                   double vmax_m_s) {
  Medium m(g.size());
  const double dt2 = dt_internal_s * dt_internal_s;
  for (int r = 0; r < g.nzp; ++r) {
    const int iz = std::clamp(r - g.top, 0, g.nz - 1);
    for (int c = 0; c < g.nxp; ++c) {
      const int ix = std::clamp(c - g.left, 0, g.nx - 1);
      const double v = model.at(iz, ix);
      m.vdt2.data()[(r + g.halo) * g.stride + c + kAlign] = static_cast<float>(v * v * dt2);
    }
  }
  const double vmax = vmax_m_s > 0 ? vmax_m_s : model.max_velocity();
  pml_profile(g.nx, g.left, g.right, kAlign, model.dx, vmax, f_pml_hz, dt_internal_s, m.ax, m.bx,
              g.stride);
  pml_profile(g.nz, g.top, g.bottom, g.halo, model.dz, vmax, f_pml_hz, dt_internal_s, m.az, m.bz,
              g.rows);
  return m;
}

}  // namespace vmb::detail
