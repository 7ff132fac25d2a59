// Shape statistics on models whose answers are known: a disc's outline, counted peaks of a salt
// top, the roughness of a sawtooth interface, the relief of a tilted layer, a curled edge.

#include <gtest/gtest.h>

#include <cmath>

#include "vmb/datagen/morphology.hpp"

namespace {

constexpr float kSalt = 4500.0f;

// 2000 m/s above row `interface`, 3000 m/s below it.
vmb::VelocityModel layered(int nz, int nx, int interface) {
  vmb::VelocityModel m(nz, nx, 10.0, 10.0);
  for (int z = 0; z < nz; ++z)
    for (int x = 0; x < nx; ++x) m.at(z, x) = z < interface ? 2000.0f : 3000.0f;
  return m;
}

}  // namespace

// A disc's outline over the square root of its area is 2 sqrt(pi) = 3.545, a 4:1 ellipse's 4.84
// (Ramanujan's perimeter); traced on the cells, whose staircase marching squares cuts at 45
// degrees only, both come out 5 to 6 % longer. No salt: NaN.
TEST(Morphology, OutlineOfDiscAndEllipse) {
  for (const auto& [a, b] : {std::pair{40.0, 40.0}, std::pair{60.0, 15.0}}) {
    const double perimeter = M_PI * (3 * (a + b) - std::sqrt((3 * a + b) * (a + 3 * b)));
    const double expected = perimeter / std::sqrt(M_PI * a * b);
    vmb::VelocityModel m = layered(201, 301, 10);
    for (int z = 0; z < m.nz; ++z)
      for (int x = 0; x < m.nx; ++x)
        if (std::pow((z - 100) / b, 2) + std::pow((x - 150) / a, 2) <= 1.0) m.at(z, x) = kSalt;
    const auto s = vmb::datagen::morphology(m);
    EXPECT_GT(s.salt_shape / expected, 1.04) << a << " x " << b;
    EXPECT_LT(s.salt_shape / expected, 1.07) << a << " x " << b;
    EXPECT_NEAR(s.salt_fraction, M_PI * a * b / (201.0 * 301.0), 0.01);
    EXPECT_EQ(s.salt_top_peaks, 1.0);  // one smooth top: one peak
  }
  const auto none = vmb::datagen::morphology(layered(50, 60, 10));
  EXPECT_EQ(none.salt_fraction, 0.0);
  EXPECT_TRUE(std::isnan(none.salt_shape));
  EXPECT_TRUE(std::isnan(none.salt_top_peaks));
}

// A salt top with two summits 20 cells high and, between them, a bump 2 cells high: two peaks;
// the bump raised to 8 cells stands as a third. A second salt body adds its own peak.
TEST(Morphology, SaltTopPeaksStandAboveTheirSurroundings) {
  for (const auto& [bump, expected] : {std::pair{2.0, 2.0}, std::pair{8.0, 3.0}}) {
    vmb::VelocityModel m = layered(120, 200, 10);
    for (int x = 20; x < 180; ++x) {
      // Height above the base of the body: summits at x = 60 and 140, a bump at x = 100.
      const double h = 20.0 * std::exp(-std::pow((x - 60) / 15.0, 2)) +
                       20.0 * std::exp(-std::pow((x - 140) / 15.0, 2)) +
                       bump * std::exp(-std::pow((x - 100) / 8.0, 2));
      for (int z = int(std::lround(90 - h)); z < 110; ++z) m.at(z, x) = kSalt;
    }
    EXPECT_EQ(vmb::datagen::morphology(m).salt_top_peaks, expected) << bump;
    for (int z = 100; z < 110; ++z)
      for (int x = 185; x < 195; ++x) m.at(z, x) = kSalt;
    EXPECT_EQ(vmb::datagen::morphology(m).salt_top_peaks, expected + 1) << bump;
  }
}

