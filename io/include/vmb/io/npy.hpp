#pragma once
// NumPy .npy files, the format of numpy.save and of OpenFWI's datasets: a header (the dtype, the
// axis order and the shape, as a Python dict) and the array's bytes. Handled here: little-endian
// float32 ('<f4') and float64 ('<f8') arrays in C order, format versions 1.0 and 2.0.
//
// The header is written and parsed by xtensor's npy code; the data is streamed, because an
// OpenFWI export at the FCNVMB geometry holds 7 GB per file: NpyWriter appends a sample at a
// time, read_npy reads any range of elements without loading the rest.

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "vmb/io/atomic_file.hpp"

namespace vmb::io {

struct NpyHeader {
  std::vector<std::size_t> shape;  // C order: the last axis is the fastest
  int word_size = 4;               // bytes per element: 4 (float32) or 8 (float64)
  std::uint64_t data_offset = 0;   // bytes before the first element
  std::uint64_t elements() const;
};

// Reads the header of path and checks that the file holds the array it announces. IoError naming
// the file for a missing or unreadable file, one that is not .npy, a dtype other than
// little-endian float32 or float64, Fortran order, or fewer bytes than the shape needs.
NpyHeader read_npy_header(const std::string& path);

// Elements [first, first + count) of the array in path (whose header is given), as float32:
// float64 values are rounded. IoError if the range lies outside the array or the read fails.
std::vector<float> read_npy(const std::string& path, const NpyHeader& header, std::uint64_t first,
                            std::size_t count);

// Writes a float32 array of the given shape, C order, streamed: append() exactly as many values as
// the shape holds, in order, then commit() renames the file into place. Until then the data lies
// under a temporary name (AtomicFile), removed if the writer is destroyed uncommitted.
class NpyWriter {
 public:
  // IoError if the folder is missing or not writable, or the shape is empty.
  NpyWriter(const std::string& path, std::vector<std::size_t> shape);
  // IoError if more values arrive than the shape holds, or the write fails.
  void append(const float* values, std::size_t count);
  // IoError if fewer values arrived than the shape holds.
  void commit();

 private:
  AtomicFile file_;
  std::ofstream out_;
  std::uint64_t expected_ = 0, written_ = 0;
};

}  // namespace vmb::io
