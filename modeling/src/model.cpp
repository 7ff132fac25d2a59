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
