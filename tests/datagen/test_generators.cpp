// Generator statistics over hundreds of samples, determinism, and bad parameters.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "vmb/datagen/error.hpp"
#include "vmb/datagen/generators.hpp"
#include "vmb/datagen/morphology.hpp"

namespace {

using vmb::datagen::GeneratorConfig;

GeneratorConfig config(const std::string& name) {
  GeneratorConfig c;
  c.name = name;
  return vmb::datagen::resolve(c);
}

double salt_fraction(const vmb::VelocityModel& m, float salt) {
  return double(std::count(m.velocity.begin(), m.velocity.end(), salt)) / m.velocity.size();
}

// Sediment (non-salt) velocity never decreases downwards in any column.
bool increases_with_depth(const vmb::VelocityModel& m, float salt) {
  for (int ix = 0; ix < m.nx; ++ix) {
    float above = 0.0f;
    for (int iz = 0; iz < m.nz; ++iz) {
      const float v = m.at(iz, ix);
      if (v == salt) continue;
      if (v < above) return false;
      above = v;
    }
  }
  return true;
}

}  // namespace

TEST(Generators, FcnvmbSaltMatchesTheRelease) {
  const auto c = config("fcnvmb-salt");
  const int samples = 300;
  int without_salt = 0;
  double fraction_sum = 0.0, fraction_min = 1.0, fraction_max = 0.0;
  std::vector<double> reliefs;
  for (int i = 0; i < samples; ++i) {
    const auto m = vmb::datagen::generate(c, 7, i);
    ASSERT_EQ(m.nz, 201);
    ASSERT_EQ(m.nx, 301);
    std::set<float> sediments;
    for (float v : m.velocity)
      if (v != 4500.0f) sediments.insert(v);
    ASSERT_GE(sediments.size(), 5u) << i;
    ASSERT_LE(sediments.size(), 10u) << i;
    ASSERT_GE(*sediments.begin(), 2000.0f) << i;
    ASSERT_LE(*sediments.rbegin(), 4000.0f) << i;
    ASSERT_TRUE(increases_with_depth(m, 4500.0f)) << i;
    for (int ix = 1; ix < m.nx; ++ix) ASSERT_EQ(m.at(0, ix), m.at(0, 0)) << i;  // flat top layer
    const double f = salt_fraction(m, 4500.0f);
    if (f == 0.0) {
      ++without_salt;
      continue;
    }
    ASSERT_GE(f, 0.028) << i;
    ASSERT_LE(f, 0.34) << i;
    fraction_sum += f;
    fraction_min = std::min(fraction_min, f);
    fraction_max = std::max(fraction_max, f);
    reliefs.push_back(vmb::datagen::morphology(m).largest_relief);
  }
  std::sort(reliefs.begin(), reliefs.end());
  const double mean = fraction_sum / (samples - without_salt);
  std::printf(
      "fcnvmb-salt over %d samples: %d without salt; salt fraction %.3f to %.3f, mean %.3f; "
      "largest relief median %.0f, max %.0f cells\n",
      samples, without_salt, fraction_min, fraction_max, mean, reliefs[reliefs.size() / 2],
      reliefs.back());
  EXPECT_GE(without_salt, 1);
  EXPECT_LE(without_salt, 30);
  EXPECT_NEAR(mean, 0.116, 0.04);
  EXPECT_NEAR(reliefs[reliefs.size() / 2], 14.0, 5.0);
  EXPECT_LE(reliefs.back(), 51.0 + 10.0);  // relief plus one-cell layer separation
}

