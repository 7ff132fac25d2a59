// vmb-datagen and vmb-genmodels: identical bytes under any split (processes, MPI ranks), a killed
// run resumed, a damaged shard repaired, finished work never rewritten, bad input.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "run.hpp"
#include "tiny_dataset.hpp"
#include "vmb/datagen/dataset.hpp"
#include "vmb/datagen/model_set.hpp"
#include "vmb/io/npy.hpp"

namespace {

namespace fs = std::filesystem;
const std::string kGenmodels = VMB_GENMODELS, kDatagen = VMB_DATAGEN;

std::string datagen_args(const std::string& set, const std::string& out, int nt = 300) {
  return " --models " + set + " --out " + out + " --nshots 3 --nt " + std::to_string(nt) +
         " --shard-size 3 --decimation fcnvmb --decimation-factor 5 --threads 1 --quiet";
}

// Every file of the folder, by name, with its bytes.
std::map<std::string, std::string> contents(const std::string& folder) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::directory_iterator(folder)) {
    std::ifstream in(e.path(), std::ios::binary);
    files[e.path().filename().string()].assign(std::istreambuf_iterator<char>(in), {});
  }
  return files;
}

void expect_same_dataset(const std::string& a, const std::string& b) {
  const auto fa = contents(a), fb = contents(b);
  ASSERT_EQ(fa.size(), fb.size());
  for (const auto& [name, bytes] : fa) {
    ASSERT_TRUE(fb.count(name)) << name;
    EXPECT_TRUE(bytes == fb.at(name)) << name << " differs";
  }
}

std::pair<long, long> stamp(const std::string& path) {
  struct stat st {};
  stat(path.c_str(), &st);
  return {static_cast<long>(st.st_ino),
          static_cast<long>(st.st_mtim.tv_nsec + st.st_mtim.tv_sec * 1000000000L)};
}

}  // namespace

