// Datasets: layout and content (vmb-datagen's splits, resumption and bad input are tested in
// tests/pipelines/test_datagen.cpp).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "run.hpp"
#include "tiny_dataset.hpp"
#include "vmb/datagen/dataset.hpp"
#include "vmb/datagen/error.hpp"
#include "vmb/datagen/model_set.hpp"
#include "vmb/io/hdf5.hpp"
#include "vmb/modeling/resample.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace {

namespace fs = std::filesystem;

// 300 steps of 1 ms over the small salt models, decimated as asked.
vmb::datagen::DatasetConfig small_config(int nshots, int shard_size,
                                         vmb::datagen::Decimation decimation, int factor) {
  vmb::datagen::DatasetConfig c;
  c.survey.nshots = nshots;
  c.nt = 300;
  c.shard_size = shard_size;
  c.decimation = decimation;
  c.decimation_factor = factor;
  return c;
}

}  // namespace

TEST(Dataset, LayoutAndContent) {
  vmb::test::TempDir dir;
  const auto set = vmb::test::make_salt_set(dir, 5);
  const auto c = small_config(3, 3, vmb::datagen::Decimation::kFcnvmb, 5);
  const auto report = vmb::datagen::produce_dataset(set, dir / "ds", c);
  EXPECT_EQ(report.shards, 2);
  EXPECT_EQ(report.made, 2);
  EXPECT_EQ(report.samples, 5);
  EXPECT_TRUE(fs::exists(dir / "ds/index.json"));
  vmb::io::H5File f(dir / "ds/shard_00001.h5", vmb::io::H5File::Mode::kRead);
  EXPECT_EQ(f.dims("/shots"), (std::vector<vmb::io::Extent>{2, 3, 60, 60}));
  EXPECT_EQ(f.dims("/velocity"), (std::vector<vmb::io::Extent>{2, 40, 60}));
  EXPECT_EQ(f.read_int64("/index"), (std::vector<std::int64_t>{3, 4}));
  EXPECT_DOUBLE_EQ(f.attribute_double("dt"), 5e-3);
  EXPECT_DOUBLE_EQ(f.attribute_double("t0"), 2e-3);
  EXPECT_EQ(f.attribute_string("decimation_mode"), "fcnvmb");
  EXPECT_EQ(f.attribute_doubles("sources_x"), (std::vector<double>{0.0, 295.0, 590.0}));
  // Sample 4 is the solver's gathers at samples 5 m + 2.
  vmb::datagen::ModelSetReader reader(set);
  const auto model = reader.model(4);
  EXPECT_EQ(f.read_slab("/velocity", 1), model.velocity);
  const vmb::Survey survey = vmb::make_survey(c.survey, 60, 10.0, 10.0);
  const auto g = vmb::simulate(model, survey, vmb::ricker(15.0, 300, 1e-3), {300, 1e-3});
  const auto stored = f.read_slab("/shots", 1);
  for (int s = 0; s < 3; ++s)
    for (int m = 0; m < 60; ++m)
      for (int r = 0; r < 60; ++r)
        ASSERT_EQ(stored[(std::size_t(s) * 60 + m) * 60 + r], g(s, 5 * m + 2, r));
}

// Anti-aliased decimation through dataset production: every stored trace is the solver's trace
// low-passed and sampled every fourth step on the time axis (not the receiver axis), the file
// states the new interval, and the zero-phase filter neither shifts nor damps the 15 Hz signal
// (its new Nyquist frequency is 125 Hz), so the stored samples stay close to the plain ones.
// stored_sample re-simulates a model as the dataset stores it: each dataset model gives back its
// stored sample bitwise, under every decimation (what the pipeline's data misfit relies on: zero
// for a perfect prediction).
TEST(Dataset, StoredSampleIsTheDatasetsOwn) {
  vmb::test::TempDir dir;
  const auto set = vmb::test::make_salt_set(dir, 2);
  vmb::datagen::ModelSetReader models(set);
  for (const auto& [mode, factor] : {std::pair{vmb::datagen::Decimation::kNone, 1},
                                     std::pair{vmb::datagen::Decimation::kFcnvmb, 5},
                                     std::pair{vmb::datagen::Decimation::kAntiAlias, 4}}) {
    const auto c = small_config(2, 1, mode, factor);
    const std::string folder = dir / ("ds" + std::to_string(factor));
    vmb::datagen::produce_dataset(set, folder, c);
    vmb::datagen::DatasetReader reader(folder);
    std::vector<float> gathers, velocity;
    for (int i = 0; i < 2; ++i) {
      reader.read(i, gathers, velocity);
      EXPECT_TRUE(vmb::datagen::stored_sample(models.model(i), c) == gathers) << factor << " " << i;
    }
  }
}