// A flat first interface has no roughness; one alternating between rows 20 and 22 deviates from
// its 31-column running mean by 1 + 1/31 everywhere (a window centred on either parity holds 16
// columns of the other); a tilted one has little (the running mean follows a straight line).
TEST(Morphology, FirstInterfaceRoughness) {
  EXPECT_EQ(vmb::datagen::morphology(layered(60, 100, 20)).interface_roughness, 0.0);
  vmb::VelocityModel saw = layered(60, 100, 20);
  for (int x = 0; x < saw.nx; x += 2)
    for (int z = 20; z < 22; ++z) saw.at(z, x) = 2000.0f;  // interface at 22 on even columns
  EXPECT_NEAR(vmb::datagen::morphology(saw).interface_roughness, 1.0 + 1.0 / 31.0, 1e-9);
  vmb::VelocityModel tilted(60, 100, 10.0, 10.0);
  for (int z = 0; z < tilted.nz; ++z)
    for (int x = 0; x < tilted.nx; ++x) tilted.at(z, x) = z < 10 + x / 5 ? 2000.0f : 3000.0f;
  const auto s = vmb::datagen::morphology(tilted);
  EXPECT_LT(s.interface_roughness, 0.5);
  EXPECT_EQ(s.largest_relief, 99 / 5);  // the boundary falls from row 10 to row 29
}

// The first interface's curl at the sides: 3-column means at the edge and 20 columns in. Bent
// down by 10 - x cells over the first 10 columns, it curls by (10 + 9 + 8) / 3 = 9 cells on the
// left and none on the right: 4.5 on average. Flat: 0; too narrow or salt at an edge: NaN.
TEST(Morphology, EdgeCurlOfTheFirstInterface) {
  EXPECT_EQ(vmb::datagen::morphology(layered(60, 100, 20)).edge_curl, 0.0);
  vmb::VelocityModel curled = layered(60, 100, 20);
  for (int x = 0; x < 10; ++x)
    for (int z = 20; z < 30 - x; ++z) curled.at(z, x) = 2000.0f;
  EXPECT_DOUBLE_EQ(vmb::datagen::morphology(curled).edge_curl, 4.5);
  EXPECT_TRUE(std::isnan(vmb::datagen::morphology(layered(60, 40, 20)).edge_curl));
  vmb::VelocityModel salted = layered(60, 100, 20);
  for (int z = 10; z < 60; ++z) salted.at(z, 99) = kSalt;
  EXPECT_TRUE(std::isnan(vmb::datagen::morphology(salted).edge_curl));
}

// Summaries: median and 90th percentile by nearest rank, over the models with salt only.
TEST(Morphology, SummaryCountsModelsWithSalt) {
  std::vector<vmb::datagen::Morphology> models;
  for (int k = 1; k <= 10; ++k) models.push_back({0.01 * k, double(k), 4.0, 0.5, double(k)});
  models.push_back({0.0, std::nan(""), std::nan(""), 7.0, 100.0});  // no salt
  const auto s = vmb::datagen::summarise(models);
  EXPECT_EQ(s.models, 11);
  EXPECT_EQ(s.with_salt, 10);
  EXPECT_DOUBLE_EQ(s.salt_top_peaks.median, 5.5);
  EXPECT_DOUBLE_EQ(s.salt_top_peaks.p90, 9.0);
  EXPECT_DOUBLE_EQ(s.largest_relief.p90, 9.0);
  EXPECT_EQ(s.interface_roughness.count, 10);
  EXPECT_NE(vmb::datagen::to_text(s).find("salt_top_peaks"), std::string::npos);
}

namespace {

// Layers 5 rows thick whose velocity steps by 30, 60, 90, 120 m/s in turn (no two neighbouring
// steps alike), moved down by depth(x, z) rows, from 1500 m/s at 20 layers above the top.
template <typename Depth>
vmb::VelocityModel stepped(int nz, int nx, Depth depth) {
  vmb::VelocityModel m(nz, nx, 10.0, 10.0);
  for (int z = 0; z < nz; ++z)
    for (int x = 0; x < nx; ++x) {
      const int layer = int(std::floor((z - depth(x, z)) / 5.0)) + 20;
      float v = 1500.0f;
      for (int k = 0; k < layer; ++k) v += 30.0f * float(1 + k % 4);
      m.at(z, x) = v;
    }
  return m;
}

}  // namespace

