#include "vmb/datagen/model_set.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "vmb/datagen/error.hpp"
#include "vmb/io/atomic_file.hpp"
#include "vmb/io/check.hpp"
#include "vmb/io/checksum.hpp"
#include "vmb/io/hdf5.hpp"
#include "vmb/io/model_io.hpp"

namespace vmb::datagen {
namespace {

std::string describe(const std::map<std::string, double>& parameters) {
  std::ostringstream s;
  s.precision(10);
  for (const auto& [k, v] : parameters) s << k << '=' << v << ';';
  return s.str();
}

// Opens the set for writing under the AtomicFile's temporary name, with its attributes.
io::H5File create_set(const io::AtomicFile& out, std::int64_t count, int nz, int nx, double dx,
                      double dz, const std::string& generator, const std::string& parameters,
                      std::uint64_t seed) {
  io::H5File file(out.temp_path(), io::H5File::Mode::kCreate);
  file.create("/velocity", {io::Extent(count), io::Extent(nz), io::Extent(nx)},
              {{1, io::Extent(nz), io::Extent(nx)}, 0});
  file.set_attribute("dx", dx);
  file.set_attribute("dz", dz);
  file.set_attribute("generator", generator);
  file.set_attribute("parameters", parameters);
  file.set_attribute("seed", static_cast<std::int64_t>(seed));
  file.set_attribute("count", count);
  return file;
}

// Refuses a set that would not fit on the disk before its first byte is written.
void check_room(const std::string& path, std::int64_t count, int nz, int nx) {
  io::check_free_space(path, 4.0 * double(count) * nz * nx + 1e6,
                       "the model set (" + std::to_string(count) + " models of " +
                           std::to_string(nz) + " x " + std::to_string(nx) + ")");
}

}  // namespace

void generate_model_set(const std::string& path, const GeneratorConfig& config, std::uint64_t seed,
                        std::int64_t count, const std::function<void(std::int64_t)>& progress) {
  generate_model_set(path, std::vector<GeneratorPart>{{config, 1.0}}, seed, count, progress);
}

void generate_model_set(const std::string& path, const std::vector<GeneratorPart>& parts,
                        std::uint64_t seed, std::int64_t count,
                        const std::function<void(std::int64_t)>& progress) {
  if (count <= 0) throw DatagenError("the number of models must be positive");
  const std::vector<GeneratorPart> mix = resolve(parts);
  const GeneratorConfig& c = mix.front().config;
  std::string names, parameters = mix.size() == 1 ? describe(c.parameters) : "";
  for (const auto& part : mix) {
    names += (names.empty() ? "" : "+") + part.config.name;
    if (mix.size() > 1) {
      std::ostringstream weight;
      weight << part.weight;
      parameters +=
          part.config.name + "*" + weight.str() + "{" + describe(part.config.parameters) + "}";
    }
  }
  check_room(path, count, c.nz, c.nx);
  io::AtomicFile out(path);
  {
    io::H5File file =
        create_set(out, count, c.nz, c.nx, c.spacing, c.spacing, names, parameters, seed);
    io::Checksum checksum;
    for (std::int64_t i = 0; i < count; ++i) {
      const VelocityModel m = generate(mix, seed, i);
      file.write_slab("/velocity", io::Extent(i), m.velocity.data());
      checksum.update(m.velocity.data(), m.velocity.size() * sizeof(float));
      if (progress) progress(i + 1);
    }
    file.set_attribute("checksum", checksum.hex());
  }
  out.commit();
}

namespace {

// Writes `count` models as an imported set: model(i) gives each (all of the first's grid).
void write_imported(const std::string& path, std::size_t count,
                    const std::function<VelocityModel(std::size_t)>& model,
                    const std::function<std::string(std::size_t)>& name, const std::string& source,
                    const std::function<void(std::int64_t)>& progress) {
  const VelocityModel first = model(0);
  check_room(path, std::int64_t(count), first.nz, first.nx);
  io::AtomicFile out(path);
  {
    io::H5File file = create_set(out, std::int64_t(count), first.nz, first.nx, first.dx, first.dz,
                                 "import", source, 0);
    io::Checksum checksum;
    for (std::size_t i = 0; i < count; ++i) {
      const VelocityModel m = i == 0 ? first : model(i);
      if (m.nz != first.nz || m.nx != first.nx)
        throw DatagenError("'" + name(i) + "' is " + std::to_string(m.nz) + " x " +
                           std::to_string(m.nx) + ", not " + std::to_string(first.nz) + " x " +
                           std::to_string(first.nx) + " like the first model");
      validate(m);
      file.write_slab("/velocity", io::Extent(i), m.velocity.data());
      checksum.update(m.velocity.data(), m.velocity.size() * sizeof(float));
      if (progress) progress(std::int64_t(i) + 1);
    }
    file.set_attribute("checksum", checksum.hex());
  }
  out.commit();
}

}  // namespace

void import_model_set(const std::string& path, const std::vector<std::string>& files,
                      const io::ModelFileOptions& options, const std::string& source,
                      const std::function<void(std::int64_t)>& progress,
                      const std::optional<ModelGrid>& grid) {
  if (files.empty()) throw DatagenError("no model files to import");
  // One entry per model: a stack of models (.npy) given without a sample gives all of its models.
  struct Entry {
    std::string file;
    io::ModelFileOptions options;
  };
  std::vector<Entry> entries;
  for (const auto& file : files) {
    const long models = options.sample ? 1 : io::models_in_file(file, options);
    for (long k = 0; k < models; ++k) {
      entries.push_back({file, options});
      if (models > 1) entries.back().options.sample = k;
    }
  }
  write_imported(
      path, entries.size(),
      [&](std::size_t i) {
        VelocityModel m = io::read_model(entries[i].file, entries[i].options);
        return grid ? resample(m, grid->nz, grid->nx, grid->dz, grid->dx) : m;
      },
      [&](std::size_t i) { return entries[i].file; }, source, progress);
}

std::vector<int> window_starts(int section_columns, int window_columns, int count) {
  if (count < 1) throw DatagenError("the number of windows must be at least 1");
  if (window_columns > section_columns)
    throw DatagenError("a window of " + std::to_string(window_columns) +
                       " columns does not fit a section of " + std::to_string(section_columns));
  std::vector<int> starts;
  const int room = section_columns - window_columns;
  for (int k = 0; k < count; ++k)
    starts.push_back(count == 1 ? room / 2 : int(std::lround(double(k) * room / (count - 1))));
  return starts;
}

void import_section_windows(const std::string& path, const std::string& file,
                            const io::ModelFileOptions& options, int count, const ModelGrid& grid,
                            std::optional<double> above_sea_floor_m,
                            const std::function<void(std::int64_t)>& progress) {
  const VelocityModel section = io::read_model(file, options);
  // The window spans the grid's extent, in the section's cells (rounded up, so that resampling
  // never reaches beyond it).
  const int rows = int(std::ceil((grid.nz - 1) * grid.dz / section.dz - 1e-9)) + 1;
  const int columns = int(std::ceil((grid.nx - 1) * grid.dx / section.dx - 1e-9)) + 1;
  if (rows > section.nz)
    throw DatagenError("'" + file + "' is " + std::to_string(section.depth_m()) +
                       " m deep: windows need " + std::to_string((grid.nz - 1) * grid.dz) + " m");
  std::vector<int> starts;
  try {
    starts = window_starts(section.nx, columns, count);
  } catch (const DatagenError& e) {
    throw DatagenError("'" + file + "': " + e.what());
  }
  // Each window's top row: the section's, or above_sea_floor_m above the shallowest sea floor
  // in its columns (the first row faster than the top row by more than 1 %), as deep as fits.
  std::vector<int> tops(starts.size(), 0);
  if (above_sea_floor_m) {
    for (std::size_t k = 0; k < starts.size(); ++k) {
      int floor = section.nz;
      for (int x = starts[k]; x < starts[k] + columns; ++x) {
        int z = 0;
        while (z < section.nz && section.at(z, x) <= 1.01f * section.at(0, x)) ++z;
        floor = std::min(floor, z);
      }
      const int top = floor - int(std::lround(*above_sea_floor_m / section.dz));
      tops[k] = std::clamp(top, 0, section.nz - rows);
    }
  }
  std::ostringstream source;
  source << "windows of " << file << " (" << (grid.nz - 1) * grid.dz << " m x "
         << (grid.nx - 1) * grid.dx << " m) with top left corners at (x, z) =";
  for (std::size_t k = 0; k < starts.size(); ++k)
    source << " (" << starts[k] * section.dx << ", " << tops[k] * section.dz << ")";
  source << " m";
  write_imported(
      path, starts.size(),
      [&](std::size_t i) {
        VelocityModel window(rows, columns, section.dz, section.dx);
        for (int z = 0; z < rows; ++z)
          for (int x = 0; x < columns; ++x)
            window.at(z, x) = section.at(tops[i] + z, starts[i] + x);
        return resample(window, grid.nz, grid.nx, grid.dz, grid.dx);
      },
      [&](std::size_t i) { return file + " window " + std::to_string(i); }, source.str(), progress);
}

std::string fcnvmb_release_seismic(const std::string& model_file) {
  namespace fs = std::filesystem;
  const fs::path model(model_file);
  const std::string folder = model.parent_path().filename().string();
  const std::string stem = model.stem().string();
  const auto digits = stem.find_first_of("0123456789");
  const std::string kind = stem.substr(0, digits);
  if (digits == std::string::npos || folder.rfind("vmodel_", 0) != 0 ||
      (kind != "vmodel" && kind != "svmodel" && kind != "saltv"))
    throw DatagenError("'" + model_file + "' is not a model file of the FCNVMB release");
  const std::string seismic = (kind == "vmodel" ? "georec" : "srec") + stem.substr(digits);
  return (model.parent_path().parent_path() / ("georec_" + folder.substr(7)) / (seismic + ".mat"))
      .string();
}

bool fcnvmb_release_has(const std::string& root, const std::string& subset) {
  namespace fs = std::filesystem;
  const char* folder = subset == "seg_train" ? "train_data/SEGSaltData/vmodel_train"
                       : subset == "seg"     ? "test_data/SEGSaltData/vmodel_test"
                       : subset == "test"    ? "test_data/SimulateData/vmodel_test"
                                             : "train_data/SimulateData/vmodel_train";
  return fs::is_directory(fs::path(root) / folder);
}

std::vector<std::string> fcnvmb_release_files(const std::string& root, const std::string& subset) {
  namespace fs = std::filesystem;
  fs::path folder;
  std::string stem;
  int first = 0, last = 0;
  if (subset == "train") {
    folder = fs::path(root) / "train_data/SimulateData/vmodel_train";
    stem = "vmodel";
    first = 1;
    last = 1600;
  } else if (subset == "test") {
    folder = fs::path(root) / "test_data/SimulateData/vmodel_test";
    stem = "vmodel";
    first = 1601;
    last = 1700;
  } else if (subset == "seg") {
    folder = fs::path(root) / "test_data/SEGSaltData/vmodel_test";
    stem = "saltv";
    first = 1;
    last = 10;
  } else if (subset == "seg_train") {
    folder = fs::path(root) / "train_data/SEGSaltData/vmodel_train";
    stem = "svmodel";
    first = 1;
    last = 130;
  } else {
    throw DatagenError("unknown FCNVMB subset '" + subset + "' (train, test, seg or seg_train)");
  }
  if (!fs::is_directory(folder))
    throw DatagenError("'" + folder.string() + "' does not exist: is '" + root +
                       "' the FCNVMB release folder?");
  std::vector<std::string> files;
  for (int i = first; i <= last; ++i) {
    const fs::path f = folder / (stem + std::to_string(i) + ".mat");
    if (!fs::exists(f)) throw DatagenError("the FCNVMB release lacks '" + f.string() + "'");
    files.push_back(f.string());
  }
  return files;
}

ModelSetReader::ModelSetReader(const std::string& path) : path_(path) {
  io::H5File file(path, io::H5File::Mode::kRead);
  const auto dims = file.dims("/velocity");
  if (dims.size() != 3) throw DatagenError("'" + path + "': /velocity is not [N, nz, nx]");
  info_.count = std::int64_t(dims[0]);
  info_.nz = int(dims[1]);
  info_.nx = int(dims[2]);
  info_.dx = file.attribute_double("dx");
  info_.dz = file.attribute_double("dz");
  info_.generator = file.attribute_string("generator");
  info_.parameters = file.attribute_string("parameters");
  info_.seed = static_cast<std::uint64_t>(file.attribute_int("seed"));
  if (!file.has_attribute("checksum"))
    throw DatagenError("'" + path +
                       "' has no checksum (written by an older vmbkit): make it again");
  info_.checksum = file.attribute_string("checksum");
  io::Checksum checksum;
  for (std::int64_t i = 0; i < info_.count; ++i) {
    const std::vector<float> v = file.read_slab("/velocity", io::Extent(i));
    io::check_finite(v.data(), {std::size_t(info_.nz), std::size_t(info_.nx)}, {"row", "column"},
                     "'" + path + "' model " + std::to_string(i));
    checksum.update(v.data(), v.size() * sizeof(float));
  }
  if (checksum.hex() != info_.checksum)
    throw DatagenError("'" + path +
                       "': its models do not match its checksum (changed or damaged "
                       "after it was written): make it again");
}

VelocityModel ModelSetReader::model(std::int64_t index) const {
  if (index < 0 || index >= info_.count)
    throw DatagenError("model " + std::to_string(index) + " is not in '" + path_ + "'");
  io::H5File file(path_, io::H5File::Mode::kRead);
  VelocityModel m;
  m.nz = info_.nz;
  m.nx = info_.nx;
  m.dx = info_.dx;
  m.dz = info_.dz;
  m.velocity = file.read_slab("/velocity", io::Extent(index));
  return m;
}

}  // namespace vmb::datagen
