// Velocity-model files: round trips through every format, the FCNVMB release, bad files.

#include <gtest/gtest.h>
#include <matio.h>
#include <segyio/segy.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "run.hpp"
#include "vmb/io/error.hpp"
#include "vmb/io/hdf5.hpp"
#include "vmb/io/model_io.hpp"
#include "vmb/io/npy.hpp"

namespace {

namespace fs = std::filesystem;
using vmb::io::ModelFileOptions;
using vmb::io::ModelFormat;
using vmb::test::error_of;

vmb::VelocityModel sample_model() {
  vmb::VelocityModel m(7, 11, 12.5, 10.0);  // dz != dx, nz != nx: catches transposes
  for (int iz = 0; iz < m.nz; ++iz)
    for (int ix = 0; ix < m.nx; ++ix) m.at(iz, ix) = 1500.0f + 100.0f * iz + 3.0f * ix;
  return m;
}

void expect_same(const vmb::VelocityModel& a, const vmb::VelocityModel& b) {
  ASSERT_EQ(a.nz, b.nz);
  ASSERT_EQ(a.nx, b.nx);
  EXPECT_DOUBLE_EQ(a.dx, b.dx);
  EXPECT_DOUBLE_EQ(a.dz, b.dz);
  EXPECT_EQ(a.velocity, b.velocity);
}

// Rewrites a SEG-Y file written by vmbkit (IEEE floats, format 5) in IBM floats (format 1),
// as older surveys and many public models are stored, through segyio's own conversions.
void convert_segy_to_ibm(const std::string& path) {
  std::unique_ptr<segy_file, int (*)(segy_file*)> fp(segy_open(path.c_str(), "r+b"), segy_close);
  ASSERT_NE(fp, nullptr);
  std::vector<char> binheader(SEGY_BINARY_HEADER_SIZE);
  ASSERT_EQ(segy_binheader(fp.get(), binheader.data()), SEGY_OK);
  const int samples = segy_samples(binheader.data());
  const long trace0 = segy_trace0(binheader.data());
  const int bytes = segy_trsize(SEGY_IEEE_FLOAT_4_BYTE, samples);
  int traces = 0;
  ASSERT_EQ(segy_traces(fp.get(), &traces, trace0, bytes), SEGY_OK);
  std::vector<float> trace(samples);
  for (int i = 0; i < traces; ++i) {
    ASSERT_EQ(segy_readtrace(fp.get(), i, trace.data(), trace0, bytes), SEGY_OK);
    segy_to_native(SEGY_IEEE_FLOAT_4_BYTE, samples, trace.data());
    segy_from_native(SEGY_IBM_FLOAT_4_BYTE, samples, trace.data());
    ASSERT_EQ(segy_writetrace(fp.get(), i, trace.data(), trace0, bytes), SEGY_OK);
  }
  ASSERT_EQ(segy_set_bfield(binheader.data(), SEGY_BIN_FORMAT, SEGY_IBM_FLOAT_4_BYTE), SEGY_OK);
  ASSERT_EQ(segy_write_binheader(fp.get(), binheader.data()), SEGY_OK);
}

}  // namespace

TEST(ModelIo, Hdf5RoundTrip) {
  vmb::test::TempDir dir;
  const auto m = sample_model();
  vmb::io::write_model(dir / "m.h5", m);
  expect_same(vmb::io::read_model(dir / "m.h5"), m);
}

TEST(ModelIo, BinaryRoundTripInEveryLayout) {
  vmb::test::TempDir dir;
  const auto m = sample_model();
  for (bool x_fastest : {true, false})
    for (bool big_endian : {false, true}) {
      ModelFileOptions o;
      o.nz = m.nz;
      o.nx = m.nx;
      o.x_fastest = x_fastest;
      o.big_endian = big_endian;
      o.dx = m.dx;
      o.dz = m.dz;
      vmb::io::write_model(dir / "m.bin", m, o);
      expect_same(vmb::io::read_model(dir / "m.bin", o), m);
    }
  // A raw file in km/s, little-endian, x fastest: the plain float32 layout.
  std::vector<float> km(m.velocity);
  for (float& v : km) v /= 1000.0f;
  std::ofstream(dir / "km.f32", std::ios::binary)
      .write(reinterpret_cast<const char*>(km.data()), std::streamsize(km.size() * 4));
  ModelFileOptions o;
  o.nz = m.nz;
  o.nx = m.nx;
  o.dx = 10.0;
  o.velocity_scale = 1000.0;
  const auto back = vmb::io::read_model(dir / "km.f32", o);
  for (std::size_t i = 0; i < km.size(); ++i) EXPECT_NEAR(back.velocity[i], m.velocity[i], 1e-3);
}