TEST(Dataset, AntiAliasDecimationFiltersTheTimeAxis) {
  vmb::test::TempDir dir;
  const auto set = vmb::test::make_salt_set(dir, 1);
  const auto c = small_config(2, 1, vmb::datagen::Decimation::kAntiAlias, 4);
  ASSERT_EQ(vmb::datagen::stored_samples(c), 75);
  vmb::datagen::produce_dataset(set, dir / "ds", c);
  vmb::io::H5File f(dir / "ds/shard_00000.h5", vmb::io::H5File::Mode::kRead);
  EXPECT_EQ(f.dims("/shots"), (std::vector<vmb::io::Extent>{1, 2, 75, 60}));
  EXPECT_DOUBLE_EQ(f.attribute_double("dt"), 4e-3);
  EXPECT_DOUBLE_EQ(f.attribute_double("t0"), 0.0);
  EXPECT_EQ(f.attribute_string("decimation_mode"), "antialias");

  vmb::datagen::ModelSetReader reader(set);
  const vmb::Survey survey = vmb::make_survey(c.survey, 60, 10.0, 10.0);
  const auto g = vmb::simulate(reader.model(0), survey, vmb::ricker(15.0, 300, 1e-3), {300, 1e-3});
  const auto stored = f.read_slab("/shots", 0);
  float peak = 0.0f;
  for (float v : g.data) peak = std::max(peak, std::abs(v));
  ASSERT_GT(peak, 0.0f);
  double worst_filter = 0.0, worst_plain = 0.0;
  std::vector<float> trace(300);
  for (int s = 0; s < 2; ++s)
    for (int r = 0; r < 60; ++r) {
      for (int it = 0; it < 300; ++it) trace[it] = g(s, it, r);
      const auto expected = vmb::decimate(trace, 4);
      for (int m = 0; m < 75; ++m) {
        const float v = stored[(std::size_t(s) * 75 + m) * 60 + r];
        worst_filter = std::max(worst_filter, double(std::abs(v - expected[m])));
        worst_plain = std::max(worst_plain, double(std::abs(v - trace[4 * m])));
      }
    }
  EXPECT_LE(worst_filter, 1e-6 * peak);  // the same filter, trace by trace
  EXPECT_LE(worst_plain, 0.01 * peak);   // in-band signal kept in place and amplitude
  EXPECT_GT(worst_plain, 1e-5 * peak);   // and the filter did act: this is not plain sampling
}

