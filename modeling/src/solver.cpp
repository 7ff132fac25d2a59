#include "vmb/modeling/solver.hpp"

#include <omp.h>
#include <unistd.h>
#include <xmmintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <memory>
#include <new>
#include <sstream>

#include "point_weights.hpp"
#include "stencil.hpp"
#include "vmb/modeling/error.hpp"
#include "vmb/modeling/resample.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace vmb {
namespace {

// CPML damping profile d(s) = d0 (s / L)^3 with d0 = -4 vmax ln(R) / (2 L), and the frequency shift
// alpha = pi f_pml (1 - s / L). The usual R = 1e-3 with a quadratic profile leaves 5 % of the
// direct wave at grazing incidence for a width of 20 cells; this stronger, smoother profile leaves
// 0.03 % there and under 0.01 % at normal incidence (tests/modeling/test_boundary.cpp).
constexpr double kPmlReflection = 1e-7;
constexpr int kPmlPower = 3;

// Row alignment of the wavefields, in floats: one 64-byte cache line, one AVX-512 register.
constexpr int kAlign = 16;

inline std::int64_t round_up(std::int64_t n, std::int64_t m) { return (n + m - 1) / m * m; }

// The padded grid: the model, the absorbing layers around it, and zero (Dirichlet) nodes around
// those so that stencils need no bounds checks. Rows start on cache lines: the first interior
// column is kAlign and the row stride a multiple of kAlign. Padded row r, column c holds model node
// (r - halo - top, c - kAlign - left).
//
// Each row is updated in three column segments whose widths are multiples of kAlign: the left
// absorbing strip, the interior, and the right strip. The strips reach order / 2 nodes into the
// interior, where the derivative of the CPML memory variable still acts, and the right one runs on
// into the zero nodes, whose velocity and CPML coefficients are zero, so they stay zero. Rows are
// grouped the same way (z strips and the rest) into tiles.
struct Tile {
  enum Kind { kInterior, kStripX, kStripZ, kCorner };  // which CPML terms act in the tile
  std::int64_t r0 = 0, r1 = 0;
  int j0 = 0, j1 = 0;
  Kind kind = kInterior;
};

struct Grid {
  int halo = 0;  // zero rows above and below: order / 2
  int nz = 0, nx = 0;
  int top = 0, bottom = 0, left = 0, right = 0;  // absorbing cells per side
  int nzp = 0, nxp = 0;                          // model plus absorbing layers
  std::int64_t stride = 0, rows = 0;
  int x_left_end = 0;   // end of the left strip segment, start of the interior segment
  int x_right = 0;      // start of the right strip segment
  int x_end = 0;        // end of the right strip segment
  bool free_surface = false;
  std::vector<Tile> tiles;  // cover every updated node once

  std::size_t size() const { return static_cast<std::size_t>(rows * stride); }
  std::size_t index(int iz, int ix) const {
    return static_cast<std::size_t>((iz + top + halo) * stride + (ix + left + kAlign));
  }
};

// A float buffer whose start lies on a cache line.
struct AlignedFree {
  void operator()(float* p) const { std::free(p); }
};
class AlignedBuffer {
 public:
  explicit AlignedBuffer(std::size_t n)
      : data_(static_cast<float*>(std::aligned_alloc(64, round_up(n * sizeof(float), 64)))), n_(n) {
    if (!data_) throw std::bad_alloc();
    std::fill_n(data_.get(), n_, 0.0f);
  }
  float* data() { return data_.get(); }
  const float* data() const { return data_.get(); }
  void zero() { std::fill_n(data_.get(), n_, 0.0f); }

