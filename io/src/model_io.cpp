#include "vmb/io/model_io.hpp"

#include <matio.h>
#include <segyio/segy.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "segy_util.hpp"
#include "vmb/io/atomic_file.hpp"
#include "vmb/io/error.hpp"
#include "vmb/io/hdf5.hpp"
#include "vmb/io/npy.hpp"

namespace vmb::io {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw IoError("'" + path + "': " + what);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

void check_shape(const std::string& path, const ModelFileOptions& o, int nz, int nx) {
  if ((o.nz > 0 && o.nz != nz) || (o.nx > 0 && o.nx != nx))
    fail(path, "holds " + std::to_string(nz) + " x " + std::to_string(nx) + " samples, not nz " +
                   std::to_string(o.nz) + " x nx " + std::to_string(o.nx));
}

void require_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) fail(path, "no such file");
  if (!std::filesystem::is_regular_file(path, ec)) fail(path, "not a regular file");
  std::ifstream probe(path, std::ios::binary);
  if (!probe) fail(path, "cannot be opened for reading");
}

VelocityModel finish(const std::string& path, VelocityModel m, const ModelFileOptions& o) {
  if (o.dx > 0) m.dx = o.dx;
  if (o.dz > 0) m.dz = o.dz;
  if (!(m.dx > 0)) m.dx = o.default_dx;
  if (!(m.dx > 0)) fail(path, "the file holds no grid spacing and none was given (dx)");
  if (!(m.dz > 0)) m.dz = m.dx;
  if (o.velocity_scale != 1.0)
    for (float& v : m.velocity) v = static_cast<float>(v * o.velocity_scale);
  return m;
}

// The model `o.sample` picks from a file holding `models` of nz x nx (an .npy stack or an HDF5
// model set): required when there are several, checked against the count.
std::size_t chosen_sample(const std::string& path, const ModelFileOptions& o, std::size_t models,
                          int nz, int nx) {
  const std::string shape_text = std::to_string(models) + (models == 1 ? " model" : " models") +
                                 " of " + std::to_string(nz) + " x " + std::to_string(nx);
  if (!o.sample && models != 1) fail(path, "holds " + shape_text + "; choose one (--sample)");
  const long sample = o.sample.value_or(0);
  if (sample < 0 || std::size_t(sample) >= models)
    fail(path,
         "holds " + shape_text + ": there is no sample " + std::to_string(sample) + " (0-based)");
  return std::size_t(sample);
}

// ---- HDF5
VelocityModel read_hdf5(const std::string& path, const ModelFileOptions& o) {
  H5File file(path, H5File::Mode::kRead);
  const auto dims = file.dims("/velocity");
  if (dims.size() != 2 && dims.size() != 3)
    fail(path, "/velocity is neither one model [nz, nx] nor a model set [n, nz, nx]");
  VelocityModel m;
  m.nz = static_cast<int>(dims[dims.size() - 2]);
  m.nx = static_cast<int>(dims[dims.size() - 1]);
  check_shape(path, o, m.nz, m.nx);
  if (dims.size() == 2) {
    if (o.sample)
      fail(path,
           "holds one model; a sample number applies to .npy stacks and HDF5 model sets only");
    m.velocity = file.read("/velocity");
  } else {
    m.velocity = file.read_slab("/velocity", chosen_sample(path, o, dims[0], m.nz, m.nx));
  }
  if (file.has_attribute("dx")) m.dx = file.attribute_double("dx");
  if (file.has_attribute("dz")) m.dz = file.attribute_double("dz");
  return m;
}

void write_hdf5(const std::string& path, const VelocityModel& m) {
  AtomicFile out(path);
  {
    H5File file(out.temp_path(), H5File::Mode::kCreate);
    file.write("/velocity", {Extent(m.nz), Extent(m.nx)}, m.velocity.data());
    file.set_attribute("dx", m.dx);
    file.set_attribute("dz", m.dz);
  }
  out.commit();
}

// ---- raw binary
void swap_bytes(float& v) {
  unsigned char b[4];
  std::memcpy(b, &v, 4);
  std::swap(b[0], b[3]);
  std::swap(b[1], b[2]);
  std::memcpy(&v, b, 4);
}

