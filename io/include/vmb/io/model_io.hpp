#pragma once
// Velocity-model files in and out. Every format holds one model [nz][nx] in m/s:
//   h5    HDF5: dataset /velocity float32 [nz, nx], root attributes dx and dz (m); or a model
//         set of vmb-genmodels, /velocity [n, nz, nx], of which `sample` picks one.
//   bin   raw float32, nz * nx samples, no header; axis order and endianness given by the caller.
//   segy  SEG-Y through segyio: one trace per column (x), samples down the column (z); IEEE or
//         IBM floats. On writing, the sample interval field holds dz in mm (dz * 1000) and the
//         trace headers the column's x (CDP X and group X, scalar -100, so cm precision).
//   mat   MATLAB v5/v7 through libmatio, as released with FCNVMB: a 2D variable (double,
//         single or integer) nz rows by nx columns; vmodel{i}.mat hold `vmodel`,
//         saltv{i}.mat `svmodel`.
//   npy   NumPy .npy (numpy.save), float32 or float64, C order: a 2D array [nz, nx], or a stack
//         of models [n, nz, nx] or [n, 1, nz, nx] (OpenFWI's model files) of which `sample`
//         picks one. No spacing in the file (default_dx: OpenFWI's grids are 10 m). Written as
//         a 2D float32 array.

#include <optional>
#include <string>

#include "vmb/modeling/model.hpp"

namespace vmb::io {

enum class ModelFormat { kHdf5, kBinary, kSegy, kMat, kNpy };

// "h5", "bin", "segy", "mat", "npy"; IoError for anything else.
ModelFormat model_format_from_name(const std::string& name);
// From the extension: .h5 .hdf5 / .bin .raw .f32 / .segy .sgy / .mat / .npy; IoError if unknown.
ModelFormat guess_model_format(const std::string& path);

struct ModelFileOptions {
  std::optional<ModelFormat> format;  // unset: guessed from the extension
  int nz = 0, nx = 0;                 // bin: required; others: checked when given
  bool x_fastest = true;              // bin: axis order zx (x fastest) or xz (z fastest)
  bool big_endian = false;            // bin
  double velocity_scale = 1.0;        // multiplies the samples read: 1000 for files in km/s
  double dx = 0.0, dz = 0.0;          // m; 0: from the file (h5, segy), else default_dx
  double default_dx = 0.0;            // m; for files that carry no spacing; 0: none, dx required
  std::string variable;               // mat: empty picks vmodel, svmodel or the only 2D variable
  std::optional<long> sample;         // npy stack or h5 model set: the model to read, 0-based
                                      // (unset: the only one)
};

// The gathers of one of the FCNVMB release's seismic files (georec{i}.mat, srec{i}.mat): its
// variable Rec, a real nt x nrec x nshots array (time x receiver x shot, MATLAB's column-major
// order), as [nshots][nt][nrec]. IoError naming the file when it is missing, holds no Rec, or Rec
// has another shape, type or a non-finite value.
std::vector<float> read_fcnvmb_gathers(const std::string& path, int nt, int nrec, int nshots);

// Reads a model; throws IoError naming the file and the problem (missing, unreadable, wrong
// format, sizes that do not match nz * nx, no spacing known).
VelocityModel read_model(const std::string& path, const ModelFileOptions& options = {});

// How many models path holds: n for an .npy stack [n, nz, nx] or [n, 1, nz, nx] or an HDF5 model
// set [n, nz, nx], else 1. Each is read with read_model and options.sample set to 0 .. n - 1.
// IoError as read_model's.
long models_in_file(const std::string& path, const ModelFileOptions& options = {});

// Writes a model (atomically: under a temporary name, renamed when complete). For bin, the
// options' axis order and endianness apply; for mat, the variable name (default "vmodel").
void write_model(const std::string& path, const VelocityModel& model,
                 const ModelFileOptions& options = {});

}  // namespace vmb::io