TEST(ModelIo, SegyRoundTrip) {
  vmb::test::TempDir dir;
  const auto m = sample_model();
  vmb::io::write_model(dir / "m.segy", m);
  expect_same(vmb::io::read_model(dir / "m.segy"), m);  // dx from the coordinates, dz from dt
}

TEST(ModelIo, SegyWithIbmFloatsReads) {
  vmb::test::TempDir dir;
  auto m = sample_model();
  // Fractions that IBM's hexadecimal exponent stores exactly (integers and multiples of 1/16),
  // so any error in the conversion shows as a mismatch rather than hiding in round-off.
  for (std::size_t i = 0; i < m.velocity.size(); ++i) m.velocity[i] += 0.0625f * (i % 16);
  vmb::io::write_model(dir / "ibm.segy", m);
  convert_segy_to_ibm(dir / "ibm.segy");
  expect_same(vmb::io::read_model(dir / "ibm.segy"), m);
}

TEST(ModelIo, MatRoundTrip) {
  vmb::test::TempDir dir;
  const auto m = sample_model();
  ModelFileOptions o;
  o.dx = m.dx;
  o.dz = m.dz;
  vmb::io::write_model(dir / "m.mat", m, o);
  expect_same(vmb::io::read_model(dir / "m.mat", o), m);
}

TEST(ModelIo, NpyRoundTripAndStacks) {
  vmb::test::TempDir dir;
  const auto m = sample_model();
  ModelFileOptions o;
  o.dx = m.dx;  // .npy holds no spacing
  o.dz = m.dz;
  vmb::io::write_model(dir / "m.npy", m);
  expect_same(vmb::io::read_model(dir / "m.npy", o), m);
  EXPECT_EQ(vmb::io::models_in_file(dir / "m.npy"), 1);
  vmb::io::write_model(dir / "m.h5", m);
  EXPECT_EQ(vmb::io::models_in_file(dir / "m.h5"), 1);  // other formats hold one model
  // OpenFWI's model files: [n, 1, nz, nx]; a sample picks one.
  std::vector<float> stack;
  for (int k = 0; k < 3; ++k)
    for (float v : m.velocity) stack.push_back(v + 1000.0f * k);
  for (const std::vector<std::size_t>& shape :
       {std::vector<std::size_t>{3, 1, 7, 11}, std::vector<std::size_t>{3, 7, 11}}) {
    {
      vmb::io::NpyWriter out(dir / "stack.npy", shape);
      out.append(stack.data(), stack.size());
      out.commit();
    }
    EXPECT_EQ(vmb::io::models_in_file(dir / "stack.npy"), 3);
    ModelFileOptions pick = o;
    pick.sample = 2;
    auto expected = m;
    for (float& v : expected.velocity) v += 2000.0f;
    expect_same(vmb::io::read_model(dir / "stack.npy", pick), expected);
    pick.sample = 3;
    EXPECT_NE(error_of([&] {
                vmb::io::read_model(dir / "stack.npy", pick);
              }).find("holds 3 models of 7 x 11: there is no sample 3"),
              std::string::npos);
    EXPECT_NE(error_of([&] {
                vmb::io::read_model(dir / "stack.npy", o);
              }).find("holds 3 models of 7 x 11; choose one (--sample)"),
              std::string::npos);
  }
  {
    vmb::io::NpyWriter out(dir / "channels.npy", {1, 2, 7, 11});
    out.append(stack.data(), 2 * m.velocity.size());
    out.commit();
  }
  EXPECT_NE(error_of([&] {
              vmb::io::read_model(dir / "channels.npy", o);
            }).find("a stack of models [n, nz, nx] or [n, 1, nz, nx]"),
            std::string::npos);
  ModelFileOptions h5 = o;
  h5.sample = 0;
  vmb::io::write_model(dir / "m.h5", m);
  EXPECT_NE(error_of([&] { vmb::io::read_model(dir / "m.h5", h5); }).find(".npy stacks"),
            std::string::npos);
}

