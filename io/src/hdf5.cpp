#include "vmb/io/hdf5.hpp"

#include <hdf5.h>

#include <numeric>
#include <type_traits>

#include "vmb/io/error.hpp"

namespace vmb::io {

static_assert(std::is_same_v<Extent, hsize_t>, "Extent is HDF5's hsize_t");

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

namespace {

// The library prints its own error stack by default; the toolkit reports errors itself.
void silence_hdf5() {
  static const bool silenced = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)silenced;
}

hsize_t count(const std::vector<hsize_t>& dims) {
  return std::accumulate(dims.begin(), dims.end(), hsize_t{1}, std::multiplies<hsize_t>());
}

}  // namespace

std::recursive_mutex& hdf5_mutex() {
  static std::recursive_mutex m;
  return m;
}

#define VMB_HDF5_LOCK std::lock_guard<std::recursive_mutex> hdf5_lock(hdf5_mutex())

H5File::H5File(const std::string& path, Mode mode) : path_(path) {
  VMB_HDF5_LOCK;
  silence_hdf5();
  hid_t id = H5I_INVALID_HID;
  if (mode == Mode::kCreate) {
    id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  } else {
    if (H5Fis_hdf5(path.c_str()) <= 0)
      throw IoError("'" + path + "' is missing, unreadable or not an HDF5 file");
    id = H5Fopen(path.c_str(), mode == Mode::kRead ? H5F_ACC_RDONLY : H5F_ACC_RDWR, H5P_DEFAULT);
  }
  if (id < 0)
    throw IoError("cannot " + std::string(mode == Mode::kCreate ? "create" : "open") +
                  " HDF5 file '" + path + "'");
  file_ = std::make_unique<H5Id>(id, H5Fclose);
}

H5File::~H5File() = default;
H5File::H5File(H5File&&) noexcept = default;
H5File& H5File::operator=(H5File&&) noexcept = default;

void H5File::fail(const std::string& what) const { throw IoError("'" + path_ + "': " + what); }

bool H5File::has(const std::string& name) const {
  VMB_HDF5_LOCK;
  return H5Lexists(file_->get(), name.c_str(), H5P_DEFAULT) > 0;
}

H5Id H5File::open_dataset(const std::string& name) const {
  VMB_HDF5_LOCK;
  if (!has(name)) fail("has no dataset " + name);
  H5Id ds(H5Dopen2(file_->get(), name.c_str(), H5P_DEFAULT), H5Dclose);
  if (ds.get() < 0) fail("cannot open dataset " + name);
  return ds;
}

