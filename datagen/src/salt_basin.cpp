#include "salt_basin.hpp"

#include <algorithm>
#include <cmath>

#include "curves.hpp"

// Lengths below are drawn in metres or as fractions of the section and turned into cells with
// the grid spacing, so that the same parameters describe the same geology on any grid (and on the
// finer grid of the supersample).

namespace vmb::datagen {
namespace {

using Params = std::map<std::string, double>;

constexpr double kDegree = M_PI / 180.0;

// A normal fault: a plane through (x0, z0) (cells) dipping at `dip` from horizontal towards
// `direction` (+1: +x); the hanging wall, above the plane, has slid down by `throw_cells`. It cuts
// the strata of packages at and below `oldest_cut_from` (0 = the youngest package).
struct NormalFault {
  double x0, z0, dip, throw_cells;
  int direction, oldest_cut_from;

  double restored(double x, double z) const {
    const double plane = z0 + direction * (x - x0) * std::tan(dip);
    return z < plane ? z - throw_cells : z;
  }
};

// One sediment package: strata laid down together, then tilted and folded as one. Its layers'
// boundaries are at stratigraphic depths `boundaries` (cells, increasing); each layer carries a
// velocity deviation from the compaction trend.
struct Package {
  double dip_slope;                // dz/dx of the strata (tan of the dip)
  double fold_amplitude;           // cells
  std::vector<double> fold;        // per column, peak-to-peak 1
  double growth;                   // thickening across the section: 1 + growth (x / nx - 1/2)
  double age_bonus;                // m/s: older packages were buried deeper, so are faster
  std::vector<double> boundaries;  // cells
  std::vector<double> contrast;    // m/s, one per layer (boundaries.size() + 1)

  // The stratigraphic depth of (x, z) and the layer it falls in.
  double strat(int x, double z, int nx) const {
    const double reference = dip_slope * (x - 0.5 * nx) + fold_amplitude * fold[x];
    return (z - reference) / (1.0 + growth * (double(x) / nx - 0.5));
  }
  std::size_t layer(double t) const {
    return std::size_t(std::upper_bound(boundaries.begin(), boundaries.end(), t) -
                       boundaries.begin());
  }
};

// A wedge of slow sediment: in one package, the strata between stratigraphic depths top and
// top + thickness(x), thickness falling linearly from `thickness` at `thick_side` to zero at the
// pinch-out column.
struct Wedge {
  std::size_t package;
  double top, thickness, pinch_out;
  int thick_side;   // 0: thickest at x = 0; 1: at x = nx - 1
  double slowdown;  // m/s below the trend

  bool holds(double t, int x, int nx) const {
    const double from_thick = thick_side == 0 ? x : nx - 1 - x;
    const double span = thick_side == 0 ? pinch_out : nx - 1 - pinch_out;
    if (span <= 0 || from_thick >= span) return false;
    return t >= top && t < top + thickness * (1.0 - from_thick / span);
  }
};

// Salt, described row by row (a stem and its bulb: [left, right] per row, which allows
// overhangs and steep flanks) and column by column (sheets and tongues: [top, base] per column).
struct Salt {
  std::vector<double> row_left, row_right;  // per row; empty when left > right
  std::vector<double> col_top, col_base;    // per column; empty when top > base

  Salt(int nz, int nx)
      : row_left(nz, 1.0), row_right(nz, 0.0), col_top(nx, 1.0), col_base(nx, 0.0) {}

  void add_row_span(int z, double left, double right) {
    widen(row_left[z], row_right[z], left, right);
  }
  void add_col_span(int x, double top, double base) { widen(col_top[x], col_base[x], top, base); }
  bool holds(int z, int x) const {
    return (x >= row_left[z] && x <= row_right[z]) || (z >= col_top[x] && z <= col_base[x]);
  }

