#pragma once
// A model set: N velocity models of one grid in one HDF5 file.
//   /velocity  float32 [N, nz, nx], m/s, chunked one model per chunk
//   attributes dx, dz (m), generator (name, or "import"), parameters (text: key=value;...),
//   seed, count, checksum (XXH3-64 of /velocity's bytes, 16 hex digits).
// The checksum is computed as the set is written and verified whenever it is opened, so a
// dataset's settings hash, which includes it, changes with the models' contents.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "vmb/datagen/generators.hpp"
#include "vmb/io/model_io.hpp"
#include "vmb/modeling/model.hpp"

namespace vmb::datagen {

struct ModelSetInfo {
  std::int64_t count = 0;
  int nz = 0, nx = 0;
  double dx = 0.0, dz = 0.0;
  std::string generator;
  std::string parameters;
  std::uint64_t seed = 0;
  std::string checksum;
};

// Generates samples [0, count) with the resolved generator and writes them (atomically).
// progress(done) is called after each model.
void generate_model_set(const std::string& path, const GeneratorConfig& config, std::uint64_t seed,
                        std::int64_t count, const std::function<void(std::int64_t)>& progress = {});

// The same for a mixture of generators (generators.hpp): the generator attribute names the parts
// joined by '+', the parameters attribute gives each part as name*weight{key=value;...}.
void generate_model_set(const std::string& path, const std::vector<GeneratorPart>& parts,
                        std::uint64_t seed, std::int64_t count,
                        const std::function<void(std::int64_t)>& progress = {});

// A grid to resample imported models to (vmb::resample): nz x nx nodes spaced dz, dx (m).
struct ModelGrid {
  int nz = 0, nx = 0;
  double dz = 0.0, dx = 0.0;
};

// Writes models read from files (any format vmb::io::read_model reads, with these options) as a
// model set; all must share one grid, or with `grid` are resampled to it. source describes where
// they came from. An .npy stack of models (OpenFWI's model{k}.npy) gives every model it holds, in
// order, unless options.sample picks one.
void import_model_set(const std::string& path, const std::vector<std::string>& files,
                      const io::ModelFileOptions& options, const std::string& source,
                      const std::function<void(std::int64_t)>& progress = {},
                      const std::optional<ModelGrid>& grid = std::nullopt);

// The first columns of `count` windows of window_columns, evenly spread over a section of
// section_columns (the first at 0, the last ending at the section's end; one window: centred).
// Throws DatagenError when a window does not fit or count < 1.
std::vector<int> window_starts(int section_columns, int window_columns, int count);

// `count` windows of a long section (read from file with options), each spanning the grid's
// extent ((nz - 1) dz deep, (nx - 1) dx wide) at window_starts(), resampled to the grid and
// written as a model set whose source names the file and each window's top left corner. A window
// starts at the section's top row, or with above_sea_floor_m that far above the shallowest sea
// floor in its columns (the first row more than 1 % faster than the top one; for a deep-water
// section, windows of the sediments and salt rather than of the water), as deep as the section
// allows. Throws DatagenError naming the file when the section is too small.
void import_section_windows(const std::string& path, const std::string& file,
                            const io::ModelFileOptions& options, int count, const ModelGrid& grid,
                            std::optional<double> above_sea_floor_m = std::nullopt,
                            const std::function<void(std::int64_t)>& progress = {});

// The model files of the FCNVMB release under root, in the authors' layout: subset "train"
// (train_data/SimulateData/vmodel_train/vmodel1..1600), "test" (vmodel1601..1700 under
// test_data/SimulateData/vmodel_test), "seg" (test_data/SEGSaltData/vmodel_test/saltv1..10) or
// "seg_train" (the paper's fine-tuning slices, train_data/SEGSaltData/vmodel_train/
// svmodel1..130). Throws DatagenError naming the folder or the first file that is missing.
std::vector<std::string> fcnvmb_release_files(const std::string& root, const std::string& subset);

// The seismic file that pairs with a release model file, by its index: in the folder beside the
// model's (georec_train for vmodel_train, georec_test for vmodel_test), georec{i}.mat for
// vmodel{i}.mat and srec{i}.mat for the SEG/EAGE slices svmodel{i}.mat and saltv{i}.mat. The
// path only: it may not exist.
std::string fcnvmb_release_seismic(const std::string& model_file);

// Whether the release under root holds the subset's folder (the partial copy in ../shared has no
// seg_train).
bool fcnvmb_release_has(const std::string& root, const std::string& subset);

// Reads a model set's description, or one of its models. Opening it verifies the checksum and
// that every velocity is finite and positive; a set without a checksum (written by vmbkit before
// 0.2) or whose contents changed is refused.
class ModelSetReader {
 public:
  explicit ModelSetReader(const std::string& path);
  const ModelSetInfo& info() const { return info_; }
  VelocityModel model(std::int64_t index) const;

 private:
  std::string path_;
  ModelSetInfo info_;
};

}  // namespace vmb::datagen
