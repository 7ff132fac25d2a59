#pragma once
// A model set: N velocity models of one grid in one HDF5 file.
//   /velocity  float32 [N, nz, nx], m/s, chunked one model per chunk
//   attributes dx, dz (m), generator (name, or "import"), parameters (text: key=value;...),
//   seed, count.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "vmb/datagen/generators.hpp"
#include "vmb/modeling/model.hpp"

namespace vmb::datagen {

struct ModelSetInfo {
  std::int64_t count = 0;
  int nz = 0, nx = 0;
  double dx = 0.0, dz = 0.0;
  std::string generator;
  std::string parameters;
  std::uint64_t seed = 0;
};

// Generates samples [0, count) with the resolved generator and writes them (atomically).
// progress(done) is called after each model.
void generate_model_set(const std::string& path, const GeneratorConfig& config, std::uint64_t seed,
                        std::int64_t count, const std::function<void(std::int64_t)>& progress = {});

// Writes models read from files (any format vmb::io::read_model reads, spacing taken from the
// files or dx_m) as a model set; all must share one grid. source describes where they came from.
void import_model_set(const std::string& path, const std::vector<std::string>& files, double dx_m,
                      const std::string& source,
                      const std::function<void(std::int64_t)>& progress = {});

// The model files of the FCNVMB release under root, in the authors' layout:
// subset "train" (vmodel1..1600), "test" (vmodel1601..1700) or "seg" (saltv1..10).
std::vector<std::string> fcnvmb_release_files(const std::string& root, const std::string& subset);

// Reads a model set's description, or one of its models.
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
