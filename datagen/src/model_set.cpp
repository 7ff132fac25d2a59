#include "vmb/datagen/model_set.hpp"

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
  auto read = [&](const Entry& e) {
    VelocityModel m = io::read_model(e.file, e.options);
    return grid ? resample(m, grid->nz, grid->nx, grid->dz, grid->dx) : m;
  };
  const VelocityModel first = read(entries[0]);
  check_room(path, std::int64_t(entries.size()), first.nz, first.nx);
  io::AtomicFile out(path);
  {
    io::H5File file = create_set(out, std::int64_t(entries.size()), first.nz, first.nx, first.dx,
                                 first.dz, "import", source, 0);
    io::Checksum checksum;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const VelocityModel m = i == 0 ? first : read(entries[i]);
      if (m.nz != first.nz || m.nx != first.nx)
        throw DatagenError("'" + entries[i].file + "' is " + std::to_string(m.nz) + " x " +
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