// Dips of layer boundaries: flat layers dip 0; layers tilted at 30 degrees, drawn as a staircase
// on the grid, read within 3 degrees of it.
TEST(Morphology, LayerDips) {
  const auto flat = vmb::datagen::morphology(stepped(80, 120, [](int, int) { return 0.0; }));
  EXPECT_EQ(flat.dip_median, 0.0);
  EXPECT_EQ(flat.dip_p90, 0.0);
  const double slope = std::tan(30.0 * M_PI / 180.0);
  const auto tilted =
      vmb::datagen::morphology(stepped(80, 120, [&](int x, int) { return slope * x; }));
  EXPECT_NEAR(tilted.dip_median, 30.0, 3.0);
  EXPECT_NEAR(tilted.dip_p90, 30.0, 5.0);
}

// A normal fault dipping 60 degrees with a throw of 6 rows through flat layers: one fault of
// throw 6; a second one, 90 columns away with a throw of 9, makes two; unbroken layers none.
TEST(Morphology, FaultCountAndThrow) {
  const auto none = vmb::datagen::morphology(stepped(120, 200, [](int, int) { return 0.0; }));
  EXPECT_EQ(none.fault_count, 0.0);
  EXPECT_TRUE(std::isnan(none.fault_throw));
  const double run = 1.0 / std::tan(60.0 * M_PI / 180.0);
  // The hanging wall (left of the plane x = 50 + run (z - 60)) is let down by `throw_rows`.
  auto fault = [&](double x0, double throw_rows) {
    return [=](int x, int z) { return x < x0 + run * (z - 60) ? throw_rows : 0.0; };
  };
  const auto one = vmb::datagen::morphology(stepped(120, 200, fault(50, 6)));
  EXPECT_EQ(one.fault_count, 1.0);
  EXPECT_EQ(one.fault_throw, 6.0);
  const auto two = vmb::datagen::morphology(
      stepped(120, 200, [&](int x, int z) { return fault(50, 6)(x, z) + fault(140, 9)(x, z); }));
  EXPECT_EQ(two.fault_count, 2.0);
}

// A rectangle of salt: vertical flanks (90 degrees), no overhang. A triangle widening downwards
// at one column per row: 45-degree flanks, no overhang. A T: a cap 41 columns wide on a stem 11
// wide reaches 15 columns beyond it on each side; the stem's walls are vertical.
TEST(Morphology, SaltFlanksAndOverhang) {
  vmb::VelocityModel box = layered(100, 150, 10);
  for (int z = 40; z < 80; ++z)
    for (int x = 50; x < 100; ++x) box.at(z, x) = kSalt;
  const auto b = vmb::datagen::morphology(box);
  EXPECT_EQ(b.flank_dip, 90.0);
  EXPECT_EQ(b.overhang, 0.0);
  vmb::VelocityModel triangle = layered(100, 150, 10);
  for (int z = 40; z < 90; ++z)
    for (int x = 75 - (z - 40); x <= 75 + (z - 40); ++x) triangle.at(z, x) = kSalt;
  const auto t = vmb::datagen::morphology(triangle);
  EXPECT_NEAR(t.flank_dip, 45.0, 1e-9);
  EXPECT_EQ(t.overhang, 0.0);
  vmb::VelocityModel tee = layered(100, 150, 10);
  for (int z = 30; z < 40; ++z)
    for (int x = 55; x <= 95; ++x) tee.at(z, x) = kSalt;
  for (int z = 40; z < 100; ++z)
    for (int x = 70; x <= 80; ++x) tee.at(z, x) = kSalt;
  const auto s = vmb::datagen::morphology(tee);
  EXPECT_EQ(s.overhang, 15.0);
  EXPECT_EQ(s.flank_dip, 90.0);
  EXPECT_TRUE(std::isnan(vmb::datagen::morphology(layered(50, 60, 10)).overhang));
}
