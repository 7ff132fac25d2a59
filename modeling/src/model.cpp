#include "vmb/modeling/model.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "vmb/modeling/error.hpp"

namespace vmb {

VelocityModel::VelocityModel(int rows, int columns, double dz_m, double dx_m, float velocity_m_s)
    : nz(rows), nx(columns), dz(dz_m), dx(dx_m) {
  if (rows <= 0 || columns <= 0)
    throw ModelingError("velocity model is empty (nz or nx not positive)");
  velocity.assign(static_cast<std::size_t>(rows) * columns, velocity_m_s);
}

float VelocityModel::min_velocity() const {
  return velocity.empty() ? 0.0f : *std::min_element(velocity.begin(), velocity.end());
}

float VelocityModel::max_velocity() const {
  return velocity.empty() ? 0.0f : *std::max_element(velocity.begin(), velocity.end());
}

VelocityModel demo_model(int nz, int nx, double spacing_m) {
  VelocityModel model(nz, nx, spacing_m, spacing_m);
  const double depth = model.depth_m(), width = model.width_m();
  for (int iz = 0; iz < nz; ++iz)
    for (int ix = 0; ix < nx; ++ix) {
      const double z = iz * spacing_m / depth, x = ix * spacing_m / width;  // fractions
      const double undulation = 0.015 * std::sin(2 * M_PI * 1.5 * x) * z;
      int layer = 0;
      for (double top : {0.25, 0.42, 0.58, 0.74})
        if (z + undulation > top) ++layer;
      float v = 2000.0f + 500.0f * layer;
      if (z > 0.55 + 1.6 * (x - 0.5) * (x - 0.5) + 0.15) v = 4500.0f;  // the dome
      model.at(iz, ix) = v;
    }
  return model;
}

void validate(const VelocityModel& model) {
  if (model.nz <= 0 || model.nx <= 0 || model.velocity.empty())
    throw ModelingError("velocity model is empty");
  if (model.velocity.size() != static_cast<std::size_t>(model.nz) * model.nx) {
    std::ostringstream msg;
    msg << "velocity model holds " << model.velocity.size()
        << " samples, not nz * nx = " << model.nz << " * " << model.nx;
    throw ModelingError(msg.str());
  }
  if (!(std::isfinite(model.dx) && model.dx > 0) || !(std::isfinite(model.dz) && model.dz > 0))
    throw ModelingError("grid spacing dx and dz must be positive and finite");
  for (std::size_t i = 0; i < model.velocity.size(); ++i) {
    const float v = model.velocity[i];
    if (!std::isfinite(v) || v <= 0.0f) {
      std::ostringstream msg;
      msg << "velocity " << v << " m/s at (iz " << i / model.nx << ", ix " << i % model.nx
          << ") is not finite and positive";
      throw ModelingError(msg.str());
    }
  }
}

}  // namespace vmb

namespace vmb {

namespace {

// The old indices within half a new spacing of new node i (clamped to the old grid): [lo, hi].
std::pair<int, int> block(int i, double new_step, double old_step, int old_n) {
  const double centre = i * new_step / old_step, half = 0.5 * new_step / old_step;
  int lo = int(std::ceil(centre - half - 1e-9)), hi = int(std::floor(centre + half + 1e-9));
  lo = std::clamp(lo, 0, old_n - 1);
  hi = std::clamp(hi, 0, old_n - 1);
  if (hi < lo) lo = hi = std::clamp(int(std::lround(centre)), 0, old_n - 1);
  return {lo, hi};
}

}  // namespace

VelocityModel resample(const VelocityModel& model, int nz, int nx, double dz, double dx) {
  validate(model);
  if (nz < 1 || nx < 1 || !(dz > 0) || !(dx > 0) || !std::isfinite(dz) || !std::isfinite(dx))
    throw ModelingError("resampling needs a grid of at least 1 x 1 with positive spacings");
  VelocityModel out(nz, nx, dz, dx);
  for (int iz = 0; iz < nz; ++iz) {
    const auto [z0, z1] = block(iz, dz, model.dz, model.nz);
    for (int ix = 0; ix < nx; ++ix) {
      const auto [x0, x1] = block(ix, dx, model.dx, model.nx);
      double sum = 0.0;
      for (int z = z0; z <= z1; ++z)
        for (int x = x0; x <= x1; ++x) sum += model.at(z, x);
      out.at(iz, ix) = float(sum / double((z1 - z0 + 1) * (x1 - x0 + 1)));
    }
  }
  return out;
}

}  // namespace vmb
