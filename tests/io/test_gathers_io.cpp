// The gathers file round trip and SEG-Y shot gathers read back through segyio.

#include <gtest/gtest.h>
#include <segyio/segy.h>

#include <cmath>
#include <filesystem>

#include "run.hpp"
#include "segy_util.hpp"
#include "vmb/io/atomic_file.hpp"
#include "vmb/io/error.hpp"
#include "vmb/io/gathers_io.hpp"
#include "vmb/io/hdf5.hpp"

namespace {

vmb::io::SimulationRecord sample_record() {
  vmb::io::SimulationRecord r;
  r.model = vmb::VelocityModel(5, 9, 10.0, 10.0, 2000.0f);
  r.model.at(3, 4) = 2500.0f;
  r.survey.sources = {{0.0, 10.0}, {40.0, 10.0}, {80.0, 12.5}};
  r.survey.receivers = vmb::evenly_spaced(4, 5.0, 75.0, 20.0);
  vmb::Gathers& g = r.gathers;
  g.nshots = 3;
  g.nt = 6;
  g.nrec = 4;
  g.dt = 2e-3;
  g.data.resize(3 * 6 * 4);
  for (std::size_t i = 0; i < g.data.size(); ++i) g.data[i] = 0.25f * float(i) - 3.0f;
  g.nsnapshots = 2;
  g.snapshot_every = 3;
  g.snapshots.assign(3 * 2 * 5 * 9, 0.5f);
  r.wavelet = {0.f, 1.f, 0.5f, -0.5f, 0.f, 0.f};
  r.f0 = 25.0;
  r.order = 6;
  r.pml = 12;
  r.free_surface = true;
  return r;
}

}  // namespace

TEST(GathersIo, RoundTrip) {
  vmb::test::TempDir dir;
  const auto r = sample_record();
  vmb::io::write_gathers(dir / "g.h5", r);
  const auto b = vmb::io::read_gathers(dir / "g.h5");
  EXPECT_EQ(b.gathers.data, r.gathers.data);
  EXPECT_EQ(b.gathers.snapshots, r.gathers.snapshots);
  EXPECT_EQ(b.gathers.nsnapshots, 2);
  EXPECT_EQ(b.gathers.snapshot_every, 3);
  EXPECT_EQ(b.wavelet, r.wavelet);
  EXPECT_EQ(b.model.velocity, r.model.velocity);
  ASSERT_EQ(b.survey.sources.size(), 3u);
  EXPECT_DOUBLE_EQ(b.survey.sources[2].z, 12.5);
  EXPECT_DOUBLE_EQ(b.survey.receivers[3].x, 75.0);
  EXPECT_DOUBLE_EQ(b.gathers.dt, 2e-3);
  EXPECT_DOUBLE_EQ(b.f0, 25.0);
  EXPECT_EQ(b.order, 6);
  EXPECT_EQ(b.pml, 12);
  EXPECT_TRUE(b.free_surface);
  // The layout a reader such as h5py sees.
  vmb::io::H5File f(dir / "g.h5", vmb::io::H5File::Mode::kRead);
  EXPECT_EQ(f.dims("/shots"), (std::vector<vmb::io::Extent>{3, 6, 4}));
  EXPECT_EQ(f.dims("/sources"), (std::vector<vmb::io::Extent>{3, 2}));
  EXPECT_EQ(f.dims("/receivers"), (std::vector<vmb::io::Extent>{4, 2}));
  EXPECT_EQ(f.dims("/velocity"), (std::vector<vmb::io::Extent>{5, 9}));
  EXPECT_EQ(f.dims("/snapshots"), (std::vector<vmb::io::Extent>{3, 2, 5, 9}));
  EXPECT_EQ(f.attribute_string("version"), vmb::io::version());
}

