// vmb-simulate end to end: the command on its built-in model, its files, its bad-input answers.

#include <gtest/gtest.h>
#include <stb_image.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "analytic.hpp"
#include "run.hpp"
#include "vmb/io/gathers_io.hpp"
#include "vmb/io/hdf5.hpp"
#include "vmb/io/model_io.hpp"
#include "vmb/io/npy.hpp"
#include "vmb/io/picture.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace {

namespace fs = std::filesystem;
const std::string kSimulate = VMB_SIMULATE;

vmb::test::RunResult simulate(const std::string& args) {
  return vmb::test::run(kSimulate + " --threads 1 " + args);
}

// Exit code and a single line of error naming `what`.
void expect_error(const std::string& args, int code, const std::string& what) {
  const auto r = simulate(args);
  EXPECT_EQ(r.exit_code, code) << args << "\n" << r.output;
  EXPECT_NE(r.output.find(what), std::string::npos) << args << "\n" << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  EXPECT_EQ(r.output.rfind("vmb-simulate: ", 0), 0u) << r.output;
}

}  // namespace

TEST(Simulate, BuiltInModelEndToEnd) {
  vmb::test::TempDir dir;
  const auto r = simulate("--nshots 2 --nt 1300 --out " + (dir / "g.h5") + " --segy " +
                          (dir / "segy") + " --png " + (dir / "png") + " --snapshots 400 --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(r.output.empty()) << r.output;  // --quiet

  // The HDF5 layout and attributes.
  vmb::io::H5File f(dir / "g.h5", vmb::io::H5File::Mode::kRead);
  EXPECT_EQ(f.dims("/shots"), (std::vector<vmb::io::Extent>{2, 1300, 301}));
  EXPECT_EQ(f.dims("/wavelet"), (std::vector<vmb::io::Extent>{1300}));
  EXPECT_EQ(f.dims("/sources"), (std::vector<vmb::io::Extent>{2, 2}));
  EXPECT_EQ(f.dims("/receivers"), (std::vector<vmb::io::Extent>{301, 2}));
  EXPECT_EQ(f.dims("/velocity"), (std::vector<vmb::io::Extent>{201, 301}));
  EXPECT_EQ(f.dims("/snapshots"), (std::vector<vmb::io::Extent>{2, 4, 201, 301}));
  EXPECT_DOUBLE_EQ(f.attribute_double("dt"), 1e-3);
  EXPECT_DOUBLE_EQ(f.attribute_double("dx"), 10.0);
  EXPECT_DOUBLE_EQ(f.attribute_double("dz"), 10.0);
  EXPECT_DOUBLE_EQ(f.attribute_double("f0"), 15.0);
  EXPECT_EQ(f.attribute_int("order"), 8);
  EXPECT_EQ(f.attribute_int("pml"), 20);
  EXPECT_EQ(f.attribute_int("free_surface"), 0);
  EXPECT_EQ(f.attribute_string("version"), vmb::io::version());

  // The first arrival at a far receiver: shot 1 at x = 0, receiver at x = 2000 m, both 10 m deep
  // in the 2000 m/s top layer (500 m thick, so the direct wave arrives first up to 3000 m). Its
  // peak comes at offset / v plus the wavelet delay plus the 2D waveform's shift, which the
  // analytic 2D solution gives.
  const auto rec = vmb::io::read_gathers(dir / "g.h5");
  const double offset = 2000.0, v_top = rec.model.at(1, 200);
  ASSERT_EQ(v_top, 2000.0f);
  const int ir = 200, nt = rec.gathers.nt;
  std::vector<double> trace(nt);
  for (int it = 0; it < nt; ++it) trace[it] = rec.gathers(0, it, ir);
  const auto expected = vmb::test::green_trace(rec.wavelet, 1e-3, nt, offset, v_top);
  const int predicted = vmb::test::peak_index(expected);
  EXPECT_NEAR(predicted * 1e-3, offset / v_top + vmb::ricker_delay(15.0), 0.010);
  int picked = 0;
  for (int it = predicted - 60; it <= predicted + 60; ++it)
    if (std::abs(trace[it]) > std::abs(trace[picked])) picked = it;
  EXPECT_LE(std::abs(picked - predicted), 2) << "picked " << picked << " predicted " << predicted;

  // One SEG-Y file per shot, and pictures that decode.
  EXPECT_TRUE(fs::exists(dir / "segy/shot_001.segy"));
  EXPECT_TRUE(fs::exists(dir / "segy/shot_002.segy"));
  const auto expected_picture = vmb::io::velocity_picture(rec.model, &rec.survey);
  int w = 0, h = 0, c = 0;
  ASSERT_TRUE(stbi_info((dir / "png/velocity.png").c_str(), &w, &h, &c));
  EXPECT_EQ(w, expected_picture.width);
  EXPECT_EQ(h, expected_picture.height);
  for (const char* name : {"shot_001.png", "shot_002.png", "snapshot_002_0400.png"})
    EXPECT_TRUE(stbi_info((dir / "png/" + name).c_str(), &w, &h, &c)) << name;
  // Nothing half-written is left behind.
  for (const auto& entry : fs::recursive_directory_iterator(dir.path()))
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos);
}