 private:
  std::unique_ptr<float, AlignedFree> data_;
  std::size_t n_;
};

// Stencil coefficients scaled by the grid spacing.
struct Coefficients {
  float cx[5], cz[5];  // second derivative / dx^2, / dz^2
  float gx[5], gz[5];  // first derivative / dx, / dz
};

// Read-only state shared by all shots.
struct Medium {
  explicit Medium(std::size_t n) : vdt2(n) {}
  AlignedBuffer vdt2;         // v^2 dt^2 over the padded grid
  std::vector<float> ax, bx;  // CPML recursion coefficients per padded column
  std::vector<float> az, bz;  // per padded row
};

// Wavefields owned by one thread while it runs a shot.
struct Workspace {
  AlignedBuffer p, q, psi_x, zeta_x, psi_z, zeta_z;
  explicit Workspace(std::size_t n) : p(n), q(n), psi_x(n), zeta_x(n), psi_z(n), zeta_z(n) {}
  void reset() {
    for (auto* v : {&p, &q, &psi_x, &zeta_x, &psi_z, &zeta_z}) v->zero();
  }
};

struct PointOperator {
  std::vector<std::size_t> index;
  std::vector<float> weight;
};

[[noreturn]] void fail(const std::string& what) { throw ModelingError(what); }

void validate_inputs(const VelocityModel& model, const Survey& survey,
                     const std::vector<float>& wavelet, const TimeAxis& time,
                     const SolverOptions& options) {
  validate(model);
  if (time.nt <= 0) fail("nt must be positive");
  if (!(time.dt > 0) || !std::isfinite(time.dt)) fail("dt must be positive and finite");
  validate(options);
  if (survey.sources.empty()) fail("survey has no sources");
  if (survey.receivers.empty()) fail("survey has no receivers");
  if (wavelet.empty()) fail("wavelet is empty");
  for (float w : wavelet)
    if (!std::isfinite(w)) fail("wavelet holds a value that is not finite");
  const double tol_x = 1e-6 * model.dx, tol_z = 1e-6 * model.dz;
  auto check = [&](const Position& pos, const char* what, std::size_t i) {
    if (!std::isfinite(pos.x) || !std::isfinite(pos.z) || pos.x < -tol_x || pos.z < -tol_z ||
        pos.x > model.width_m() + tol_x || pos.z > model.depth_m() + tol_z) {
      std::ostringstream msg;
      msg << what << ' ' << i << " at (x " << pos.x << " m, z " << pos.z
          << " m) lies outside the model (x 0 to " << model.width_m() << " m, z 0 to "
          << model.depth_m() << " m)";
      fail(msg.str());
    }
  };
  for (std::size_t i = 0; i < survey.sources.size(); ++i) check(survey.sources[i], "source", i);
  for (std::size_t i = 0; i < survey.receivers.size(); ++i)
    check(survey.receivers[i], "receiver", i);
}

// Native vector types for the kernels (GCC vector extensions: the widest the target has;
// kAlign is a multiple of every width).
#if defined(__AVX512F__)
constexpr int kVec = 16;
#elif defined(__AVX__)
constexpr int kVec = 8;
#else
constexpr int kVec = 4;
#endif
typedef float Vec __attribute__((vector_size(kVec * sizeof(float)), may_alias));
typedef float VecUnaligned
    __attribute__((vector_size(kVec * sizeof(float)), may_alias, aligned(alignof(float))));
inline Vec load(const float* a) { return *reinterpret_cast<const Vec*>(a); }
inline Vec loadu(const float* a) { return *reinterpret_cast<const VecUnaligned*>(a); }
inline void store(float* a, Vec v) { *reinterpret_cast<Vec*>(a) = v; }

// Rows per tile: long enough that reloading the register window at a tile's start costs little,
// short enough that a tile's rows of p, q and v^2 dt^2 stay in L2 on large grids.
constexpr int kRowBlock = 64;

Grid make_grid(const VelocityModel& model, const SolverOptions& options) {
  Grid g;
  g.halo = options.order / 2;
  g.nz = model.nz;
  g.nx = model.nx;
  g.free_surface = options.free_surface;
  g.top = options.free_surface ? 0 : options.pml_width;
  g.bottom = g.left = g.right = options.pml_width;
  const std::int64_t nzp = std::int64_t{model.nz} + g.top + g.bottom;
  const std::int64_t nxp = std::int64_t{model.nx} + g.left + g.right;
  if (nzp > (1 << 28) || nxp > (1 << 28)) fail("grid too large to allocate");
  g.nzp = static_cast<int>(nzp);
  g.nxp = static_cast<int>(nxp);
  const int reach = g.halo;
  const int interior_end = kAlign + g.nxp;
  g.x_left_end = kAlign + (g.left > 0 ? static_cast<int>(round_up(g.left + reach, kAlign)) : 0);
  g.x_left_end = std::min(g.x_left_end, interior_end);
  if (g.right > 0) {
    const int wanted = interior_end - g.right - reach;
    g.x_right = std::max(g.x_left_end,
                         g.x_left_end + static_cast<int>((wanted - g.x_left_end) / kAlign * kAlign));
    g.x_end = g.x_right + static_cast<int>(round_up(interior_end - g.x_right, kAlign));
  } else {
    g.x_right = g.x_end = interior_end;
  }
  g.stride = round_up(std::max(g.x_end, interior_end) + reach, kAlign);
  g.rows = nzp + 2 * g.halo;

  // Rows of the z strips (reaching R rows into the interior, like the x strips) and the rest, in
  // blocks of kRowBlock rows. Row 0 of a free surface stays zero.
  const std::int64_t h = g.halo;
  const std::int64_t r_first = h + (g.free_surface ? 1 : 0), r_end = h + nzp;
  const std::int64_t zt_end = std::max(r_first, g.top > 0 ? std::min(h + g.top + reach, r_end) : h);
  const std::int64_t zb_begin =
      std::max(zt_end, g.bottom > 0 ? h + nzp - g.bottom - reach : r_end);
  auto add_rows = [&](std::int64_t r0, std::int64_t r1, bool z_strip) {
    for (std::int64_t a = r0; a < r1; a += kRowBlock) {
      const std::int64_t b = std::min(a + kRowBlock, r1);
      const auto x_kind = z_strip ? Tile::kCorner : Tile::kStripX;
      const auto mid_kind = z_strip ? Tile::kStripZ : Tile::kInterior;
      for (Tile t : {Tile{a, b, kAlign, g.x_left_end, x_kind},
                     Tile{a, b, g.x_left_end, g.x_right, mid_kind},
                     Tile{a, b, g.x_right, g.x_end, x_kind}})
        if (t.j1 > t.j0) g.tiles.push_back(t);
    }
  };
  add_rows(r_first, zt_end, true);
  add_rows(zt_end, zb_begin, false);
  add_rows(zb_begin, r_end, true);
  return g;
}

Coefficients make_coefficients(int order, double dx, double dz) {
  const auto c2 = detail::second_derivative_coefficients(order);
  const auto c1 = detail::first_derivative_coefficients(order);
  Coefficients c{};
  for (int k = 0; k < 5; ++k) {
    c.cx[k] = static_cast<float>(c2[k] / (dx * dx));
    c.cz[k] = static_cast<float>(c2[k] / (dz * dz));
    c.gx[k] = static_cast<float>(c1[k] / dx);
    c.gz[k] = static_cast<float>(c1[k] / dz);
  }
  return c;
}

// CPML coefficients a, b of the recursion psi <- b psi + a (derivative) along one axis of the
// padded grid; zero outside the absorbing layers.
void pml_profile(int n_model, int width_lo, int width_hi, int offset, double spacing, double vmax,
                 double f_pml, double dt, std::vector<float>& a, std::vector<float>& b,
                 std::size_t length) {
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
    const double thickness = width * spacing;
    const double d0 = -(kPmlPower + 1) * vmax * std::log(kPmlReflection) / (2.0 * thickness);
    const double d = d0 * std::pow(frac, kPmlPower);
    const double alpha = M_PI * f_pml * (1.0 - frac);
    const double bb = std::exp(-(d + alpha) * dt);
    a[j + offset] = static_cast<float>(d / (d + alpha) * (bb - 1.0));
    b[j + offset] = static_cast<float>(bb);
  }
}

