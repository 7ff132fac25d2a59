#pragma once
// Central finite-difference coefficients on a unit grid for the orders the solver supports.

#include <array>

namespace vmb::detail {

// Second derivative: c[0] u_i + sum_k c[k] (u_{i-k} + u_{i+k}), k = 1 .. order / 2.
inline std::array<double, 5> second_derivative_coefficients(int order) {
  switch (order) {
    case 2:
      return {-2.0, 1.0, 0, 0, 0};
    case 4:
      return {-5.0 / 2, 4.0 / 3, -1.0 / 12, 0, 0};
    case 6:
      return {-49.0 / 18, 3.0 / 2, -3.0 / 20, 1.0 / 90, 0};
    default:
      return {-205.0 / 72, 8.0 / 5, -1.0 / 5, 8.0 / 315, -1.0 / 560};
  }
}

// First derivative: sum_k d[k] (u_{i+k} - u_{i-k}), k = 1 .. order / 2 (d[0] unused).
inline std::array<double, 5> first_derivative_coefficients(int order) {
  switch (order) {
    case 2:
      return {0, 1.0 / 2, 0, 0, 0};
    case 4:
      return {0, 2.0 / 3, -1.0 / 12, 0, 0};
    case 6:
      return {0, 3.0 / 4, -3.0 / 20, 1.0 / 60, 0};
    default:
      return {0, 4.0 / 5, -1.0 / 5, 4.0 / 105, -1.0 / 280};
  }
}

inline bool is_supported_order(int order) {
  return order == 2 || order == 4 || order == 6 || order == 8;
}

}  // namespace vmb::detail
