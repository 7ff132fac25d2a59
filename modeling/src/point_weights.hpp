#pragma once
// Interpolation weights that tie a point in metres to grid nodes, for injecting sources and
// reading receivers with the same operator (which keeps the discrete problem reciprocal).

#include <vector>

namespace vmb::detail {

struct NodeWeight {
  int iz = 0;  // model row (may lie outside 0 .. nz-1, inside the absorbing layers)
  int ix = 0;  // model column
  float weight = 0.0f;
};

// Kaiser-windowed sinc weights (Hicks 2002: half-width 4 nodes, b = 4.14) in each direction whose
// coordinate falls off the grid; a single node of weight 1 in a direction where it falls on a node.
std::vector<NodeWeight> point_weights(double x_m, double z_m, double dx_m, double dz_m);

}  // namespace vmb::detail
