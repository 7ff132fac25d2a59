// NumPy .npy files: streamed writing and ranged reading, headers of every length, and files this
// reader must refuse. numpy.load reading what NpyWriter writes is checked by the pytest suite.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include "run.hpp"
#include "vmb/io/error.hpp"
#include "vmb/io/npy.hpp"

namespace {

namespace fs = std::filesystem;
using vmb::test::error_of;

// An .npy file as numpy.save lays it out (format 1.0): magic, version, little-endian header
// length, the header dict padded with spaces and ended by a newline so that the data starts at a
// multiple of 64 bytes, then the data. Written by hand here to make the files NpyWriter never
// writes: other dtypes, Fortran order, other versions.
void write_raw_npy(const std::string& path, const std::string& dict, const std::string& data,
                   unsigned char major = 1) {
  std::string header = dict;
  const std::size_t fixed = 10;
  while ((fixed + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out << "\x93NUMPY" << char(major) << char(0) << char(header.size() & 0xff)
      << char(header.size() >> 8) << header << data;
}

std::vector<float> ramp(std::size_t n) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = 0.25f * float(i) - 7.0f;
  return v;
}

}  // namespace

TEST(Npy, StreamedWriteReadsBackInAnyRange) {
  vmb::test::TempDir dir;
  const std::vector<std::size_t> shape{3, 1, 4, 5};
  const auto values = ramp(60);
  {
    vmb::io::NpyWriter out(dir / "a.npy", shape);
    for (std::size_t at = 0; at < values.size(); at += 20) out.append(&values[at], 20);
    out.commit();
  }
  const auto h = vmb::io::read_npy_header(dir / "a.npy");
  EXPECT_EQ(h.shape, shape);
  EXPECT_EQ(h.word_size, 4);
  EXPECT_EQ(h.elements(), 60u);
  EXPECT_EQ(h.data_offset % 64, 0u);  // numpy's alignment of the data
  EXPECT_EQ(fs::file_size(dir / "a.npy"), h.data_offset + 240);
  EXPECT_EQ(vmb::io::read_npy(dir / "a.npy", h, 0, 60), values);
  const auto middle = vmb::io::read_npy(dir / "a.npy", h, 20, 20);
  EXPECT_EQ(middle, std::vector<float>(values.begin() + 20, values.begin() + 40));
  EXPECT_NE(error_of([&] { vmb::io::read_npy(dir / "a.npy", h, 50, 11); }).find("outside"),
            std::string::npos);
}

// Header lengths of 128 bytes and more need the length's low byte read unsigned; a shape of many
// axes makes such a header.
TEST(Npy, LongHeadersRead) {
  vmb::test::TempDir dir;
  for (std::size_t axes : {1, 20, 40, 60}) {
    std::vector<std::size_t> shape(axes, 1);
    shape[0] = 3;
    {
      vmb::io::NpyWriter out(dir / "long.npy", shape);
      out.append(ramp(3).data(), 3);
      out.commit();
    }
    const auto h = vmb::io::read_npy_header(dir / "long.npy");
    EXPECT_EQ(h.shape, shape) << axes;
    EXPECT_EQ(vmb::io::read_npy(dir / "long.npy", h, 0, 3), ramp(3)) << axes;
  }
}

TEST(Npy, Float64IsReadRounded) {
  vmb::test::TempDir dir;
  const std::vector<double> wide{1500.0, 1.0 / 3.0, 4482.000001};
  write_raw_npy(dir / "d.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }",
                std::string(reinterpret_cast<const char*>(wide.data()), 24));
  const auto h = vmb::io::read_npy_header(dir / "d.npy");
  EXPECT_EQ(h.word_size, 8);
  const auto v = vmb::io::read_npy(dir / "d.npy", h, 0, 3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(v[i], float(wide[i]));
}

TEST(Npy, UnfinishedWritesLeaveNoFile) {
  vmb::test::TempDir dir;
  const auto values = ramp(10);
  {
    vmb::io::NpyWriter out(dir / "part.npy", {2, 5});
    out.append(values.data(), 7);
    EXPECT_NE(error_of([&] { out.append(values.data(), 4); }).find("more values"),
              std::string::npos);
    EXPECT_NE(error_of([&] { out.commit(); }).find("incomplete: 7 of 10 values"),
              std::string::npos);
  }
  EXPECT_TRUE(fs::is_empty(dir.path()));  // no final file, no temporary left behind
  EXPECT_NE(error_of([&] { vmb::io::NpyWriter(dir / "none/x.npy", {2}); }), "no error");
}

TEST(Npy, FilesItCannotReadAreRefusedByName) {
  vmb::test::TempDir dir;
  const std::string f4(16, '\0');
  auto refusal = [&](const std::string& name) {
    return error_of([&] { vmb::io::read_npy_header(dir / name); });
  };
  std::ofstream(dir / "text.npy") << "just text, long enough to hold a header\n";
  write_raw_npy(dir / "int.npy", "{'descr': '<i4', 'fortran_order': False, 'shape': (4,), }", f4);
  write_raw_npy(dir / "big.npy", "{'descr': '>f4', 'fortran_order': False, 'shape': (4,), }", f4);
  write_raw_npy(dir / "fortran.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }",
                f4);
  write_raw_npy(dir / "short.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }", f4);
  write_raw_npy(dir / "v3.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", f4, 3);
  write_raw_npy(dir / "garbled.npy", "{'descr': '<f4', 'shape': (4,), }", f4);
  EXPECT_NE(refusal("missing.npy").find("no such file"), std::string::npos);
  EXPECT_NE(refusal("text.npy").find("not a NumPy .npy file"), std::string::npos);
  EXPECT_NE(refusal("int.npy").find("dtype '<i4'"), std::string::npos);
  EXPECT_NE(refusal("big.npy").find("dtype '>f4'"), std::string::npos);
  EXPECT_NE(refusal("fortran.npy").find("Fortran order"), std::string::npos);
  EXPECT_NE(refusal("short.npy").find("truncated: shape (5,) needs"), std::string::npos);
  EXPECT_NE(refusal("v3.npy").find("version 3.0"), std::string::npos);
  EXPECT_NE(refusal("garbled.npy").find("damaged .npy header"), std::string::npos);
  for (const char* name : {"text.npy", "int.npy", "short.npy", "garbled.npy"})
    EXPECT_NE(refusal(name).find(name), std::string::npos) << "the message names the file";
}
