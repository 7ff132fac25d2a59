// The solver's tile layout (modeling/src/grid.hpp): the tiles cover every node of the model and
// its absorbing layers exactly once, never a halo node, and every node where a CPML term acts lies
// in a tile of the right kind.

#include <gtest/gtest.h>

#include <tuple>
#include <vector>

#include "grid.hpp"
#include "medium.hpp"

namespace {

using vmb::detail::Grid;
using vmb::detail::Tile;

// (nz, nx, order, pml width, free surface)
using Case = std::tuple<int, int, int, int, bool>;

class Tiles : public ::testing::TestWithParam<Case> {};

TEST_P(Tiles, CoverEveryUpdatedNodeExactlyOnce) {
  const auto [nz, nx, order, pml, free_surface] = GetParam();
  const vmb::VelocityModel model(nz, nx, 10.0, 10.0, 2000.0f);
  const Grid g = vmb::detail::make_grid(model, order, pml, free_surface);
  const vmb::detail::Medium m = vmb::detail::make_medium(model, g, 1e-3, 15.0);
  const int reach = order / 2;
  std::vector<int> hits(g.size(), 0);
  std::vector<Tile::Kind> kind(g.size(), Tile::kInterior);
  for (const Tile& t : g.tiles) {
    ASSERT_LT(t.r0, t.r1);
    ASSERT_LT(t.j0, t.j1);
    EXPECT_EQ(t.j0 % vmb::detail::kAlign, 0) << "tiles start on a cache line";
    EXPECT_EQ((t.j1 - t.j0) % vmb::detail::kAlign, 0) << "tiles hold whole vectors";
    EXPECT_LE(t.r1 - t.r0, vmb::detail::kRowBlock);
    ASSERT_GE(t.r0, g.halo);
    ASSERT_LE(t.r1, g.rows - g.halo) << "tiles stay off the bottom halo";
    ASSERT_GE(t.j0, reach);
    ASSERT_LE(t.j1 + reach, g.stride) << "stencils of the last column stay in the row";
    for (std::int64_t r = t.r0; r < t.r1; ++r)
      for (int j = t.j0; j < t.j1; ++j) {
        ++hits[r * g.stride + j];
        kind[r * g.stride + j] = t.kind;
      }
  }
  const int r_first = g.halo + (free_surface ? 1 : 0);
  for (std::int64_t r = 0; r < g.rows; ++r)
    for (std::int64_t j = 0; j < g.stride; ++j) {
      const std::size_t i = r * g.stride + j;
      const bool updated = r >= r_first && r < g.halo + g.nzp && j >= vmb::detail::kAlign &&
                           j < vmb::detail::kAlign + g.nxp;
      if (updated) {
        ASSERT_EQ(hits[i], 1) << "padded row " << r << ", column " << j;
      } else {
        ASSERT_LE(hits[i], 1) << "padded row " << r << ", column " << j;
        // Nodes outside the grid that a tile runs over must stay zero: no velocity there.
        if (hits[i]) {
          ASSERT_EQ(m.vdt2.data()[i], 0.0f) << "row " << r << ", column " << j;
        }
      }
    }
  // A node within `reach` of an absorbing node needs that axis's CPML terms.
  for (std::int64_t r = r_first; r < g.halo + g.nzp; ++r)
    for (int j = vmb::detail::kAlign; j < vmb::detail::kAlign + g.nxp; ++j) {
      bool near_x = false, near_z = false;
      for (int k = -reach; k <= reach; ++k) {
        near_x = near_x || m.ax[j + k] != 0.0f;
        near_z = near_z || m.az[r + k] != 0.0f;
      }
      const Tile::Kind got = kind[r * g.stride + j];
      if (near_x) {
        EXPECT_TRUE(got == Tile::kStripX || got == Tile::kCorner) << "row " << r << ", col " << j;
      }
      if (near_z) {
        EXPECT_TRUE(got == Tile::kStripZ || got == Tile::kCorner) << "row " << r << ", col " << j;
      }
    }
}

INSTANTIATE_TEST_SUITE_P(Layouts, Tiles,
                         ::testing::Values(Case{50, 70, 8, 20, false}, Case{50, 70, 8, 20, true},
                                           Case{201, 301, 8, 20, false}, Case{130, 17, 2, 3, false},
                                           Case{7, 5, 6, 0, false}, Case{7, 5, 4, 0, true},
                                           Case{300, 40, 4, 1, true}, Case{1, 1, 8, 0, false},
                                           Case{65, 129, 8, 40, false}));

TEST(Tiles, IndexMapsModelNodesIntoThePaddedGrid) {
  const vmb::VelocityModel model(30, 40, 10.0, 5.0, 1500.0f);
  const Grid g = vmb::detail::make_grid(model, 8, 10, false);
  EXPECT_EQ(g.index(0, 0),
            static_cast<std::size_t>((g.halo + 10) * g.stride + vmb::detail::kAlign + 10));
  EXPECT_EQ(g.index(1, 0) - g.index(0, 0), static_cast<std::size_t>(g.stride));
  EXPECT_EQ(g.stride % vmb::detail::kAlign, 0);
}

}  // namespace
