#pragma once
// A small RAII layer over the HDF5 C API for the toolkit's files: float datasets of any rank,
// scalar, array and string attributes. The C API stays behind it: this header includes no HDF5
// header. Errors throw IoError naming the file and the object.
// Debian's HDF5 is built without thread safety: every call made through this layer holds one
// process-wide lock, so a writer thread and a reader thread may each use their own H5File.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace vmb::io {

// The lock every HDF5 call of the toolkit holds.
std::recursive_mutex& hdf5_mutex();

// The extent of one axis of a dataset (HDF5's Extent).
using Extent = unsigned long long;

// An owned HDF5 identifier (defined where the HDF5 C API is included: hdf5.cpp).
class H5Id;

struct DatasetOptions {
  std::vector<Extent> chunk;  // empty: contiguous
  int deflate = 0;            // gzip level 1-9 with chunking; 0: none
};

class H5File {
 public:
  enum class Mode { kRead, kReadWrite, kCreate };
  H5File(const std::string& path, Mode mode);
  ~H5File();
  H5File(H5File&&) noexcept;
  H5File& operator=(H5File&&) noexcept;

  const std::string& path() const { return path_; }
  bool has(const std::string& name) const;

  void write(const std::string& name, const std::vector<Extent>& dims, const float* data,
             const DatasetOptions& options = {});
  void write(const std::string& name, const std::vector<Extent>& dims, const std::int64_t* data);
  // Creates an empty float dataset to be filled by write_slab.
  void create(const std::string& name, const std::vector<Extent>& dims,
              const DatasetOptions& options = {});
  // Writes data into dataset[index, ...] (one index along the first axis).
  void write_slab(const std::string& name, Extent index, const float* data);

  std::vector<Extent> dims(const std::string& name) const;
  std::vector<float> read(const std::string& name) const;
  std::vector<std::int64_t> read_int64(const std::string& name) const;
  // Reads dataset[index, ...] (one index along the first axis).
  std::vector<float> read_slab(const std::string& name, Extent index) const;

  void set_attribute(const std::string& name, double value);
  void set_attribute(const std::string& name, std::int64_t value);
  void set_attribute(const std::string& name, const std::string& value);
  void set_attribute(const std::string& name, const std::vector<double>& values);
  bool has_attribute(const std::string& name) const;
  double attribute_double(const std::string& name) const;
  std::int64_t attribute_int(const std::string& name) const;
  std::string attribute_string(const std::string& name) const;
  std::vector<double> attribute_doubles(const std::string& name) const;

  void flush();

 private:
  [[noreturn]] void fail(const std::string& what) const;
  H5Id open_dataset(const std::string& name) const;

  std::string path_;
  std::unique_ptr<H5Id> file_;
};

}  // namespace vmb::io