Medium make_medium(const VelocityModel& model, const Grid& g, double dt_internal, double f_pml) {
  Medium m(g.size());
  const double dt2 = dt_internal * dt_internal;
  for (int r = 0; r < g.nzp; ++r) {
    const int iz = std::clamp(r - g.top, 0, g.nz - 1);
    for (int c = 0; c < g.nxp; ++c) {
      const int ix = std::clamp(c - g.left, 0, g.nx - 1);
      const double v = model.at(iz, ix);
      m.vdt2.data()[(r + g.halo) * g.stride + c + kAlign] = static_cast<float>(v * v * dt2);
    }
  }
  const double vmax = model.max_velocity();
  pml_profile(g.nx, g.left, g.right, kAlign, model.dx, vmax, f_pml, dt_internal, m.ax, m.bx,
              g.stride);
  pml_profile(g.nz, g.top, g.bottom, g.halo, model.dz, vmax, f_pml, dt_internal, m.az, m.bz,
              g.rows);
  return m;
}

// Grid nodes and weights of a point. With a free surface, weights above row 0 are mirrored with
// opposite sign (the odd image the surface imposes) and weights on row 0 vanish; weights beyond
// the absorbing layers are dropped.
PointOperator point_operator(const Position& pos, const VelocityModel& model, const Grid& g) {
  PointOperator op;
  for (const auto& nw : detail::point_weights(pos.x, pos.z, model.dx, model.dz)) {
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

// psi <- b psi + a dp/dx over the x strips and psi <- b psi + a dp/dz over the z strips of one
// tile; outside the absorbing layers a = b = 0 keeps psi zero.
template <int R, bool PX, bool PZ>
void update_psi_tile(const Coefficients& c, const Medium& m, const Grid& g, Workspace& w,
                     const float* __restrict p, const Tile& t) {
  const std::int64_t s = g.stride;
  float* __restrict psx = w.psi_x.data();
  float* __restrict psz = w.psi_z.data();
  for (int j = t.j0; j < t.j1; j += kVec) {
    const Vec ax = PX ? loadu(m.ax.data() + j) : Vec{};
    const Vec bx = PX ? loadu(m.bx.data() + j) : Vec{};
    for (std::int64_t r = t.r0; r < t.r1; ++r) {
      const std::int64_t i = r * s + j;
      if constexpr (PX) {
        Vec d = c.gx[1] * (loadu(p + i + 1) - loadu(p + i - 1));
        for (int k = 2; k <= R; ++k) d += c.gx[k] * (loadu(p + i + k) - loadu(p + i - k));
        store(psx + i, bx * load(psx + i) + ax * d);
      }
      if constexpr (PZ) {
        Vec d = c.gz[1] * (load(p + i + s) - load(p + i - s));
        for (int k = 2; k <= R; ++k) d += c.gz[k] * (load(p + i + k * s) - load(p + i - k * s));
        store(psz + i, m.bz[r] * load(psz + i) + m.az[r] * d);
      }
    }
  }
}

template <int R>
void update_psi(const Coefficients& c, const Medium& m, const Grid& g, Workspace& w,
                const float* p) {
  const std::int64_t tiles = static_cast<std::int64_t>(g.tiles.size());
#pragma omp for schedule(static)
  for (std::int64_t k = 0; k < tiles; ++k) {
    const Tile& t = g.tiles[k];
    switch (t.kind) {
      case Tile::kInterior: break;
      case Tile::kStripX: update_psi_tile<R, true, false>(c, m, g, w, p, t); break;
      case Tile::kStripZ: update_psi_tile<R, false, true>(c, m, g, w, p, t); break;
      case Tile::kCorner: update_psi_tile<R, true, true>(c, m, g, w, p, t); break;
    }
  }
}

// One time step over the tile rows [t.r0, t.r1) x columns [t.j0, t.j1) (aligned, whole
// vectors); q holds p^{n-1} on entry and p^{n+1} on exit. PX and PZ add the CPML terms of each
// axis. Each column vector marches down the rows holding its 2R + 1 z-neighbours in registers, so
// a node costs one new z load instead of 2R; the x-neighbours come from unaligned loads.
template <int R, bool PX, bool PZ>
void update_tile(const Coefficients& c, const Medium& m, const Grid& g, Workspace& w,
                 const float* __restrict p, float* __restrict q, const Tile& t) {
  const std::int64_t s = g.stride;
  const float* __restrict vdt2 = m.vdt2.data();
  const float* __restrict psx = w.psi_x.data();
  float* __restrict zx = w.zeta_x.data();
  const float* __restrict psz = w.psi_z.data();
  float* __restrict zz = w.zeta_z.data();
  for (int j = t.j0; j < t.j1; j += kVec) {
    Vec window[2 * R + 1];
    for (int k = 0; k < 2 * R; ++k) window[k + 1] = load(p + (t.r0 - R + k) * s + j);
    const Vec ax = PX ? loadu(m.ax.data() + j) : Vec{};
    const Vec bx = PX ? loadu(m.bx.data() + j) : Vec{};
    for (std::int64_t r = t.r0; r < t.r1; ++r) {
      const std::int64_t i = r * s + j;
      for (int k = 0; k < 2 * R; ++k) window[k] = window[k + 1];
      window[2 * R] = load(p + i + R * s);
      Vec d2x = c.cx[0] * window[R];
      Vec d2z = c.cz[0] * window[R];
      for (int k = 1; k <= R; ++k) {
        d2x += c.cx[k] * (loadu(p + i - k) + loadu(p + i + k));
        d2z += c.cz[k] * (window[R - k] + window[R + k]);
      }
      if constexpr (PX) {
        Vec dpsi = c.gx[1] * (loadu(psx + i + 1) - loadu(psx + i - 1));
        for (int k = 2; k <= R; ++k) dpsi += c.gx[k] * (loadu(psx + i + k) - loadu(psx + i - k));
        const Vec zeta = bx * load(zx + i) + ax * (d2x + dpsi);
        store(zx + i, zeta);
        d2x += dpsi + zeta;
      }
      if constexpr (PZ) {
        const float az = m.az[r], bz = m.bz[r];
        Vec dpsi = c.gz[1] * (load(psz + i + s) - load(psz + i - s));
        for (int k = 2; k <= R; ++k) dpsi += c.gz[k] * (load(psz + i + k * s) - load(psz + i - k * s));
        const Vec zeta = bz * load(zz + i) + az * (d2z + dpsi);
        store(zz + i, zeta);
        d2z += dpsi + zeta;
      }
      store(q + i, 2.0f * window[R] - load(q + i) + load(vdt2 + i) * (d2x + d2z));
    }
  }
}

template <int R>
void update_wavefield(const Coefficients& c, const Medium& m, const Grid& g, Workspace& w,
                      const float* p, float* q) {
  const std::int64_t tiles = static_cast<std::int64_t>(g.tiles.size());
#pragma omp for schedule(static)
  for (std::int64_t k = 0; k < tiles; ++k) {
    const Tile& t = g.tiles[k];
    switch (t.kind) {
      case Tile::kInterior: update_tile<R, false, false>(c, m, g, w, p, q, t); break;
      case Tile::kStripX: update_tile<R, true, false>(c, m, g, w, p, q, t); break;
      case Tile::kStripZ: update_tile<R, false, true>(c, m, g, w, p, q, t); break;
      case Tile::kCorner: update_tile<R, true, true>(c, m, g, w, p, q, t); break;
    }
  }
}

// Odd mirror of the rows below the free surface into the halo above it: p(-z) = -p(z).
void mirror_free_surface(const Grid& g, float* p) {
  const std::int64_t s = g.stride;
  const int h = g.halo;
  for (int k = 1; k <= h; ++k)
    for (std::int64_t j = 0; j < s; ++j) p[(h - k) * s + j] = -p[(h + k) * s + j];
}

// High-order stencils smear the wavefront ahead of itself in values that decay into the float32
// subnormal range, where each operation costs a hundred cycles or more. Flushing them to zero for
// the life of a shot (FTZ and DAZ in MXCSR, restored after) changes results only below 1e-38.
class FlushDenormals {
 public:
  FlushDenormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | 0x8040); }
  ~FlushDenormals() { _mm_setcsr(saved_); }
  FlushDenormals(const FlushDenormals&) = delete;
  FlushDenormals& operator=(const FlushDenormals&) = delete;

 private:
  unsigned int saved_;
};

