#include "vmb/datagen/generators.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <set>
#include <sstream>

#include "curves.hpp"
#include "salt_basin.hpp"
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

// A salt body, convex along each column: the rows [top, bottom] (fractional) it covers in a
// column at scale s, empty when top > bottom. It grows with s.
struct Span {
  double top, bottom;
};
using Body = std::function<Span(double ix, double s)>;

// Fills the body with salt_velocity at the scale whose covered fraction comes closest to `target`
// (bisection; the fraction grows with the scale), preferring a scale whose fraction lies in
// [salt_fraction_min, salt_fraction_max]; rows above first_row[ix] stay sediment. Returns the
// fraction covered.
double place_salt(VelocityModel& m, const Body& body, const std::vector<double>& first_row,
                  double target, const Params& p) {
  const double lowest = p.at("salt_fraction_min"), highest = p.at("salt_fraction_max");
  const auto salt_velocity = static_cast<float>(p.at("salt_velocity"));
  // The rows a column holds at scale s: [first, last], empty when first > last.
  auto rows = [&](int ix, double s) {
    const Span span = body(ix, s);
    const int first = int(std::ceil(std::max({span.top, first_row[ix], 0.0})));
    const int last = int(std::floor(std::min(span.bottom, m.nz - 1.0)));
    return std::pair{first, last};
  };
  auto fraction = [&](double s) {
    long inside = 0;
    for (int ix = 0; ix < m.nx; ++ix) {
      const auto [first, last] = rows(ix, s);
      inside += std::max(0, last - first + 1);
    }
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
  for (int ix = 0; ix < m.nx; ++ix) {
    const auto [first, last] = rows(ix, s);
    for (int iz = first; iz <= last; ++iz) m.at(iz, ix) = salt_velocity;
  }
  return fraction(s);
}

// A lobe of a salt body: a bump of `height` at `centre` falling to nothing `left` and `right`
// columns away, with profile (1 - |u|^sharpness)^bluntness (u = offset / half-width): sharpness 1
// and bluntness above 1 give a spike with concave flanks, sharpness 2 and bluntness below 1 a
// rounded shoulder with steep flanks. Scale s multiplies the height, so the lobe grows with s.
struct Lobe {
  double centre, left, right, height, sharpness, bluntness;

  double at(double x, double s) const {
    const double u = std::abs(x - centre) / (x < centre ? left : right);
    return u < 1.0 ? s * height * std::pow(1.0 - std::pow(u, sharpness), bluntness) : 0.0;
  }
};

double highest(const std::vector<Lobe>& lobes, double x, double s) {
  double h = 0.0;
  for (const Lobe& l : lobes) h = std::max(h, l.at(x, s));
  return h;
}

// The number of lobes: `usual`, one fewer or one more with probability `spread` (at least 1).
int lobe_count(Rng& rng, const Params& p) {
  const int usual = int(p.at("salt_lobes"));
  if (!rng.chance(p.at("salt_lobes_spread"))) return usual;
  return std::max(1, usual + (rng.chance(0.5) ? 1 : -1));
}

// n lobes around column xc, `spacing` columns apart on average: one tall and narrow (half-widths
// up to `narrow` columns), the others lower and broader (up to `broad`), in random order.
std::vector<Lobe> random_lobes(Rng& rng, int n, double xc, double spacing, double height,
                               double narrow, double broad) {
  std::vector<Lobe> lobes;
  double x = xc - 0.5 * (n - 1) * spacing;
  const int tallest = rng.integer(0, n - 1);
  for (int k = 0; k < n; ++k) {
    const double width = k == tallest ? narrow : broad;
    lobes.push_back({x, width * rng.uniform(0.5, 1.0), width * rng.uniform(0.5, 1.0),
                     height * (k == tallest ? 1.0 : rng.uniform(0.3, 0.75)), rng.uniform(1.0, 2.0),
                     rng.uniform(0.5, 1.8)});
    x += spacing * rng.uniform(0.7, 1.3);
  }
  return lobes;
}

// A diapir rising from the bottom of the model: the union of lobes whose heights are measured up
// from the bottom row, so that its top carries one summit per lobe. They sit side by side across
// columns [x0, x1], the outer flanks of the outermost reaching x0 and x1, neighbours overlapping;
// one is the tallest.
Body random_dome(Rng& rng, int nz, double x0, double x1, int lobes) {
  const double span = x1 - x0;
  std::vector<double> centres;
  for (int k = 0; k < lobes; ++k)
    centres.push_back(x0 + span * (k + rng.uniform(0.3, 0.7)) / lobes);
  const int tallest = rng.integer(0, lobes - 1);
  std::vector<Lobe> shape;
  for (int k = 0; k < lobes; ++k) {
    // The tallest lobe is the narrowest towards its neighbours; together they overlap little, so
    // that deep valleys part the summits.
    const bool tall = k == tallest;
    const double inner = tall ? rng.uniform(0.4, 0.7) : rng.uniform(0.6, 1.0);
    const double left = k == 0 ? centres[k] - x0 : (centres[k] - centres[k - 1]) * inner;
    const double right = k == lobes - 1 ? x1 - centres[k] : (centres[k + 1] - centres[k]) * inner;
    const double height = 0.4 * nz * (tall ? 1.0 : rng.uniform(0.3, 0.75));
    // The tallest ranges from a spike to a steep-walled mesa, the others from ramps to hills.
    const double sharpness = tall ? rng.uniform(1.0, 4.0) : rng.uniform(1.0, 2.0);
    const double bluntness = tall ? rng.uniform(0.3, 2.2) : rng.uniform(0.8, 2.0);
    shape.push_back({centres[k], left, right, height, sharpness, bluntness});
  }
  return [=](double ix, double s) { return Span{nz - highest(shape, ix, s), nz - 1.0}; };
}

// A sill: a thin sheet along a gently tilted axis, nearly even in thickness over its middle and
// tapering to pointed ends; its top rises into lobes and its base sags into keels elsewhere.
Body random_sill(Rng& rng, int nz, double x0, double x1, int lobes) {
  const double xc = 0.5 * (x0 + x1), half_length = 0.5 * (x1 - x0);
  const double zc = rng.uniform(0.5, 0.7) * nz, slope = rng.uniform(-0.08, 0.08);
  const double thickness = rng.uniform(0.03, 0.06) * nz, base = rng.uniform(0.3, 0.6);
  const double flatness = rng.uniform(1.5, 3.0), taper = rng.uniform(1.0, 1.6);
  const double spacing = 0.8 * half_length / std::max(1, lobes - 1);
  const auto top = random_lobes(rng, lobes, xc + rng.uniform(-0.3, 0.3) * half_length, spacing, 1.0,
                                0.35 * half_length, 0.7 * half_length);
  const auto keel = random_lobes(rng, lobes, xc + rng.uniform(-0.3, 0.3) * half_length, spacing,
                                 rng.uniform(0.15, 0.6), 0.35 * half_length, 0.7 * half_length);
  return [=](double ix, double s) {
    const double u = (ix - xc) / half_length;
    if (std::abs(u) >= 1.0) return Span{1.0, 0.0};
    const double envelope = s * thickness * std::pow(1.0 - std::pow(std::abs(u), flatness), taper);
    const double axis = zc + slope * (ix - xc);
    return Span{axis - envelope * (0.5 + 0.4 * highest(top, ix, 1.0)),
                axis + envelope * (base + highest(keel, ix, 1.0))};
  };
}

// A salt massif as in the SEG/EAGE slices: a body on a nearly flat base whose top rises into
// lobes, with blunt ends and a ragged rim (rugosity of `rim` cells RMS on its top and base).
Body random_massif(Rng& rng, int nz, int nx, int lobes, double rim) {
  const double xc = rng.uniform(0.3, 0.7) * nx, half_length = rng.uniform(0.15, 0.25) * nx;
  const double zb = rng.uniform(0.4, 0.7) * nz, thickness = rng.uniform(0.12, 0.22) * nz;
  const double sag = rng.uniform(0.0, 0.3), taper = rng.uniform(0.3, 0.8);
  const auto top =
      random_lobes(rng, lobes, xc, 0.7 * half_length, 1.0, 0.5 * half_length, 0.8 * half_length);
  const auto top_rim = rugosity(rng, nx, 5.0, rim), base_rim = rugosity(rng, nx, 5.0, rim);
  return [=](double ix, double s) {
    const double u = (ix - xc) / (half_length * std::sqrt(s));
    if (std::abs(u) >= 1.0) return Span{1.0, 0.0};
    const double envelope = s * thickness * std::pow(1.0 - u * u, taper);
    const int column = int(ix);
    return Span{zb - envelope * (0.6 + 0.6 * highest(top, ix, 1.0)) + top_rim[column],
                zb + sag * envelope + base_rim[column]};
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
      std::clamp(p.at("relief_median") * std::exp(0.6 * rng.normal()), 0.0, p.at("relief_max"));
  const double roughness = p.at("roughness") * std::exp(0.2 * rng.normal());
  const auto fold = smooth_curve(rng, c.nx, 2, 0.6 * c.nx);
  // Each curve below carries its interface's whole displacement, in cells.
  const std::vector<double> amplitude(n, 1.0);
  std::vector<std::vector<double>> curves(n);
  const int steepest = n > 1 ? rng.integer(1, n - 1) : 0;
  for (int k = 0; k < n; ++k) {
    const auto own = smooth_curve(rng, c.nx, 2, 0.4 * c.nx);
    curves[k].resize(c.nx);
    for (int ix = 0; ix < c.nx; ++ix) curves[k][ix] = 0.7 * fold[ix] + 0.3 * own[ix];
    const double peak = *std::max_element(curves[k].begin(), curves[k].end()) -
                        *std::min_element(curves[k].begin(), curves[k].end());
    // Every interface carries the rugosity; the first is otherwise flat, as in the release.
    const auto rough = rugosity(rng, c.nx, p.at("roughness_length"), roughness);
    const double bent = k == 0 ? 0.0 : relief * (k == steepest ? 1.0 : rng.uniform(0.3, 1.0));
    for (int ix = 0; ix < c.nx; ++ix)
      curves[k][ix] = bent * curves[k][ix] / (peak > 0 ? peak : 1.0) + rough[ix];
  }
  // The release's interfaces curl up or down at the model's sides, all on one side alike: steeply
  // within a few columns, then along a gentle tail ten times longer (`profile`, by distance from
  // the side, one for every interface).
  const double curl_length = p.at("edge_curl_length");
  std::vector<double> profile(c.nx);
  for (int d = 0; d < c.nx; ++d)
    profile[d] =
        0.8 * std::exp(-d / curl_length) + 0.2 * std::max(0.0, 1.0 - d / (10.0 * curl_length));
  for (int side = 0; side < 2; ++side) {
    const double curl =
        (rng.chance(0.5) ? 1 : -1) * p.at("edge_curl") * std::exp(0.75 * rng.normal());
    for (int k = 0; k < n; ++k) {
      const double own = curl * std::max(0.0, 1.0 + 0.2 * rng.normal());
      for (int ix = 0; ix < c.nx; ++ix)
        curves[k][ix] += own * profile[side == 0 ? ix : c.nx - 1 - ix];
    }
  }
  Layers strata{bend(base, amplitude, curves, c.nx), {}};
  // The top row is the first layer everywhere.
  if (n > 0)
    for (double& d : strata.depth[0]) d = std::max(d, 1.0);
  for (double v : sorted_uniform(rng, layers, p.at("vmin"), p.at("vmax")))
    strata.velocity.push_back(static_cast<float>(v));
  for (int iz = 0; iz < c.nz; ++iz)
    for (int ix = 0; ix < c.nx; ++ix) m.at(iz, ix) = strata.at(ix, iz);
  if (rng.chance(p.at("salt_probability"))) {
    const bool sill = rng.chance(p.at("sill_probability"));
    const double median = p.at(sill ? "sill_fraction_median" : "dome_fraction_median");
    const double target = std::clamp(median * std::exp(0.32 * rng.normal()),
                                     p.at("salt_fraction_min"), p.at("salt_fraction_max"));
    const int lobes = lobe_count(rng, p);
    // The body spans salt_width_min to salt_width_max of the model's width, about its middle.
    const double width = rng.uniform(p.at("salt_width_min"), p.at("salt_width_max")) * c.nx;
    const double x0 = rng.uniform(0.46, 0.52) * c.nx - 0.5 * width, x1 = x0 + width;
    const Body body =
        sill ? random_sill(rng, c.nz, x0, x1, lobes) : random_dome(rng, c.nz, x0, x1, lobes);
    // Salt stays two rows below the first interface.
    std::vector<double> first_row(c.nx, 0.0);
    if (n > 0)
      for (int ix = 0; ix < c.nx; ++ix) first_row[ix] = strata.depth[0][ix] + 2.0;
    place_salt(m, body, first_row, target, p);
  }
  return m;
}

VelocityModel seg_like(const GeneratorConfig& c, Rng& rng) {
  const Params& p = c.parameters;
  VelocityModel m(c.nz, c.nx, c.spacing, c.spacing);
  const int water = rng.integer(int(p.at("water_min")), int(p.at("water_max")));
  // The sea floor: `water` cells deep with a little rugosity, never less than one cell (rows
  // above floor[ix] are water; the half cell keeps a smooth floor at `water` rows).
  auto floor = rugosity(rng, c.nx, p.at("roughness_length"), p.at("water_roughness"));
  for (double& d : floor) d = std::max(0.5, water - 0.5 + d);
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
      m.at(iz, ix) = iz < floor[ix] ? static_cast<float>(p.at("water_velocity"))
                                    : strata.at(ix, std::max(z, double(water)));
    }
  if (rng.chance(p.at("salt_probability"))) {
    const double target = rng.uniform(p.at("salt_fraction_min"), p.at("salt_fraction_max"));
    const Body body =
        random_massif(rng, c.nz, c.nx, lobe_count(rng, p), p.at("salt_rim_roughness"));
    // Salt stays two rows below the sea floor.
    std::vector<double> first_row(c.nx);
    for (int ix = 0; ix < c.nx; ++ix) first_row[ix] = floor[ix] + 2.0;
    place_salt(m, body, first_row, target, p);
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

// The parameters of fcnvmb-salt and seg-like that are lengths in cells.
bool is_length_in_cells(const std::string& key) {
  static const std::set<std::string> lengths = {
      "relief_median",   "relief_max",         "roughness",       "roughness_length",
      "water_min",       "water_max",          "fold_relief_max", "fault_throw_max",
      "water_roughness", "salt_rim_roughness", "edge_curl",       "edge_curl_length"};
  return lengths.count(key) > 0;
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
  std::vector<std::string> names = {"fcnvmb-salt", "seg-like", "salt-basin"};
  for (const auto& n : openfwi_families()) names.push_back(n);
  return names;
}

std::map<std::string, double> default_parameters(const std::string& name) {
  if (name == "fcnvmb-salt")
    return {{"layers_min", 5},
            {"layers_max", 10},
            {"vmin", 2000},
            {"vmax", 4000},
            {"relief_median", 3.5},
            {"relief_max", 12},
            {"roughness", 0.6},
            {"roughness_length", 5},
            {"edge_curl", 3.1},
            {"edge_curl_length", 3.5},
            {"salt_velocity", 4500},
            {"salt_probability", 1.0},
            {"sill_probability", 0.5},
            {"dome_fraction_median", 0.16},
            {"sill_fraction_median", 0.07},
            {"salt_fraction_min", 0.028},
            {"salt_fraction_max", 0.34},
            {"salt_lobes", 2},
            {"salt_lobes_spread", 0.15},
            {"salt_width_min", 0.74},
            {"salt_width_max", 0.82},
            {"supersample", 1}};
  if (name == "seg-like")
    return {{"water_velocity", 1500},
            {"water_min", 2},
            {"water_max", 4},
            {"sediment_vmin", 1700},
            {"sediment_vmax", 4000},
            {"layers_min", 15},
            {"layers_max", 30},
            {"fold_relief_max", 30},
            {"faults_max", 3},
            {"fault_throw_max", 15},
            {"salt_velocity", 4482},
            {"salt_probability", 0.9},
            {"salt_fraction_min", 0.03},
            {"salt_fraction_max", 0.125},
            {"salt_lobes", 1},
            {"salt_lobes_spread", 0.6},
            {"salt_rim_roughness", 0.7},
            {"water_roughness", 0.25},
            {"roughness_length", 5},
            {"supersample", 1}};
  if (name == "salt-basin") return salt_basin_defaults();
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
  if (p.count("edge_curl_length") && p.at("edge_curl_length") <= 0)
    fail("edge_curl_length must be positive");
  if (c.name == "salt-basin") check_salt_basin(p, fail);
  if (p.count("supersample")) {
    const double k = p.at("supersample");
    if (k < 1 || k > 16 || k != std::floor(k)) fail("supersample must be a whole number, 1 to 16");
  }
  return c;
}

VelocityModel generate(const GeneratorConfig& config, std::uint64_t seed, std::int64_t index) {
  const auto supersample = config.parameters.find("supersample");
  if (supersample != config.parameters.end() && supersample->second > 1) {
    // The same model drawn on a k times finer grid, its lengths in cells k times larger, then
    // block-averaged as vmb::resample averages any finer model (the release's, for one).
    const int k = int(supersample->second);
    GeneratorConfig fine = config;
    fine.nz *= k;
    fine.nx *= k;
    fine.spacing /= k;
    for (auto& [key, value] : fine.parameters)
      if (is_length_in_cells(key)) value *= k;
    fine.parameters["supersample"] = 1;
    return resample(generate(fine, seed, index), config.nz, config.nx, config.spacing,
                    config.spacing);
  }
  Rng rng(seed, static_cast<std::uint64_t>(index));
  if (config.name == "fcnvmb-salt") return fcnvmb_salt(config, rng);
  if (config.name == "seg-like") return seg_like(config, rng);
  if (config.name == "salt-basin") return salt_basin(config, rng);
  if (is_openfwi(config.name)) return openfwi(config, rng);
  fail("unknown generator '" + config.name + "'");
}

std::vector<GeneratorPart> resolve(const std::vector<GeneratorPart>& parts) {
  if (parts.empty()) fail("a mixture needs at least one generator");
  std::vector<GeneratorPart> resolved;
  for (const auto& part : parts) {
    if (!(part.weight > 0) || !std::isfinite(part.weight))
      fail("generator " + part.config.name + " has weight " + std::to_string(part.weight) +
           ": weights must be positive");
    resolved.push_back({resolve(part.config), part.weight});
    const GeneratorConfig &a = resolved.front().config, &b = resolved.back().config;
    if (a.nz != b.nz || a.nx != b.nx || a.spacing != b.spacing)
      fail("generators " + a.name + " and " + b.name + " of one mixture make different grids");
  }
  return resolved;
}

VelocityModel generate(const std::vector<GeneratorPart>& parts, std::uint64_t seed,
                       std::int64_t index) {
  if (parts.size() == 1) return generate(parts.front().config, seed, index);
  double total = 0.0;
  for (const auto& part : parts) total += part.weight;
  // Stream 1: the choice never shares random numbers with the model itself (stream 0).
  double u = Rng(seed, static_cast<std::uint64_t>(index), 1).uniform() * total;
  for (const auto& part : parts) {
    if (u < part.weight) return generate(part.config, seed, index);
    u -= part.weight;
  }
  return generate(parts.back().config, seed, index);
}

std::vector<GeneratorPart> parse_mixture(const std::string& text, int nz, int nx, double spacing) {
  std::vector<GeneratorPart> parts;
  std::stringstream list(text);
  std::string item;
  while (std::getline(list, item, ',')) {
    GeneratorPart part;
    const auto colon = item.find(':');
    part.config.name = item.substr(0, colon);
    if (colon != std::string::npos) {
      const std::string weight = item.substr(colon + 1);
      char* end = nullptr;
      part.weight = std::strtod(weight.c_str(), &end);
      if (weight.empty() || *end != '\0')
        fail("generator mixture '" + text + "': weight '" + weight + "' is not a number");
    }
    part.config.nz = nz;
    part.config.nx = nx;
    part.config.spacing = spacing;
    parts.push_back(part);
  }
  if (parts.empty()) fail("generator mixture '" + text + "' names no generator");
  return parts;
}

}  // namespace vmb::datagen
