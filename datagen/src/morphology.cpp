#include "vmb/datagen/morphology.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <sstream>
#include <tuple>

#include "running_mean.hpp"

namespace vmb::datagen {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Peaks of a height profile that stand at least `height` above the lowest point between them and
// the next higher point on each side; beyond the profile's ends the ground falls away.
int peaks(const std::vector<double>& h, double height) {
  const int n = int(h.size());
  int count = 0;
  for (int i = 0; i < n; ++i) {
    // A plateau counts once, at its first column.
    if (i > 0 && h[i - 1] >= h[i]) continue;
    int j = i;
    while (j + 1 < n && h[j + 1] == h[i]) ++j;
    if (j + 1 < n && h[j + 1] > h[i]) continue;
    bool stands = true;
    for (int direction : {-1, 1}) {
      double lowest = h[i];
      int k = direction < 0 ? i - 1 : j + 1;
      for (; k >= 0 && k < n && h[k] <= h[i]; k += direction) lowest = std::min(lowest, h[k]);
      const bool end = k < 0 || k >= n;
      if (!end && h[i] - lowest < height) stands = false;
    }
    if (stands) ++count;
    i = j;
  }
  return count;
}

// Length of the 0.5 contour of a 0/1 image (surrounded by zeros) by marching squares: in each
// 2 x 2 square of cell centres, segments between the midpoints of edges whose ends differ.
double outline_length(const std::vector<char>& inside, int nz, int nx) {
  auto at = [&](int z, int x) {
    return z >= 0 && z < nz && x >= 0 && x < nx && inside[std::size_t(z) * nx + x];
  };
  const double diagonal = std::sqrt(0.5);
  double length = 0.0;
  for (int z = -1; z < nz; ++z)
    for (int x = -1; x < nx; ++x) {
      const int a = at(z, x), b = at(z, x + 1), c = at(z + 1, x + 1), d = at(z + 1, x);
      const int corners = a + b + c + d;
      if (corners == 0 || corners == 4) continue;
      if (corners == 1 || corners == 3) {
        length += diagonal;  // one corner cut off
      } else if (a == c) {
        length += 2 * diagonal;  // a saddle: two corners cut off
      } else {
        length += 1.0;  // a straight crossing
      }
    }
  return length;
}

// The p-quantile (nearest rank) of values; NaN when empty.
double quantile(std::vector<double> values, double q) {
  if (values.empty()) return kNaN;
  std::sort(values.begin(), values.end());
  const auto k = std::size_t(std::ceil(q * double(values.size())));
  return values[std::max<std::size_t>(k, 1) - 1];
}

Spread spread(std::vector<double> values) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
               values.end());
  Spread s;
  s.count = std::int64_t(values.size());
  if (values.empty()) {
    s.median = s.p90 = kNaN;
    return s;
  }
  std::sort(values.begin(), values.end());
  s.median = values.size() % 2 ? values[values.size() / 2]
                               : 0.5 * (values[values.size() / 2 - 1] + values[values.size() / 2]);
  s.p90 = quantile(values, 0.9);
  return s;
}