VelocityModel read_binary(const std::string& path, const ModelFileOptions& o) {
  if (o.nz <= 0 || o.nx <= 0) fail(path, "a raw binary model needs its size (--nz and --nx)");
  const auto expected = std::uintmax_t(o.nz) * std::uintmax_t(o.nx) * sizeof(float);
  const auto actual = std::filesystem::file_size(path);
  if (actual != expected)
    fail(path, "holds " + std::to_string(actual) +
                   " bytes, not nz * nx * 4 = " + std::to_string(expected) + " for nz " +
                   std::to_string(o.nz) + ", nx " + std::to_string(o.nx));
  std::vector<float> raw(std::size_t(o.nz) * o.nx);
  std::ifstream in(path, std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(raw.data()), std::streamsize(expected)))
    fail(path, "read failed");
  if (o.big_endian)
    for (float& v : raw) swap_bytes(v);
  VelocityModel m;
  m.nz = o.nz;
  m.nx = o.nx;
  if (o.x_fastest) {
    m.velocity = std::move(raw);
  } else {
    m.velocity.resize(raw.size());
    for (int ix = 0; ix < m.nx; ++ix)
      for (int iz = 0; iz < m.nz; ++iz) m.at(iz, ix) = raw[std::size_t(ix) * m.nz + iz];
  }
  return m;
}

void write_binary(const std::string& path, const VelocityModel& m, const ModelFileOptions& o) {
  std::vector<float> raw(m.velocity.size());
  for (int iz = 0; iz < m.nz; ++iz)
    for (int ix = 0; ix < m.nx; ++ix)
      raw[o.x_fastest ? std::size_t(iz) * m.nx + ix : std::size_t(ix) * m.nz + iz] = m.at(iz, ix);
  if (o.big_endian)
    for (float& v : raw) swap_bytes(v);
  AtomicFile out(path);
  {
    std::ofstream f(out.temp_path(), std::ios::binary);
    f.write(reinterpret_cast<const char*>(raw.data()), std::streamsize(raw.size() * sizeof(float)));
    if (!f) fail(path, "write failed");
  }
  out.commit();
}

// ---- SEG-Y
VelocityModel read_segy(const std::string& path, const ModelFileOptions& o) {
  SegyReader in(path);
  VelocityModel m;
  m.nx = in.traces();
  m.nz = in.samples();
  check_shape(path, o, m.nz, m.nx);
  m.velocity.resize(std::size_t(m.nz) * m.nx);
  for (int ix = 0; ix < m.nx; ++ix) {
    const auto trace = in.trace(ix);
    for (int iz = 0; iz < m.nz; ++iz) m.at(iz, ix) = trace[iz];
  }
  m.dz = in.sample_interval() / 1000.0;
  if (m.nx > 1) {
    const double x0 = in.coordinate(0, SEGY_TR_CDP_X), x1 = in.coordinate(1, SEGY_TR_CDP_X);
    if (x1 > x0) m.dx = x1 - x0;
  }
  return m;
}

void write_segy(const std::string& path, const VelocityModel& m) {
  AtomicFile out(path);
  {
    SegyWriter w(out.temp_path(), m.nz, m.dz * 1000.0,
                 "vmbkit velocity model, m/s: one trace per column (x), samples down (z); "
                 "sample interval = dz in mm");
    std::vector<float> trace(m.nz);
    for (int ix = 0; ix < m.nx; ++ix) {
      for (int iz = 0; iz < m.nz; ++iz) trace[iz] = m.at(iz, ix);
      SegyTraceHeader h;
      h.set(SEGY_TR_SEQ_LINE, ix + 1);
      h.set(SEGY_TR_SEQ_FILE, ix + 1);
      h.set(SEGY_TR_CROSSLINE, ix + 1);
      h.set_coordinate(SEGY_TR_CDP_X, ix * m.dx);
      h.set_coordinate(SEGY_TR_GROUP_X, ix * m.dx);
      w.write(ix, h, trace);
    }
    w.finish(m.nx);
  }
  out.commit();
}

// ---- MATLAB
struct MatCloser {
  void operator()(mat_t* m) const { Mat_Close(m); }
};
struct VarFreer {
  void operator()(matvar_t* v) const { Mat_VarFree(v); }
};

template <typename T>
void copy_column_major(const void* data, VelocityModel& m) {
  const T* src = static_cast<const T*>(data);
  for (int ix = 0; ix < m.nx; ++ix)
    for (int iz = 0; iz < m.nz; ++iz)
      m.at(iz, ix) = static_cast<float>(src[std::size_t(ix) * m.nz + iz]);
}

