#include "vmb/datagen/morphology.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <sstream>

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
  const auto rank = [&](double q) {
    const auto k = std::size_t(std::ceil(q * double(values.size())));
    return values[std::max<std::size_t>(k, 1) - 1];
  };
  s.median = values.size() % 2 ? values[values.size() / 2]
                               : 0.5 * (values[values.size() / 2 - 1] + values[values.size() / 2]);
  s.p90 = rank(0.9);
  return s;
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
  std::vector<double> fraction, peaks, shape, roughness, relief, curl;
  for (const auto& m : models) {
    if (m.salt_fraction == 0.0) continue;
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
                                {"edge_curl", s.edge_curl}}) {
    std::snprintf(line, sizeof line, "%-28s %10.3f %10.3f %8lld\n", name, v.median, v.p90,
                  static_cast<long long>(v.count));
    t << line;
  }
  return t.str();
}

}  // namespace vmb::datagen