// Dips of sediment layer boundaries, degrees from horizontal: the orientation of the structure
// tensor (averaged over a 5 x 5 window) of log-velocity smoothed by a 5 x 5 running mean (which
// takes out the staircase of boundaries drawn on the grid: tilted at 30 degrees they read 30, not
// 36), at every cell whose 5 x 5 window changes by more than 2 % and with no salt within 5 cells.
std::vector<double> boundary_dips(const VelocityModel& m, const std::vector<char>& salt) {
  const int nz = m.nz, nx = m.nx;
  std::vector<double> log_v(std::size_t(nz) * nx), smooth(log_v.size(), 0.0);
  for (std::size_t i = 0; i < log_v.size(); ++i) log_v[i] = std::log(m.velocity[i]);
  for (int z = 0; z < nz; ++z)
    for (int x = 0; x < nx; ++x) {
      double sum = 0.0;
      for (int dz = -2; dz <= 2; ++dz)
        for (int dx = -2; dx <= 2; ++dx)
          sum += log_v[std::size_t(std::clamp(z + dz, 0, nz - 1)) * nx +
                       std::clamp(x + dx, 0, nx - 1)];
      smooth[std::size_t(z) * nx + x] = sum / 25.0;
    }
  std::vector<double> gz(log_v.size(), 0.0), gx(log_v.size(), 0.0);
  for (int z = 1; z + 1 < nz; ++z)
    for (int x = 1; x + 1 < nx; ++x) {
      const std::size_t i = std::size_t(z) * nx + x;
      gz[i] = 0.5 * (smooth[i + nx] - smooth[i - nx]);
      gx[i] = 0.5 * (smooth[i + 1] - smooth[i - 1]);
    }
  std::vector<double> dips;
  for (int z = 5; z + 5 < nz; ++z)
    for (int x = 5; x + 5 < nx; ++x) {
      bool near_salt = false;
      for (int dz = -5; dz <= 5 && !near_salt; ++dz)
        for (int dx = -5; dx <= 5 && !near_salt; ++dx)
          near_salt = salt[std::size_t(z + dz) * nx + x + dx];
      if (near_salt) continue;
      double jzz = 0.0, jxx = 0.0, jxz = 0.0, lo = log_v[std::size_t(z) * nx + x], hi = lo;
      for (int dz = -2; dz <= 2; ++dz)
        for (int dx = -2; dx <= 2; ++dx) {
          const std::size_t i = std::size_t(z + dz) * nx + x + dx;
          lo = std::min(lo, log_v[i]);
          hi = std::max(hi, log_v[i]);
          jzz += gz[i] * gz[i];
          jxx += gx[i] * gx[i];
          jxz += gz[i] * gx[i];
        }
      if (hi - lo < 0.02) continue;
      // The dominant gradient's angle from vertical is the layers' dip from horizontal.
      const double angle = 0.5 * std::atan2(2.0 * jxz, jzz - jxx);
      dips.push_back(std::abs(angle) * 180.0 / M_PI);
    }
  return dips;
}

// Faults, found where horizons break (morphology.hpp). Returns the count and the median throw
// (rows) over the faults' breaks.
std::pair<double, double> faults(const VelocityModel& m, const std::vector<char>& salt) {
  const int nz = m.nz, nx = m.nx, max_throw = std::max(4, nz / 6);
  struct Step {
    int z;
    double size;
  };
  std::vector<std::vector<Step>> steps(nx);
  for (int x = 0; x < nx; ++x)
    for (int z = 1; z < nz; ++z) {
      if (salt[std::size_t(z) * nx + x] || salt[std::size_t(z - 1) * nx + x]) continue;
      const double size = double(m.at(z, x)) - m.at(z - 1, x);
      if (std::abs(size) >= 30.0) steps[x].push_back({z, size});
    }
  const auto like = [](const Step& a, const Step& b) {
    return (a.size > 0) == (b.size > 0) &&
           std::abs(a.size - b.size) <= std::max(20.0, 0.2 * std::abs(a.size));
  };
  // A step that goes on within a row in column x (a horizon, not a step across a fault plane).
  const auto goes_on = [&](const Step& s, int x) {
    for (const Step& t : steps[x])
      if (like(s, t) && std::abs(t.z - s.z) <= 1) return true;
    return false;
  };
  struct Break {
    int x, z, rows;
  };
  std::vector<Break> breaks;
  for (int x = 1; x + 2 < nx; ++x)
    for (const Step& s : steps[x]) {
      if (!goes_on(s, x - 1)) continue;
      int nearest = max_throw + 1;
      for (const Step& t : steps[x + 1])
        if (like(s, t) && goes_on(t, x + 2) && std::abs(t.z - s.z) < std::abs(nearest))
          nearest = t.z - s.z;
      if (std::abs(nearest) >= 2 && std::abs(nearest) <= max_throw)
        breaks.push_back({x, s.z, nearest});
    }
  std::vector<std::size_t> parent(breaks.size());
  for (std::size_t i = 0; i < parent.size(); ++i) parent[i] = i;
  std::function<std::size_t(std::size_t)> root = [&](std::size_t i) {
    return parent[i] == i ? i : parent[i] = root(parent[i]);
  };
  for (std::size_t i = 0; i < breaks.size(); ++i)
    for (std::size_t j = i + 1; j < breaks.size(); ++j)
      if (std::abs(breaks[i].x - breaks[j].x) <= 4 && std::abs(breaks[i].z - breaks[j].z) <= 12)
        parent[root(i)] = root(j);
  std::map<std::size_t, std::vector<double>> chains;
  for (std::size_t i = 0; i < breaks.size(); ++i)
    chains[root(i)].push_back(std::abs(breaks[i].rows));
  double count = 0.0;
  std::vector<double> throws;
  for (const auto& [r, rows] : chains)
    if (rows.size() >= 3) {
      ++count;
      throws.insert(throws.end(), rows.begin(), rows.end());
    }
  return {count, quantile(throws, 0.5)};
}