 private:
  // The span [lo, hi] (empty when lo > hi) widened to cover [from, to] (when not empty).
  static void widen(double& lo, double& hi, double from, double to) {
    if (from > to) return;
    const bool empty = lo > hi;
    lo = empty ? from : std::min(lo, from);
    hi = empty ? to : std::max(hi, to);
  }
};

// A diapir: a stem rising from below the section, tilted, its width wandering, crowned by a
// bulb wider than the stem on one or both sides (the overhangs), sometimes shedding a tongue.
void add_diapir(Salt& salt, Rng& rng, int nz, int nx, double top, double centre) {
  const double tilt = rng.uniform(-25.0, 25.0) * kDegree;  // from vertical
  const double stem = rng.uniform(0.03, 0.09) * nx;
  const double bulb_height = rng.uniform(0.08, 0.2) * nz;
  const double bulb_left = stem * rng.uniform(1.0, 2.6), bulb_right = stem * rng.uniform(1.0, 2.6);
  const auto wander = smooth_curve(rng, nz, 2, 0.5 * nz);
  const double wander_amplitude = rng.uniform(0.0, 0.6) * stem;
  const auto rim_left = rugosity(rng, nz, 3.0, rng.uniform(0.3, 1.5));
  const auto rim_right = rugosity(rng, nz, 3.0, rng.uniform(0.3, 1.5));
  const double bulb_middle = top + bulb_height;
  for (int z = std::max(0, int(std::ceil(top))); z < nz; ++z) {
    const double c = centre + std::tan(tilt) * (z - bulb_middle) + wander_amplitude * wander[z];
    const double u = (z - bulb_middle) / bulb_height;
    // The bulb: an ellipse about its middle row; below it only the stem goes on.
    const double cap = u < -1.0 ? 0.0 : (u <= 1.0 ? std::sqrt(1.0 - u * u) : 0.0);
    double left = cap * bulb_left, right = cap * bulb_right;
    if (z >= bulb_middle) {
      // Below the bulb's middle the stem narrows in from the bulb and then keeps its width.
      const double w = stem * (1.0 + 0.25 * std::sin(3.0 * M_PI * (z - bulb_middle) / nz));
      left = std::max(left, w);
      right = std::max(right, w);
    } else if (u >= -1.0) {
      // Above, a rounded crest: the cap alone, never narrower than a sliver at the very top.
      left = std::max(left, 0.5);
      right = std::max(right, 0.5);
    } else {
      continue;
    }
    salt.add_row_span(z, c - left + rim_left[z], c + right + rim_right[z]);
  }
  if (rng.chance(0.35)) {
    // A tongue: a thin sheet leaving the bulb sideways and thinning to a point.
    const int side = rng.chance(0.5) ? 1 : -1;
    const double from = centre + side * (side > 0 ? bulb_right : bulb_left) * 0.8;
    const double length = rng.uniform(0.15, 0.45) * nx;
    const double thickness = rng.uniform(0.03, 0.07) * nz;
    const double slope = rng.uniform(-0.15, 0.15);
    for (int x = 0; x < nx; ++x) {
      const double s = side * (x - from);
      if (s < 0 || s > length) continue;
      const double half = 0.5 * thickness * std::pow(1.0 - s / length, 0.6);
      const double axis = bulb_middle + slope * s;
      salt.add_col_span(x, axis - half, axis + half);
    }
  }
}

// A sheet (canopy): a tabular body at some depth, long enough to leave the section at times, its
// top and base rugose, its ends blunt or overhanging; often fed by a stem from below.
void add_sheet(Salt& salt, Rng& rng, int nz, int nx, double top, double centre) {
  const double half_length = rng.uniform(0.15, 0.6) * nx;
  const double thickness = rng.uniform(0.06, 0.18) * nz;
  const double slope = rng.uniform(-0.1, 0.1);
  const double bluntness = rng.uniform(0.15, 0.6);  // small: steep, nearly vertical ends
  const auto top_rim = rugosity(rng, nx, 8.0, rng.uniform(0.3, 1.2));
  const auto base_rim = rugosity(rng, nx, 8.0, rng.uniform(0.3, 1.5));
  const auto bulge = smooth_curve(rng, nx, 2, 0.4 * nx);
  for (int x = 0; x < nx; ++x) {
    const double u = std::abs(x - centre) / half_length;
    if (u >= 1.0) continue;
    const double envelope = std::pow(1.0 - std::pow(u, 2.0), bluntness);
    const double t = top + slope * (x - centre) + top_rim[x];
    const double h = thickness * envelope * (1.0 + 0.5 * bulge[x]);
    salt.add_col_span(x, t, t + h + base_rim[x]);
  }
  if (rng.chance(0.5)) {
    // The feeder: a narrow stem from the sheet's base to below the section.
    const double x = centre + rng.uniform(-0.5, 0.5) * half_length;
    const double half = rng.uniform(0.02, 0.05) * nx;
    const double lean = std::tan(rng.uniform(-20.0, 20.0) * kDegree);
    for (int z = int(std::max(0.0, top + 0.5 * thickness)); z < nz; ++z) {
      const double c = x + lean * (z - top);
      salt.add_row_span(z, c - half, c + half);
    }
  }
}

// A massif entering from one side: its visible edge a steep, often overhanging flank.
void add_flank(Salt& salt, Rng& rng, int nz, int nx, double top) {
  const int side = rng.chance(0.5) ? 0 : 1;
  const double reach = rng.uniform(0.1, 0.35) * nx;  // how far into the section the flank reaches
  const double overhang = rng.uniform(-0.1, 0.25) * nx;  // the crest's reach beyond the foot
  const double crest = rng.uniform(0.05, 0.2) * nz;      // rows over which the crest rounds off
  const auto rim = rugosity(rng, nz, 3.0, rng.uniform(0.5, 2.0));
  for (int z = std::max(0, int(std::ceil(top))); z < nz; ++z) {
    const double depth = (z - top) / std::max(1.0, nz - top);
    // From the crest down the flank moves back from `reach + overhang` to `reach`.
    double edge = reach + overhang * (1.0 - depth);
    const double u = (z - top) / crest;
    if (u < 1.0) edge *= std::sqrt(std::max(0.0, u * (2.0 - u)));
    edge += rim[z];
    if (side == 0)
      salt.add_row_span(z, -1.0, edge);
    else
      salt.add_row_span(z, nx - 1 - edge, nx);
  }
}

}  // namespace

Params salt_basin_defaults() {
  return {{"water_velocity", 1500},
          {"water_depth_min", 20},
          {"water_depth_max", 300},
          {"seafloor_relief_max", 150},
          {"mudline_velocity_min", 1550},
          {"mudline_velocity_max", 1700},
          {"compaction_gradient_min", 0.6},
          {"compaction_gradient_max", 1.4},
          {"sediment_vmax", 4300},
          {"layer_thickness_min", 20},
          {"layer_thickness_max", 150},
          {"layer_contrast", 120},
          {"packages_max", 3},
          {"dip_max", 30},
          {"fold_relief_max", 0.12},
          {"growth_max", 0.8},
          {"unconformity_bonus_max", 250},
          {"faults_max", 4},
          {"fault_throw_min", 20},
          {"fault_throw_max", 250},
          {"wedge_probability", 0.5},
          {"wedge_slowdown_min", 150},
          {"wedge_slowdown_max", 500},
          {"salt_velocity", 4482},
          {"salt_probability", 0.9},
          {"salt_bodies_max", 2},
          {"inclusion_probability", 0.3},
          {"drag_max", 150},
          {"supersample", 1}};
}

void check_salt_basin(const Params& p, const std::function<void(const std::string&)>& fail) {
  auto range = [&](const char* lo, const char* hi) {
    if (p.at(lo) > p.at(hi))
      fail(std::string(lo) + " " + std::to_string(p.at(lo)) + " is larger than " + hi + " " +
           std::to_string(p.at(hi)));
  };
  range("water_depth_min", "water_depth_max");
  range("mudline_velocity_min", "mudline_velocity_max");
  range("compaction_gradient_min", "compaction_gradient_max");
  range("layer_thickness_min", "layer_thickness_max");
  range("fault_throw_min", "fault_throw_max");
  range("wedge_slowdown_min", "wedge_slowdown_max");
  if (p.at("layer_thickness_min") <= 0) fail("layer_thickness_min must be positive");
  if (p.at("mudline_velocity_max") > p.at("sediment_vmax"))
    fail("mudline_velocity_max is larger than sediment_vmax");
  if (p.at("dip_max") >= 80) fail("dip_max must be below 80 degrees");
  if (p.at("packages_max") < 1) fail("packages_max must be at least 1");
  if (p.at("fold_relief_max") > 1) fail("fold_relief_max is a fraction of the depth: at most 1");
  if (p.at("growth_max") >= 2) fail("growth_max must be below 2");
}

VelocityModel salt_basin(const GeneratorConfig& c, Rng& rng) {
  const Params& p = c.parameters;
  const int nz = c.nz, nx = c.nx;
  const double dx = c.spacing;
  VelocityModel m(nz, nx, dx, dx);

  // 1. The sea floor: a depth, a slope across the section and a gentle undulation (cells).
  const double water = rng.uniform(p.at("water_depth_min"), p.at("water_depth_max")) / dx;
  const double relief = rng.uniform(0.0, p.at("seafloor_relief_max")) / dx;
  const auto floor_shape = smooth_curve(rng, nx, 1, 1.5 * nx);
  const double floor_slope = rng.uniform(-1.0, 1.0);
  std::vector<double> floor(nx);
  for (int x = 0; x < nx; ++x)
    floor[x] = std::max(
        1.0, water + relief * (0.6 * floor_slope * (double(x) / nx - 0.5) + 0.4 * floor_shape[x]));

  // 2. The compaction trend: velocity rising linearly with depth below the sea floor.
  const double mudline = rng.uniform(p.at("mudline_velocity_min"), p.at("mudline_velocity_max"));
  const double gradient =
      rng.uniform(p.at("compaction_gradient_min"), p.at("compaction_gradient_max"));
  const double vmax = p.at("sediment_vmax");

  // 3. Sediment packages, youngest (0) first, parted by angular unconformities whose depths rise
  // towards the young; each older package dips more and is faster for its deeper burial.
  const int packages = rng.integer(1, int(p.at("packages_max")));
  std::vector<std::vector<double>> unconformity;  // base of package k, k < packages - 1
  {
    const double mean_floor = water;
    std::vector<double> depths;
    for (int k = 0; k + 1 < packages; ++k) depths.push_back(rng.uniform(0.2, 0.85));
    std::sort(depths.begin(), depths.end());
    for (double d : depths) {
      const auto shape = smooth_curve(rng, nx, 2, 0.8 * nx);
      const double base = mean_floor + d * (nz - mean_floor);
      const double tilt = std::tan(rng.uniform(-6.0, 6.0) * kDegree);
      const double bend = rng.uniform(0.0, 0.08) * nz;
      std::vector<double> u(nx);
      for (int x = 0; x < nx; ++x) u[x] = base + tilt * (x - 0.5 * nx) + bend * shape[x];
      unconformity.push_back(u);
    }
  }
  const double thin = p.at("layer_thickness_min") / dx, thick = p.at("layer_thickness_max") / dx;
  std::vector<Package> strata;
  double bonus = 0.0;
  for (int k = 0; k < packages; ++k) {
    Package pk;
    const double dip_cap = p.at("dip_max") * (k + 1.0) / packages;
    pk.dip_slope = std::tan(rng.uniform(-dip_cap, dip_cap) * kDegree);
    pk.fold_amplitude = rng.uniform(0.0, p.at("fold_relief_max")) * nz;
    pk.fold = smooth_curve(rng, nx, 2, 0.5 * nx);
    pk.growth = rng.uniform(-p.at("growth_max"), p.at("growth_max")) * 0.5;
    pk.age_bonus = bonus;
    bonus += rng.uniform(0.0, p.at("unconformity_bonus_max"));
    // Boundaries over the whole stratigraphic range the section can reach.
    const double reach = 3.0 * nz + std::abs(pk.dip_slope) * nx + pk.fold_amplitude;
    for (double t = -reach; t < reach;) {
      pk.boundaries.push_back(t);
      t += thin * std::pow(thick / thin, rng.uniform());  // log-uniform thickness
    }
    for (std::size_t l = 0; l <= pk.boundaries.size(); ++l)
      pk.contrast.push_back(p.at("layer_contrast") * std::clamp(rng.normal(), -2.5, 2.5));
    strata.push_back(std::move(pk));
  }

  // 4. Normal faults, each cutting a package and every older one (it dies upwards at an
  // unconformity), with throws of tens to hundreds of metres.
  std::vector<NormalFault> faults;
  const int nfaults = rng.integer(0, int(p.at("faults_max")));
  for (int f = 0; f < nfaults; ++f)
    faults.push_back({rng.uniform(0.1, 0.9) * nx, rng.uniform(0.3, 0.8) * nz,
                      rng.uniform(45.0, 70.0) * kDegree,
                      rng.uniform(p.at("fault_throw_min"), p.at("fault_throw_max")) / dx,
                      rng.chance(0.5) ? 1 : -1, rng.integer(0, packages - 1)});

  // 5. A low-velocity wedge in one package, pinching out across the section.
  std::vector<Wedge> wedges;
  if (rng.chance(p.at("wedge_probability"))) {
    const std::size_t k = std::size_t(rng.integer(0, packages - 1));
    const double top = rng.uniform(0.1, 0.8) * nz;
    wedges.push_back({k, top, rng.uniform(0.05, 0.15) * nz, rng.uniform(0.3, 0.9) * nx,
                      rng.chance(0.5) ? 0 : 1,
                      rng.uniform(p.at("wedge_slowdown_min"), p.at("wedge_slowdown_max"))});
  }

  // 6. Salt: diapirs with bulbs and tongues, sheets, flanks of massifs beyond the section; none
  // reaches within two cells of the sea floor.
  Salt salt(nz, nx);
  bool has_salt = false;
  if (rng.chance(p.at("salt_probability"))) {
    has_salt = true;
    const int bodies = rng.integer(1, std::max(1, int(p.at("salt_bodies_max"))));
    for (int b = 0; b < bodies; ++b) {
      const double top = water + rng.uniform(0.1, 0.55) * (nz - water);
      const double centre = rng.uniform(0.1, 0.9) * nx;
      const double kind = rng.uniform();
      if (kind < 0.45)
        add_diapir(salt, rng, nz, nx, top, centre);
      else if (kind < 0.8)
        add_sheet(salt, rng, nz, nx, top, centre);
      else
        add_flank(salt, rng, nz, nx, top);
    }
  }
  std::vector<char> is_salt(std::size_t(nz) * nx, 0);
  for (int z = 0; z < nz; ++z)
    for (int x = 0; x < nx; ++x)
      is_salt[std::size_t(z) * nx + x] = has_salt && z >= floor[x] + 2.0 && salt.holds(z, x);

  // 7. Drag: strata bend up against the salt, by up to drag_max metres at its flank, fading over
  // a few hundred metres (the horizontal distance to the nearest salt in the row).
  const double drag = has_salt ? rng.uniform(0.0, p.at("drag_max")) / dx : 0.0;
  const double drag_length = rng.uniform(100.0, 400.0) / dx;
  std::vector<double> lift(std::size_t(nz) * nx, 0.0);
  if (drag > 0)
    for (int z = 0; z < nz; ++z) {
      std::vector<double> distance(nx, 1e30);
      double last = -1e30;
      for (int x = 0; x < nx; ++x) {
        if (is_salt[std::size_t(z) * nx + x]) last = x;
        distance[x] = x - last;
      }
      last = 1e30;
      for (int x = nx - 1; x >= 0; --x) {
        if (is_salt[std::size_t(z) * nx + x]) last = x;
        distance[x] = std::min(distance[x], last - x);
        lift[std::size_t(z) * nx + x] = drag * std::exp(-distance[x] / drag_length);
      }
    }

  // 8. Velocities: water, then each sediment cell from its package's layer and the trend.
  auto sediment = [&](int z, int x) {
    std::size_t k = 0;
    while (k < unconformity.size() && z >= unconformity[k][x]) ++k;
    // Faults cutting package k or a younger one move it.
    double zf = z + lift[std::size_t(z) * nx + x];
    for (const NormalFault& f : faults)
      if (int(k) >= f.oldest_cut_from) zf = f.restored(x, zf);
    const Package& pk = strata[k];
    const double t = pk.strat(x, zf, nx);
    double v = mudline + gradient * (z - floor[x]) * dx + pk.age_bonus + pk.contrast[pk.layer(t)];
    for (const Wedge& w : wedges)
      if (w.package == k && w.holds(t, x, nx)) v -= w.slowdown;
    return std::clamp(v, mudline, vmax);
  };
  const auto salt_velocity = static_cast<float>(p.at("salt_velocity"));
  for (int z = 0; z < nz; ++z)
    for (int x = 0; x < nx; ++x)
      m.at(z, x) = z < floor[x]                       ? static_cast<float>(p.at("water_velocity"))
                   : is_salt[std::size_t(z) * nx + x] ? salt_velocity
                                                      : static_cast<float>(sediment(z, x));

  // 9. Inclusions: rafts of sediment carried inside the salt.
  if (has_salt && rng.chance(p.at("inclusion_probability"))) {
    const int count = rng.integer(1, 3);
    for (int i = 0; i < count; ++i) {
      const int z0 = rng.integer(0, nz - 1), x0 = rng.integer(0, nx - 1);
      if (!is_salt[std::size_t(z0) * nx + x0]) continue;
      const double a = rng.uniform(0.02, 0.06) * nx, b = rng.uniform(0.01, 0.03) * nz;
      for (int z = std::max(0, int(z0 - b)); z <= std::min(nz - 1, int(z0 + b)); ++z)
        for (int x = std::max(0, int(x0 - a)); x <= std::min(nx - 1, int(x0 + a)); ++x)
          if (is_salt[std::size_t(z) * nx + x] &&
              std::pow((z - z0) / b, 2) + std::pow((x - x0) / a, 2) <= 1.0)
            m.at(z, x) = static_cast<float>(sediment(z, x));
    }
  }
  return m;
}

}  // namespace vmb::datagen