// libmatio reads a truncated MAT v5 file without an error, filling what is missing with zeros.
// Its layout is a 128-byte header, then data elements, each an 8-byte tag (type, byte count)
// and its bytes (padded to 8 unless compressed; a tag whose type's upper half is non-zero holds
// up to 4 bytes itself): the elements must end exactly at the end of the file.
void check_mat5_complete(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  if (bytes.size() < 128 || std::string(bytes.data(), 6) != "MATLAB") return;
  const std::string endian(&bytes[126], 2);
  if (endian != "IM" && endian != "MI") return;
  const bool swap = endian == "MI";  // written on a machine of the other byte order
  auto u32 = [&](std::size_t at) {
    std::uint32_t v;
    std::memcpy(&v, &bytes[at], 4);
    return swap ? __builtin_bswap32(v) : v;
  };
  const std::uint16_t version =
      static_cast<std::uint16_t>(swap ? (std::uint8_t(bytes[124]) << 8 | std::uint8_t(bytes[125]))
                                      : (std::uint8_t(bytes[125]) << 8 | std::uint8_t(bytes[124])));
  if (version != 0x0100) return;  // v7.3 files are HDF5, which reports its own damage
  std::size_t at = 128;
  while (at < bytes.size()) {
    if (at + 8 > bytes.size()) fail(path, "truncated or damaged (it ends inside a data element)");
    const std::uint32_t type = u32(at);
    std::uint64_t length = 8;
    if ((type >> 16) == 0) {
      const std::uint64_t n = u32(at + 4);
      length = 8 + (type == 15 ? n : (n + 7) / 8 * 8);  // 15: miCOMPRESSED, not padded
    }
    if (at + length > bytes.size())
      fail(path, "truncated or damaged (a data element runs past the end of the file)");
    at += length;
  }
}

VelocityModel read_mat(const std::string& path, const ModelFileOptions& o) {
  check_mat5_complete(path);
  std::unique_ptr<mat_t, MatCloser> mat(Mat_Open(path.c_str(), MAT_ACC_RDONLY));
  if (!mat) fail(path, "not a MATLAB .mat file libmatio can read");
  std::string name = o.variable;
  if (name.empty()) {
    std::vector<std::string> two_d;
    while (matvar_t* info = Mat_VarReadNextInfo(mat.get())) {
      if (info->rank == 2 && info->name) two_d.emplace_back(info->name);
      Mat_VarFree(info);
    }
    for (const char* preferred : {"vmodel", "svmodel"})
      if (std::find(two_d.begin(), two_d.end(), preferred) != two_d.end()) name = preferred;
    if (name.empty() && two_d.size() == 1) name = two_d[0];
    if (name.empty())
      fail(path, two_d.empty() ? "holds no 2D variable"
                               : "holds several 2D variables: name one (--mat-variable)");
  }
  std::unique_ptr<matvar_t, VarFreer> var(Mat_VarRead(mat.get(), name.c_str()));
  if (!var) fail(path, "has no variable '" + name + "'");
  if (var->rank != 2 || var->isComplex || !var->data)
    fail(path, "variable '" + name + "' is not a real 2D array");
  VelocityModel m;
  m.nz = static_cast<int>(var->dims[0]);
  m.nx = static_cast<int>(var->dims[1]);
  check_shape(path, o, m.nz, m.nx);
  m.velocity.resize(std::size_t(m.nz) * m.nx);
  switch (var->class_type) {
    case MAT_C_DOUBLE:
      copy_column_major<double>(var->data, m);
      break;
    case MAT_C_SINGLE:
      copy_column_major<float>(var->data, m);
      break;
    case MAT_C_UINT16:
      copy_column_major<std::uint16_t>(var->data, m);
      break;
    case MAT_C_INT16:
      copy_column_major<std::int16_t>(var->data, m);
      break;
    case MAT_C_UINT32:
      copy_column_major<std::uint32_t>(var->data, m);
      break;
    case MAT_C_INT32:
      copy_column_major<std::int32_t>(var->data, m);
      break;
    case MAT_C_UINT8:
      copy_column_major<std::uint8_t>(var->data, m);
      break;
    default:
      fail(path, "variable '" + name + "' has an unsupported numeric class");
  }
  return m;
}

}  // namespace

