#include "grid.hpp"

#include <algorithm>
#include <cstdlib>
#include <new>

#include "point_weights.hpp"
#include "vmb/modeling/error.hpp"

namespace vmb::detail {

Grid make_grid(const VelocityModel& model, int order, int pml_width, bool free_surface) {
  Grid g;
  g.halo = order / 2;
  g.nz = model.nz;
  g.nx = model.nx;
  g.free_surface = free_surface;
  g.top = free_surface ? 0 : pml_width;
  g.bottom = g.left = g.right = pml_width;
  const std::int64_t nzp = std::int64_t{model.nz} + g.top + g.bottom;
  const std::int64_t nxp = std::int64_t{model.nx} + g.left + g.right;
  if (nzp > (1 << 28) || nxp > (1 << 28)) throw ModelingError("grid too large to allocate");
  g.nzp = static_cast<int>(nzp);
  g.nxp = static_cast<int>(nxp);
  const int reach = g.halo;
  // Column segments start and end on multiples of kAlign, so that every tile holds whole vectors
  // of any width; the last one ends at aligned_end, past the grid's last column when nxp is not a
  // multiple of kAlign.
  const int interior_end = kAlign + g.nxp;
  const int aligned_end = kAlign + static_cast<int>(round_up(g.nxp, kAlign));
  g.x_left_end = g.left > 0 ? kAlign + static_cast<int>(round_up(g.left + reach, kAlign)) : kAlign;
  g.x_left_end = std::min(g.x_left_end, aligned_end);
  if (g.right > 0) {
    const int wanted = interior_end - g.right - reach;
    g.x_right = std::max(
        g.x_left_end, g.x_left_end + static_cast<int>((wanted - g.x_left_end) / kAlign * kAlign));
  } else {
    g.x_right = aligned_end;
  }
  g.x_end = aligned_end;
  g.stride = round_up(g.x_end + reach, kAlign);
  g.rows = nzp + 2 * g.halo;

  // Rows of the z strips (reaching `reach` rows into the interior, like the x strips) and the
  // rest, in blocks of kRowBlock rows. Row 0 of a free surface stays zero.
  const std::int64_t h = g.halo;
  const std::int64_t r_first = h + (g.free_surface ? 1 : 0), r_end = h + nzp;
  const std::int64_t zt_end = std::max(r_first, g.top > 0 ? std::min(h + g.top + reach, r_end) : h);
  const std::int64_t zb_begin = std::max(zt_end, g.bottom > 0 ? h + nzp - g.bottom - reach : r_end);
  auto add_rows = [&](std::int64_t r0, std::int64_t r1, bool z_strip) {
    for (std::int64_t a = r0; a < r1; a += kRowBlock) {
      const std::int64_t b = std::min(a + kRowBlock, r1);
      const auto x_kind = z_strip ? Tile::kCorner : Tile::kStripX;
      const auto mid_kind = z_strip ? Tile::kStripZ : Tile::kInterior;
      for (Tile t :
           {Tile{a, b, kAlign, g.x_left_end, x_kind}, Tile{a, b, g.x_left_end, g.x_right, mid_kind},
            Tile{a, b, g.x_right, g.x_end, x_kind}})
        if (t.j1 > t.j0) g.tiles.push_back(t);
    }
  };
  add_rows(r_first, zt_end, true);
  add_rows(zt_end, zb_begin, false);
  add_rows(zb_begin, r_end, true);
  return g;
}

AlignedBuffer::AlignedBuffer(std::size_t n)
    : data_(static_cast<float*>(std::aligned_alloc(64, round_up(n * sizeof(float), 64)))), n_(n) {
  if (!data_) throw std::bad_alloc();
  zero();
}

void AlignedBuffer::zero() { std::fill_n(data_.get(), n_, 0.0f); }

void AlignedBuffer::Free::operator()(float* p) const { std::free(p); }

PointOperator point_operator(const Position& pos, const VelocityModel& model, const Grid& g) {
  PointOperator op;
  for (const auto& nw : point_weights(pos.x, pos.z, model.dx, model.dz)) {
    int iz = nw.iz;
    float w = nw.weight;
    if (g.free_surface) {
      if (iz == 0) continue;
      if (iz < 0) {
        iz = -iz;
        w = -w;
      }
    }
    if (iz < -g.top || iz >= g.nz + g.bottom || nw.ix < -g.left || nw.ix >= g.nx + g.right)
      continue;
    op.index.push_back(g.index(iz, nw.ix));
    op.weight.push_back(w);
  }
  return op;
}

}  // namespace vmb::detail
