// Model sets: generated and read back, and the FCNVMB release imported whole.

#include <gtest/gtest.h>

#include <filesystem>

#include "run.hpp"
#include "vmb/datagen/error.hpp"
#include "vmb/datagen/model_set.hpp"
#include "vmb/io/error.hpp"
#include "vmb/io/model_io.hpp"

namespace fs = std::filesystem;

TEST(ModelSet, GeneratedSetReadsBack) {
  vmb::test::TempDir dir;
  vmb::datagen::GeneratorConfig c;
  c.name = "curved-fault";
  vmb::datagen::generate_model_set(dir / "set.h5", c, 9, 12);
  vmb::datagen::ModelSetReader reader(dir / "set.h5");
  EXPECT_EQ(reader.info().count, 12);
  EXPECT_EQ(reader.info().nz, 70);
  EXPECT_EQ(reader.info().generator, "curved-fault");
  EXPECT_EQ(reader.info().seed, 9u);
  EXPECT_NE(reader.info().parameters.find("vmin=1500"), std::string::npos);
  const auto resolved = vmb::datagen::resolve(c);
  for (int i : {0, 7, 11})
    EXPECT_EQ(reader.model(i).velocity, vmb::datagen::generate(resolved, 9, i).velocity);
  EXPECT_THROW(reader.model(12), vmb::DatagenError);
  EXPECT_THROW(vmb::datagen::generate_model_set(dir / "none.h5", c, 9, 0), vmb::DatagenError);
  EXPECT_THROW(vmb::datagen::generate_model_set("/nonexistent-folder/s.h5", c, 9, 2), vmb::IoError);
}

TEST(ModelSet, ImportsEveryFcnvmbReleaseModel) {
  const std::string root = std::string(VMB_SHARED_DATA) + "/fcnvmb-release";
  if (!fs::exists(root)) GTEST_SKIP() << "no FCNVMB release at " << root;
  vmb::test::TempDir dir;
  struct Subset {
    const char* name;
    int count;
    float vmin, vmax;
  };
  int total = 0;
  for (const Subset& s : {Subset{"train", 1600, 2000.f, 4500.f},
                          Subset{"test", 100, 2000.f, 4500.f}, Subset{"seg", 10, 1500.f, 4482.f}}) {
    const auto files = vmb::datagen::fcnvmb_release_files(root, s.name);
    ASSERT_EQ(int(files.size()), s.count);
    vmb::io::ModelFileOptions options;
    options.dx = 10.0;
    vmb::datagen::import_model_set(dir / "set.h5", files, options, s.name);
    vmb::datagen::ModelSetReader reader(dir / "set.h5");
    ASSERT_EQ(reader.info().count, s.count);
    ASSERT_EQ(reader.info().nz, 201);
    ASSERT_EQ(reader.info().nx, 301);
    EXPECT_DOUBLE_EQ(reader.info().dx, 10.0);
    for (int i = 0; i < s.count; ++i) {
      const auto m = reader.model(i);
      ASSERT_GE(m.min_velocity(), s.vmin) << s.name << i;
      ASSERT_LE(m.max_velocity(), s.vmax) << s.name << i;
    }
    total += s.count;
  }
  EXPECT_EQ(total, 1710);
  EXPECT_THROW(vmb::datagen::fcnvmb_release_files(root, "valid"), vmb::DatagenError);
  EXPECT_THROW(vmb::datagen::fcnvmb_release_files(dir.path(), "train"), vmb::DatagenError);
}

