// vmb-fwi as a user runs it: a gathers file of vmb-simulate inverted from a smoothed model, every
// output written, the model's error falling band by band, and bad input refused in one line
// before anything is written.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "run.hpp"
#include "vmb/io/model_io.hpp"

namespace {

namespace fs = std::filesystem;
const std::string kSimulate = VMB_SIMULATE;
const std::string kFwi = VMB_FWI;

// Water over a linear gradient, with a fast lens.
vmb::VelocityModel truth() {
  vmb::VelocityModel m(36, 48, 10.0, 10.0);
  for (int iz = 0; iz < m.nz; ++iz)
    for (int ix = 0; ix < m.nx; ++ix) {
      float v = iz < 4 ? 1500.0f : 1900.0f + 20.0f * iz;
      if ((iz - 18) * (iz - 18) + (ix - 24) * (ix - 24) < 25) v += 300.0f;
      m.at(iz, ix) = v;
    }
  return m;
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// The column `name` of a CSV file's rows.
std::vector<std::string> column(const std::string& csv, const std::string& name) {
  std::istringstream in(csv);
  std::string line, cell;
  std::getline(in, line);
  std::istringstream header(line);
  int index = 0, at = -1;
  while (std::getline(header, cell, ',')) {
    if (cell == name) at = index;
    ++index;
  }
  std::vector<std::string> out;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    for (int k = 0; std::getline(row, cell, ','); ++k)
      if (k == at) out.push_back(cell);
  }
  return out;
}

}  // namespace

TEST(VmbFwi, InvertsAGathersFileBandByBand) {
  vmb::test::TempDir dir;
  vmb::io::write_model(dir / "true.h5", truth());
  auto r = vmb::test::run(kSimulate + " --model " + (dir / "true.h5") +
                          " --nshots 4 --nrec 24 --nt 400 --dt 0.001 --f0 20 --pml 12 --out " +
                          (dir / "observed.h5") + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string fwi = kFwi + " --observed " + (dir / "observed.h5") + " --initial " +
                          (dir / "true.h5") + " --initial-smooth 60 --fix-top 4 --vmax 3000" +
                          " --bands 10,20 --iterations 4 --threads 2";
  r = vmb::test::run(fwi + " --true " + (dir / "true.h5") + " --out " + (dir / "out"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("vmb-fwi: iterations"), std::string::npos) << r.output;
  for (const char* f : {"model.h5", "band_1.h5", "band_2.h5", "model.png", "band_1.png",
                        "band_2.png", "misfit.csv", "misfit.png", "metrics.csv"})
    EXPECT_TRUE(fs::exists(dir / ("out/" + std::string(f)))) << f;
  const auto model = vmb::io::read_model(dir / "out/model.h5");
  EXPECT_EQ(model.nz, 36);
  EXPECT_EQ(model.nx, 48);
  // Every accepted step lowers the misfit within its band.
  const std::string misfit = read(dir / "out/misfit.csv");
  const auto bands = column(misfit, "band"), values = column(misfit, "misfit");
  ASSERT_GE(values.size(), 6u) << misfit;
  for (std::size_t k = 1; k < values.size(); ++k)
    if (bands[k] == bands[k - 1]) {
      EXPECT_LT(std::stod(values[k]), std::stod(values[k - 1])) << k;
    }
  // The model's error falls band by band.
  const std::string metrics = read(dir / "out/metrics.csv");
  const auto stages = column(metrics, "stage"), mae = column(metrics, "mae");
  ASSERT_EQ(stages, (std::vector<std::string>{"initial", "band_1", "band_2"})) << metrics;
  EXPECT_LT(std::stod(mae[1]), std::stod(mae[0])) << metrics;
  EXPECT_LT(std::stod(mae[2]), std::stod(mae[1])) << metrics;
  // Without --true there are no metrics; the rest is written alike, quietly.
  r = vmb::test::run(fwi + " --quiet --out " + (dir / "plain"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "");
  EXPECT_TRUE(fs::exists(dir / "plain/model.h5"));
  EXPECT_FALSE(fs::exists(dir / "plain/metrics.csv"));
}

TEST(VmbFwi, BadInputGetsOneLineBeforeAnyOutput) {
  vmb::test::TempDir dir;
  vmb::io::write_model(dir / "true.h5", truth());
  ASSERT_EQ(vmb::test::run(kSimulate + " --model " + (dir / "true.h5") +
                           " --nshots 2 --nrec 8 --nt 100 --dt 0.001 --f0 20 --out " +
                           (dir / "observed.h5") + " --quiet")
                .exit_code,
            0);
  vmb::VelocityModel narrow = truth();
  narrow.nx = 20;
  narrow.velocity.resize(std::size_t(narrow.nz) * narrow.nx);
  vmb::io::write_model(dir / "narrow.h5", narrow);
  vmb::VelocityModel bad = truth();
  bad.velocity[7] = std::nanf("");
  vmb::io::write_model(dir / "nan.bin", bad);
  const std::string base =
      kFwi + " --observed " + (dir / "observed.h5") + " --out " + (dir / "out");
  const std::string initial = " --initial " + (dir / "true.h5");
  for (const auto& [args, message] : std::vector<std::pair<std::string, std::string>>{
           {initial + " --bands ,", "the list of frequency bands is empty"},
           {initial + " --bands 5,x", "--bands wants frequencies"},
           {initial + " --vmin 2000", "exclude the initial model's velocities"},
           {initial + " --vmax 2000", "exclude the initial model's velocities"},
           {initial + " --fix-top 36", "fix-top 36 is outside the model's 36 rows"},
           {" --initial " + (dir / "narrow.h5"), "lies outside the model"},
           {" --initial " + (dir / "nan.bin") + " --nz 36 --nx 48 --dx 10", "not finite"},
           {initial + " --true " + (dir / "narrow.h5"), "the true model is 36 x 20"},
           {"", "--initial is required"}}) {
    const auto r = vmb::test::run(base + args);
    EXPECT_NE(r.exit_code, 0) << args;
    EXPECT_NE(r.output.find(message), std::string::npos) << args << "\n" << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    EXPECT_FALSE(fs::exists(dir / "out")) << args;
  }
}