struct ShotSetup {
  const Grid* grid;
  const Coefficients* coefficients;
  const Medium* medium;
  const std::vector<PointOperator>* receivers;
  const std::vector<float>* source_function;  // at the internal step, scaled by 1 / (dx dz)
  int substeps;
  int nt;
  int snapshot_every;
  int nsnapshots;
};

template <int R>
void run_shot(const ShotSetup& s, const PointOperator& source, Workspace& w, float* traces,
              float* snapshots, int threads) {
  const Grid& g = *s.grid;
  const auto& receivers = *s.receivers;
  const int nrec = static_cast<int>(receivers.size());
  const std::int64_t last = static_cast<std::int64_t>(s.nt - 1) * s.substeps;
  w.reset();
#pragma omp parallel num_threads(threads)
  {
    const FlushDenormals flush;
    float* p = w.p.data();
    float* q = w.q.data();
    for (std::int64_t n = 0; n <= last; ++n) {
      if (n % s.substeps == 0) {
#pragma omp single
        {
          const std::int64_t it = n / s.substeps;
          float* row = traces + it * nrec;
          for (int ir = 0; ir < nrec; ++ir) {
            float sum = 0.0f;
            for (std::size_t k = 0; k < receivers[ir].index.size(); ++k)
              sum += receivers[ir].weight[k] * p[receivers[ir].index[k]];
            row[ir] = sum;
          }
          if (snapshots && it % s.snapshot_every == 0 && it / s.snapshot_every < s.nsnapshots) {
            float* snap = snapshots + (it / s.snapshot_every) * std::size_t(g.nz) * g.nx;
            for (int iz = 0; iz < g.nz; ++iz)
              std::copy_n(p + g.index(iz, 0), g.nx, snap + std::size_t(iz) * g.nx);
          }
        }
      }
      if (n == last) break;
      if (g.free_surface) {
#pragma omp single
        mirror_free_surface(g, p);
      }
      update_psi<R>(*s.coefficients, *s.medium, g, w, p);
      update_wavefield<R>(*s.coefficients, *s.medium, g, w, p, q);
#pragma omp single
      {
        const float f = (*s.source_function)[n];
        for (std::size_t k = 0; k < source.index.size(); ++k)
          q[source.index[k]] += source.weight[k] * f;
      }
      std::swap(p, q);
    }
  }
}

