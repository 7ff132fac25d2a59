#include "curves.hpp"

#include <algorithm>
#include <cmath>

#include "running_mean.hpp"

namespace vmb::datagen {

std::vector<double> smooth_curve(Rng& rng, int n, int modes, double min_wavelength) {
  std::vector<double> c(n, 0.0);
  for (int m = 0; m < modes; ++m) {
    const double wavelength = rng.uniform(min_wavelength, 3.0 * min_wavelength);
    const double phase = rng.uniform(0.0, 2 * M_PI), amplitude = rng.uniform(0.3, 1.0);
    for (int i = 0; i < n; ++i) c[i] += amplitude * std::sin(2 * M_PI * i / wavelength + phase);
  }
  const auto [lo, hi] = std::minmax_element(c.begin(), c.end());
  const double range = *hi - *lo, mid = 0.5 * (*hi + *lo);
  for (double& v : c) v = range > 0 ? (v - mid) / range : 0.0;
  return c;
}

std::vector<double> rugosity(Rng& rng, int n, double length, double rms) {
  std::vector<double> r(n);
  for (double& v : r) v = rng.normal();
  const int window = 2 * std::max(0, int(std::lround(0.5 * length))) + 1;
  r = running_mean(running_mean(r, window), window);
  double mean = 0.0, square = 0.0;
  for (double v : r) mean += v / n;
  for (double v : r) square += (v - mean) * (v - mean) / n;
  const double scale = square > 0 ? rms / std::sqrt(square) : 0.0;
  for (double& v : r) v = (v - mean) * scale;
  return r;
}

}  // namespace vmb::datagen