std::vector<float> read_fcnvmb_gathers(const std::string& path, int nt, int nrec, int nshots) {
  require_file(path);
  check_mat5_complete(path);
  std::unique_ptr<mat_t, MatCloser> mat(Mat_Open(path.c_str(), MAT_ACC_RDONLY));
  if (!mat) fail(path, "not a MATLAB .mat file libmatio can read");
  std::unique_ptr<matvar_t, VarFreer> var(Mat_VarRead(mat.get(), "Rec"));
  if (!var) fail(path, "has no variable 'Rec' (the FCNVMB release's gathers)");
  const std::size_t expected[3] = {std::size_t(nt), std::size_t(nrec), std::size_t(nshots)};
  const auto shape = [](const std::size_t* d, int rank) {
    std::string t;
    for (int k = 0; k < rank; ++k) t += (k ? " x " : "") + std::to_string(d[k]);
    return t;
  };
  if (var->rank != 3 || var->isComplex || !var->data || var->dims[0] != expected[0] ||
      var->dims[1] != expected[1] || var->dims[2] != expected[2])
    fail(path, "variable 'Rec' is " + shape(var->dims, var->rank) +
                   (var->isComplex ? " complex" : "") + ", not a real " + shape(expected, 3) +
                   " array (time x receiver x shot)");
  // MATLAB's column-major [nt][nrec][nshots] (time fastest) to [nshots][nt][nrec].
  std::vector<float> gathers(std::size_t(nshots) * nt * nrec);
  auto copy = [&](const auto* data) {
    for (int s = 0; s < nshots; ++s)
      for (int r = 0; r < nrec; ++r)
        for (int t = 0; t < nt; ++t)
          gathers[(std::size_t(s) * nt + t) * nrec + r] =
              static_cast<float>(data[(std::size_t(s) * nrec + r) * nt + t]);
  };
  if (var->class_type == MAT_C_DOUBLE)
    copy(static_cast<const double*>(var->data));
  else if (var->class_type == MAT_C_SINGLE)
    copy(static_cast<const float*>(var->data));
  else
    fail(path, "variable 'Rec' is neither double nor single precision");
  for (std::size_t k = 0; k < gathers.size(); ++k)
    if (!std::isfinite(gathers[k]))
      fail(path, "variable 'Rec' holds a non-finite value at element " + std::to_string(k));
  return gathers;
}

namespace {

void write_mat(const std::string& path, const VelocityModel& m, const ModelFileOptions& o) {
  std::vector<double> column_major(m.velocity.size());
  for (int ix = 0; ix < m.nx; ++ix)
    for (int iz = 0; iz < m.nz; ++iz) column_major[std::size_t(ix) * m.nz + iz] = m.at(iz, ix);
  AtomicFile out(path);
  {
    std::unique_ptr<mat_t, MatCloser> mat(
        Mat_CreateVer(out.temp_path().c_str(), nullptr, MAT_FT_MAT5));
    if (!mat) fail(path, "cannot create");
    std::size_t dims[2] = {std::size_t(m.nz), std::size_t(m.nx)};
    const std::string name = o.variable.empty() ? "vmodel" : o.variable;
    std::unique_ptr<matvar_t, VarFreer> var(Mat_VarCreate(name.c_str(), MAT_C_DOUBLE, MAT_T_DOUBLE,
                                                          2, dims, column_major.data(),
                                                          MAT_F_DONT_COPY_DATA));
    if (!var || Mat_VarWrite(mat.get(), var.get(), MAT_COMPRESSION_NONE) != 0)
      fail(path, "write failed");
  }
  out.commit();
}

// ---- NumPy
// The number of models in an .npy array: 1 for [nz, nx], n for [n, nz, nx] and [n, 1, nz, nx].
std::size_t npy_models(const std::string& path, const NpyHeader& h) {
  const std::size_t rank = h.shape.size();
  if (rank < 2 || rank > 4 || (rank == 4 && h.shape[1] != 1))
    fail(path, "holds an array of " + std::to_string(rank) +
                   " axes; a model is [nz, nx], a stack of models [n, nz, nx] or [n, 1, nz, nx]");
  return rank == 2 ? 1 : h.shape[0];
}

VelocityModel read_npy_model(const std::string& path, const ModelFileOptions& o) {
  const NpyHeader h = read_npy_header(path);
  const auto& shape = h.shape;
  const std::size_t rank = shape.size();
  const std::size_t models = npy_models(path, h);
  VelocityModel m;
  m.nz = static_cast<int>(shape[rank - 2]);
  m.nx = static_cast<int>(shape[rank - 1]);
  const std::size_t sample = chosen_sample(path, o, models, m.nz, m.nx);
  check_shape(path, o, m.nz, m.nx);
  const std::size_t cells = std::size_t(m.nz) * m.nx;
  m.velocity = read_npy(path, h, std::uint64_t(sample) * cells, cells);
  return m;
}

void write_npy_model(const std::string& path, const VelocityModel& m) {
  NpyWriter out(path, {std::size_t(m.nz), std::size_t(m.nx)});
  out.append(m.velocity.data(), m.velocity.size());
  out.commit();
}

// The format the options name, else the one the extension says.
ModelFormat format_of(const std::string& path, const ModelFileOptions& options) {
  return options.format ? *options.format : guess_model_format(path);
}

}  // namespace

