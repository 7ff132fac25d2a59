#include "vmb/modeling/solver.hpp"

#include <omp.h>
#include <unistd.h>
#include <xmmintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
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

// The padded grid: the model, the absorbing layers around it, and a halo of order / 2 zero
// (Dirichlet) nodes so that stencils need no bounds checks. Row r, column c of the padded grid
// holds model node (r - halo - top, c - halo - left).
struct Grid {
  int halo = 0;
  int nz = 0, nx = 0;
  int top = 0, bottom = 0, left = 0, right = 0;  // absorbing cells per side
  int nzp = 0, nxp = 0;                          // model plus absorbing layers
  std::int64_t stride = 0, rows = 0;
  bool free_surface = false;

  std::size_t size() const { return static_cast<std::size_t>(rows * stride); }
  std::size_t index(int iz, int ix) const {
    return static_cast<std::size_t>((iz + top + halo) * stride + (ix + left + halo));
  }
};

// Stencil coefficients scaled by the grid spacing.
struct Coefficients {
  float cx[5], cz[5];  // second derivative / dx^2, / dz^2
  float gx[5], gz[5];  // first derivative / dx, / dz
};

// Read-only state shared by all shots.
struct Medium {
  std::vector<float> vdt2;    // v^2 dt^2 over the padded grid
  std::vector<float> ax, bx;  // CPML recursion coefficients per padded column
  std::vector<float> az, bz;  // per padded row
};