TEST(Simulate, ConfigFileAndCommandLineWins) {
  vmb::test::TempDir dir;
  const auto model = vmb::demo_model(40, 60, 10.0);
  vmb::io::write_model(dir / "m.h5", model);
  std::ofstream(dir / "run.ini") << "# a config\nmodel = " << (dir / "m.h5") << "\nnshots = 4\n"
                                 << "nt = 300\nfree-surface = true\nf0 = 20\n";
  const auto r =
      simulate("--config " + (dir / "run.ini") + " --nshots 3 --quiet --out " + (dir / "g.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto rec = vmb::io::read_gathers(dir / "g.h5");
  EXPECT_EQ(rec.gathers.nshots, 3);
  EXPECT_EQ(rec.gathers.nt, 300);
  EXPECT_TRUE(rec.free_surface);
  EXPECT_DOUBLE_EQ(rec.f0, 20.0);
  EXPECT_EQ(rec.model.velocity, model.velocity);
}

TEST(Simulate, ReadsEveryModelFormat) {
  vmb::test::TempDir dir;
  const auto model = vmb::demo_model(30, 50, 10.0);
  vmb::io::ModelFileOptions raw;
  raw.x_fastest = false;
  raw.big_endian = true;
  vmb::io::write_model(dir / "m.bin", model, raw);
  vmb::io::write_model(dir / "m.segy", model);
  vmb::io::write_model(dir / "m.mat", model);
  vmb::io::write_model(dir / "m.h5", model);
  vmb::io::write_model(dir / "m.npy", model);
  {
    // An OpenFWI-style model file [n, 1, nz, nx] whose sample 1 is the model.
    vmb::io::NpyWriter stack(dir / "model1.npy", {2, 1, 30, 50});
    const std::vector<float> other(model.velocity.size(), 2500.0f);
    stack.append(other.data(), other.size());
    stack.append(model.velocity.data(), model.velocity.size());
    stack.commit();
  }
  for (const std::string& args :
       {"--model " + (dir / "m.bin") + " --nz 30 --nx 50 --axis-order xz --endian big",
        "--model " + (dir / "m.segy"), "--model " + (dir / "m.mat"),
        "--model " + (dir / "m.h5") + " --format h5", "--model " + (dir / "m.npy"),
        "--model " + (dir / "model1.npy") + " --sample 1"}) {
    const auto r = simulate(args + " --nshots 1 --nt 50 --quiet --out " + (dir / "g.h5"));
    ASSERT_EQ(r.exit_code, 0) << args << "\n" << r.output;
    EXPECT_EQ(vmb::io::read_gathers(dir / "g.h5").model.velocity, model.velocity) << args;
  }
}

// --survey openfwi: OpenFWI's gathers [5][1000][70] over a 70 x 70 model; options given win.
TEST(Simulate, OpenFwiSurveyPreset) {
  vmb::test::TempDir dir;
  vmb::io::write_model(dir / "m.npy", vmb::demo_model(70, 70, 10.0));
  const std::string base = "--model " + (dir / "m.npy") + " --quiet --out " + (dir / "g.h5");
  auto r = simulate(base + " --survey openfwi");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto rec = vmb::io::read_gathers(dir / "g.h5");
  EXPECT_EQ(rec.gathers.nshots, 5);
  EXPECT_EQ(rec.gathers.nt, 1000);
  EXPECT_EQ(rec.gathers.nrec, 70);
  EXPECT_DOUBLE_EQ(rec.gathers.dt, 1e-3);
  EXPECT_DOUBLE_EQ(rec.f0, 15.0);
  EXPECT_DOUBLE_EQ(rec.survey.sources.back().x, 690.0);
  EXPECT_DOUBLE_EQ(rec.model.dx, 10.0);
  std::ofstream(dir / "openfwi.ini") << "survey = openfwi\nnt = 400\n";
  r = simulate(base + " --config " + (dir / "openfwi.ini") + " --nshots 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  rec = vmb::io::read_gathers(dir / "g.h5");
  EXPECT_EQ(rec.gathers.nshots, 2);
  EXPECT_EQ(rec.gathers.nt, 400);
  EXPECT_EQ(rec.gathers.nrec, 70);
}

TEST(Simulate, BadInputGetsOneLineAndNonZeroExit) {
  vmb::test::TempDir dir;
  const std::string out = " --out " + (dir / "g.h5");
  expect_error("--model " + (dir / "missing.h5") + out, 1, "no such file");
  expect_error("--bogus 3", 2, "--bogus");
  expect_error("--model x.txt" + out, 1, "cannot tell the model format from the extension '.txt'");
  std::ofstream(dir / "text.h5") << "hello\n";
  expect_error("--model " + (dir / "text.h5") + out, 1, "not an HDF5 file");
  std::ofstream(dir / "m.bin", std::ios::binary) << std::string(4 * 30, '\0');
  expect_error("--model " + (dir / "m.bin") + " --nz 5 --nx 7" + out, 1, "not nz * nx * 4");
  expect_error("--model " + (dir / "m.bin") + " --nz 5 --nx 6" + out, 1, "velocity 0 m/s");
  expect_error("--order 5 --nt 10" + out, 1, "order 5");
  expect_error("--nt 0" + out, 2, "--nt 0 is out of range");
  expect_error("--dt -1" + out, 2, "--dt -1 is out of range");
  expect_error("--f0 0" + out, 2, "--f0 0 is out of range");
  expect_error("--pml -2" + out, 2, "--pml -2 is out of range");
  expect_error("--sx0 -50" + out, 1, "source 0");
  expect_error("--out /nonexistent-folder/g.h5", 1, "does not exist");
  expect_error("--nt abc" + out, 2, "nt");
  std::ofstream(dir / "bad.ini") << "nshotz = 3\n";
  expect_error("--config " + (dir / "bad.ini") + out, 2, "nshotz");
  // Settings that once vanished: a folder as the config file, a zero or negative spacing, a
  // wavelet above the Nyquist frequency.
  expect_error("--config " + dir.path() + out, 2, "config file '" + dir.path() + "' is not a file");
  expect_error("--dx 0" + out, 2, "--dx 0 is out of range: it must be positive");
  expect_error("--dx -10" + out, 2, "--dx -10 is out of range: it must be positive");
  expect_error("--dz 0" + out, 2, "--dz 0 is out of range");
  const auto threads = vmb::test::run(kSimulate + " --threads -3" + out);
  EXPECT_EQ(threads.exit_code, 2);
  EXPECT_NE(threads.output.find("--threads -3 is out of range: it must not be negative"),
            std::string::npos)
      << threads.output;
  expect_error("--f0 600 --dt 0.001" + out, 1, "above the Nyquist frequency 500 Hz");
  expect_error("--snapshots -1" + out, 2, "--snapshots -1");
  expect_error("--survey marmousi" + out, 2, "--survey: unknown survey 'marmousi'");
  {
    vmb::io::NpyWriter stack(dir / "model1.npy", {2, 1, 20, 30});
    const std::vector<float> v(2 * 20 * 30, 2000.0f);
    stack.append(v.data(), v.size());
    stack.commit();
  }
  expect_error("--model " + (dir / "model1.npy") + out, 1, "holds 2 models of 20 x 30; choose one");
  expect_error("--model " + (dir / "model1.npy") + " --sample 2" + out, 1, "there is no sample 2");
  expect_error("--model " + (dir / "model1.npy") + " --sample -1" + out, 2, "--sample -1");
  EXPECT_FALSE(fs::exists(dir / "g.h5"));
  // An output that is an input; an output that is a folder.
  vmb::io::write_model(dir / "m.h5", vmb::demo_model(20, 30, 10.0));
  const std::string model_bytes = [&] {
    std::ifstream in(dir / "m.h5", std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }();
  expect_error("--model " + (dir / "m.h5") + " --out " + (dir / "m.h5"), 1,
               "--out '" + (dir / "m.h5") + "' is the input --model");
  expect_error("--model " + (dir / "m.h5") + " --out " + (dir / "./m.h5"), 1,
               "is the input --model");
  std::ifstream again(dir / "m.h5", std::ios::binary);
  EXPECT_TRUE(std::string((std::istreambuf_iterator<char>(again)), {}) == model_bytes);
  expect_error("--model " + (dir / "m.h5") + " --out " + dir.path(), 1, "is a folder");
  // A truncated MATLAB file is named as such, not read as zeros.
  vmb::io::write_model(dir / "m.mat", vmb::demo_model(20, 30, 10.0));
  fs::resize_file(dir / "m.mat", fs::file_size(dir / "m.mat") - 100);
  expect_error("--model " + (dir / "m.mat") + out, 1, "truncated or damaged");
}

// Pictures of degenerate sizes once hung (a tick step of 0): each run ends within the timeout.
TEST(Simulate, PicturesOfDegenerateSizesFinish) {
  vmb::test::TempDir dir;
  for (const auto& [nz, nx] : std::vector<std::pair<int, int>>{{1, 30}, {1, 1}, {30, 1}}) {
    vmb::io::write_model(dir / "m.h5", vmb::VelocityModel(nz, nx, 10.0, 10.0, 2000.0f));
    const auto r = vmb::test::run("timeout 60 " + kSimulate + " --threads 1 --quiet --model " +
                                  (dir / "m.h5") + " --nshots 1 --sz 0 --rz 0 --nt 50 --out " +
                                  (dir / "g.h5") + " --png " + (dir / "png"));
    ASSERT_EQ(r.exit_code, 0) << nz << " x " << nx << "\n" << r.output;
    EXPECT_TRUE(fs::exists(dir / "png/velocity.png"));
    EXPECT_TRUE(fs::exists(dir / "png/shot_001.png"));
  }
  const auto r =
      vmb::test::run("timeout 60 " + kSimulate + " --threads 1 --quiet --nshots 1 --nt 1 --out " +
                     (dir / "g.h5") + " --png " + (dir / "png1"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir / "png1/shot_001.png"));
}