// A model set of vmb-genmodels (/velocity [n, nz, nx]) is a model file whose models `sample`
// picks, as from an .npy stack, with its spacing.
TEST(ModelIo, Hdf5ModelSetsPickOne) {
  vmb::test::TempDir dir;
  const auto m = sample_model();
  std::vector<float> set;
  for (int k = 0; k < 3; ++k)
    for (float v : m.velocity) set.push_back(v + 1000.0f * k);
  {
    vmb::io::H5File file(dir / "set.h5", vmb::io::H5File::Mode::kCreate);
    file.write("/velocity", {3, vmb::io::Extent(m.nz), vmb::io::Extent(m.nx)}, set.data());
    file.set_attribute("dx", m.dx);
    file.set_attribute("dz", m.dz);
  }
  EXPECT_EQ(vmb::io::models_in_file(dir / "set.h5"), 3);
  ModelFileOptions pick;
  pick.sample = 1;
  auto expected = m;
  for (float& v : expected.velocity) v += 1000.0f;
  expect_same(vmb::io::read_model(dir / "set.h5", pick), expected);
  pick.sample = 3;
  EXPECT_NE(error_of([&] {
              vmb::io::read_model(dir / "set.h5", pick);
            }).find("holds 3 models of 7 x 11: there is no sample 3"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              vmb::io::read_model(dir / "set.h5");
            }).find("holds 3 models of 7 x 11; choose one (--sample)"),
            std::string::npos);
}

TEST(ModelIo, FormatFromNameAndExtension) {
  EXPECT_EQ(vmb::io::guess_model_format("a/b.H5"), ModelFormat::kHdf5);
  EXPECT_EQ(vmb::io::guess_model_format("x.sgy"), ModelFormat::kSegy);
  EXPECT_EQ(vmb::io::guess_model_format("x.f32"), ModelFormat::kBinary);
  EXPECT_EQ(vmb::io::model_format_from_name("mat"), ModelFormat::kMat);
  EXPECT_EQ(vmb::io::guess_model_format("model1.npy"), ModelFormat::kNpy);
  EXPECT_THROW(vmb::io::guess_model_format("x.txt"), vmb::IoError);
  EXPECT_THROW(vmb::io::model_format_from_name("png"), vmb::IoError);
}