TEST(Generators, SegLikeHasWaterSedimentsAndSalt) {
  const auto c = config("seg-like");
  int with_salt = 0;
  for (int i = 0; i < 100; ++i) {
    const auto m = vmb::datagen::generate(c, 3, i);
    int water = 0;
    while (water < m.nz && m.at(water, 0) == 1500.0f) ++water;
    ASSERT_GE(water, 2) << i;
    ASSERT_LE(water, 4) << i;
    for (int ix = 0; ix < m.nx; ++ix) {
      for (int iz = 0; iz < water; ++iz) ASSERT_EQ(m.at(iz, ix), 1500.0f) << i;
      ASSERT_GT(m.at(water, ix), 1500.0f) << i;
    }
    for (float v : m.velocity) {
      ASSERT_GE(v, 1500.0f);
      ASSERT_LE(v, 4482.0f);
    }
    // Velocity grows with depth on the whole: the deepest tenth is faster than the shallowest
    // sediments.
    double top = 0.0, bottom = 0.0;
    for (int ix = 0; ix < m.nx; ++ix) {
      top += m.at(water + 1, ix);
      bottom += m.at(m.nz - 1, ix) == 4482.0f ? 4000.0f : m.at(m.nz - 1, ix);
    }
    ASSERT_GT(bottom, top + 500.0 * m.nx) << i;
    with_salt += salt_fraction(m, 4482.0f) > 0;
  }
  EXPECT_GE(with_salt, 75);
}

TEST(Generators, OpenFwiFamilies) {
  for (const std::string name : {"flat", "curved", "flat-fault", "curved-fault"}) {
    const auto c = config(name);
    int bent = 0;
    for (int i = 0; i < 100; ++i) {
      const auto m = vmb::datagen::generate(c, 11, i);
      ASSERT_EQ(m.nz, 70);
      ASSERT_EQ(m.nx, 70);
      std::set<float> values(m.velocity.begin(), m.velocity.end());
      ASSERT_LE(values.size(), 5u) << name << i;
      ASSERT_GE(*values.begin(), 1500.0f);
      ASSERT_LE(*values.rbegin(), 4500.0f);
      bool rows_constant = true;
      for (int iz = 0; iz < m.nz; ++iz)
        for (int ix = 1; ix < m.nx; ++ix) rows_constant &= m.at(iz, ix) == m.at(iz, 0);
      if (name == "flat") ASSERT_TRUE(rows_constant) << i;
      bent += !rows_constant;
      if (name.find("fault") == std::string::npos) ASSERT_TRUE(increases_with_depth(m, -1.0f));
    }
    if (name != "flat") EXPECT_GE(bent, 50) << name;
  }
}

TEST(Generators, DeterministicBySeedAndIndex) {
  for (const auto& name : vmb::datagen::generator_names()) {
    const auto c = config(name);
    const auto a = vmb::datagen::generate(c, 42, 5);
    vmb::datagen::generate(c, 42, 3);  // order of calls does not matter
    const auto b = vmb::datagen::generate(c, 42, 5);
    EXPECT_EQ(a.velocity, b.velocity) << name;
    EXPECT_NE(a.velocity, vmb::datagen::generate(c, 42, 6).velocity) << name;
    EXPECT_NE(a.velocity, vmb::datagen::generate(c, 43, 5).velocity) << name;
  }
}

TEST(Generators, BadParameters) {
  auto message = [](GeneratorConfig c) -> std::string {
    try {
      vmb::datagen::resolve(c);
    } catch (const vmb::DatagenError& e) {
      return e.what();
    }
    return "";
  };
  GeneratorConfig c;
  c.name = "voronoi";
  EXPECT_NE(message(c).find("known: fcnvmb-salt"), std::string::npos);
  c.name = "fcnvmb-salt";
  c.parameters = {{"vmin", 5000}};
  EXPECT_NE(message(c).find("vmin 5000 is larger than vmax 4000"), std::string::npos);
  c.parameters = {{"layers_min", 12}};
  EXPECT_NE(message(c).find("layers_min"), std::string::npos);
  c.parameters = {{"wavelength", 3}};
  EXPECT_NE(message(c).find("valid: layers_max"), std::string::npos);
  c.parameters = {{"salt_probability", 1.5}};
  EXPECT_NE(message(c).find("salt_probability"), std::string::npos);
  c.parameters = {};
  c.nz = 3;
  EXPECT_NE(message(c).find("8 x 8"), std::string::npos);
}
