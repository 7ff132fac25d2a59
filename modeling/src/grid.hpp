#pragma once
// The solver's padded grid and its tiles: the memory layout every kernel works on.
//
// The padded grid holds the model, the absorbing layers around it, and zero (Dirichlet) nodes
// around those so that stencils need no bounds checks. Rows start on cache lines: the first
// interior column is kAlign and the row stride a multiple of kAlign. Padded row r, column c holds
// model node (r - halo - top, c - kAlign - left).
//
// Each row is updated in three column segments whose widths are multiples of kAlign: the left
// absorbing strip, the interior, and the right strip. The strips reach order / 2 nodes into the
// interior, where the derivative of the CPML memory variable still acts, and the right one runs on
// into the zero nodes, whose velocity and CPML coefficients are zero, so they stay zero. Rows are
// grouped the same way (z strips and the rest) into tiles of at most kRowBlock rows.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "vmb/modeling/model.hpp"
#include "vmb/modeling/survey.hpp"

namespace vmb::detail {

// Row alignment of the wavefields, in floats: one 64-byte cache line, one AVX-512 register. Every
// kernel vector width divides it.
constexpr int kAlign = 16;

// Rows per tile: long enough that reloading the register window at a tile's start costs little,
// short enough that a tile's rows of p, q and v^2 dt^2 stay in L2 on large grids.
constexpr int kRowBlock = 64;

inline std::int64_t round_up(std::int64_t n, std::int64_t m) { return (n + m - 1) / m * m; }

struct Tile {
  enum Kind { kInterior, kStripX, kStripZ, kCorner };  // which CPML terms act in the tile
  std::int64_t r0 = 0, r1 = 0;                         // padded rows [r0, r1)
  int j0 = 0, j1 = 0;                                  // padded columns [j0, j1)
  Kind kind = kInterior;
};

struct Grid {
  int halo = 0;  // zero rows above and below: order / 2
  int nz = 0, nx = 0;
  int top = 0, bottom = 0, left = 0, right = 0;  // absorbing cells per side
  int nzp = 0, nxp = 0;                          // model plus absorbing layers
  std::int64_t stride = 0, rows = 0;
  int x_left_end = 0;  // end of the left strip segment, start of the interior segment
  int x_right = 0;     // start of the right strip segment
  int x_end = 0;       // end of the right strip segment
  bool free_surface = false;
  std::vector<Tile> tiles;  // cover every updated node once

  std::size_t size() const { return static_cast<std::size_t>(rows * stride); }
  std::size_t index(int iz, int ix) const {
    return static_cast<std::size_t>((iz + top + halo) * stride + (ix + left + kAlign));
  }
};

// The grid of a model with the given stencil order, absorbing width per side, and free surface
// (row 0 held at zero, no absorbing layer on top). Throws ModelingError for a grid whose padded
// size does not fit the index types.
Grid make_grid(const VelocityModel& model, int order, int pml_width, bool free_surface);

// A float buffer whose start lies on a cache line, zeroed on construction.
class AlignedBuffer {
 public:
  explicit AlignedBuffer(std::size_t n);
  float* data() { return data_.get(); }
  const float* data() const { return data_.get(); }
  std::size_t size() const { return n_; }
  void zero();

 private:
  struct Free {
    void operator()(float* p) const;
  };
  std::unique_ptr<float, Free> data_;
  std::size_t n_;
};

// A point in metres as padded-grid nodes and weights (sources inject through it, receivers read
// through it).
struct PointOperator {
  std::vector<std::size_t> index;
  std::vector<float> weight;
};

// Grid nodes and weights of a point. With a free surface, weights above row 0 are mirrored with
// opposite sign (the odd image the surface imposes) and weights on row 0 vanish; weights beyond
// the absorbing layers are dropped.
PointOperator point_operator(const Position& pos, const VelocityModel& model, const Grid& g);

}  // namespace vmb::detail
