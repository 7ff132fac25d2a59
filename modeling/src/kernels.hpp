#pragma once
// The solver's time step: leapfrog with central differences of half-width R (order 2R) and the
// CPML terms, over the tiles of grid.hpp, written once as templates over the vector type V of
// simd.hpp (Vec: tuned, float: generic).
//
// advance<V, R>(...) takes p^n and p^{n-1} (in q) to p^{n+1} (in q). Called inside an OpenMP
// parallel region it shares the tiles among the threads (each tile is independent); called outside
// one it runs serially.

#include <cstdint>

#include "grid.hpp"
#include "medium.hpp"
#include "simd.hpp"

namespace vmb::detail {

// Wavefields owned by one thread while it runs a shot: the pressure at two time levels and the
// CPML memory variables of each axis.
struct Workspace {
  AlignedBuffer p, q, psi_x, zeta_x, psi_z, zeta_z;
  explicit Workspace(std::size_t n) : p(n), q(n), psi_x(n), zeta_x(n), psi_z(n), zeta_z(n) {}
  void reset() {
    for (auto* v : {&p, &q, &psi_x, &zeta_x, &psi_z, &zeta_z}) v->zero();
  }
};

// psi <- b psi + a dp/dx over the x strips and psi <- b psi + a dp/dz over the z strips of one
// tile; outside the absorbing layers a = b = 0 keeps psi zero.
template <class V, int R, bool PX, bool PZ>
void update_psi_tile(const Coefficients& c, const Medium& m, const Grid& g, Workspace& w,
                     const float* __restrict p, const Tile& t) {
  const std::int64_t s = g.stride;
  float* __restrict psx = w.psi_x.data();
  float* __restrict psz = w.psi_z.data();
  for (int j = t.j0; j < t.j1; j += Lanes<V>::value) {
    const V ax = PX ? loadu<V>(m.ax.data() + j) : V{};
    const V bx = PX ? loadu<V>(m.bx.data() + j) : V{};
    for (std::int64_t r = t.r0; r < t.r1; ++r) {
      const std::int64_t i = r * s + j;
      if constexpr (PX) {
        V d = c.gx[1] * (loadu<V>(p + i + 1) - loadu<V>(p + i - 1));
        for (int k = 2; k <= R; ++k) d += c.gx[k] * (loadu<V>(p + i + k) - loadu<V>(p + i - k));
        store<V>(psx + i, bx * load<V>(psx + i) + ax * d);
      }
      if constexpr (PZ) {
        V d = c.gz[1] * (load<V>(p + i + s) - load<V>(p + i - s));
        for (int k = 2; k <= R; ++k)
          d += c.gz[k] * (load<V>(p + i + k * s) - load<V>(p + i - k * s));
        store<V>(psz + i, m.bz[r] * load<V>(psz + i) + m.az[r] * d);
      }
    }
  }
}

// One time step over the tile rows [t.r0, t.r1) x columns [t.j0, t.j1) (aligned, whole
// vectors); q holds p^{n-1} on entry and p^{n+1} on exit. PX and PZ add the CPML terms of each
// axis. Each column vector marches down the rows holding its 2R + 1 z-neighbours in registers, so
// a node costs one new z load instead of 2R; the x-neighbours come from unaligned loads.
template <class V, int R, bool PX, bool PZ, bool KeepChange>
void update_tile(const Coefficients& c, const Medium& m, const Grid& g, Workspace& w,
                 const float* __restrict p, float* __restrict q, float* __restrict change,
                 const Tile& t) {
  const std::int64_t s = g.stride;
  const float* __restrict vdt2 = m.vdt2.data();
  const float* __restrict psx = w.psi_x.data();
  float* __restrict zx = w.zeta_x.data();
  const float* __restrict psz = w.psi_z.data();
  float* __restrict zz = w.zeta_z.data();
  for (int j = t.j0; j < t.j1; j += Lanes<V>::value) {
    V window[2 * R + 1];
    for (int k = 0; k < 2 * R; ++k) window[k + 1] = load<V>(p + (t.r0 - R + k) * s + j);
    const V ax = PX ? loadu<V>(m.ax.data() + j) : V{};
    const V bx = PX ? loadu<V>(m.bx.data() + j) : V{};
    for (std::int64_t r = t.r0; r < t.r1; ++r) {
      const std::int64_t i = r * s + j;
      for (int k = 0; k < 2 * R; ++k) window[k] = window[k + 1];
      window[2 * R] = load<V>(p + i + R * s);
      V d2x = c.cx[0] * window[R];
      V d2z = c.cz[0] * window[R];
      for (int k = 1; k <= R; ++k) {
        d2x += c.cx[k] * (loadu<V>(p + i - k) + loadu<V>(p + i + k));
        d2z += c.cz[k] * (window[R - k] + window[R + k]);
      }
      if constexpr (PX) {
        V dpsi = c.gx[1] * (loadu<V>(psx + i + 1) - loadu<V>(psx + i - 1));
        for (int k = 2; k <= R; ++k)
          dpsi += c.gx[k] * (loadu<V>(psx + i + k) - loadu<V>(psx + i - k));
        const V zeta = bx * load<V>(zx + i) + ax * (d2x + dpsi);
        store<V>(zx + i, zeta);
        d2x += dpsi + zeta;
      }
      if constexpr (PZ) {
        const float az = m.az[r], bz = m.bz[r];
        V dpsi = c.gz[1] * (load<V>(psz + i + s) - load<V>(psz + i - s));
        for (int k = 2; k <= R; ++k)
          dpsi += c.gz[k] * (load<V>(psz + i + k * s) - load<V>(psz + i - k * s));
        const V zeta = bz * load<V>(zz + i) + az * (d2z + dpsi);
        store<V>(zz + i, zeta);
        d2z += dpsi + zeta;
      }
      // The change is taken from the stored level rather than from v^2 dt^2 (d2x + d2z), so that
      // the new level is the same expression with and without KeepChange: a product with a second
      // use would not be fused into the addition, and the two would differ in rounding.
      const V previous = 2.0f * window[R] - load<V>(q + i);
      const V next = previous + load<V>(vdt2 + i) * (d2x + d2z);
      store<V>(q + i, next);
      if constexpr (KeepChange) store<V>(change + i, next - previous);
    }
  }
}

// Adds value times the operator's weights at its nodes (a source into the new time level).
inline void inject(const PointOperator& op, float value, float* q) {
  for (std::size_t k = 0; k < op.index.size(); ++k) q[op.index[k]] += op.weight[k] * value;
}

// Odd mirror of the rows below the free surface into the halo above it: p(-z) = -p(z).
inline void mirror_free_surface(const Grid& g, float* p) {
  const std::int64_t s = g.stride;
  const int h = g.halo;
  for (int k = 1; k <= h; ++k)
    for (std::int64_t j = 0; j < s; ++j) p[(h - k) * s + j] = -p[(h + k) * s + j];
}

// With KeepChange, also writes p^{n+1} - 2 p^n + p^{n-1} before the source is added (v^2 dt^2
// (d2x + d2z), up to rounding) to `change` at the updated nodes (the gradient's imaged steps).
template <class V, int R, bool KeepChange = false>
void advance(const Coefficients& c, const Medium& m, const Grid& g, Workspace& w, float* p,
             float* q, float* change = nullptr) {
  if (g.free_surface) {
#pragma omp single
    mirror_free_surface(g, p);
  }
  const std::int64_t tiles = static_cast<std::int64_t>(g.tiles.size());
  // The memory variables psi of every tile are updated before any tile reads their derivative.
#pragma omp for schedule(static)
  for (std::int64_t k = 0; k < tiles; ++k) {
    const Tile& t = g.tiles[k];
    switch (t.kind) {
      case Tile::kInterior:
        break;
      case Tile::kStripX:
        update_psi_tile<V, R, true, false>(c, m, g, w, p, t);
        break;
      case Tile::kStripZ:
        update_psi_tile<V, R, false, true>(c, m, g, w, p, t);
        break;
      case Tile::kCorner:
        update_psi_tile<V, R, true, true>(c, m, g, w, p, t);
        break;
    }
  }
#pragma omp for schedule(static)
  for (std::int64_t k = 0; k < tiles; ++k) {
    const Tile& t = g.tiles[k];
    switch (t.kind) {
      case Tile::kInterior:
        update_tile<V, R, false, false, KeepChange>(c, m, g, w, p, q, change, t);
        break;
      case Tile::kStripX:
        update_tile<V, R, true, false, KeepChange>(c, m, g, w, p, q, change, t);
        break;
      case Tile::kStripZ:
        update_tile<V, R, false, true, KeepChange>(c, m, g, w, p, q, change, t);
        break;
      case Tile::kCorner:
        update_tile<V, R, true, true, KeepChange>(c, m, g, w, p, q, change, t);
        break;
    }
  }
}

static_assert(kAlign % Lanes<Vec>::value == 0, "a kernel vector must divide the row alignment");

}  // namespace vmb::detail