TEST(DatagenTool, AnySplitGivesTheSameBytes) {
  vmb::test::TempDir dir;
  const auto set = vmb::test::make_salt_set(dir);
  ASSERT_EQ(vmb::test::run(kDatagen + datagen_args(set, dir / "whole")).exit_code, 0);
  for (int i = 0; i < 3; ++i) {
    const auto r = vmb::test::run(kDatagen + datagen_args(set, dir / "split") + " --shard " +
                                  std::to_string(i) + "/3");
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  expect_same_dataset(dir / "whole", dir / "split");
}

#ifdef VMB_MPIEXEC
TEST(DatagenTool, TwoMpiRanksGiveTheSameBytes) {
  vmb::test::TempDir dir;
  const auto set = vmb::test::make_salt_set(dir);
  ASSERT_EQ(vmb::test::run(kDatagen + datagen_args(set, dir / "whole")).exit_code, 0);
  // OpenMPI's runtime keeps allocations until the process ends: in the sanitizer build, leak
  // checks of the ranks would report OpenMPI's, so they are off for them (-x sets the ranks'
  // environment; without sanitizers the variable means nothing).
  const auto r =
      vmb::test::run(std::string(VMB_MPIEXEC) + " --allow-run-as-root --oversubscribe -n 2 " +
                     "-x LSAN_OPTIONS=detect_leaks=0 " + kDatagen + datagen_args(set, dir / "mpi"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  expect_same_dataset(dir / "whole", dir / "mpi");
}
#endif

TEST(DatagenTool, KilledRunResumesToTheSameBytes) {
  vmb::test::TempDir dir;
  const auto set = vmb::test::make_salt_set(dir, 12);
  const std::string args = datagen_args(set, dir / "resumed", 1500);
  ASSERT_EQ(vmb::test::run(kDatagen + datagen_args(set, dir / "whole", 1500)).exit_code, 0);
  // Start a run, let it finish its first shard, and kill it (SIGKILL) in the middle of the next.
  const auto started = vmb::test::run(kDatagen + args + " > /dev/null 2>&1 & echo $!");
  const int pid = std::stoi(started.output);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!fs::exists(dir / "resumed/shard_00000.h5") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(15));
  vmb::test::run("kill -9 " + std::to_string(pid));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  // What the killed run left: complete shards, identical to the uninterrupted run's, and no
  // file that looks finished but is not.
  const auto whole = contents(dir / "whole"), left = contents(dir / "resumed");
  int complete = 0;
  std::map<std::string, std::pair<long, long>> stamps;
  for (const auto& [name, bytes] : left) {
    if (name.rfind("shard_", 0) != 0) continue;
    EXPECT_TRUE(bytes == whole.at(name)) << name << " looks finished but differs";
    stamps[name] = stamp(dir / ("resumed/" + name));
    ++complete;
  }
  EXPECT_GE(complete, 1);
  EXPECT_LT(complete, 4) << "the run finished before it was killed";
  const auto r = vmb::test::run(kDatagen + args);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  expect_same_dataset(dir / "whole", dir / "resumed");
  for (const auto& [name, st] : stamps)
    EXPECT_EQ(stamp(dir / ("resumed/" + name)), st) << name << " was rewritten";
}

TEST(DatagenTool, DamagedShardIsReportedAndRegenerated) {
  vmb::test::TempDir dir;
  const auto set = vmb::test::make_salt_set(dir);
  ASSERT_EQ(vmb::test::run(kDatagen + datagen_args(set, dir / "whole")).exit_code, 0);
  ASSERT_EQ(vmb::test::run(kDatagen + datagen_args(set, dir / "ds")).exit_code, 0);
  const auto untouched = stamp(dir / "ds/shard_00000.h5");
  fs::resize_file(dir / "ds/shard_00002.h5", fs::file_size(dir / "ds/shard_00002.h5") / 2);
  const auto r = vmb::test::run(kDatagen + datagen_args(set, dir / "ds"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("shard_00002.h5 is damaged"), std::string::npos) << r.output;
  expect_same_dataset(dir / "whole", dir / "ds");
  EXPECT_EQ(stamp(dir / "ds/shard_00000.h5"), untouched);
}

// --survey openfwi and --export-openfwi: OpenFWI's shapes, written once every part is done.
TEST(DatagenTool, OpenFwiSurveyAndExport) {
  vmb::test::TempDir dir;
  auto r = vmb::test::run(kGenmodels + " --generator flat --count 3 --seed 5 --quiet --out " +
                          (dir / "flat.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string dataset = " --models " + (dir / "flat.h5") + " --out " + (dir / "ds") +
                              " --survey openfwi --shard-size 2 --threads 1";
  const std::string args =
      dataset + " --export-openfwi " + (dir / "openfwi") + " --openfwi-file-size 2";
  r = vmb::test::run(kDatagen + args + " --shard 0/2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("other parts are still missing"), std::string::npos) << r.output;
  EXPECT_TRUE(fs::is_empty(dir / "openfwi"));
  r = vmb::test::run(kDatagen + args + " --shard 1/2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("data1..2.npy, model1..2.npy"), std::string::npos) << r.output;
  const auto data = vmb::io::read_npy_header(dir / "openfwi/data1.npy");
  EXPECT_EQ(data.shape, (std::vector<std::size_t>{2, 5, 1000, 70}));
  EXPECT_EQ(vmb::io::read_npy_header(dir / "openfwi/model2.npy").shape,
            (std::vector<std::size_t>{1, 1, 70, 70}));
  const vmb::datagen::DatasetReader reader(dir / "ds");
  std::vector<float> gathers, velocity;
  reader.read(2, gathers, velocity);
  EXPECT_EQ(
      vmb::io::read_npy(dir / "openfwi/data2.npy",
                        vmb::io::read_npy_header(dir / "openfwi/data2.npy"), 0, gathers.size()),
      gathers);
  r = vmb::test::run(kDatagen + dataset + " --export-openfwi " + (dir / "ds/shard_00000.h5"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("--export-openfwi"), std::string::npos) << r.output;
  r = vmb::test::run(kDatagen + dataset + " --export-openfwi " + (dir / "openfwi") +
                     " --openfwi-file-size 0");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--openfwi-file-size 0 is out of range"), std::string::npos) << r.output;
}

TEST(DatagenTool, BadInputGetsClearErrorsAndLosesNothing) {
  vmb::test::TempDir dir;
  const auto set = vmb::test::make_salt_set(dir);
  ASSERT_EQ(vmb::test::run(kDatagen + datagen_args(set, dir / "ds")).exit_code, 0);
  const auto before = contents(dir / "ds");
  auto expect_error = [](const std::string& command, const std::string& what) {
    const auto r = vmb::test::run(command);
    EXPECT_NE(r.exit_code, 0) << command;
    EXPECT_NE(r.output.find(what), std::string::npos) << command << "\n" << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  };
  expect_error(kDatagen + datagen_args(dir / "missing.h5", dir / "x"), "missing.h5");
  expect_error(kDatagen + datagen_args(set, "/proc/vmbkit/ds"), "cannot create dataset folder");
  expect_error(kDatagen + datagen_args(set, dir / "x") + " --shard 3/2", "--shard");
  expect_error(kDatagen + datagen_args(set, dir / "x") + " --decimation bogus", "--decimation");
  expect_error(kDatagen + " --models " + set + " --out " + (dir / "x") + " --shard-size 0",
               "--shard-size 0 is out of range");
  // The same folder with other settings: refused, and the finished shards stay as they were.
  expect_error(kDatagen + datagen_args(set, dir / "ds", 400), "other settings");
  EXPECT_TRUE(contents(dir / "ds") == before);
  expect_error(kGenmodels + " --generator voronoi --count 3 --out " + (dir / "m.h5"),
               "unknown generator");
  expect_error(
      kGenmodels + " --generator fcnvmb-salt --count 3 --vmin 5000 --out " + (dir / "m.h5"),
      "vmin 5000 is larger than vmax 4000");
  expect_error(kGenmodels + " --generator fcnvmb-salt --count 0 --out " + (dir / "m.h5"),
               "--count 0 is out of range");
  expect_error(kGenmodels + " --generator flat --count 2 --out /nonexistent-folder/m.h5",
               "does not exist");
  EXPECT_FALSE(fs::exists(dir / "m.h5"));
}
