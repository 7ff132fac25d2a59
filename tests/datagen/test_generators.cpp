// Generator statistics over hundreds of samples, determinism, and bad parameters.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "vmb/datagen/error.hpp"
#include "vmb/datagen/generators.hpp"
#include "vmb/datagen/model_set.hpp"
#include "vmb/datagen/morphology.hpp"
#include "vmb/io/model_io.hpp"
#include "vmb/modeling/model.hpp"

namespace {

using vmb::datagen::GeneratorConfig;
using vmb::datagen::MorphologySummary;
using vmb::datagen::Spread;

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

// The shape statistics of `count` models of a generator, salt at or above salt_min m/s.
MorphologySummary generated(const std::string& name, std::uint64_t seed, int count,
                            double salt_min) {
  const auto c = config(name);
  std::vector<vmb::datagen::Morphology> models;
  for (int i = 0; i < count; ++i)
    models.push_back(vmb::datagen::morphology(vmb::datagen::generate(c, seed, i), {salt_min}));
  return vmb::datagen::summarise(models);
}

// The shape statistics of a subset of the FCNVMB release when ../shared has it; otherwise the
// figures `vmb-genmodels --stats` printed for it (docs/datasets.md, "Shape statistics").
MorphologySummary release(const std::string& subset, double salt_min,
                          const MorphologySummary& recorded) {
  const std::string root = std::string(VMB_SHARED_DATA) + "/fcnvmb-release";
  if (!std::filesystem::exists(root)) {
    std::printf("no FCNVMB release at %s: comparing with its recorded statistics\n", root.c_str());
    return recorded;
  }
  vmb::io::ModelFileOptions options;
  options.dx = 10.0;
  std::vector<vmb::datagen::Morphology> models;
  for (const auto& file : vmb::datagen::fcnvmb_release_files(root, subset))
    models.push_back(vmb::datagen::morphology(vmb::io::read_model(file, options), {salt_min}));
  return vmb::datagen::summarise(models);
}

MorphologySummary recorded(Spread fraction, Spread peaks, Spread shape, Spread roughness,
                           Spread relief, Spread curl) {
  MorphologySummary s;
  s.salt_fraction = fraction;
  s.salt_top_peaks = peaks;
  s.salt_shape = shape;
  s.interface_roughness = roughness;
  s.largest_relief = relief;
  s.edge_curl = curl;
  return s;
}

// Each named statistic's median and 90th percentile within 15 % of the reference's.
void expect_like(const MorphologySummary& generated, const MorphologySummary& reference,
                 const std::vector<std::string>& statistics) {
  const std::map<std::string, Spread MorphologySummary::*> fields = {
      {"salt_fraction", &MorphologySummary::salt_fraction},
      {"salt_top_peaks", &MorphologySummary::salt_top_peaks},
      {"salt_shape", &MorphologySummary::salt_shape},
      {"interface_roughness", &MorphologySummary::interface_roughness},
      {"largest_relief", &MorphologySummary::largest_relief},
      {"edge_curl", &MorphologySummary::edge_curl}};
  std::printf("generated:\n%sreference:\n%s", vmb::datagen::to_text(generated).c_str(),
              vmb::datagen::to_text(reference).c_str());
  for (const auto& name : statistics) {
    const Spread &g = generated.*fields.at(name), &r = reference.*fields.at(name);
    EXPECT_NEAR(g.median, r.median, 0.15 * r.median) << name << " median";
    EXPECT_NEAR(g.p90, r.p90, 0.15 * r.p90) << name << " 90th percentile";
  }
}

TEST(Generators, FcnvmbSaltIsLikeTheRelease) {
  const auto c = config("fcnvmb-salt");
  for (int i = 0; i < 100; ++i) {
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
    for (int ix = 1; ix < m.nx; ++ix) ASSERT_EQ(m.at(0, ix), m.at(0, 0)) << i;  // one top layer
    const double f = salt_fraction(m, 4500.0f);
    ASSERT_GE(f, 0.028) << i;
    ASSERT_LE(f, 0.34) << i;
  }
  // Every statistic of 300 models within 15 % of the 1600 released training models'.
  const auto reference = release(
      "train", 4400.0,
      recorded({0.096, 0.202}, {2, 2}, {6.874, 8.443}, {0.576, 0.720}, {10, 18}, {2.5, 6.0}));
  expect_like(generated("fcnvmb-salt", 7, 300, 4400.0), reference,
              {"salt_fraction", "salt_top_peaks", "salt_shape", "interface_roughness",
               "largest_relief", "edge_curl"});
}

// Against the ten SEG/EAGE slices (eight with salt): the salt and the sea floor's rugosity. Their
// velocities grade continuously, so the largest relief (between two velocities that follow each
// other) says nothing about them and is not compared; nor is the sea floor's edge curl, a cell or
// less; eight bodies make every figure rough.
TEST(Generators, SegLikeIsLikeTheSegSlices) {
  const auto reference = release(
      "seg", 4400.0,
      recorded({0.073, 0.118}, {1, 2}, {5.635, 6.218}, {0.209, 0.252}, {0, 43}, {0.583, 1.0}));
  expect_like(generated("seg-like", 3, 100, 4400.0), reference,
              {"salt_fraction", "salt_top_peaks", "salt_shape", "interface_roughness"});
}

TEST(Generators, SegLikeHasWaterSedimentsAndSalt) {
  const auto c = config("seg-like");
  int with_salt = 0;
  for (int i = 0; i < 100; ++i) {
    const auto m = vmb::datagen::generate(c, 3, i);
    // Water from the surface down to a rugose sea floor, 2 to 4 cells deep in most columns.
    std::vector<int> depths;
    for (int ix = 0; ix < m.nx; ++ix) {
      int depth = 0;
      while (depth < m.nz && m.at(depth, ix) == 1500.0f) ++depth;
      ASSERT_GE(depth, 1) << i;
      for (int iz = depth; iz < m.nz; ++iz) ASSERT_GT(m.at(iz, ix), 1500.0f) << i;
      depths.push_back(depth);
    }
    std::sort(depths.begin(), depths.end());
    const int water = depths[depths.size() / 2];
    ASSERT_GE(water, 2) << i;
    ASSERT_LE(water, 4) << i;
    ASSERT_LE(depths.back() - depths.front(), 4) << i;
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
      if (name == "flat") {
        ASSERT_TRUE(rows_constant) << i;
      }
      bent += !rows_constant;
      if (name.find("fault") == std::string::npos) {
        ASSERT_TRUE(increases_with_depth(m, -1.0f));
      }
    }
    if (name != "flat") {
      EXPECT_GE(bent, 50) << name;
    }
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

// supersample k draws the model k times finer with its lengths in cells k times larger and
// block-averages it: the same geology on a coarse grid, whose cells straddling a boundary hold
// means of both sides, like a resampled released model.
TEST(Generators, SupersampleBlockAveragesAFinerModel) {
  for (const std::string name : {"fcnvmb-salt", "seg-like"}) {
    GeneratorConfig coarse;
    coarse.name = name;
    coarse.nz = 51;
    coarse.nx = 77;
    coarse.spacing = 40.0;
    coarse.parameters = {{"supersample", 4}, {"roughness_length", 2}};
    coarse = vmb::datagen::resolve(coarse);
    GeneratorConfig fine = coarse;
    fine.nz = 204;
    fine.nx = 308;
    fine.spacing = 10.0;
    fine.parameters["supersample"] = 1;
    for (const char* length :
         {"relief_median", "relief_max", "roughness", "roughness_length", "water_min", "water_max",
          "fold_relief_max", "fault_throw_max", "water_roughness", "salt_rim_roughness",
          "edge_curl", "edge_curl_length"})
      if (fine.parameters.count(length)) fine.parameters[length] *= 4;
    for (int i = 0; i < 5; ++i) {
      const auto m = vmb::datagen::generate(coarse, 9, i);
      ASSERT_EQ(m.nz, 51);
      ASSERT_EQ(m.nx, 77);
      EXPECT_EQ(m.dx, 40.0);
      const auto averaged = vmb::resample(vmb::datagen::generate(fine, 9, i), 51, 77, 40.0, 40.0);
      EXPECT_EQ(m.velocity, averaged.velocity) << name << " " << i;
      // Mixed cells: more distinct velocities than the fine model's layers and salt.
      EXPECT_GT(std::set<float>(m.velocity.begin(), m.velocity.end()).size(), 40u) << name;
    }
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
  EXPECT_NE(message(c).find("valid: dome_fraction_median, edge_curl, edge_curl_length, layers_max"),
            std::string::npos);
  c.parameters = {{"salt_probability", 1.5}};
  EXPECT_NE(message(c).find("salt_probability"), std::string::npos);
  for (double k : {0.0, 2.5, 17.0}) {
    c.parameters = {{"supersample", k}};
    EXPECT_NE(message(c).find("supersample must be a whole number, 1 to 16"), std::string::npos);
  }
  c.parameters = {{"edge_curl_length", 0.0}};
  EXPECT_NE(message(c).find("edge_curl_length must be positive"), std::string::npos);
  c.parameters = {};
  c.nz = 3;
  EXPECT_NE(message(c).find("8 x 8"), std::string::npos);
}

// salt-basin: water over a sea floor, sediment between the water and the salt velocity, slower
// near the sea floor than deep down (compaction), dipping and faulted strata, salt with steep
// flanks and, in many models, overhangs; models without salt too.
TEST(Generators, SaltBasinHasGeology) {
  const auto c = config("salt-basin");
  std::vector<vmb::datagen::Morphology> stats;
  int with_salt = 0, overhanging = 0;
  for (int i = 0; i < 60; ++i) {
    const auto m = vmb::datagen::generate(c, 11, i);
    ASSERT_EQ(m.nz, 201);
    ASSERT_EQ(m.nx, 301);
    double shallow = 0.0, deep = 0.0;
    int shallow_n = 0, deep_n = 0;
    for (int ix = 0; ix < m.nx; ++ix) {
      ASSERT_EQ(m.at(0, ix), 1500.0f) << i;  // water at the surface
      int floor = 0;
      while (m.at(floor, ix) == 1500.0f) ++floor;
      ASSERT_LE(floor, 46) << i;  // at most 300 m of water and 150 m of relief
      for (int iz = floor; iz < m.nz; ++iz) {
        const float v = m.at(iz, ix);
        ASSERT_GE(v, 1550.0f) << i;
        ASSERT_LE(v, 4482.0f) << i;
        if (v == 4482.0f) continue;
        if (iz < floor + 20) {
          shallow += v;
          ++shallow_n;
        }
        if (iz >= m.nz - 20) {
          deep += v;
          ++deep_n;
        }
      }
    }
    if (deep_n > 0) {
      ASSERT_GT(deep / deep_n, shallow / shallow_n + 500.0) << i;
    }
    stats.push_back(vmb::datagen::morphology(m, {4400.0}));
    with_salt += stats.back().salt_fraction > 0;
    overhanging += stats.back().salt_fraction > 0 && stats.back().overhang >= 5;
  }
  EXPECT_GE(with_salt, 45);
  EXPECT_LT(with_salt, 60);
  EXPECT_GE(overhanging, 15);
  const auto s = vmb::datagen::summarise(stats);
  EXPECT_GT(s.dip_median.median, 3.0);   // strata dip
  EXPECT_GT(s.dip_p90.median, 15.0);     // and some steeply
  EXPECT_GE(s.fault_count.median, 1.0);  // faulted
  EXPECT_GT(s.flank_dip.median, 60.0);   // steep salt flanks
}

// A mixture draws each sample from one of its parts, by weight, as that part alone would.
TEST(Generators, MixtureDrawsFromEachPart) {
  const auto parts =
      vmb::datagen::resolve(vmb::datagen::parse_mixture("salt-basin:3,seg-like:1", 0, 0, 0.0));
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].weight, 3.0);
  int basin = 0;
  for (int i = 0; i < 80; ++i) {
    const auto m = vmb::datagen::generate(parts, 4, i);
    const bool from_basin = m.velocity == vmb::datagen::generate(parts[0].config, 4, i).velocity;
    const bool from_seg = m.velocity == vmb::datagen::generate(parts[1].config, 4, i).velocity;
    ASSERT_NE(from_basin, from_seg) << i;
    basin += from_basin;
  }
  EXPECT_GE(basin, 50);  // 60 expected
  EXPECT_LE(basin, 70);
  EXPECT_THROW(vmb::datagen::parse_mixture("salt-basin:x", 0, 0, 0.0), vmb::DatagenError);
  EXPECT_THROW(vmb::datagen::resolve(vmb::datagen::parse_mixture("salt-basin:0", 0, 0, 0.0)),
               vmb::DatagenError);
  EXPECT_THROW(vmb::datagen::resolve(vmb::datagen::parse_mixture("granite", 0, 0, 0.0)),
               vmb::DatagenError);
}
