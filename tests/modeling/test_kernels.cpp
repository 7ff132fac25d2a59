// The time-step kernels (modeling/src/kernels.hpp): the tuned kernel (native vectors) gives the
// generic one's results (plain C++, one node at a time) to round-off, for every order, with CPML
// on all sides and with a free surface. A random initial state excites every CPML term.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <tuple>

#include "kernels.hpp"

namespace {

namespace d = vmb::detail;

template <class V, int R>
std::vector<float> march(const d::Grid& g, const d::Medium& m, const d::Coefficients& c,
                         int steps) {
  d::Workspace w(g.size());
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  const int r_first = g.halo + (g.free_surface ? 1 : 0);
  for (auto* f : {&w.p, &w.q})
    for (std::int64_t r = r_first; r < g.halo + g.nzp; ++r)
      for (int j = d::kAlign; j < d::kAlign + g.nxp; ++j) f->data()[r * g.stride + j] = u(rng);
  float* p = w.p.data();
  float* q = w.q.data();
  for (int n = 0; n < steps; ++n) {
    d::advance<V, R>(c, m, g, w, p, q);
    std::swap(p, q);
  }
  return std::vector<float>(p, p + g.size());
}

template <int R>
void compare(bool free_surface) {
  vmb::VelocityModel model(70, 90, 10.0, 8.0, 2000.0f);
  for (int iz = 30; iz < model.nz; ++iz)
    for (int ix = 0; ix < model.nx; ++ix) model.at(iz, ix) = 2500.0f + 5.0f * ix;
  const auto g = d::make_grid(model, 2 * R, 12, free_surface);
  const auto m = d::make_medium(model, g, 5e-4, 20.0);
  const auto c = d::make_coefficients(2 * R, model.dx, model.dz);
  const auto tuned = march<d::Vec, R>(g, m, c, 60);
  const auto generic = march<float, R>(g, m, c, 60);
  double diff = 0.0, norm = 0.0;
  for (std::size_t i = 0; i < tuned.size(); ++i) {
    ASSERT_TRUE(std::isfinite(tuned[i]));
    diff = std::max(diff, double(std::abs(tuned[i] - generic[i])));
    norm = std::max(norm, double(std::abs(generic[i])));
  }
  ASSERT_GT(norm, 1e-3);
  // The two differ only in how the compiler contracts a * b + c into fused multiply-adds.
  EXPECT_LE(diff, 1e-5 * norm) << "order " << 2 * R << (free_surface ? ", free surface" : "");
}

TEST(Kernels, TunedMatchesGenericWithAbsorbingSides) {
  compare<1>(false);
  compare<2>(false);
  compare<3>(false);
  compare<4>(false);
}

TEST(Kernels, TunedMatchesGenericWithFreeSurface) {
  compare<1>(true);
  compare<4>(true);
}

TEST(Kernels, NativeVectorIsWide) {
#if defined(__AVX512F__) && !defined(VMB_GENERIC_KERNELS)
  EXPECT_EQ(d::Lanes<d::Vec>::value, 16);
#else
  GTEST_SKIP() << "no AVX-512 on the build target";
#endif
}

}  // namespace
