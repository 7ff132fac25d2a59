#pragma once
// The transpose of one solver time step (kernels.hpp), for the adjoint-state gradient.
//
// The forward step, per axis x (z alike), with A, B the CPML coefficients, C the second- and G the
// first-derivative stencil (C symmetric, G antisymmetric) and V = v^2 dt^2:
//   psi' = B psi + A G p,   u = C p + G psi',   zeta' = B zeta + A u,
//   p_new = 2 p - q + V (u_x + zeta_x' + u_z + zeta_z') + source.
// Its transpose, written for s = V * (adjoint of p), is again a leapfrog step:
//   t = zeta_bar + s,    w = A t,       zeta_bar <- B t,
//   t = psi_bar - G (s + w),  y = A t,  psi_bar <- B t,
//   s_old <- 2 s - s_old + V (C_x (s + w_x) - G_x y_x + C_z (s + w_z) - G_z y_z).
// Outside the absorbing layers A = B = 0, so w = y = 0 and the step is the forward one with s for
// p. w and y depend on neighbours' values, hence three passes over the tiles (w, then y, then
// s), each finished before the next reads it.

#include <cstdint>

#include "grid.hpp"
#include "medium.hpp"
#include "simd.hpp"

namespace vmb::detail {

// The adjoint wavefields of one shot: s at two time levels, the adjoint CPML memory variables,
// and the per-step intermediates w and y of each axis.
struct AdjointWorkspace {
  AlignedBuffer s, s_old, zeta_x, psi_x, zeta_z, psi_z, w_x, y_x, w_z, y_z;
  explicit AdjointWorkspace(std::size_t n)
      : s(n), s_old(n), zeta_x(n), psi_x(n), zeta_z(n), psi_z(n), w_x(n), y_x(n), w_z(n), y_z(n) {}
  void reset() {
    for (auto* v : {&s, &s_old, &zeta_x, &psi_x, &zeta_z, &psi_z, &w_x, &y_x, &w_z, &y_z})
      v->zero();
  }
};

// Pass 1 over a strip tile: w = A (zeta_bar + s), zeta_bar <- B (zeta_bar + s).
template <class V, int R, bool PX, bool PZ>
void adjoint_memory_tile(const Medium& m, const Grid& g, AdjointWorkspace& w,
                         const float* __restrict s, const Tile& t) {
  const std::int64_t stride = g.stride;
  for (int j = t.j0; j < t.j1; j += Lanes<V>::value) {
    const V ax = PX ? loadu<V>(m.ax.data() + j) : V{};
    const V bx = PX ? loadu<V>(m.bx.data() + j) : V{};
    for (std::int64_t r = t.r0; r < t.r1; ++r) {
      const std::int64_t i = r * stride + j;
      const V si = load<V>(s + i);
      if constexpr (PX) {
        const V z = load<V>(w.zeta_x.data() + i) + si;
        store<V>(w.w_x.data() + i, ax * z);
        store<V>(w.zeta_x.data() + i, bx * z);
      }
      if constexpr (PZ) {
        const V z = load<V>(w.zeta_z.data() + i) + si;
        store<V>(w.w_z.data() + i, m.az[r] * z);
        store<V>(w.zeta_z.data() + i, m.bz[r] * z);
      }
    }
  }
}

// Pass 2 over a strip tile: t = psi_bar - G (s + w), y = A t, psi_bar <- B t.
template <class V, int R, bool PX, bool PZ>
void adjoint_psi_tile(const Coefficients& c, const Medium& m, const Grid& g, AdjointWorkspace& w,
                      const float* __restrict s, const Tile& t) {
  const std::int64_t stride = g.stride;
  const float* __restrict wx = w.w_x.data();
  const float* __restrict wz = w.w_z.data();
  for (int j = t.j0; j < t.j1; j += Lanes<V>::value) {
    const V ax = PX ? loadu<V>(m.ax.data() + j) : V{};
    const V bx = PX ? loadu<V>(m.bx.data() + j) : V{};
    for (std::int64_t r = t.r0; r < t.r1; ++r) {
      const std::int64_t i = r * stride + j;
      if constexpr (PX) {
        V d{};
        for (int k = 1; k <= R; ++k)
          d += c.gx[k] * (loadu<V>(s + i + k) + loadu<V>(wx + i + k) - loadu<V>(s + i - k) -
                          loadu<V>(wx + i - k));
        const V tt = load<V>(w.psi_x.data() + i) - d;
        store<V>(w.y_x.data() + i, ax * tt);
        store<V>(w.psi_x.data() + i, bx * tt);
      }
      if constexpr (PZ) {
        V d{};
        for (int k = 1; k <= R; ++k)
          d += c.gz[k] * (load<V>(s + i + k * stride) + load<V>(wz + i + k * stride) -
                          load<V>(s + i - k * stride) - load<V>(wz + i - k * stride));
        const V tt = load<V>(w.psi_z.data() + i) - d;
        store<V>(w.y_z.data() + i, m.az[r] * tt);
        store<V>(w.psi_z.data() + i, m.bz[r] * tt);
      }
    }
  }
}

// Pass 3 over any tile: s_old <- 2 s - s_old + V (C_x (s + w_x) - G_x y_x + C_z (s + w_z) -
// G_z y_z), the z-neighbours of s + w_z held in registers as in the forward kernel; and, with
// Image, the imaging product: product += s * change (the forward's p^{n+1} - 2 p^n + p^{n-1}).
template <class V, int R, bool PX, bool PZ, bool Image>
void adjoint_update_tile(const Coefficients& c, const Medium& m, const Grid& g, AdjointWorkspace& w,
                         const float* __restrict s, float* __restrict s_old,
                         const float* __restrict change, float* __restrict product, const Tile& t) {
  const std::int64_t stride = g.stride;
  const float* __restrict vdt2 = m.vdt2.data();
  const float* __restrict wx = w.w_x.data();
  const float* __restrict yx = w.y_x.data();
  const float* __restrict wz = w.w_z.data();
  const float* __restrict yz = w.y_z.data();
  auto uz = [&](std::int64_t i) {
    if constexpr (PZ) return load<V>(s + i) + load<V>(wz + i);
    return load<V>(s + i);
  };
  auto ux = [&](std::int64_t i) {
    if constexpr (PX) return loadu<V>(s + i) + loadu<V>(wx + i);
    return loadu<V>(s + i);
  };
  for (int j = t.j0; j < t.j1; j += Lanes<V>::value) {
    V window[2 * R + 1];
    for (int k = 0; k < 2 * R; ++k) window[k + 1] = uz((t.r0 - R + k) * stride + j);
    for (std::int64_t r = t.r0; r < t.r1; ++r) {
      const std::int64_t i = r * stride + j;
      for (int k = 0; k < 2 * R; ++k) window[k] = window[k + 1];
      window[2 * R] = uz(i + R * stride);
      V d2x = c.cx[0] * ux(i);
      V d2z = c.cz[0] * window[R];
      for (int k = 1; k <= R; ++k) {
        d2x += c.cx[k] * (ux(i - k) + ux(i + k));
        d2z += c.cz[k] * (window[R - k] + window[R + k]);
      }
      if constexpr (PX)
        for (int k = 1; k <= R; ++k) d2x -= c.gx[k] * (loadu<V>(yx + i + k) - loadu<V>(yx + i - k));
      if constexpr (PZ)
        for (int k = 1; k <= R; ++k)
          d2z -= c.gz[k] * (load<V>(yz + i + k * stride) - load<V>(yz + i - k * stride));
      const V si = load<V>(s + i);
      if constexpr (Image) store<V>(product + i, load<V>(product + i) + si * load<V>(change + i));
      store<V>(s_old + i, 2.0f * si - load<V>(s_old + i) + load<V>(vdt2 + i) * (d2x + d2z));
    }
  }
}

// The transpose of mirror_free_surface for the adjoint field: the surface row's own adjoint never
// reaches another node (p stays zero there), so it is cleared, and the halo takes the odd image
// of the rows below, which folds the mirrored reads of the forward step back onto their nodes.
inline void mirror_free_surface_adjoint(const Grid& g, float* s) {
  const std::int64_t stride = g.stride;
  const int h = g.halo;
  for (std::int64_t j = 0; j < stride; ++j) s[h * stride + j] = 0.0f;
  for (int k = 1; k <= h; ++k)
    for (std::int64_t j = 0; j < stride; ++j) s[(h - k) * stride + j] = -s[(h + k) * stride + j];
}

// adjoint_update_tile for the tile's kind.
template <class V, int R, bool Image>
void adjoint_update_kind(const Coefficients& c, const Medium& m, const Grid& g, AdjointWorkspace& w,
                         const float* s, float* s_old, const float* change, float* product,
                         const Tile& t) {
  switch (t.kind) {
    case Tile::kInterior:
      adjoint_update_tile<V, R, false, false, Image>(c, m, g, w, s, s_old, change, product, t);
      break;
    case Tile::kStripX:
      adjoint_update_tile<V, R, true, false, Image>(c, m, g, w, s, s_old, change, product, t);
      break;
    case Tile::kStripZ:
      adjoint_update_tile<V, R, false, true, Image>(c, m, g, w, s, s_old, change, product, t);
      break;
    case Tile::kCorner:
      adjoint_update_tile<V, R, true, true, Image>(c, m, g, w, s, s_old, change, product, t);
      break;
  }
}

// The transpose of advance<V, R>: takes (s^{n+1}, s^{n+2}) in (s, s_old) to s^n in s_old, and,
// given a change (null on the steps that are not imaged), adds s^{n+1} times the forward's change
// p^{n+1} - 2 p^n + p^{n-1} to product. Like advance, called
// inside an OpenMP parallel region it shares the tiles among the threads.
template <class V, int R>
void adjoint_advance(const Coefficients& c, const Medium& m, const Grid& g, AdjointWorkspace& w,
                     float* s, float* s_old, const float* change, float* product) {
  if (g.free_surface) {
#pragma omp single
    mirror_free_surface_adjoint(g, s);
  }
  const std::int64_t tiles = static_cast<std::int64_t>(g.tiles.size());
#pragma omp for schedule(static)
  for (std::int64_t k = 0; k < tiles; ++k) {
    const Tile& t = g.tiles[k];
    if (t.kind == Tile::kStripX) adjoint_memory_tile<V, R, true, false>(m, g, w, s, t);
    if (t.kind == Tile::kStripZ) adjoint_memory_tile<V, R, false, true>(m, g, w, s, t);
    if (t.kind == Tile::kCorner) adjoint_memory_tile<V, R, true, true>(m, g, w, s, t);
  }
#pragma omp for schedule(static)
  for (std::int64_t k = 0; k < tiles; ++k) {
    const Tile& t = g.tiles[k];
    if (t.kind == Tile::kStripX) adjoint_psi_tile<V, R, true, false>(c, m, g, w, s, t);
    if (t.kind == Tile::kStripZ) adjoint_psi_tile<V, R, false, true>(c, m, g, w, s, t);
    if (t.kind == Tile::kCorner) adjoint_psi_tile<V, R, true, true>(c, m, g, w, s, t);
  }
#pragma omp for schedule(static)
  for (std::int64_t k = 0; k < tiles; ++k) {
    const Tile& t = g.tiles[k];
    if (change) {
      adjoint_update_kind<V, R, true>(c, m, g, w, s, s_old, change, product, t);
    } else {
      adjoint_update_kind<V, R, false>(c, m, g, w, s, s_old, change, product, t);
    }
  }
}

}  // namespace vmb::detail
