// vmb-genmodels: an interrupted run leaves no temporaries; a model set that cannot fit on the disk
// is refused before it starts; raw binary imports take the sizes given.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "run.hpp"
#include "vmb/datagen/model_set.hpp"
#include "vmb/io/model_io.hpp"
#include "vmb/io/npy.hpp"

namespace {

namespace fs = std::filesystem;
const std::string kGenmodels = VMB_GENMODELS;

using vmb::test::error_of;
const auto slurp = vmb::test::file_bytes;

}  // namespace

TEST(GenmodelsTool, InterruptedGenerationLeavesNoTemporaryFile) {
  for (const char* signal : {"TERM", "INT"}) {
    vmb::test::TempDir dir;
    const auto started =
        vmb::test::run(kGenmodels + " --generator fcnvmb-salt --count 100000 --quiet --out " +
                       (dir / "m.h5") + " > /dev/null 2>&1 & echo $!");
    const int pid = std::stoi(started.output);
    auto temporaries = [&] {
      int n = 0;
      for (const auto& e : fs::directory_iterator(dir.path()))
        n += e.path().filename().string().rfind(".m.h5.tmp-", 0) == 0;
      return n;
    };
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (temporaries() == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_EQ(temporaries(), 1) << "the generation never started";
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    vmb::test::run(std::string("kill -") + signal + " " + std::to_string(pid));
    // Wait for the process to end (a zombie of this shell counts as ended).
    for (int i = 0; i < 500 && vmb::test::run("kill -0 " + std::to_string(pid)).exit_code == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(temporaries(), 0) << signal;
    EXPECT_FALSE(fs::exists(dir / "m.h5")) << signal;
  }
}

TEST(GenmodelsTool, SetsThatCannotFitAreRefusedAtOnce) {
  vmb::test::TempDir dir;
  const auto start = std::chrono::steady_clock::now();
  const auto r = vmb::test::run(
      kGenmodels + " --generator fcnvmb-salt --count 100000000 --nz 2000 --nx 2000 --out " +
      (dir / "m.h5"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("the model set (100000000 models of 2000 x 2000) needs 1.6e+06 GB"),
            std::string::npos)
      << r.output;
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 5.0);
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(GenmodelsTool, ImportsRawBinaryWithTheSizesGiven) {
  vmb::test::TempDir dir;
  const auto model = vmb::demo_model(20, 30, 10.0);
  vmb::io::write_model(dir / "a.bin", model);
  vmb::io::write_model(dir / "b.bin", model);
  auto r = vmb::test::run(kGenmodels + " --import " + (dir / "a.bin") + " " + (dir / "b.bin") +
                          " --nz 20 --nx 30 --dx 12.5 --quiet --out " + (dir / "set.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  vmb::datagen::ModelSetReader reader(dir / "set.h5");
  EXPECT_EQ(reader.info().count, 2);
  EXPECT_DOUBLE_EQ(reader.info().dx, 12.5);
  EXPECT_EQ(reader.model(1).velocity, model.velocity);
  r = vmb::test::run(kGenmodels + " --import " + (dir / "a.bin") + " --nz 20 --nx 30 --out " +
                     (dir / "a.bin"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("is the input --import"), std::string::npos) << r.output;
  r = vmb::test::run(kGenmodels + " --generator flat --count 2 --dx 0 --out " + (dir / "f.h5"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--dx 0 is out of range"), std::string::npos) << r.output;
}

// An OpenFWI model file [n, 1, nz, nx] imports whole, or one model of it with --sample.
TEST(GenmodelsTool, ImportsNumpyStacksWholeOrOneSample) {
  vmb::test::TempDir dir;
  const auto model = vmb::demo_model(20, 30, 10.0);
  {
    vmb::io::NpyWriter stack(dir / "model1.npy", {3, 1, 20, 30});
    for (int k = 0; k < 3; ++k) {
      auto v = model.velocity;
      for (float& x : v) x += 100.0f * k;
      stack.append(v.data(), v.size());
    }
    stack.commit();
  }
  auto import = [&](const std::string& files, const std::string& out) {
    return vmb::test::run(kGenmodels + " --import " + files + " --quiet --out " + (dir / out));
  };
  const std::string both = (dir / "model1.npy") + " " + (dir / "m.npy");
  auto r = import(both, "stack.h5");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("m.npy': no such file"), std::string::npos) << r.output;
  vmb::io::write_model(dir / "m.npy", model);
  r = import(both, "stack.h5");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  vmb::datagen::ModelSetReader stack(dir / "stack.h5");
  ASSERT_EQ(stack.info().count, 4);
  EXPECT_DOUBLE_EQ(stack.info().dx, 10.0);
  EXPECT_EQ(stack.model(0).velocity, model.velocity);
  EXPECT_FLOAT_EQ(stack.model(2).velocity[0], model.velocity[0] + 200.0f);
  EXPECT_EQ(stack.model(3).velocity, model.velocity);
  r = import(dir / "model1.npy --sample 1", "one.h5");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FLOAT_EQ(vmb::datagen::ModelSetReader(dir / "one.h5").model(0).velocity[0],
                  model.velocity[0] + 100.0f);
}

// --stats prints the shape statistics of a model set; it takes no source or output, and a file
// that is not a model set gets one line.
TEST(GenmodelsTool, StatsOfAModelSet) {
  vmb::test::TempDir dir;
  auto r = vmb::test::run(kGenmodels + " --generator fcnvmb-salt --count 12 --seed 31 --quiet " +
                          "--out " + (dir / "set.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = vmb::test::run(kGenmodels + " --stats " + (dir / "set.h5") + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* row : {"12 models, ", "salt_fraction", "salt_top_peaks", "salt_shape",
                          "interface_roughness", "largest_relief", "edge_curl"})
    EXPECT_NE(r.output.find(row), std::string::npos) << row << "\n" << r.output;
  // --picture draws the first four models: a PNG, and a picture is drawn only of a set.
  r = vmb::test::run(kGenmodels + " --stats " + (dir / "set.h5") + " --quiet --picture " +
                     (dir / "set.png"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::ifstream png(dir / "set.png", std::ios::binary);
  std::string signature(8, '\0');
  png.read(signature.data(), 8);
  EXPECT_EQ(signature, "\x89PNG\r\n\x1a\n");
  EXPECT_GT(fs::file_size(dir / "set.png"), 20000u);
  r = vmb::test::run(kGenmodels + " --generator flat --count 2 --out " + (dir / "g.h5") +
                     " --picture " + (dir / "g.png"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--picture draws a set given by --stats"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "g.h5"));
  r = vmb::test::run(kGenmodels + " --stats " + (dir / "set.h5") + " --generator flat");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--stats reads a model set: give it alone"), std::string::npos)
      << r.output;
  r = vmb::test::run(kGenmodels + " --stats " + (dir / "missing.h5"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  r = vmb::test::run(kGenmodels + " --generator flat --count 2");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--out is required"), std::string::npos) << r.output;
  // The statistics' salt threshold is no generator parameter: generators without salt still run.
  r = vmb::test::run(kGenmodels + " --generator flat --count 2 --quiet --out " + (dir / "f.h5"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
}
