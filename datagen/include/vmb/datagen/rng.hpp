#pragma once
// A small counter-based random generator: every stream is a pure function of (seed, sample
// index, stream), so a sample's model is the same whichever thread, process or machine makes it,
// and in whatever order. SplitMix64 (Steele, Lea and Flood 2014) with the distributions written
// out here, since the standard library's distributions differ between implementations.

#include <cmath>
#include <cstdint>

namespace vmb::datagen {

class Rng {
 public:
  Rng(std::uint64_t seed, std::uint64_t index, std::uint64_t stream = 0)
      : state_(mix(mix(seed ^ 0x9E3779B97F4A7C15ull) ^ mix(index + 0xD1B54A32D192ED03ull) ^
                   mix(stream * 0x94D049BB133111EBull + 1))) {}

  std::uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ull;
    return mix(state_);
  }
  // Uniform in [0, 1), 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [lo, hi].
  int integer(int lo, int hi) {
    return lo + static_cast<int>(uniform() * (static_cast<double>(hi) - lo + 1.0));
  }
  bool chance(double p) { return uniform() < p; }
  // Standard normal (Box-Muller).
  double normal() {
    const double u = 1.0 - uniform(), v = uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * M_PI * v);
  }

 private:
  static std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint64_t state_;
};

}  // namespace vmb::datagen