// Wavefields owned by one thread while it runs a shot.
struct Workspace {
  std::vector<float> p, q, psi_x, zeta_x, psi_z, zeta_z;
  explicit Workspace(std::size_t n) : p(n), q(n), psi_x(n), zeta_x(n), psi_z(n), zeta_z(n) {}
  void reset() {
    for (auto* v : {&p, &q, &psi_x, &zeta_x, &psi_z, &zeta_z}) std::fill(v->begin(), v->end(), 0.f);
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
  if (nzp + 2 * g.halo > (1 << 30) || nxp + 2 * g.halo > (1 << 30))
    fail("grid is too large to allocate");
  g.nzp = static_cast<int>(nzp);
  g.nxp = static_cast<int>(nxp);
  g.stride = nxp + 2 * g.halo;
  g.rows = nzp + 2 * g.halo;
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
void pml_profile(int n_model, int width_lo, int width_hi, int halo, double spacing, double vmax,
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
    a[j + halo] = static_cast<float>(d / (d + alpha) * (bb - 1.0));
    b[j + halo] = static_cast<float>(bb);
  }
}

Medium make_medium(const VelocityModel& model, const Grid& g, double dt_internal, double f_pml) {
  Medium m;
  m.vdt2.assign(g.size(), 0.0f);
  const double dt2 = dt_internal * dt_internal;
  for (int r = 0; r < g.nzp; ++r) {
    const int iz = std::clamp(r - g.top, 0, g.nz - 1);
    for (int c = 0; c < g.nxp; ++c) {
      const int ix = std::clamp(c - g.left, 0, g.nx - 1);
      const double v = model.at(iz, ix);
      m.vdt2[(r + g.halo) * g.stride + c + g.halo] = static_cast<float>(v * v * dt2);
    }
  }
  const double vmax = model.max_velocity();
  pml_profile(g.nx, g.left, g.right, g.halo, model.dx, vmax, f_pml, dt_internal, m.ax, m.bx,
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

// One time step of rows [r0, r1) of the padded grid for one column segment [j0, j1).
// q holds p^{n-1} on entry and p^{n+1} on exit. PX / PZ add the CPML terms of each axis.
template <int R, bool PX, bool PZ>
inline void update_segment(const Coefficients& c, const Medium& m, const Grid& g, Workspace& w,
                           const float* __restrict p, float* __restrict q, std::int64_t r, int j0,
                           int j1) {
  const std::int64_t s = g.stride;
  const std::size_t base = static_cast<std::size_t>(r * s);
  const float* __restrict pr = p + base;
  float* __restrict qr = q + base;
  const float* __restrict vr = m.vdt2.data() + base;
  const float* __restrict psx = w.psi_x.data() + base;
  float* __restrict zx = w.zeta_x.data() + base;
  const float* __restrict psz = w.psi_z.data() + base;
  float* __restrict zz = w.zeta_z.data() + base;
  const float* __restrict ax = m.ax.data();
  const float* __restrict bx = m.bx.data();
  const float az = m.az[r], bz = m.bz[r];
#pragma omp simd
  for (int j = j0; j < j1; ++j) {
    float d2x = c.cx[0] * pr[j];
    float d2z = c.cz[0] * pr[j];
    for (int k = 1; k <= R; ++k) {
      d2x += c.cx[k] * (pr[j - k] + pr[j + k]);
      d2z += c.cz[k] * (pr[j - k * s] + pr[j + k * s]);
    }
    if constexpr (PX) {
      float dpsi = 0.0f;
      for (int k = 1; k <= R; ++k) dpsi += c.gx[k] * (psx[j + k] - psx[j - k]);
      const float zeta = bx[j] * zx[j] + ax[j] * (d2x + dpsi);
      zx[j] = zeta;
      d2x += dpsi + zeta;
    }
    if constexpr (PZ) {
      float dpsi = 0.0f;
      for (int k = 1; k <= R; ++k) dpsi += c.gz[k] * (psz[j + k * s] - psz[j - k * s]);
      const float zeta = bz * zz[j] + az * (d2z + dpsi);
      zz[j] = zeta;
      d2z += dpsi + zeta;
    }
    qr[j] = 2.0f * pr[j] - qr[j] + vr[j] * (d2x + d2z);
  }
}

// psi <- b psi + a dp/dx on the x absorbing strips and psi <- b psi + a dp/dz on the z strips,
// for the rows of this thread.
template <int R>
void update_psi(const Coefficients& c, const Medium& m, const Grid& g, Workspace& w,
                const float* __restrict p) {
  const std::int64_t s = g.stride;
  const int h = g.halo;
  const int xl0 = h, xl1 = h + g.left, xr0 = h + g.nxp - g.right, xr1 = h + g.nxp;
#pragma omp for schedule(static)
  for (std::int64_t r = h; r < h + g.nzp; ++r) {
    const std::size_t base = static_cast<std::size_t>(r * s);
    const float* __restrict pr = p + base;
    float* __restrict psx = w.psi_x.data() + base;
    for (auto [j0, j1] : {std::pair{xl0, xl1}, std::pair{xr0, xr1}}) {
#pragma omp simd
      for (int j = j0; j < j1; ++j) {
        float d = 0.0f;
        for (int k = 1; k <= R; ++k) d += c.gx[k] * (pr[j + k] - pr[j - k]);
        psx[j] = m.bx[j] * psx[j] + m.ax[j] * d;
      }
    }
    if (m.az[r] != 0.0f) {
      float* __restrict psz = w.psi_z.data() + base;
      const float az = m.az[r], bz = m.bz[r];
#pragma omp simd
      for (int j = h; j < h + g.nxp; ++j) {
        float d = 0.0f;
        for (int k = 1; k <= R; ++k) d += c.gz[k] * (pr[j + k * s] - pr[j - k * s]);
        psz[j] = bz * psz[j] + az * d;
      }
    }
  }
}

template <int R>
void update_wavefield(const Coefficients& c, const Medium& m, const Grid& g, Workspace& w,
                      const float* p, float* q) {
  const int h = g.halo;
  // CPML terms reach R nodes beyond the strips through the derivative of psi.
  const int xl_end = g.left > 0 ? std::min(h + g.left + R, h + g.nxp) : h;
  const int xr_begin = g.right > 0 ? std::max(h + g.nxp - g.right - R, xl_end) : h + g.nxp;
  const std::int64_t zt_end = g.top > 0 ? h + g.top + R : h;
  const std::int64_t zb_begin = g.bottom > 0 ? h + g.nzp - g.bottom - R : h + g.nzp;
  // Row 0 of a free surface stays zero.
  const std::int64_t r_first = h + (g.free_surface ? 1 : 0);
#pragma omp for schedule(static)
  for (std::int64_t r = r_first; r < h + g.nzp; ++r) {
    if (r < zt_end || r >= zb_begin) {
      update_segment<R, true, true>(c, m, g, w, p, q, r, h, xl_end);
      update_segment<R, false, true>(c, m, g, w, p, q, r, xl_end, xr_begin);
      update_segment<R, true, true>(c, m, g, w, p, q, r, xr_begin, h + g.nxp);
    } else {
      update_segment<R, true, false>(c, m, g, w, p, q, r, h, xl_end);
      update_segment<R, false, false>(c, m, g, w, p, q, r, xl_end, xr_begin);
      update_segment<R, true, false>(c, m, g, w, p, q, r, xr_begin, h + g.nxp);
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
  const VelocityModel* model;
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
        sources.back().weight[k] *= medium.vdt2[sources.back().index[k]];
    }
    for (const auto& pos : survey.receivers) receivers.push_back(point_operator(pos, model, grid));

    out.data.assign(static_cast<std::size_t>(nshots) * time.nt * nrec, 0.0f);
    out.snapshots.assign(static_cast<std::size_t>(nshots) * out.nsnapshots * model.nz * model.nx,
                         0.0f);
    std::vector<Workspace> work;
    work.reserve(workspaces);
    for (int i = 0; i < workspaces; ++i) work.emplace_back(grid.size());

    const ShotSetup setup{&model,     &grid,           &coefficients, &medium,
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