TEST(ModelIo, BadFilesGetClearErrors) {
  vmb::test::TempDir dir;
  auto message = [](const std::string& path, const ModelFileOptions& o) -> std::string {
    try {
      vmb::io::read_model(path, o);
    } catch (const vmb::IoError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message(dir / "missing.h5", {}).find("no such file"), std::string::npos);
  std::ofstream(dir / "text.h5") << "not hdf5\n";
  EXPECT_NE(message(dir / "text.h5", {}).find("not an HDF5 file"), std::string::npos);
  std::ofstream(dir / "text.segy") << "not segy\n";
  EXPECT_FALSE(message(dir / "text.segy", {}).empty());
  std::ofstream(dir / "text.mat") << "not mat\n";
  EXPECT_NE(message(dir / "text.mat", {}).find("MATLAB"), std::string::npos);
  std::ofstream(dir / "short.bin", std::ios::binary) << std::string(40, '\0');
  ModelFileOptions o;
  o.nz = 3;
  o.nx = 4;
  o.dx = 10;
  EXPECT_NE(message(dir / "short.bin", o).find("not nz * nx * 4 = 48"), std::string::npos);
  o.nz = 0;
  EXPECT_NE(message(dir / "short.bin", o).find("--nz"), std::string::npos);
  const auto m = sample_model();
  vmb::io::write_model(dir / "m.h5", m);
  ModelFileOptions wrong;
  wrong.nz = 8;
  EXPECT_NE(message(dir / "m.h5", wrong).find("holds 7 x 11"), std::string::npos);
}

// Every model the FCNVMB authors released reads with its shape and value range.
TEST(ModelIo, FcnvmbReleaseReads) {
  const fs::path root = fs::path(VMB_SHARED_DATA) / "fcnvmb-release";
  if (!fs::exists(root)) GTEST_SKIP() << "no FCNVMB release at " << root;
  // Bounds of every model; the salt (and, in the SEG slices, the water) hits them exactly.
  struct Set {
    fs::path folder;
    std::string stem;
    int first, last;
    float vmin, vmax;
    bool min_reached;
  };
  const Set sets[] = {
      {root / "train_data/SimulateData/vmodel_train", "vmodel", 1, 1600, 2000.f, 4500.f, false},
      {root / "test_data/SimulateData/vmodel_test", "vmodel", 1601, 1700, 2000.f, 4500.f, false},
      {root / "test_data/SEGSaltData/vmodel_test", "saltv", 1, 10, 1500.f, 4482.f, true}};
  int files = 0;
  ModelFileOptions grid;
  grid.nz = 201;
  grid.nx = 301;
  grid.dx = 10.0;
  for (const auto& set : sets) {
    float lo = 1e9f, hi = -1e9f;
    for (int i = set.first; i <= set.last; ++i) {
      const auto m = vmb::io::read_model(
          (set.folder / (set.stem + std::to_string(i) + ".mat")).string(), grid);
      ASSERT_EQ(m.nz, 201);
      ASSERT_EQ(m.nx, 301);
      lo = std::min(lo, m.min_velocity());
      hi = std::max(hi, m.max_velocity());
      ASSERT_GE(m.min_velocity(), set.vmin) << set.stem << i;
      ASSERT_LE(m.max_velocity(), set.vmax) << set.stem << i;
      ++files;
    }
    if (set.min_reached) {
      EXPECT_EQ(lo, set.vmin) << set.folder;
    }
    EXPECT_EQ(hi, set.vmax) << set.folder;
  }
  EXPECT_EQ(files, 1710);
}

namespace {

// Writes a real nt x nrec x nshots double array named `name` as MATLAB does (column-major),
// through libmatio: element (t, r, s) is 1000 s + 10 r + t / 100.
void write_rec(const std::string& path, const char* name, std::size_t nt, std::size_t nrec,
               std::size_t nshots) {
  std::vector<double> data(nt * nrec * nshots);
  for (std::size_t s = 0; s < nshots; ++s)
    for (std::size_t r = 0; r < nrec; ++r)
      for (std::size_t t = 0; t < nt; ++t)
        data[(s * nrec + r) * nt + t] = 1000.0 * s + 10.0 * r + t / 100.0;
  mat_t* mat = Mat_CreateVer(path.c_str(), nullptr, MAT_FT_MAT5);
  ASSERT_NE(mat, nullptr);
  std::size_t dims[3] = {nt, nrec, nshots};
  matvar_t* var = Mat_VarCreate(name, MAT_C_DOUBLE, MAT_T_DOUBLE, 3, dims, data.data(), 0);
  ASSERT_NE(var, nullptr);
  ASSERT_EQ(Mat_VarWrite(mat, var, MAT_COMPRESSION_NONE), 0);
  Mat_VarFree(var);
  Mat_Close(mat);
}

}  // namespace

// The FCNVMB release's gathers (Rec, time x receiver x shot) come back as [shot][time][receiver];
// a file without Rec, of another shape, or missing is refused naming it.
TEST(ModelIo, FcnvmbReleaseGathers) {
  vmb::test::TempDir dir;
  write_rec(dir / "georec1.mat", "Rec", 20, 7, 3);
  const auto g = vmb::io::read_fcnvmb_gathers(dir / "georec1.mat", 20, 7, 3);
  ASSERT_EQ(g.size(), 3u * 20 * 7);
  for (int s : {0, 2})
    for (int t : {0, 19})
      for (int r : {0, 6})
        EXPECT_FLOAT_EQ(g[(std::size_t(s) * 20 + t) * 7 + r], 1000.0f * s + 10.0f * r + t / 100.0f);
  auto refused = [&](const std::string& file, int nt, const std::string& what) {
    try {
      vmb::io::read_fcnvmb_gathers(file, nt, 7, 3);
    } catch (const vmb::IoError& e) {
      const std::string m = e.what();
      return m.find(file) != std::string::npos && m.find(what) != std::string::npos;
    }
    return false;
  };
  EXPECT_TRUE(refused(dir / "georec1.mat", 2000, "not a real 2000 x 7 x 3"));
  write_rec(dir / "georec2.mat", "rec", 20, 7, 3);
  EXPECT_TRUE(refused(dir / "georec2.mat", 20, "no variable 'Rec'"));
  EXPECT_TRUE(refused(dir / "georec3.mat", 20, "no such file"));
}
