#include "vmb/modeling/fwi.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <sstream>

#include "vmb/modeling/error.hpp"
#include "vmb/modeling/gradient.hpp"
#include "vmb/modeling/resample.hpp"

namespace vmb {
namespace {

[[noreturn]] void fail(const std::string& what) { throw ModelingError(what); }

// Every trace of the gathers low-passed at corner_hz.
Gathers filtered(const Gathers& data, double corner_hz) {
  Gathers out = data;
  std::vector<float> trace(data.nt);
  for (int s = 0; s < data.nshots; ++s)
    for (int r = 0; r < data.nrec; ++r) {
      for (int t = 0; t < data.nt; ++t) trace[t] = data(s, t, r);
      const auto f = lowpass(trace, data.dt, corner_hz);
      for (int t = 0; t < data.nt; ++t) out(s, t, r) = f[t];
    }
  return out;
}

// L-BFGS's two-loop recursion: -H g for the stored pairs (s, y), with H0 = gamma diag(inverse),
// gamma = s.y / (y . inverse y) of the newest pair (1 without pairs).
Eigen::VectorXd direction(const Eigen::VectorXd& g, const Eigen::VectorXd& inverse,
                          const std::deque<Eigen::VectorXd>& s,
                          const std::deque<Eigen::VectorXd>& y) {
  Eigen::VectorXd q = g;
  const std::size_t m = s.size();
  std::vector<double> alpha(m), rho(m);
  for (std::size_t i = m; i-- > 0;) {
    rho[i] = 1.0 / y[i].dot(s[i]);
    alpha[i] = rho[i] * s[i].dot(q);
    q -= alpha[i] * y[i];
  }
  q = q.cwiseProduct(inverse);
  if (m > 0) q *= s.back().dot(y.back()) / y.back().dot(y.back().cwiseProduct(inverse));
  for (std::size_t i = 0; i < m; ++i) {
    const double beta = rho[i] * y[i].dot(q);
    q += (alpha[i] - beta) * s[i];
  }
  return -q;
}

// The float32 bounds inside [vmin, vmax].
std::pair<float, float> float_bounds(const FwiSettings& settings) {
  float lo = static_cast<float>(settings.vmin), hi = static_cast<float>(settings.vmax);
  if (lo < settings.vmin) lo = std::nextafter(lo, hi);
  if (hi > settings.vmax) hi = std::nextafter(hi, lo);
  return {lo, hi};
}

}  // namespace

VelocityModel within_bounds(const VelocityModel& model, const FwiSettings& settings) {
  const auto [lo, hi] = float_bounds(settings);
  VelocityModel out = model;
  for (float& v : out.velocity) v = std::clamp(v, lo, hi);
  return out;
}

void validate(const FwiSettings& settings, const VelocityModel& initial) {
  validate(initial);
  if (settings.bands_hz.empty()) fail("the list of frequency bands is empty");
  for (double f : settings.bands_hz)
    if (!(f > 0) || !std::isfinite(f)) fail("every frequency band must be positive");
  if (settings.iterations < 1) fail("iterations per band must be at least 1");
  if (settings.memory < 1) fail("L-BFGS memory must be at least 1");
  if (settings.max_trials < 1) fail("line-search trials must be at least 1");
  if (!(settings.vmin > 0) || !(settings.vmax > settings.vmin) || !std::isfinite(settings.vmax))
    fail("the velocity bounds must satisfy 0 < vmin < vmax");
  if (initial.min_velocity() < settings.vmin || initial.max_velocity() > settings.vmax) {
    std::ostringstream msg;
    msg << "the bounds " << settings.vmin << " to " << settings.vmax
        << " m/s exclude the initial model's velocities (" << initial.min_velocity() << " to "
        << initial.max_velocity() << " m/s)";
    fail(msg.str());
  }
  if (settings.fix_top < 0 || settings.fix_top >= initial.nz) {
    std::ostringstream msg;
    msg << "fix-top " << settings.fix_top << " is outside the model's " << initial.nz << " rows";
    fail(msg.str());
  }
}

VelocityModel fwi(const VelocityModel& initial, const Survey& survey,
                  const std::vector<float>& wavelet, const TimeAxis& time, const Gathers& observed,
                  const SolverOptions& options, const FwiSettings& settings,
                  const FwiCallbacks& callbacks) {
  validate(settings, initial);
  SolverOptions solver = options;
  solver.max_velocity = settings.vmax;
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t n = initial.velocity.size();
  const std::size_t first_free = static_cast<std::size_t>(settings.fix_top) * initial.nx;
  VelocityModel model = initial;
  // Rounded to float32, a bound may move outside itself: the model keeps the float bounds.
  const auto [lo, hi] = float_bounds(settings);
  auto to_model = [&, lo = lo, hi = hi](const Eigen::VectorXd& x) {
    for (std::size_t i = first_free; i < n; ++i)
      model.velocity[i] = std::clamp(static_cast<float>(x[i]), lo, hi);
  };
  Eigen::VectorXd x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = model.velocity[i];

  for (std::size_t band = 0; band < settings.bands_hz.size(); ++band) {
    const double corner = settings.bands_hz[band];
    const Gathers data = filtered(observed, corner);
    const auto source = lowpass(wavelet, time.dt, corner);
    double data_norm = 0.0;
    for (float d : data.data) data_norm += 0.5 * double(d) * d;
    if (!(data_norm > 0))
      fail("the observed data hold no energy below " + std::to_string(corner) + " Hz");
    int evaluations = 0;
    // Misfit and gradient at x; the gradient is zero on the fixed rows. The band's first
    // evaluation also sets the preconditioner: the inverse of the illumination (the source side of
    // the Gauss-Newton Hessian's diagonal), damped by 1e-3 of its largest value, which evens out
    // the gradient's strength near the shots and its weakness at depth.
    Eigen::VectorXd inverse;
    auto evaluate = [&](const Eigen::VectorXd& at, Eigen::VectorXd& g) {
      to_model(at);
      const bool first = inverse.size() == 0;
      const auto r = misfit_gradient(model, survey, source, time, data, solver, first);
      ++evaluations;
      g = Eigen::Map<const Eigen::VectorXd>(r.gradient.data(), Eigen::Index(n));
      g.head(Eigen::Index(first_free)).setZero();
      if (first) {
        const Eigen::Map<const Eigen::VectorXd> light(r.illumination.data(), Eigen::Index(n));
        inverse = (light.array() + 1e-3 * light.maxCoeff()).inverse().matrix();
      }
      return r.misfit;
    };
    auto report = [&](int iteration, double misfit) {
      if (!callbacks.on_iteration) return;
      to_model(x);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      callbacks.on_iteration(
          {int(band), corner, iteration, misfit, misfit / data_norm, evaluations, seconds}, model);
    };
    Eigen::VectorXd g;
    double misfit = evaluate(x, g);
    report(0, misfit);
    std::deque<Eigen::VectorXd> s_pairs, y_pairs;
    double largest_change = 0.01 * settings.vmax;
    for (int it = 1; it <= settings.iterations; ++it) {
      Eigen::VectorXd d = direction(g, inverse, s_pairs, y_pairs);
      if (g.dot(d) >= 0) {  // not a descent direction: start the memory again
        s_pairs.clear();
        y_pairs.clear();
        d = -g.cwiseProduct(inverse);
      }
      // Without curvature pairs (the start, or where the misfit curves down along the last
      // step) the first trial changes the model by twice the last accepted step's largest change,
      // and by 1 % of vmax at a band's start.
      double step = s_pairs.empty() ? largest_change / d.cwiseAbs().maxCoeff() : 1.0;
      bool accepted = false;
      Eigen::VectorXd x_new, g_new;
      double misfit_new = 0.0;
      for (int trial = 0; trial < settings.max_trials && !accepted; ++trial, step *= 0.3) {
        x_new = (x + step * d).cwiseMax(settings.vmin).cwiseMin(settings.vmax);
        misfit_new = evaluate(x_new, g_new);
        accepted = misfit_new < misfit && misfit_new <= misfit + 1e-4 * g.dot(x_new - x);
      }
      if (!accepted) break;
      const Eigen::VectorXd s = x_new - x, y = g_new - g;
      if (s.dot(y) > 1e-12 * s.norm() * y.norm()) {
        s_pairs.push_back(s);
        y_pairs.push_back(y);
        if (int(s_pairs.size()) > settings.memory) {
          s_pairs.pop_front();
          y_pairs.pop_front();
        }
      }
      largest_change = std::min(2.0 * s.cwiseAbs().maxCoeff(), 0.1 * settings.vmax);
      x = x_new;
      g = g_new;
      misfit = misfit_new;
      report(it, misfit);
    }
    to_model(x);
    if (callbacks.on_band) callbacks.on_band(int(band), model);
  }
  to_model(x);
  return model;
}

VelocityModel smoothed(const VelocityModel& model, double sigma_m, int from_row) {
  validate(model);
  if (!(sigma_m >= 0) || !std::isfinite(sigma_m)) fail("the smoothing length must not be negative");
  if (sigma_m == 0) return model;
  auto kernel = [](double sigma_cells) {
    const int half = std::max(1, static_cast<int>(std::ceil(3.0 * sigma_cells)));
    std::vector<double> w(2 * half + 1);
    double sum = 0.0;
    for (int k = -half; k <= half; ++k)
      sum += w[k + half] = std::exp(-0.5 * k * k / (sigma_cells * sigma_cells));
    for (double& v : w) v /= sum;
    return w;
  };
  const auto wx = kernel(sigma_m / model.dx), wz = kernel(sigma_m / model.dz);
  const int hx = int(wx.size() / 2), hz = int(wz.size() / 2);
  VelocityModel along_x = model, out = model;
  for (int iz = from_row; iz < model.nz; ++iz)
    for (int ix = 0; ix < model.nx; ++ix) {
      double v = 0.0;
      for (int k = -hx; k <= hx; ++k)
        v += wx[k + hx] * model.at(iz, std::clamp(ix + k, 0, model.nx - 1));
      along_x.at(iz, ix) = static_cast<float>(v);
    }
  for (int iz = from_row; iz < model.nz; ++iz)
    for (int ix = 0; ix < model.nx; ++ix) {
      double v = 0.0;
      for (int k = -hz; k <= hz; ++k)
        v += wz[k + hz] * along_x.at(std::clamp(iz + k, from_row, model.nz - 1), ix);
      out.at(iz, ix) = static_cast<float>(v);
    }
  return out;
}

}  // namespace vmb