TEST(ModelSet, ImportRefusesMixedGrids) {
  vmb::test::TempDir dir;
  vmb::io::write_model(dir / "a.h5", vmb::demo_model(20, 30, 10.0));
  vmb::io::write_model(dir / "b.h5", vmb::demo_model(21, 30, 10.0));
  try {
    vmb::io::ModelFileOptions options;
    options.dx = 10.0;
    vmb::datagen::import_model_set(dir / "set.h5", {dir / "a.h5", dir / "b.h5"}, options, "files");
    FAIL() << "no error";
  } catch (const vmb::DatagenError& e) {
    EXPECT_NE(std::string(e.what()).find("not 20 x 30"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir / "set.h5"));
}

// The authors' whole archive also holds the paper's 130 SEG/EAGE fine-tuning slices
// (train_data/SEGSaltData/vmodel_train/svmodel{1..130}.mat, field svmodel). On a tree written
// here in that layout (small slices), they are found in order; a missing slice, a misnamed field
// and a slice of the wrong shape are each refused naming the file.
TEST(ModelSet, FcnvmbReleaseFineTuningSlices) {
  vmb::test::TempDir dir;
  const fs::path folder = fs::path(dir / "train_data/SEGSaltData/vmodel_train");
  EXPECT_FALSE(vmb::datagen::fcnvmb_release_has(dir.path(), "seg_train"));
  fs::create_directories(folder);
  EXPECT_TRUE(vmb::datagen::fcnvmb_release_has(dir.path(), "seg_train"));
  vmb::io::ModelFileOptions mat;
  mat.variable = "svmodel";
  for (int i = 1; i <= 130; ++i)
    vmb::io::write_model((folder / ("svmodel" + std::to_string(i) + ".mat")).string(),
                         vmb::demo_model(12, 16, 10.0), mat);
  const auto files = vmb::datagen::fcnvmb_release_files(dir.path(), "seg_train");
  ASSERT_EQ(files.size(), 130u);
  EXPECT_EQ(fs::path(files[0]).filename(), "svmodel1.mat");
  EXPECT_EQ(fs::path(files[129]).filename(), "svmodel130.mat");
  // The release's own check: every slice of one shape, read by its field.
  vmb::io::ModelFileOptions options;
  options.dx = 10.0;
  options.nz = 12;
  options.nx = 16;
  options.variable = "svmodel";
  vmb::datagen::import_model_set(dir / "seg_train.h5", files, options, "fcnvmb-release:seg_train");
  EXPECT_EQ(vmb::datagen::ModelSetReader(dir / "seg_train.h5").info().count, 130);
  auto refused = [&](const std::string& file) {
    try {
      vmb::datagen::import_model_set(dir / "bad.h5",
                                     vmb::datagen::fcnvmb_release_files(dir.path(), "seg_train"),
                                     options, "fcnvmb-release:seg_train");
    } catch (const std::exception& e) {
      return std::string(e.what()).find(file) != std::string::npos;
    }
    return false;
  };
  vmb::io::write_model((folder / "svmodel7.mat").string(), vmb::demo_model(12, 17, 10.0), mat);
  EXPECT_TRUE(refused("svmodel7.mat"));  // wrongly shaped
  vmb::io::ModelFileOptions misnamed;
  misnamed.variable = "vmodel";
  vmb::io::write_model((folder / "svmodel7.mat").string(), vmb::demo_model(12, 16, 10.0), misnamed);
  EXPECT_TRUE(refused("svmodel7.mat"));  // field vmodel, not svmodel
  fs::remove(folder / "svmodel7.mat");
  EXPECT_TRUE(refused("svmodel7.mat"));  // missing
  EXPECT_FALSE(fs::exists(dir / "bad.h5"));
}

// Windows evenly spread along a section: the first at its left end, the last at its right end.
TEST(ModelSet, WindowStarts) {
  EXPECT_EQ(vmb::datagen::window_starts(100, 40, 4), (std::vector<int>{0, 20, 40, 60}));
  EXPECT_EQ(vmb::datagen::window_starts(100, 40, 1), (std::vector<int>{30}));
  EXPECT_EQ(vmb::datagen::window_starts(40, 40, 2), (std::vector<int>{0, 0}));
  EXPECT_THROW(vmb::datagen::window_starts(30, 40, 2), vmb::DatagenError);
  EXPECT_THROW(vmb::datagen::window_starts(100, 40, 0), vmb::DatagenError);
}

// A deep-water section 60 x 200 at 20 m whose sea floor falls from row 20 (left) to row 30
// (right), velocity 2000 + x below it: windows of 400 m x 600 m (a 11 x 16 grid at 40 m) from
// 40 m above the shallowest sea floor in each, resampled to the grid.
TEST(ModelSet, SectionWindowsBelowTheSeaFloor) {
  vmb::test::TempDir dir;
  vmb::VelocityModel section(60, 200, 20.0, 20.0);
  for (int z = 0; z < 60; ++z)
    for (int x = 0; x < 200; ++x) section.at(z, x) = z < 20 + x / 20 ? 1490.0f : 2000.0f + x;
  vmb::io::write_model(dir / "section.h5", section);
  const vmb::datagen::ModelGrid grid{11, 16, 40.0, 40.0};
  vmb::datagen::import_section_windows(dir / "w.h5", dir / "section.h5", {}, 3, grid, 40.0);
  const vmb::datagen::ModelSetReader set(dir / "w.h5");
  ASSERT_EQ(set.info().count, 3);
  EXPECT_EQ(set.info().nz, 11);
  EXPECT_EQ(set.info().nx, 16);
  // 31 columns a window, starting at 0, 85 (84.5 rounded) and 169; sea floors from row 20, 24 and
  // 28: tops at rows 18, 22 and 26.
  EXPECT_NE(set.info().parameters.find("(0, 360) (1700, 440) (3380, 520)"), std::string::npos)
      << set.info().parameters;
  const auto first = set.model(0);
  EXPECT_EQ(first.at(0, 0), 1490.0f);           // two rows of water over the sea floor at x = 0
  EXPECT_NEAR(first.at(10, 0), 2000.5f, 1.0f);  // sediment, averaged over 2000 + x m/s
  // Too deep: 60 rows hold 1180 m, not the 2000 m of an 51 x 77 grid at 40 m.
  try {
    vmb::datagen::import_section_windows(dir / "x.h5", dir / "section.h5", {}, 2,
                                         {51, 77, 40.0, 40.0});
    ADD_FAILURE() << "a section too shallow for the window was taken";
  } catch (const vmb::DatagenError& e) {
    EXPECT_NE(std::string(e.what()).find("section.h5"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir / "x.h5"));
}

// Each release model file pairs with the seismic file of its index beside its folder.
TEST(ModelSet, FcnvmbReleaseSeismicFiles) {
  EXPECT_EQ(
      vmb::datagen::fcnvmb_release_seismic("r/train_data/SimulateData/vmodel_train/vmodel12.mat"),
      "r/train_data/SimulateData/georec_train/georec12.mat");
  EXPECT_EQ(
      vmb::datagen::fcnvmb_release_seismic("r/train_data/SEGSaltData/vmodel_train/svmodel130.mat"),
      "r/train_data/SEGSaltData/georec_train/srec130.mat");
  EXPECT_EQ(vmb::datagen::fcnvmb_release_seismic("r/test_data/SEGSaltData/vmodel_test/saltv3.mat"),
            "r/test_data/SEGSaltData/georec_test/srec3.mat");
  EXPECT_THROW(vmb::datagen::fcnvmb_release_seismic("models/a.mat"), vmb::DatagenError);
}