void H5File::create(const std::string& name, const std::vector<hsize_t>& dims,
                    const DatasetOptions& options) {
  VMB_HDF5_LOCK;
  H5Id space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  H5Id props(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  // No timestamps in object headers: the same data gives the same bytes.
  H5Pset_obj_track_times(props.get(), false);
  if (!options.chunk.empty()) {
    H5Pset_chunk(props.get(), static_cast<int>(options.chunk.size()), options.chunk.data());
    if (options.deflate > 0) H5Pset_deflate(props.get(), static_cast<unsigned>(options.deflate));
  }
  H5Id ds(H5Dcreate2(file_->get(), name.c_str(), H5T_IEEE_F32LE, space.get(), H5P_DEFAULT,
                     props.get(), H5P_DEFAULT),
          H5Dclose);
  if (ds.get() < 0) fail("cannot create dataset " + name);
}

void H5File::write(const std::string& name, const std::vector<hsize_t>& dims, const float* data,
                   const DatasetOptions& options) {
  VMB_HDF5_LOCK;
  create(name, dims, options);
  H5Id ds = open_dataset(name);
  if (H5Dwrite(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
    fail("cannot write dataset " + name);
}

void H5File::write(const std::string& name, const std::vector<hsize_t>& dims,
                   const std::int64_t* data) {
  VMB_HDF5_LOCK;
  H5Id space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  H5Id props(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_obj_track_times(props.get(), false);
  H5Id ds(H5Dcreate2(file_->get(), name.c_str(), H5T_STD_I64LE, space.get(), H5P_DEFAULT,
                     props.get(), H5P_DEFAULT),
          H5Dclose);
  if (ds.get() < 0 || H5Dwrite(ds.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
    fail("cannot write dataset " + name);
}

std::vector<hsize_t> H5File::dims(const std::string& name) const {
  VMB_HDF5_LOCK;
  H5Id ds = open_dataset(name);
  H5Id space(H5Dget_space(ds.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) fail("cannot read the shape of " + name);
  std::vector<hsize_t> d(rank);
  H5Sget_simple_extent_dims(space.get(), d.data(), nullptr);
  return d;
}

std::vector<float> H5File::read(const std::string& name) const {
  VMB_HDF5_LOCK;
  std::vector<float> data(count(dims(name)));
  H5Id ds = open_dataset(name);
  if (H5Dread(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0)
    fail("cannot read dataset " + name + " (damaged file?)");
  return data;
}

std::vector<std::int64_t> H5File::read_int64(const std::string& name) const {
  VMB_HDF5_LOCK;
  std::vector<std::int64_t> data(count(dims(name)));
  H5Id ds = open_dataset(name);
  if (H5Dread(ds.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0)
    fail("cannot read dataset " + name + " (damaged file?)");
  return data;
}

namespace {
// Selects dataset[index, ...] in file_space and returns the matching memory space.
H5Id select_slab(hid_t file_space, const std::vector<hsize_t>& d, hsize_t index) {
  std::vector<hsize_t> start(d.size(), 0), block(d);
  start[0] = index;
  block[0] = 1;
  H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, block.data(), nullptr);
  return H5Id(H5Screate_simple(static_cast<int>(block.size()), block.data(), nullptr), H5Sclose);
}
}  // namespace

void H5File::write_slab(const std::string& name, hsize_t index, const float* data) {
  VMB_HDF5_LOCK;
  const auto d = dims(name);
  if (d.empty() || index >= d[0]) fail("slab index out of range in " + name);
  H5Id ds = open_dataset(name);
  H5Id space(H5Dget_space(ds.get()), H5Sclose);
  H5Id memory = select_slab(space.get(), d, index);
  if (H5Dwrite(ds.get(), H5T_NATIVE_FLOAT, memory.get(), space.get(), H5P_DEFAULT, data) < 0)
    fail("cannot write into dataset " + name);
}

std::vector<float> H5File::read_slab(const std::string& name, hsize_t index) const {
  VMB_HDF5_LOCK;
  const auto d = dims(name);
  if (d.empty() || index >= d[0]) fail("slab index out of range in " + name);
  std::vector<float> data(count(d) / d[0]);
  H5Id ds = open_dataset(name);
  H5Id space(H5Dget_space(ds.get()), H5Sclose);
  H5Id memory = select_slab(space.get(), d, index);
  if (H5Dread(ds.get(), H5T_NATIVE_FLOAT, memory.get(), space.get(), H5P_DEFAULT, data.data()) < 0)
    fail("cannot read dataset " + name + " (damaged file?)");
  return data;
}

namespace {
H5Id new_attribute(hid_t file, const std::string& name, hid_t type) {
  if (H5Aexists(file, name.c_str()) > 0) H5Adelete(file, name.c_str());
  H5Id space(H5Screate(H5S_SCALAR), H5Sclose);
  return H5Id(H5Acreate2(file, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose);
}
}  // namespace

void H5File::set_attribute(const std::string& name, double value) {
  VMB_HDF5_LOCK;
  H5Id a = new_attribute(file_->get(), name, H5T_IEEE_F64LE);
  if (a.get() < 0 || H5Awrite(a.get(), H5T_NATIVE_DOUBLE, &value) < 0)
    fail("cannot write attribute " + name);
}

void H5File::set_attribute(const std::string& name, std::int64_t value) {
  VMB_HDF5_LOCK;
  H5Id a = new_attribute(file_->get(), name, H5T_STD_I64LE);
  if (a.get() < 0 || H5Awrite(a.get(), H5T_NATIVE_INT64, &value) < 0)
    fail("cannot write attribute " + name);
}

void H5File::set_attribute(const std::string& name, const std::string& value) {
  VMB_HDF5_LOCK;
  H5Id type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), std::max<std::size_t>(1, value.size()));
  H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
  H5Id a = new_attribute(file_->get(), name, type.get());
  if (a.get() < 0 || H5Awrite(a.get(), type.get(), value.data()) < 0)
    fail("cannot write attribute " + name);
}

bool H5File::has_attribute(const std::string& name) const {
  VMB_HDF5_LOCK;
  return H5Aexists(file_->get(), name.c_str()) > 0;
}

double H5File::attribute_double(const std::string& name) const {
  VMB_HDF5_LOCK;
  if (!has_attribute(name)) fail("has no attribute " + name);
  H5Id a(H5Aopen(file_->get(), name.c_str(), H5P_DEFAULT), H5Aclose);
  double value = 0.0;
  if (H5Aread(a.get(), H5T_NATIVE_DOUBLE, &value) < 0) fail("cannot read attribute " + name);
  return value;
}

std::int64_t H5File::attribute_int(const std::string& name) const {
  VMB_HDF5_LOCK;
  if (!has_attribute(name)) fail("has no attribute " + name);
  H5Id a(H5Aopen(file_->get(), name.c_str(), H5P_DEFAULT), H5Aclose);
  std::int64_t value = 0;
  if (H5Aread(a.get(), H5T_NATIVE_INT64, &value) < 0) fail("cannot read attribute " + name);
  return value;
}

std::string H5File::attribute_string(const std::string& name) const {
  VMB_HDF5_LOCK;
  if (!has_attribute(name)) fail("has no attribute " + name);
  H5Id a(H5Aopen(file_->get(), name.c_str(), H5P_DEFAULT), H5Aclose);
  H5Id type(H5Aget_type(a.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING) fail("attribute " + name + " is not a string");
  if (H5Tis_variable_str(type.get()) > 0) {
    char* text = nullptr;
    H5Id memtype(H5Tget_native_type(type.get(), H5T_DIR_ASCEND), H5Tclose);
    if (H5Aread(a.get(), memtype.get(), &text) < 0) fail("cannot read attribute " + name);
    std::string value(text ? text : "");
    H5free_memory(text);
    return value;
  }
  std::string value(H5Tget_size(type.get()), '\0');
  if (H5Aread(a.get(), type.get(), value.data()) < 0) fail("cannot read attribute " + name);
  value.erase(value.find_last_not_of('\0') + 1);
  return value;
}

void H5File::set_attribute(const std::string& name, const std::vector<double>& values) {
  VMB_HDF5_LOCK;
  if (H5Aexists(file_->get(), name.c_str()) > 0) H5Adelete(file_->get(), name.c_str());
  const hsize_t n = values.size();
  H5Id space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  H5Id a(
      H5Acreate2(file_->get(), name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
      H5Aclose);
  if (a.get() < 0 || H5Awrite(a.get(), H5T_NATIVE_DOUBLE, values.data()) < 0)
    fail("cannot write attribute " + name);
}

std::vector<double> H5File::attribute_doubles(const std::string& name) const {
  VMB_HDF5_LOCK;
  if (!has_attribute(name)) fail("has no attribute " + name);
  H5Id a(H5Aopen(file_->get(), name.c_str(), H5P_DEFAULT), H5Aclose);
  H5Id space(H5Aget_space(a.get()), H5Sclose);
  std::vector<double> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
  if (H5Aread(a.get(), H5T_NATIVE_DOUBLE, values.data()) < 0) fail("cannot read attribute " + name);
  return values;
}

void H5File::flush() {
  VMB_HDF5_LOCK;
  if (H5Fflush(file_->get(), H5F_SCOPE_GLOBAL) < 0) fail("cannot flush");
}

}  // namespace vmb::io