void run_shot(int order, const ShotSetup& s, const PointOperator& source, Workspace& w,
              float* traces, float* snapshots, int threads) {
  switch (order) {
    case 2: return run_shot<1>(s, source, w, traces, snapshots, threads);
    case 4: return run_shot<2>(s, source, w, traces, snapshots, threads);
    case 6: return run_shot<3>(s, source, w, traces, snapshots, threads);
    default: return run_shot<4>(s, source, w, traces, snapshots, threads);
  }
}

double physical_memory_bytes() {
  return static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
}

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
    case 2: return 10.0;
    case 4: return 5.0;
    case 6: return 4.0;
    default: return 3.5;
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
  if (!(options.pml_frequency >= 0) || !std::isfinite(options.pml_frequency))
    fail("PML frequency must be finite and not negative");
}

Gathers simulate(const VelocityModel& model, const Survey& survey, const std::vector<float>& wavelet,
                 const TimeAxis& time, const SolverOptions& options) {
  validate_inputs(model, survey, wavelet, time, options);
  const int order = options.order;
  const int nshots = static_cast<int>(survey.sources.size());
  const int nrec = static_cast<int>(survey.receivers.size());
  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
  const bool shot_parallel = threads > 1 && nshots >= threads;
  const int workspaces = shot_parallel ? threads : 1;

  Gathers out;
  out.nshots = nshots;
  out.nt = time.nt;
  out.nrec = nrec;
  out.dt = time.dt;
  out.substeps = substeps_for(time.dt, order, model.max_velocity(), model.dx, model.dz);
  out.internal_dt = time.dt / out.substeps;
  out.snapshot_every = options.snapshot_every;
  out.nsnapshots = options.snapshot_every > 0 ? (time.nt - 1) / options.snapshot_every + 1 : 0;

  std::vector<float> source_wavelet(wavelet);
  source_wavelet.resize(time.nt, 0.0f);
  const double fmax = max_frequency(source_wavelet, time.dt);
  if (fmax > 0) {
    std::string warning = dispersion_warning(model, fmax, order);
    if (!warning.empty()) out.warnings.push_back(std::move(warning));
  }
  const double f_pml =
      options.pml_frequency > 0 ? options.pml_frequency : peak_frequency(source_wavelet, time.dt);

  const Grid grid = make_grid(model, options);
  const double wavefield_bytes = 6.0 * 4.0 * static_cast<double>(grid.size()) * workspaces;
  const double output_bytes =
      4.0 * (double(nshots) * time.nt * nrec + double(nshots) * out.nsnapshots * model.nz * model.nx);
  const double needed = wavefield_bytes + 4.0 * grid.size() + output_bytes;
  if (needed > 0.9 * physical_memory_bytes()) {
    std::ostringstream msg;
    msg.precision(3);
    msg << "grid too large: the simulation needs " << needed / (1 << 30) << " GiB, this machine has "
        << physical_memory_bytes() / (1 << 30) << " GiB";
    fail(msg.str());
  }

  try {
    const Coefficients coefficients = make_coefficients(order, model.dx, model.dz);
    const Medium medium = make_medium(model, grid, out.internal_dt, f_pml);
    std::vector<float> source_function = upsample(source_wavelet, out.substeps);
    for (float& f : source_function) f /= static_cast<float>(model.dx * model.dz);

    std::vector<PointOperator> sources, receivers;
    for (const auto& pos : survey.sources) {
      sources.push_back(point_operator(pos, model, grid));
      // The solver adds v^2 dt^2 f / (dx dz) at the source nodes.
      for (std::size_t k = 0; k < sources.back().index.size(); ++k)
        sources.back().weight[k] *= medium.vdt2.data()[sources.back().index[k]];
    }
    for (const auto& pos : survey.receivers) receivers.push_back(point_operator(pos, model, grid));

    out.data.assign(static_cast<std::size_t>(nshots) * time.nt * nrec, 0.0f);
    out.snapshots.assign(static_cast<std::size_t>(nshots) * out.nsnapshots * model.nz * model.nx,
                         0.0f);
    std::vector<Workspace> work;
    work.reserve(workspaces);
    for (int i = 0; i < workspaces; ++i) work.emplace_back(grid.size());

    const ShotSetup setup{&grid,           &coefficients, &medium,
                          &receivers, &source_function, out.substeps,  time.nt,
                          options.snapshot_every, out.nsnapshots};
    auto traces = [&](int s) { return out.data.data() + std::size_t(s) * time.nt * nrec; };
    auto snaps = [&](int s) {
      return out.nsnapshots ? out.snapshots.data() + std::size_t(s) * out.nsnapshots * model.nz *
                                                         model.nx
                            : nullptr;
    };
    int done = 0;
    std::exception_ptr callback_error;
    auto report = [&]() {
#pragma omp critical(vmb_simulate_progress)
      {
        ++done;
        if (options.on_shot_done && !callback_error) {
          try {
            options.on_shot_done(done, nshots);
          } catch (...) {
            callback_error = std::current_exception();
          }
        }
      }
    };
    if (shot_parallel) {
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
      for (int s = 0; s < nshots; ++s) {
        run_shot(order, setup, sources[s], work[omp_get_thread_num()], traces(s), snaps(s), 1);
        report();
      }
    } else {
      for (int s = 0; s < nshots; ++s) {
        run_shot(order, setup, sources[s], work[0], traces(s), snaps(s), threads);
        report();
      }
    }
    if (callback_error) std::rethrow_exception(callback_error);
  } catch (const std::bad_alloc&) {
    fail("grid too large: cannot allocate the wavefields and gathers");
  }
  return out;
}

}  // namespace vmb