ModelFormat model_format_from_name(const std::string& name) {
  const std::string n = lower(name);
  if (n == "h5" || n == "hdf5") return ModelFormat::kHdf5;
  if (n == "bin" || n == "raw") return ModelFormat::kBinary;
  if (n == "segy" || n == "sgy") return ModelFormat::kSegy;
  if (n == "mat") return ModelFormat::kMat;
  if (n == "npy") return ModelFormat::kNpy;
  throw IoError("unknown model format '" + name + "' (expected h5, bin, segy, mat or npy)");
}

ModelFormat guess_model_format(const std::string& path) {
  const std::string ext = lower(std::filesystem::path(path).extension().string());
  if (ext == ".h5" || ext == ".hdf5") return ModelFormat::kHdf5;
  if (ext == ".bin" || ext == ".raw" || ext == ".f32") return ModelFormat::kBinary;
  if (ext == ".segy" || ext == ".sgy") return ModelFormat::kSegy;
  if (ext == ".mat") return ModelFormat::kMat;
  if (ext == ".npy") return ModelFormat::kNpy;
  throw IoError("'" + path + "': cannot tell the model format from the extension '" + ext +
                "' (known: .h5 .hdf5, .bin .raw .f32, .segy .sgy, .mat, .npy)");
}

VelocityModel read_model(const std::string& path, const ModelFileOptions& options) {
  const ModelFormat format = format_of(path, options);
  require_file(path);
  if (options.sample && format != ModelFormat::kNpy && format != ModelFormat::kHdf5)
    fail(path, "a sample number applies to .npy stacks and HDF5 model sets only");
  VelocityModel m;
  switch (format) {
    case ModelFormat::kHdf5:
      m = read_hdf5(path, options);
      break;
    case ModelFormat::kBinary:
      m = read_binary(path, options);
      break;
    case ModelFormat::kSegy:
      m = read_segy(path, options);
      break;
    case ModelFormat::kMat:
      m = read_mat(path, options);
      break;
    case ModelFormat::kNpy:
      m = read_npy_model(path, options);
      break;
  }
  if (m.nz <= 0 || m.nx <= 0) fail(path, "holds an empty model");
  return finish(path, std::move(m), options);
}

long models_in_file(const std::string& path, const ModelFileOptions& options) {
  const ModelFormat format = format_of(path, options);
  if (format != ModelFormat::kNpy && format != ModelFormat::kHdf5) return 1;
  require_file(path);
  if (format == ModelFormat::kNpy) return long(npy_models(path, read_npy_header(path)));
  const auto dims = H5File(path, H5File::Mode::kRead).dims("/velocity");
  return dims.size() == 3 ? long(dims[0]) : 1;
}

void write_model(const std::string& path, const VelocityModel& model,
                 const ModelFileOptions& options) {
  const ModelFormat format = format_of(path, options);
  switch (format) {
    case ModelFormat::kHdf5:
      return write_hdf5(path, model);
    case ModelFormat::kBinary:
      return write_binary(path, model, options);
    case ModelFormat::kSegy:
      return write_segy(path, model);
    case ModelFormat::kMat:
      return write_mat(path, model, options);
    case ModelFormat::kNpy:
      return write_npy_model(path, model);
  }
}

}  // namespace vmb::io
