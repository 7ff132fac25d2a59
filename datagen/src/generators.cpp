#include "vmb/datagen/generators.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>

#include "vmb/datagen/error.hpp"
#include "vmb/datagen/rng.hpp"

namespace vmb::datagen {
namespace {

using Params = std::map<std::string, double>;

[[noreturn]] void fail(const std::string& what) { throw DatagenError(what); }

const std::vector<std::string>& openfwi_families() {
  static const std::vector<std::string> names = {"flat", "curved", "flat-fault", "curved-fault"};
  return names;
}

bool is_openfwi(const std::string& name) {
  const auto& f = openfwi_families();
  return std::find(f.begin(), f.end(), name) != f.end();
}

// A smooth random curve over nx columns, scaled to peak-to-peak 1 (values in [-0.5, 0.5]): a few
// sinusoids whose wavelengths are at least min_wavelength columns.
std::vector<double> smooth_curve(Rng& rng, int nx, int modes, double min_wavelength) {
  std::vector<double> c(nx, 0.0);
  for (int m = 0; m < modes; ++m) {
    const double wavelength = rng.uniform(min_wavelength, 3.0 * min_wavelength);
    const double phase = rng.uniform(0.0, 2 * M_PI), amplitude = rng.uniform(0.3, 1.0);
    for (int ix = 0; ix < nx; ++ix)
      c[ix] += amplitude * std::sin(2 * M_PI * ix / wavelength + phase);
  }
  const auto [lo, hi] = std::minmax_element(c.begin(), c.end());
  const double range = *hi - *lo, mid = 0.5 * (*hi + *lo);
  for (double& v : c) v = range > 0 ? (v - mid) / range : 0.0;
  return c;
}

// Layers bounded by interfaces depth[k][ix] (cells, increasing with k), one velocity per layer.
struct Layers {
  std::vector<std::vector<double>> depth;
  std::vector<float> velocity;  // depth.size() + 1

  float at(int ix, double z) const {
    std::size_t k = 0;
    while (k < depth.size() && depth[k][ix] <= z) ++k;
    return velocity[k];
  }
};

// Interfaces at base depths, each bent by amplitude[k] times a curve; kept at least one cell apart.
std::vector<std::vector<double>> bend(const std::vector<double>& base,
                                      const std::vector<double>& amplitude,
                                      const std::vector<std::vector<double>>& curves, int nx) {
  std::vector<std::vector<double>> depth(base.size(), std::vector<double>(nx));
  for (std::size_t k = 0; k < base.size(); ++k)
    for (int ix = 0; ix < nx; ++ix) {
      depth[k][ix] = base[k] + amplitude[k] * curves[k][ix];
      if (k > 0) depth[k][ix] = std::max(depth[k][ix], depth[k - 1][ix] + 1.0);
    }
  return depth;
}

// n sorted values in [lo, hi].
std::vector<double> sorted_uniform(Rng& rng, int n, double lo, double hi) {
  std::vector<double> v(n);
  for (double& x : v) x = rng.uniform(lo, hi);
  std::sort(v.begin(), v.end());
  return v;
}

// Base depths of n interfaces splitting [top, bottom) into layers of random thickness.
std::vector<double> split_depths(Rng& rng, int n, double top, double bottom) {
  std::vector<double> w(n + 1);
  for (double& x : w) x = rng.uniform(0.5, 1.5);
  double total = 0.0;
  for (double x : w) total += x;
  std::vector<double> base(n);
  double acc = 0.0;
  for (int k = 0; k < n; ++k) {
    acc += w[k];
    base[k] = top + (bottom - top) * acc / total;
  }
  return base;
}

// A planar fault through (x0, z0) (cells) dipping at `dip` (rad, from horizontal); the hanging
// wall (the side above the plane) moves down by `offset` cells.
struct Fault {
  double x0, z0, dip, offset;
  int direction;  // +1 dips towards +x, -1 towards -x

