#pragma once
// A small RAII layer over the HDF5 C API for the toolkit's files: float datasets of any rank,
// scalar, array and string attributes. Errors throw IoError naming the file and the object.
// Debian's HDF5 is built without thread safety: every call made through this layer holds one
// process-wide lock, so a writer thread and a reader thread may each use their own H5File.

#include <hdf5.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace vmb::io {

// The lock every HDF5 call of the toolkit holds.
std::recursive_mutex& hdf5_mutex();

// An owned HDF5 identifier, closed with the given function.
class H5Id {
 public:
  H5Id() = default;
  H5Id(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~H5Id() { reset(); }
  H5Id(H5Id&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = H5I_INVALID_HID; }
  H5Id& operator=(H5Id&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      close_ = o.close_;
      o.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  H5Id(const H5Id&) = delete;
  H5Id& operator=(const H5Id&) = delete;
  hid_t get() const { return id_; }
  void reset() {
    if (id_ >= 0 && close_) {
      std::lock_guard<std::recursive_mutex> lock(hdf5_mutex());
      close_(id_);
    }
    id_ = H5I_INVALID_HID;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  herr_t (*close_)(hid_t) = nullptr;
};

struct DatasetOptions {
  std::vector<hsize_t> chunk;  // empty: contiguous
  int deflate = 0;             // gzip level 1-9 with chunking; 0: none
};

class H5File {
 public:
  enum class Mode { kRead, kReadWrite, kCreate };
  H5File(const std::string& path, Mode mode);

  const std::string& path() const { return path_; }
  bool has(const std::string& name) const;

  void write(const std::string& name, const std::vector<hsize_t>& dims, const float* data,
             const DatasetOptions& options = {});
  void write(const std::string& name, const std::vector<hsize_t>& dims, const std::int64_t* data);
  // Creates an empty float dataset to be filled by write_slab.
  void create(const std::string& name, const std::vector<hsize_t>& dims,
              const DatasetOptions& options = {});
  // Writes data into dataset[index, ...] (one index along the first axis).
  void write_slab(const std::string& name, hsize_t index, const float* data);

  std::vector<hsize_t> dims(const std::string& name) const;
  std::vector<float> read(const std::string& name) const;
  std::vector<std::int64_t> read_int64(const std::string& name) const;
  // Reads dataset[index, ...] (one index along the first axis).
  std::vector<float> read_slab(const std::string& name, hsize_t index) const;

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
  H5Id file_;
};

}  // namespace vmb::io