// The outermost salt of each row (first and last salt column; -1 where the row has none), and
// from it the flanks' steepness and the overhang.
std::pair<double, double> flanks(const std::vector<char>& salt, int nz, int nx) {
  std::vector<int> left(nz, -1), right(nz, -1);
  for (int z = 0; z < nz; ++z)
    for (int x = 0; x < nx; ++x)
      if (salt[std::size_t(z) * nx + x]) {
        if (left[z] < 0) left[z] = x;
        right[z] = x;
      }
  // Steepness: the angle of the edge's move over 3 rows, where it stays inside the model.
  constexpr int kRows = 3;
  std::vector<double> angles;
  for (int z = 0; z + kRows < nz; ++z) {
    if (left[z] < 0 || left[z + kRows] < 0) continue;
    if (left[z] > 0 && left[z + kRows] > 0)
      angles.push_back(std::atan2(kRows, std::abs(left[z + kRows] - left[z])) * 180.0 / M_PI);
    if (right[z] < nx - 1 && right[z + kRows] < nx - 1)
      angles.push_back(std::atan2(kRows, std::abs(right[z + kRows] - right[z])) * 180.0 / M_PI);
  }
  // Overhang: how far a row's outermost salt reaches beyond that of every deeper row with salt.
  double overhang = 0.0;
  int deepest_left = nx, deepest_right = -1;
  for (int z = nz - 1; z >= 0; --z) {
    if (left[z] < 0) continue;
    if (deepest_right >= 0)
      overhang =
          std::max({overhang, double(deepest_left - left[z]), double(right[z] - deepest_right)});
    deepest_left = std::min(deepest_left, left[z]);
    deepest_right = std::max(deepest_right, right[z]);
  }
  return {quantile(angles, 0.5), overhang};
}
}  // namespace

Morphology morphology(const VelocityModel& m, const MorphologyOptions& options) {
  const int nz = m.nz, nx = m.nx;
  const auto salt = [&](int z, int x) { return m.at(z, x) >= options.salt_velocity; };
  Morphology out;
  std::vector<char> inside(std::size_t(nz) * nx);
  std::int64_t area = 0;
  for (int z = 0; z < nz; ++z)
    for (int x = 0; x < nx; ++x) area += inside[std::size_t(z) * nx + x] = salt(z, x);
  out.salt_fraction = double(area) / double(std::size_t(nz) * nx);
  if (area == 0) {
    out.salt_top_peaks = out.salt_shape = kNaN;
  } else {
    out.salt_shape = outline_length(inside, nz, nx) / std::sqrt(double(area));
    int count = 0;
    std::vector<double> run;
    for (int x = 0; x <= nx; ++x) {
      int top = -1;
      for (int z = 0; x < nx && z < nz && top < 0; ++z)
        if (salt(z, x)) top = z;
      if (top >= 0) {
        run.push_back(double(nz - top));
      } else if (!run.empty()) {
        count += peaks(running_mean(run, options.smoothing), options.peak_height);
        run.clear();
      }
    }
    out.salt_top_peaks = count;
  }

  // The first interface, column by column.
  std::vector<double> depth(nx, kNaN);
  for (int x = 0; x < nx; ++x)
    for (int z = 1; z < nz; ++z)
      if (std::abs(m.at(z, x) - m.at(0, x)) > 1.0f) {
        if (!salt(z, x)) depth[x] = z;
        break;
      }
  const int half = options.roughness_window / 2;
  double sum = 0.0;
  int columns = 0;
  for (int x = half; x + half < nx; ++x) {
    double mean = 0.0;
    bool whole = true;
    for (int k = x - half; k <= x + half && whole; ++k) {
      whole = !std::isnan(depth[k]);
      mean += depth[k];
    }
    if (!whole) continue;
    mean /= 2 * half + 1;
    sum += (depth[x] - mean) * (depth[x] - mean);
    ++columns;
  }
  out.interface_roughness = columns >= options.roughness_window ? std::sqrt(sum / columns) : kNaN;

  // Its curl at the sides: 3-column means at the edge and edge_window columns in (NaN spreads).
  auto mean3 = [&](int x) { return (depth[x - 1] + depth[x] + depth[x + 1]) / 3.0; };
  const int w = options.edge_window;
  out.edge_curl =
      nx >= 2 * w + 2
          ? 0.5 * (std::abs(mean3(1) - mean3(w)) + std::abs(mean3(nx - 2) - mean3(nx - 1 - w)))
          : kNaN;

  const std::vector<double> dips = boundary_dips(m, inside);
  out.dip_median = quantile(dips, 0.5);
  out.dip_p90 = quantile(dips, 0.9);
  std::tie(out.fault_count, out.fault_throw) = faults(m, inside);
  if (area == 0)
    out.flank_dip = out.overhang = kNaN;
  else
    std::tie(out.flank_dip, out.overhang) = flanks(inside, nz, nx);

  // Layer boundaries: steps between consecutive sediment velocities.
  std::map<float, int> rank;
  for (float v : m.velocity)
    if (v < options.salt_velocity) rank.emplace(v, 0);
  int k = 0;
  for (auto& entry : rank) entry.second = k++;
  std::vector<int> shallowest(rank.size(), nz), deepest(rank.size(), -1);
  for (int x = 0; x < nx; ++x)
    for (int z = 1; z < nz; ++z) {
      const float above = m.at(z - 1, x), below = m.at(z, x);
      if (above >= options.salt_velocity || below >= options.salt_velocity) continue;
      const int r = rank.at(above);
      if (rank.at(below) != r + 1) continue;
      shallowest[r] = std::min(shallowest[r], z);
      deepest[r] = std::max(deepest[r], z);
    }
  for (std::size_t r = 0; r < rank.size(); ++r)
    if (deepest[r] >= 0)
      out.largest_relief = std::max(out.largest_relief, double(deepest[r] - shallowest[r]));
  return out;
}