  // Depth the point (x, z) held before faulting.
  double unfaulted(double x, double z) const {
    const double plane = z0 + direction * (x - x0) * std::tan(dip);
    return z < plane ? z - offset : z;
  }
};

Fault random_fault(Rng& rng, int nz, int nx, double offset_lo, double offset_hi) {
  return {rng.uniform(0.3, 0.7) * nx, rng.uniform(0.3, 0.7) * nz,
          rng.uniform(50.0, 80.0) * M_PI / 180.0, rng.uniform(offset_lo, offset_hi),
          rng.chance(0.5) ? 1 : -1};
}

// A salt body as an inside test that grows with a scale factor s.
using Body = std::function<bool(double ix, double iz, double s)>;

// Fills the body with salt_velocity at the scale whose covered fraction comes closest to `target`
// (bisection; the fraction grows with the scale), preferring a scale whose fraction lies in
// [salt_fraction_min, salt_fraction_max]. Returns the fraction covered.
double place_salt(VelocityModel& m, const Body& body, double target, const Params& p) {
  const double lowest = p.at("salt_fraction_min"), highest = p.at("salt_fraction_max");
  const auto salt_velocity = static_cast<float>(p.at("salt_velocity"));
  auto fraction = [&](double s) {
    long inside = 0;
    for (int iz = 0; iz < m.nz; ++iz)
      for (int ix = 0; ix < m.nx; ++ix) inside += body(ix, iz, s);
    return double(inside) / (double(m.nz) * m.nx);
  };
  double lo = 0.0, hi = 4.0;
  for (int it = 0; it < 16; ++it) {
    const double mid = 0.5 * (lo + hi);
    (fraction(mid) < target ? lo : hi) = mid;
  }
  const double f_lo = fraction(lo), f_hi = fraction(hi);
  auto fits = [&](double f) { return f >= lowest && f <= highest; };
  const bool lo_closer = std::abs(f_lo - target) < std::abs(f_hi - target);
  const double s = fits(f_lo) && (lo_closer || !fits(f_hi)) ? lo
                   : fits(f_hi)                             ? hi
                                                            : (lo_closer ? lo : hi);
  long inside = 0;
  for (int iz = 0; iz < m.nz; ++iz)
    for (int ix = 0; ix < m.nx; ++ix)
      if (body(ix, iz, s)) {
        m.at(iz, ix) = salt_velocity;
        ++inside;
      }
  return double(inside) / (double(m.nz) * m.nx);
}

// A dome rising from the bottom (top at nz - s h (1 - u^2)^q) or a lens (an ellipse with a wavy
// rim), centred at a random column.
Body random_salt_body(Rng& rng, int nz, int nx, double lens_probability) {
  const double xc = rng.uniform(0.2, 0.8) * nx;
  if (rng.chance(lens_probability)) {
    const double zc = rng.uniform(0.45, 0.8) * nz, a = rng.uniform(0.1, 0.25) * nx,
                 b = rng.uniform(0.05, 0.12) * nz;
    const double wobble = rng.uniform(0.0, 0.15), phase = rng.uniform(0.0, 2 * M_PI);
    return [=](double ix, double iz, double s) {
      const double u = (ix - xc) / (s * a), v = (iz - zc) / (s * b);
      const double rim = 1.0 + wobble * std::sin(3.0 * std::atan2(v, u) + phase);
      return u * u + v * v <= rim * rim;
    };
  }
  const double h = rng.uniform(0.3, 0.7) * nz, w = rng.uniform(0.12, 0.3) * nx;
  const double q = rng.uniform(0.5, 1.5), lean = rng.uniform(-0.3, 0.3);
  return [=](double ix, double iz, double s) {
    const double height = (nz - iz) / (s * h);  // 0 at the bottom, 1 at the apex
    const double u = (ix - xc - lean * (nz - iz)) / (s * w);
    return std::abs(u) < 1.0 && height <= std::pow(1.0 - u * u, q);
  };
}

// An irregular blob (a circle with random harmonics on its rim) centred at (xc, zc).
Body random_blob(Rng& rng, int nz, int nx) {
  const double xc = rng.uniform(0.2, 0.8) * nx, zc = rng.uniform(0.35, 0.85) * nz;
  const double a = rng.uniform(0.08, 0.2) * nx, b = rng.uniform(0.08, 0.25) * nz;
  double amp[4], phase[4];
  for (int m = 0; m < 4; ++m) {
    amp[m] = rng.uniform(0.0, 0.25) / (m + 1);
    phase[m] = rng.uniform(0.0, 2 * M_PI);
  }
  return [=](double ix, double iz, double s) {
    const double u = (ix - xc) / (s * a), v = (iz - zc) / (s * b);
    const double angle = std::atan2(v, u);
    double rim = 1.0;
    for (int m = 0; m < 4; ++m) rim += amp[m] * std::cos((m + 2) * angle + phase[m]);
    return u * u + v * v <= rim * rim;
  };
}

VelocityModel fcnvmb_salt(const GeneratorConfig& c, Rng& rng) {
  const Params& p = c.parameters;
  VelocityModel m(c.nz, c.nx, c.spacing, c.spacing);
  const int layers = rng.integer(int(p.at("layers_min")), int(p.at("layers_max")));
  const int n = layers - 1;
  const std::vector<double> base = split_depths(rng, n, 0.0, c.nz);
  // Largest relief of the model: around the median, never beyond the maximum.
  const double relief =
      std::clamp(p.at("relief_median") * std::exp(0.55 * rng.normal()), 1.0, p.at("relief_max"));
  const auto fold = smooth_curve(rng, c.nx, 2, 0.6 * c.nx);
  std::vector<double> amplitude(n, 0.0);
  std::vector<std::vector<double>> curves(n);
  const int steepest = n > 1 ? rng.integer(1, n - 1) : 0;
  for (int k = 0; k < n; ++k) {
    const auto own = smooth_curve(rng, c.nx, 2, 0.4 * c.nx);
    curves[k].resize(c.nx);
    for (int ix = 0; ix < c.nx; ++ix) curves[k][ix] = 0.7 * fold[ix] + 0.3 * own[ix];
    const double peak = *std::max_element(curves[k].begin(), curves[k].end()) -
                        *std::min_element(curves[k].begin(), curves[k].end());
    for (double& v : curves[k]) v /= peak > 0 ? peak : 1.0;
    // The first interface is flat: the top layer is laterally constant.
    amplitude[k] = k == 0 ? 0.0 : relief * (k == steepest ? 1.0 : rng.uniform(0.3, 1.0));
  }
  Layers strata{bend(base, amplitude, curves, c.nx), {}};
  for (double v : sorted_uniform(rng, layers, p.at("vmin"), p.at("vmax")))
    strata.velocity.push_back(static_cast<float>(v));
  for (int iz = 0; iz < c.nz; ++iz)
    for (int ix = 0; ix < c.nx; ++ix) m.at(iz, ix) = strata.at(ix, iz);
  if (rng.chance(p.at("salt_probability"))) {
    const double u = rng.uniform();
    const double target =
        p.at("salt_fraction_min") + (p.at("salt_fraction_max") - p.at("salt_fraction_min")) * u * u;
    // Salt stays below the first interface: the top layer is laterally constant.
    const Body body = random_salt_body(rng, c.nz, c.nx, 0.3);
    const double top = base.empty() ? 0.0 : base[0] + 1.0;
    place_salt(
        m, [&](double ix, double iz, double s) { return iz > top && body(ix, iz, s); }, target, p);
  }
  return m;
}

VelocityModel seg_like(const GeneratorConfig& c, Rng& rng) {
  const Params& p = c.parameters;
  VelocityModel m(c.nz, c.nx, c.spacing, c.spacing);
  const int water = rng.integer(int(p.at("water_min")), int(p.at("water_max")));
  const int layers = rng.integer(int(p.at("layers_min")), int(p.at("layers_max")));
  // Strata extend below the model so that faults and folds bring deeper ones in.
  const double bottom = c.nz * 1.3;
  const std::vector<double> base = split_depths(rng, layers - 1, water, bottom);
  const auto fold = smooth_curve(rng, c.nx, 3, 0.5 * c.nx);
  const double relief = rng.uniform(0.0, p.at("fold_relief_max"));
  std::vector<double> amplitude(base.size());
  std::vector<std::vector<double>> curves(base.size(), fold);
  for (std::size_t k = 0; k < base.size(); ++k)
    amplitude[k] = relief * (base[k] - water) / (bottom - water);
  Layers strata{bend(base, amplitude, curves, c.nx), {}};
  // Velocity grows with depth along a power law, with a little fine-layer scatter.
  const double v0 = p.at("sediment_vmin"), v1 = p.at("sediment_vmax"),
               power = rng.uniform(0.7, 1.3);
  for (int k = 0; k < layers; ++k) {
    const double zeta = k == 0 ? 0.0 : (base[k - 1] - water) / (bottom - water);
    const double v = v0 + (v1 - v0) * std::pow(zeta, power) + rng.uniform(-60.0, 60.0);
    strata.velocity.push_back(static_cast<float>(std::clamp(v, v0, v1)));
  }
  std::vector<Fault> faults;
  const int nfaults = rng.integer(0, int(p.at("faults_max")));
  for (int f = 0; f < nfaults; ++f)
    faults.push_back(
        random_fault(rng, c.nz, c.nx, 0.3 * p.at("fault_throw_max"), p.at("fault_throw_max")));
  for (int iz = 0; iz < c.nz; ++iz)
    for (int ix = 0; ix < c.nx; ++ix) {
      double z = iz;
      for (const Fault& f : faults) z = f.unfaulted(ix, z);
      m.at(iz, ix) = iz < water ? static_cast<float>(p.at("water_velocity"))
                                : strata.at(ix, std::max(z, double(water)));
    }
  if (rng.chance(p.at("salt_probability"))) {
    const double target = rng.uniform(p.at("salt_fraction_min"), p.at("salt_fraction_max"));
    const Body body = random_blob(rng, c.nz, c.nx);
    // Salt stays below the water.
    place_salt(
        m, [&](double ix, double iz, double s) { return iz >= water + 2 && body(ix, iz, s); },
        target, p);
  }
  return m;
}

VelocityModel openfwi(const GeneratorConfig& c, Rng& rng) {
  const Params& p = c.parameters;
  VelocityModel m(c.nz, c.nx, c.spacing, c.spacing);
  const bool curved = c.name.rfind("curved", 0) == 0;
  const bool faulted = c.name.find("fault") != std::string::npos;
  const int layers = rng.integer(int(p.at("layers_min")), int(p.at("layers_max")));
  const double bottom = faulted ? c.nz * 1.3 : c.nz;
  const std::vector<double> base = split_depths(rng, layers - 1, 0.0, bottom);
  std::vector<double> amplitude(base.size(), 0.0);
  std::vector<std::vector<double>> curves(base.size(), std::vector<double>(c.nx, 0.0));
  if (curved) {
    // One sine bends every interface alike, as in OpenFWI's CurveVel.
    const double wavelength = rng.uniform(0.5, 2.0) * c.nx, phase = rng.uniform(0.0, 2 * M_PI);
    const double relief = rng.uniform(0.0, p.at("curve_relief_max")) * c.nz;
    for (std::size_t k = 0; k < base.size(); ++k) {
      amplitude[k] = relief;
      for (int ix = 0; ix < c.nx; ++ix)
        curves[k][ix] = 0.5 * std::sin(2 * M_PI * ix / wavelength + phase);
    }
  }
  Layers strata{bend(base, amplitude, curves, c.nx), {}};
  for (double v : sorted_uniform(rng, layers, p.at("vmin"), p.at("vmax")))
    strata.velocity.push_back(static_cast<float>(v));
  std::vector<Fault> faults;
  if (faulted)
    faults.push_back(random_fault(rng, c.nz, c.nx, 0.05 * c.nz, p.at("fault_throw_max") * c.nz));
  for (int iz = 0; iz < c.nz; ++iz)
    for (int ix = 0; ix < c.nx; ++ix) {
      double z = iz;
      for (const Fault& f : faults) z = f.unfaulted(ix, z);
      m.at(iz, ix) = strata.at(ix, std::max(z, 0.0));
    }
  return m;
}

void check_range(const Params& p, const std::string& lo, const std::string& hi) {
  if (p.at(lo) > p.at(hi)) {
    std::ostringstream msg;
    msg << lo << " " << p.at(lo) << " is larger than " << hi << " " << p.at(hi);
    fail(msg.str());
  }
}

}  // namespace

std::vector<std::string> generator_names() {
  std::vector<std::string> names = {"fcnvmb-salt", "seg-like"};
  for (const auto& n : openfwi_families()) names.push_back(n);
  return names;
}

std::map<std::string, double> default_parameters(const std::string& name) {
  if (name == "fcnvmb-salt")
    return {{"layers_min", 5},
            {"layers_max", 10},
            {"vmin", 2000},
            {"vmax", 4000},
            {"relief_median", 14},
            {"relief_max", 51},
            {"salt_velocity", 4500},
            {"salt_probability", 0.97},
            {"salt_fraction_min", 0.028},
            {"salt_fraction_max", 0.34}};
  if (name == "seg-like")
    return {{"water_velocity", 1500},    {"water_min", 2},           {"water_max", 4},
            {"sediment_vmin", 1700},     {"sediment_vmax", 4000},    {"layers_min", 15},
            {"layers_max", 30},          {"fold_relief_max", 30},    {"faults_max", 3},
            {"fault_throw_max", 15},     {"salt_velocity", 4482},    {"salt_probability", 0.9},
            {"salt_fraction_min", 0.02}, {"salt_fraction_max", 0.25}};
  if (is_openfwi(name))
    return {{"vmin", 1500},
            {"vmax", 4500},
            {"layers_min", 2},
            {"layers_max", 5},
            {"curve_relief_max", 0.2},
            {"fault_throw_max", 0.25}};
  std::string known;
  for (const auto& n : generator_names()) known += (known.empty() ? "" : ", ") + n;
  fail("unknown generator '" + name + "' (known: " + known + ")");
}

GeneratorConfig resolve(const GeneratorConfig& config) {
  GeneratorConfig c = config;
  c.parameters = default_parameters(c.name);
  for (const auto& [key, value] : config.parameters) {
    if (!c.parameters.count(key)) {
      std::string valid;
      for (const auto& [k, v] : c.parameters) valid += (valid.empty() ? "" : ", ") + k;
      fail("generator " + c.name + " has no parameter '" + key + "' (valid: " + valid + ")");
    }
    if (!std::isfinite(value)) fail("parameter " + key + " is not finite");
    c.parameters[key] = value;
  }
  const bool small = is_openfwi(c.name);
  if (c.nz == 0) c.nz = small ? 70 : 201;
  if (c.nx == 0) c.nx = small ? 70 : 301;
  if (c.spacing == 0.0) c.spacing = 10.0;
  if (c.nz < 8 || c.nx < 8) fail("models need at least 8 x 8 cells");
  if (!(c.spacing > 0)) fail("grid spacing must be positive");
  Params& p = c.parameters;
  for (const auto& [key, value] : p) {
    if (value < 0) fail("parameter " + key + " must not be negative");
    if (key.find("velocity") != std::string::npos && value <= 0) fail(key + " must be positive");
    if (key.find("probability") != std::string::npos && value > 1) fail(key + " must be at most 1");
  }
  if (p.count("layers_min")) {
    check_range(p, "layers_min", "layers_max");
    if (p.at("layers_min") < 1) fail("layers_min must be at least 1");
  }
  if (p.count("vmin")) {
    check_range(p, "vmin", "vmax");
    if (p.at("vmin") <= 0) fail("vmin must be positive");
  }
  if (p.count("sediment_vmin")) {
    check_range(p, "sediment_vmin", "sediment_vmax");
    if (p.at("sediment_vmin") <= 0) fail("sediment_vmin must be positive");
  }
  if (p.count("water_min")) check_range(p, "water_min", "water_max");
  if (p.count("salt_fraction_min")) {
    check_range(p, "salt_fraction_min", "salt_fraction_max");
    if (p.at("salt_fraction_max") >= 1) fail("salt_fraction_max must be below 1");
  }
  if (p.count("relief_median")) check_range(p, "relief_median", "relief_max");
  return c;
}

VelocityModel generate(const GeneratorConfig& config, std::uint64_t seed, std::int64_t index) {
  Rng rng(seed, static_cast<std::uint64_t>(index));
  if (config.name == "fcnvmb-salt") return fcnvmb_salt(config, rng);
  if (config.name == "seg-like") return seg_like(config, rng);
  if (is_openfwi(config.name)) return openfwi(config, rng);
  fail("unknown generator '" + config.name + "'");
}

}  // namespace vmb::datagen
