#pragma once
// Acquisition geometry: source and receiver positions in metres, x from the left edge of the model
// and z down from its top row. Every shot records at the same receivers.

#include <vector>

namespace vmb {

struct Position {
  double x = 0.0;  // m
  double z = 0.0;  // m
};

struct Survey {
  std::vector<Position> sources;    // one per shot
  std::vector<Position> receivers;  // shared by all shots
};

// n positions evenly spaced from x0 to x1 (m) at depth z (m); one position at x0 when n == 1.
std::vector<Position> evenly_spaced(int n, double x0, double x1, double z);

}  // namespace vmb