MorphologySummary summarise(const std::vector<Morphology>& models) {
  MorphologySummary s;
  s.models = std::int64_t(models.size());
  std::vector<double> fraction, peaks, shape, roughness, relief, curl, dip, dip90, count, throws,
      flank, overhang;
  for (const auto& m : models) {
    dip.push_back(m.dip_median);
    dip90.push_back(m.dip_p90);
    count.push_back(m.fault_count);
    throws.push_back(m.fault_throw);
    if (m.salt_fraction == 0.0) continue;
    flank.push_back(m.flank_dip);
    overhang.push_back(m.overhang);
    ++s.with_salt;
    fraction.push_back(m.salt_fraction);
    peaks.push_back(m.salt_top_peaks);
    shape.push_back(m.salt_shape);
    roughness.push_back(m.interface_roughness);
    relief.push_back(m.largest_relief);
    curl.push_back(m.edge_curl);
  }
  s.salt_fraction = spread(fraction);
  s.salt_top_peaks = spread(peaks);
  s.salt_shape = spread(shape);
  s.interface_roughness = spread(roughness);
  s.largest_relief = spread(relief);
  s.edge_curl = spread(curl);
  s.dip_median = spread(dip);
  s.dip_p90 = spread(dip90);
  s.fault_count = spread(count);
  s.fault_throw = spread(throws);
  s.flank_dip = spread(flank);
  s.overhang = spread(overhang);
  return s;
}

std::string to_text(const MorphologySummary& s) {
  std::ostringstream t;
  t << s.models << " models, " << s.with_salt << " with salt; over those:\n";
  char line[160];
  std::snprintf(line, sizeof line, "%-28s %10s %10s %8s\n", "statistic", "median", "p90", "models");
  t << line;
  for (const auto& [name, v] : {std::pair{"salt_fraction", s.salt_fraction},
                                {"salt_top_peaks", s.salt_top_peaks},
                                {"salt_shape", s.salt_shape},
                                {"interface_roughness", s.interface_roughness},
                                {"largest_relief", s.largest_relief},
                                {"edge_curl", s.edge_curl},
                                {"flank_dip", s.flank_dip},
                                {"overhang", s.overhang},
                                {"dip_median (all models)", s.dip_median},
                                {"dip_p90 (all models)", s.dip_p90},
                                {"fault_count (all models)", s.fault_count},
                                {"fault_throw (all models)", s.fault_throw}}) {
    std::snprintf(line, sizeof line, "%-28s %10.3f %10.3f %8lld\n", name, v.median, v.p90,
                  static_cast<long long>(v.count));
    t << line;
  }
  return t.str();
}

}  // namespace vmb::datagen
