#pragma once
// A 2D velocity model on a regular grid: nz rows (depth, row 0 at the surface) by nx columns,
// stored [nz][nx] with x fastest. The model owns its samples.

#include <cstddef>
#include <vector>

namespace vmb {

struct VelocityModel {
  int nz = 0;                   // grid rows (depth)
  int nx = 0;                   // grid columns (horizontal)
  double dz = 0.0;              // row spacing, m
  double dx = 0.0;              // column spacing, m
  std::vector<float> velocity;  // m/s, [nz][nx], x fastest

  VelocityModel() = default;
  // A model of constant velocity_m_s.
  VelocityModel(int nz, int nx, double dz, double dx, float velocity_m_s = 0.0f);

  float& at(int iz, int ix) { return velocity[static_cast<std::size_t>(iz) * nx + ix]; }
  float at(int iz, int ix) const { return velocity[static_cast<std::size_t>(iz) * nx + ix]; }
  double width_m() const { return (nx - 1) * dx; }
  double depth_m() const { return (nz - 1) * dz; }
  float min_velocity() const;
  float max_velocity() const;
};

// A layered model with a salt dome, for demos, benchmarks and as vmb-simulate's built-in model:
// five gently undulating layers from 2000 to 4000 m/s (the top one a quarter of the depth thick,
// laterally constant at the surface) and a 4500 m/s dome rising from the bottom. Defaults: the
// FCNVMB grid, 201 x 301 at 10 m.
VelocityModel demo_model(int nz = 201, int nx = 301, double spacing_m = 10.0);

// The model on another grid of nz x nx nodes spaced dz, dx (m), both grids starting at the
// surface and the left edge. Each new node takes the mean of the old nodes within half a new
// spacing of it (a block average: downsampling keeps the mean velocity, not the aliases of point
// sampling), or the nearest old node where none is that close; nodes beyond the old model take
// its edge. Throws ModelingError for an invalid model or grid.
VelocityModel resample(const VelocityModel& model, int nz, int nx, double dz, double dx);

// Throws ModelingError unless the model is non-empty, its sizes agree, the spacings are positive
// and finite, and every velocity is finite and positive.
void validate(const VelocityModel& model);

}  // namespace vmb
