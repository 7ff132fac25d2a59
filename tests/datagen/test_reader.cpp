// Reading datasets through their index.json: incomplete datasets and changed model sets are
// refused with what completes them; JSON survives any path.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "run.hpp"
#include "vmb/datagen/dataset.hpp"
#include "vmb/datagen/error.hpp"
#include "vmb/datagen/model_set.hpp"
#include "vmb/io/hdf5.hpp"
#include "vmb/io/model_io.hpp"
#include "vmb/io/npy.hpp"

namespace {

namespace fs = std::filesystem;
const std::string kGenmodels = VMB_GENMODELS, kDatagen = VMB_DATAGEN;

std::string make_set(const std::string& path, std::uint64_t seed, int count = 6) {
  vmb::datagen::GeneratorConfig c;
  c.name = "flat";
  c.nz = 20;
  c.nx = 30;
  vmb::datagen::generate_model_set(path, c, seed, count);
  return path;
}

std::string args(const std::string& set, const std::string& out) {
  return " --models " + set + " --out " + out +
         " --nshots 2 --nt 100 --f0 20 --shard-size 2 --threads 1 --quiet";
}

using vmb::test::error_of;
const auto slurp = vmb::test::file_bytes;

}  // namespace

TEST(DatasetReader, PartialDatasetIsRefusedWithTheCommandThatCompletesIt) {
  vmb::test::TempDir dir;
  const auto set = make_set(dir / "set.h5", 1);
  auto r = vmb::test::run(kDatagen + args(set, dir / "ds") + " --shard 0/2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string what = error_of([&] { vmb::datagen::DatasetReader reader(dir / "ds"); });
  EXPECT_NE(
      what.find("is incomplete: 1 of 3 shards missing or unfinished (shard_00001.h5 missing)"),
      std::string::npos)
      << what;
  const auto at = what.find("complete it with: vmb-datagen ");
  ASSERT_NE(at, std::string::npos) << what;
  // The command it names completes the dataset.
  const std::string command = what.substr(at + std::string("complete it with: vmb-datagen").size());
  r = vmb::test::run(kDatagen + command);
  ASSERT_EQ(r.exit_code, 0) << command << "\n" << r.output;
  vmb::datagen::DatasetReader reader(dir / "ds");
  EXPECT_EQ(reader.info().samples, 6);
  std::vector<float> gathers, velocity;
  reader.read(5, gathers, velocity);
  EXPECT_EQ(gathers.size(), std::size_t(2) * 100 * 30);
  // An unfinished shard (a truncated file) is named as such.
  fs::resize_file(dir / "ds/shard_00002.h5", fs::file_size(dir / "ds/shard_00002.h5") / 2);
  EXPECT_NE(error_of([&] {
              vmb::datagen::DatasetReader again(dir / "ds");
            }).find("shard_00002.h5 unfinished"),
            std::string::npos);
  EXPECT_NE(error_of([&] { vmb::datagen::DatasetReader none(dir.path()); }).find("no index.json"),
            std::string::npos);
}

TEST(DatasetReader, NonFiniteSamplesAreNamed) {
  vmb::test::TempDir dir;
  const auto set = make_set(dir / "set.h5", 1);
  ASSERT_EQ(vmb::test::run(kDatagen + args(set, dir / "ds")).exit_code, 0);
  {
    vmb::io::H5File f(dir / "ds/shard_00001.h5", vmb::io::H5File::Mode::kReadWrite);
    auto shots = f.read_slab("/shots", 1);
    shots[(std::size_t(1) * 100 + 7) * 30 + 4] = std::nanf("");
    f.write_slab("/shots", 1, shots.data());
  }
  vmb::datagen::DatasetReader reader(dir / "ds");
  std::vector<float> gathers, velocity;
  EXPECT_NE(
      error_of([&] {
        reader.read(3, gathers, velocity);
      }).find("sample 3 (shard_00001.h5) gathers holds NaN at shot 1, time sample 7, receiver 4"),
      std::string::npos);
}

// Re-importing other models into the same model-set file and resuming once mixed old and new
// shards: the set's checksum is part of the dataset's settings.
TEST(DatasetReader, ChangedModelSetIsNotMixedIntoADataset) {
  vmb::test::TempDir dir;
  make_set(dir / "set.h5", 1);
  auto r = vmb::test::run(kDatagen + args(dir / "set.h5", dir / "ds") + " --shard 0/2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string first = slurp(dir / "ds/shard_00000.h5");
  make_set(dir / "set.h5", 2);  // other models, same file, same grid and count
  r = vmb::test::run(kDatagen + args(dir / "set.h5", dir / "ds") + " --shard 1/2");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("holds a dataset made with other settings"), std::string::npos)
      << r.output;
  EXPECT_TRUE(slurp(dir / "ds/shard_00000.h5") == first);
  // A set changed after it was written fails its checksum.
  {
    vmb::io::H5File f(dir / "set.h5", vmb::io::H5File::Mode::kReadWrite);
    auto v = f.read_slab("/velocity", 2);
    v[0] += 1.0f;
    f.write_slab("/velocity", 2, v.data());
  }
  EXPECT_NE(error_of([&] {
              vmb::datagen::ModelSetReader set(dir / "set.h5");
            }).find("do not match its checksum"),
            std::string::npos);
}

TEST(DatasetReader, IndexIsValidJsonWhateverThePath) {
  vmb::test::TempDir dir;
  const std::string odd = dir / "a \"quoted\" \\ folder";
  fs::create_directories(odd);
  const auto set = make_set(odd + "/set.h5", 1, 2);
  vmb::datagen::DatasetConfig c;
  c.survey.nshots = 2;
  c.nt = 100;
  c.f0 = 20;
  c.shard_size = 2;
  c.threads = 1;
  vmb::datagen::produce_dataset(set, odd + "/ds", c);
  const auto index = nlohmann::json::parse(slurp(odd + "/ds/index.json"));  // strict: throws
  EXPECT_EQ(index.at("model_set"), set);
  EXPECT_EQ(index.at("samples"), 2);
  vmb::datagen::DatasetReader reader(odd + "/ds");
  EXPECT_EQ(reader.info().nrec, 30);
}

// OpenFWI's layout: the dataset's samples in order, split into files of the chosen size, and
// readable with the npy reader (numpy.load's reading is the pytest suite's).
TEST(OpenFwiExport, FilesHoldTheSamplesInOrder) {
  vmb::test::TempDir dir;
  const auto set = make_set(dir / "set.h5", 4, 7);
  ASSERT_EQ(vmb::test::run(kDatagen + args(set, dir / "ds")).exit_code, 0);
  std::vector<std::int64_t> counted;
  const int files = vmb::datagen::export_openfwi(dir / "ds", dir / "openfwi", 3,
                                                 [&](std::int64_t done, std::int64_t all) {
                                                   EXPECT_EQ(all, 7);
                                                   counted.push_back(done);
                                                 });
  ASSERT_EQ(files, 3);
  EXPECT_EQ(counted.size(), 7u);
  EXPECT_EQ(counted.back(), 7);
  const vmb::datagen::DatasetReader reader(dir / "ds");
  std::vector<float> gathers, velocity;
  std::int64_t sample = 0;
  for (int k = 1; k <= 3; ++k) {
    const std::string data = dir / ("openfwi/data" + std::to_string(k) + ".npy");
    const std::string model = dir / ("openfwi/model" + std::to_string(k) + ".npy");
    const auto dh = vmb::io::read_npy_header(data), mh = vmb::io::read_npy_header(model);
    const std::size_t n = k < 3 ? 3 : 1;
    EXPECT_EQ(dh.shape, (std::vector<std::size_t>{n, 2, 100, 30}));
    EXPECT_EQ(mh.shape, (std::vector<std::size_t>{n, 1, 20, 30}));
    for (std::size_t i = 0; i < n; ++i, ++sample) {
      reader.read(sample, gathers, velocity);
      EXPECT_EQ(vmb::io::read_npy(data, dh, i * gathers.size(), gathers.size()), gathers);
      EXPECT_EQ(vmb::io::read_npy(model, mh, i * velocity.size(), velocity.size()), velocity);
    }
  }
  EXPECT_EQ(sample, 7);
  // Exported again with larger files: data3.npy of the first export would be read with the new
  // ones, so it is refused before anything is written.
  EXPECT_NE(error_of([&] {
              vmb::datagen::export_openfwi(dir / "ds", dir / "openfwi", 5);
            }).find("holds data3.npy from another export"),
            std::string::npos);
  EXPECT_EQ(vmb::io::read_npy_header(dir / "openfwi/data1.npy").shape[0], 3u);
  EXPECT_EQ(vmb::datagen::export_openfwi(dir / "ds", dir / "openfwi", 3), 3);  // same: replaced
  EXPECT_NE(error_of([&] {
              vmb::datagen::export_openfwi(dir / "ds", dir / "ds");
            }).find("its own folder"),
            std::string::npos);
  fs::remove(dir / "ds/shard_00002.h5");
  EXPECT_NE(error_of([&] {
              vmb::datagen::export_openfwi(dir / "ds", dir / "again");
            }).find("is incomplete"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "again"));
}