TEST(GathersIo, SegyShotShowsTheGeometry) {
  vmb::test::TempDir dir;
  const auto r = sample_record();
  vmb::io::write_segy_shot(dir / "shot.segy", r, 2);
  // Read back with segyio's own calls.
  segy_file* fp = segy_open((dir / "shot.segy").c_str(), "rb");
  ASSERT_NE(fp, nullptr);
  char bin[SEGY_BINARY_HEADER_SIZE];
  ASSERT_EQ(segy_binheader(fp, bin), SEGY_OK);
  EXPECT_EQ(segy_format(bin), SEGY_IEEE_FLOAT_4_BYTE);
  EXPECT_EQ(segy_samples(bin), 6);
  float interval = 0;
  ASSERT_EQ(segy_sample_interval(fp, 0.0f, &interval), SEGY_OK);
  EXPECT_FLOAT_EQ(interval, 2000.0f);  // us
  const long trace0 = segy_trace0(bin);
  const int bsize = segy_trsize(SEGY_IEEE_FLOAT_4_BYTE, 6);
  int traces = 0;
  ASSERT_EQ(segy_traces(fp, &traces, trace0, bsize), SEGY_OK);
  ASSERT_EQ(traces, 4);
  for (int ir = 0; ir < 4; ++ir) {
    char h[SEGY_TRACE_HEADER_SIZE];
    ASSERT_EQ(segy_traceheader(fp, ir, h, trace0, bsize), SEGY_OK);
    int32_t v = 0, scalar = 0;
    segy_get_field(h, SEGY_TR_SOURCE_GROUP_SCALAR, &scalar);
    EXPECT_EQ(scalar, -100);
    segy_get_field(h, SEGY_TR_SOURCE_X, &v);
    EXPECT_EQ(v, 8000);  // 80 m in cm
    segy_get_field(h, SEGY_TR_GROUP_X, &v);
    EXPECT_EQ(v, std::lround(r.survey.receivers[ir].x * 100));
    segy_get_field(h, SEGY_TR_SOURCE_DEPTH, &v);
    EXPECT_EQ(v, 1250);
    segy_get_field(h, SEGY_TR_FIELD_RECORD, &v);
    EXPECT_EQ(v, 3);
    segy_get_field(h, SEGY_TR_NUMBER_ORIG_FIELD, &v);
    EXPECT_EQ(v, ir + 1);
    segy_get_field(h, SEGY_TR_OFFSET, &v);
    EXPECT_EQ(v, std::lround(r.survey.receivers[ir].x - 80.0));
    float samples[6];
    ASSERT_EQ(segy_readtrace(fp, ir, samples, trace0, bsize), SEGY_OK);
    segy_to_native(SEGY_IEEE_FLOAT_4_BYTE, 6, samples);
    for (int it = 0; it < 6; ++it) EXPECT_EQ(samples[it], r.gathers(2, it, ir));
  }
  segy_close(fp);
}

TEST(GathersIo, BadInputAndAtomicWrites) {
  vmb::test::TempDir dir;
  auto r = sample_record();
  EXPECT_THROW(vmb::io::write_gathers("/nonexistent-folder/g.h5", r), vmb::IoError);
  EXPECT_THROW(vmb::io::read_gathers(dir / "missing.h5"), vmb::IoError);
  r.gathers.dt = 1.5e-7;
  EXPECT_THROW(vmb::io::write_segy_shot(dir / "s.segy", r, 0), vmb::IoError);
  EXPECT_THROW(vmb::io::write_segy_shot(dir / "s.segy", sample_record(), 3), vmb::IoError);
  {
    vmb::io::AtomicFile unfinished(dir / "never.h5");
    std::FILE* f = std::fopen(unfinished.temp_path().c_str(), "w");
    std::fputs("partial", f);
    std::fclose(f);
  }  // not committed: nothing may look finished
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  // A file lacking a dataset is reported, not crashed on.
  {
    vmb::io::H5File f(dir / "partial.h5", vmb::io::H5File::Mode::kCreate);
    const float x[2] = {1, 2};
    f.write("/shots", {1, 1, 2}, x);
  }
  try {
    vmb::io::read_gathers(dir / "partial.h5");
    FAIL() << "no error";
  } catch (const vmb::IoError& e) {
    EXPECT_NE(std::string(e.what()).find("partial.h5"), std::string::npos);
  }
}
