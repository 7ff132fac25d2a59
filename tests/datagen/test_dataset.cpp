// Datasets: layout and content (vmb-datagen's splits, resumption and bad input are tested in
// tests/pipelines/test_datagen.cpp).

#include <gtest/gtest.h>

#include <filesystem>

#include "run.hpp"
#include "tiny_dataset.hpp"
#include "vmb/datagen/dataset.hpp"
#include "vmb/datagen/model_set.hpp"
#include "vmb/io/hdf5.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace {

namespace fs = std::filesystem;

}  // namespace

TEST(Dataset, LayoutAndContent) {
  vmb::test::TempDir dir;
  const auto set = vmb::test::make_salt_set(dir, 5);
  vmb::datagen::DatasetConfig c;
  c.survey.nshots = 3;
  c.nt = 300;
  c.shard_size = 3;
  c.decimation = vmb::datagen::Decimation::kFcnvmb;
  c.decimation_factor = 5;
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
