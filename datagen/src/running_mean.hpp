#pragma once
// The centred running mean shared by the generators (smoothing noise) and the shape statistics
// (smoothing a salt top), so that both smooth the same way.

#include <algorithm>
#include <vector>

namespace vmb::datagen {

// Centred running mean of `window` values (odd; shorter where the ends cut it).
inline std::vector<double> running_mean(const std::vector<double>& v, int window) {
  const int n = int(v.size()), half = window / 2;
  std::vector<double> out(n);
  for (int i = 0; i < n; ++i) {
    const int lo = std::max(0, i - half), hi = std::min(n - 1, i + half);
    double sum = 0.0;
    for (int k = lo; k <= hi; ++k) sum += v[k];
    out[i] = sum / (hi - lo + 1);
  }
  return out;
}

}  // namespace vmb::datagen
