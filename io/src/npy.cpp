#include "vmb/io/npy.hpp"

#include <filesystem>
#include <functional>
#include <numeric>
#include <xtensor/xnpy.hpp>

#include "vmb/io/error.hpp"

namespace vmb::io {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw IoError("'" + path + "': " + what);
}

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

// The little-endian unsigned header length that follows the magic and version: 2 bytes in format
// 1.0, 4 in 2.0. Read here rather than by xtensor, whose reader sign-extends bytes above 127.
std::uint32_t header_length(std::istream& in, int bytes) {
  unsigned char b[4] = {0, 0, 0, 0};
  in.read(reinterpret_cast<char*>(b), bytes);
  return std::uint32_t(b[0]) | std::uint32_t(b[1]) << 8 | std::uint32_t(b[2]) << 16 |
         std::uint32_t(b[3]) << 24;
}

}  // namespace

std::uint64_t NpyHeader::elements() const {
  return std::accumulate(shape.begin(), shape.end(), std::uint64_t(1), std::multiplies<>());
}

NpyHeader read_npy_header(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) fail(path, "no such file");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot be opened for reading");
  NpyHeader h;
  std::string descr;
  bool fortran_order = false;
  unsigned char major = 0, minor = 0;
  try {
    xt::detail::read_magic(in, &major, &minor);
  } catch (const std::exception&) {
    fail(path, "not a NumPy .npy file");
  }
  if ((major != 1 && major != 2) || minor != 0)
    fail(path, "is .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                   "; versions 1.0 and 2.0 are read");
  std::string dict(header_length(in, major == 1 ? 2 : 4), '\0');
  if (!in.read(dict.data(), std::streamsize(dict.size())))
    fail(path, "truncated inside its .npy header");
  try {
    xt::detail::parse_header(dict, descr, &fortran_order, h.shape);
  } catch (const std::exception& e) {
    fail(path, std::string("has a damaged .npy header (") + e.what() + ")");
  }
  h.data_offset = std::uint64_t(in.tellg());
  if (descr == "<f4")
    h.word_size = 4;
  else if (descr == "<f8")
    h.word_size = 8;
  else
    fail(path, "holds dtype '" + descr + "'; float32 ('<f4') or float64 ('<f8') is read");
  if (fortran_order && h.shape.size() > 1)
    fail(path, "is in Fortran order; save it with numpy.ascontiguousarray");
  const std::uint64_t needed = h.data_offset + h.elements() * std::uint64_t(h.word_size);
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size < needed)
    fail(path, "is truncated: shape " + shape_text(h.shape) + " needs " + std::to_string(needed) +
                   " bytes, the file has " + std::to_string(ec ? 0 : size));
  return h;
}

std::vector<float> read_npy(const std::string& path, const NpyHeader& header, std::uint64_t first,
                            std::size_t count) {
  if (first > header.elements() || count > header.elements() - first)
    fail(path, "elements " + std::to_string(first) + " to " + std::to_string(first + count) +
                   " lie outside its shape " + shape_text(header.shape));
  std::ifstream in(path, std::ios::binary);
  in.seekg(std::streamoff(header.data_offset + first * header.word_size));
  std::vector<float> out(count);
  if (header.word_size == 4) {
    in.read(reinterpret_cast<char*>(out.data()), std::streamsize(count * 4));
  } else {
    std::vector<double> wide(count);
    in.read(reinterpret_cast<char*>(wide.data()), std::streamsize(count * 8));
    std::copy(wide.begin(), wide.end(), out.begin());
  }
  if (!in) fail(path, "read failed");
  return out;
}

NpyWriter::NpyWriter(const std::string& path, std::vector<std::size_t> shape)
    : file_(path), out_(file_.temp_path(), std::ios::binary) {
  if (shape.empty()) fail(path, "an .npy array needs at least one axis");
  if (!out_) fail(file_.temp_path(), "cannot be created");
  expected_ = NpyHeader{shape}.elements();
  xt::detail::write_header(out_, xt::detail::build_typestring<float>(), false, shape);
}

void NpyWriter::append(const float* values, std::size_t count) {
  if (count > expected_ - written_)
    fail(file_.final_path(), "more values than its shape holds were written");
  out_.write(reinterpret_cast<const char*>(values), std::streamsize(count * sizeof(float)));
  if (!out_) fail(file_.final_path(), "write failed (disk full?)");
  written_ += count;
}

void NpyWriter::commit() {
  if (written_ != expected_)
    fail(file_.final_path(), "incomplete: " + std::to_string(written_) + " of " +
                                 std::to_string(expected_) + " values written");
  out_.close();
  if (!out_) fail(file_.final_path(), "write failed (disk full?)");
  file_.commit();
}

}  // namespace vmb::io