// The mirror augmentation's premise (vmb-train --mirror): over a survey symmetric about the
// model's centre, the mirrored model's gathers are the model's gathers with shots and receivers
// reversed, to the solver's round-off. The salt model is far from symmetric, so the unreversed
// gathers differ at the signal's scale. A survey shifted off centre does not mirror.
TEST(Dataset, MirroredModelGivesReversedGathers) {
  vmb::test::TempDir dir;
  const auto set = vmb::test::make_salt_set(dir, 1);
  const auto c = small_config(3, 1, vmb::datagen::Decimation::kNone, 1);
  vmb::datagen::produce_dataset(set, dir / "ds", c);
  EXPECT_TRUE(vmb::datagen::survey_mirrors(vmb::datagen::DatasetReader(dir / "ds").info()));

  const auto model = vmb::datagen::ModelSetReader(set).model(0);
  auto mirror = model;
  for (int iz = 0; iz < model.nz; ++iz)
    for (int ix = 0; ix < model.nx; ++ix) mirror.at(iz, ix) = model.at(iz, model.nx - 1 - ix);
  const auto g = vmb::datagen::stored_sample(model, c);
  const auto gm = vmb::datagen::stored_sample(mirror, c);
  const int nshots = 3, nt = 300, nrec = 60;
  ASSERT_EQ(g.size(), std::size_t(nshots) * nt * nrec);
  double peak = 0.0, reversed = 0.0, plain = 0.0;
  for (int s = 0; s < nshots; ++s)
    for (int t = 0; t < nt; ++t)
      for (int r = 0; r < nrec; ++r) {
        const float v = gm[(std::size_t(s) * nt + t) * nrec + r];
        const float w = g[(std::size_t(nshots - 1 - s) * nt + t) * nrec + (nrec - 1 - r)];
        peak = std::max(peak, double(std::abs(v)));
        reversed = std::max(reversed, double(std::abs(v - w)));
        plain = std::max(plain, double(std::abs(v - g[(std::size_t(s) * nt + t) * nrec + r])));
      }
  ASSERT_GT(peak, 0.0);
  EXPECT_LT(reversed, 1e-5 * peak);
  EXPECT_GT(plain, 0.01 * peak);

  auto shifted = c;
  shifted.survey.sx0 = 50.0;
  vmb::datagen::produce_dataset(set, dir / "shifted", shifted);
  EXPECT_FALSE(vmb::datagen::survey_mirrors(vmb::datagen::DatasetReader(dir / "shifted").info()));
}

// Recorded gathers (the FCNVMB release's own) are stored in place of simulated ones, with the
// reference's time selection (samples 5 m + 2) applied; the dataset records their source, and a
// folder holding the simulated dataset of the same models refuses them (never mixed).
TEST(Dataset, RecordedGathersAreStoredInsteadOfSimulated) {
  vmb::test::TempDir dir;
  const auto set = vmb::test::make_salt_set(dir, 4);
  const auto c = small_config(3, 3, vmb::datagen::Decimation::kFcnvmb, 5);
  // Sample i's value at (shot s, time t, receiver r): 1e6 i + 1e4 s + 10 t + r / 100.
  const vmb::datagen::RecordedGathers recorded{"test gathers", [](std::int64_t i) {
                                                 std::vector<float> g(3 * 300 * 60);
                                                 for (int s = 0; s < 3; ++s)
                                                   for (int t = 0; t < 300; ++t)
                                                     for (int r = 0; r < 60; ++r)
                                                       g[(s * 300 + t) * 60 + r] =
                                                           1e3f * i + 1e2f * s + t + r / 100.0f;
                                                 return g;
                                               }};
  const auto report = vmb::datagen::produce_dataset(set, dir / "rec", c, {}, {}, {}, recorded);
  EXPECT_EQ(report.samples, 4);
  const vmb::datagen::DatasetReader reader(dir / "rec");
  std::vector<float> gathers, velocity;
  reader.read(3, gathers, velocity);
  ASSERT_EQ(gathers.size(), 3u * 60 * 60);
  for (int s : {0, 2})
    for (int m : {0, 59})
      for (int r : {0, 59})
        EXPECT_FLOAT_EQ(gathers[(std::size_t(s) * 60 + m) * 60 + r],
                        3e3f + 1e2f * s + (5 * m + 2) + r / 100.0f);
  EXPECT_EQ(velocity, vmb::datagen::ModelSetReader(set).model(3).velocity);
  std::ifstream index(dir / "rec/index.json");
  const std::string text((std::istreambuf_iterator<char>(index)), {});
  EXPECT_NE(text.find("\"recorded\": \"test gathers\""), std::string::npos) << text;
  vmb::datagen::produce_dataset(set, dir / "sim", c);
  EXPECT_THROW(vmb::datagen::produce_dataset(set, dir / "sim", c, {}, {}, {}, recorded),
               vmb::DatagenError);
  // Gathers of the wrong size are refused naming their source.
  const vmb::datagen::RecordedGathers short_ones{
      "short gathers", [](std::int64_t) { return std::vector<float>(5); }};
  try {
    vmb::datagen::produce_dataset(set, dir / "bad", c, {}, {}, {}, short_ones);
    ADD_FAILURE() << "gathers of the wrong size were stored";
  } catch (const vmb::DatagenError& e) {
    EXPECT_NE(std::string(e.what()).find("short gathers"), std::string::npos) << e.what();
  }
}
