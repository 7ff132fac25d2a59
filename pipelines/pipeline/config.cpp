#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

#include "options.hpp"
#include "pipeline.hpp"
#include "vmb/datagen/dataset.hpp"
#include "vmb/datagen/error.hpp"
#include "vmb/datagen/model_set.hpp"
#include "vmb/io/atomic_file.hpp"
#include "vmb/io/check.hpp"
#include "vmb/io/checksum.hpp"
#include "vmb/io/error.hpp"
#include "vmb/io/gathers_io.hpp"
#include "vmb/io/hdf5.hpp"
#include "vmb/io/model_io.hpp"
#include "vmb/io/picture.hpp"
#include "vmb/io/progress.hpp"
#include "vmb/modeling/fwi.hpp"
#include "vmb/modeling/metrics.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/wavelet.hpp"
#include "vmb/network/evaluate.hpp"
#include "vmb/network/metrics.hpp"
#include "vmb/network/train.hpp"

namespace vmb::pipeline {

// Whether it holds the paper's 130 SEG/EAGE fine-tuning slices (the authors' whole archive).
bool Pipeline::release_has_seg_train() const {
  return release_trains() && vmb::datagen::fcnvmb_release_has(s_.text("data.fcnvmb"), "seg_train");
}

// The release folder of the SEG/EAGE slices test set; empty: no such set. With data.fcnvmb
// the SEG-style test set is those slices already, on the same grid, so auto adds none.
std::string Pipeline::release_seg() const {
  const std::string& value = s_.text("test.release_seg");
  if (value == "none") return {};
  if (value != "auto") return value;
  if (released()) return {};
  const std::string beside = "../shared/data/fcnvmb-release";
  return fs::is_directory(beside) ? beside : std::string();
}

std::string Pipeline::seam_section() const {
  const std::string& value = s_.text("test.seam");
  if (value == "none") return {};
  if (value != "auto") return value;
  const std::string beside =
      "../shared/data/real-models/deeplogs_seam_i_salt_nz151_nx1751_f32le.bin";
  return fs::exists(beside) ? beside : std::string();
}

vmb::io::ModelFileOptions Pipeline::seam_options() const {
  const fs::path file = seam_section();
  vmb::io::ModelFileOptions options;
  if (file.extension() != ".bin") return options;
  // A raw section: its shape and spacing from the manifest.json beside it.
  const fs::path manifest = file.parent_path() / "manifest.json";
  std::ifstream in(manifest);
  if (!in)
    throw vmb::cli::UsageError("test.seam: no " + manifest.string() + " gives the shape of " +
                               file.string());
  try {
    for (const auto& entry : nlohmann::json::parse(in))
      if (entry.at("file").get<std::string>() == file.filename().string()) {
        options.nz = entry.at("shape_nz_nx").at(0).get<int>();
        options.nx = entry.at("shape_nz_nx").at(1).get<int>();
        options.dz = entry.at("dz_m").get<double>();
        options.dx = entry.at("dx_m").get<double>();
        return options;
      }
  } catch (const nlohmann::json::exception& e) {
    throw vmb::cli::UsageError("test.seam: " + manifest.string() + ": " + e.what());
  }
  throw vmb::cli::UsageError("test.seam: " + manifest.string() + " does not describe " +
                             file.filename().string());
}

vmb::datagen::GeneratorConfig Pipeline::generator(const std::string& name) const {
  vmb::datagen::GeneratorConfig g;
  g.name = name;
  g.nz = s_.integer("grid.nz");
  g.nx = s_.integer("grid.nx");
  g.spacing = s_.number("grid.dx");
  g.parameters["supersample"] = s_.integer("grid.supersample");
  // The generators' rugosity defaults are calibrated on the release's 10 m cells.
  const auto defaults = vmb::datagen::default_parameters(name);
  for (const char* p : {"roughness_length", "water_roughness", "salt_rim_roughness", "edge_curl",
                        "edge_curl_length"})
    if (defaults.count(p)) g.parameters[p] = defaults.at(p) * 10.0 / s_.number("grid.dx");
  if (name == "fcnvmb-salt") {
    for (const char* p : {"relief_median", "relief_max", "roughness"})
      g.parameters[p] = s_.number(std::string("pretrain.") + p);
  } else if (name == "seg-like") {
    for (const char* p : {"water_min", "water_max", "layers_min", "layers_max"})
      g.parameters[p] = s_.integer(std::string("finetune.") + p);
    for (const char* p : {"fold_relief_max", "fault_throw_max"})
      g.parameters[p] = s_.number(std::string("finetune.") + p);
  }
  return g;
}

// A generator name, or a mixture "name:weight,...", as parts configured by generator().
std::vector<vmb::datagen::GeneratorPart> Pipeline::mixture(const std::string& text) const {
  auto parts = vmb::datagen::parse_mixture(text, 0, 0, 0.0);
  for (auto& part : parts) part.config = generator(part.config.name);
  return parts;
}

// `count_key` models of a subset of the FCNVMB release, in the release's order: the first ones,
// or with data.fcnvmb_pick spread every (size / count)-th (the release's training and test sets
// hold diapirs in their first half and sills in their second).
std::vector<std::string> Pipeline::release_files(const char* subset, const char* count_key) const {
  const auto files = vmb::datagen::fcnvmb_release_files(s_.text("data.fcnvmb"), subset);
  const std::size_t count = std::size_t(s_.integer(count_key));
  if (count > files.size())
    throw vmb::cli::UsageError(std::string(count_key) + " is " + std::to_string(count) +
                               " but the FCNVMB release's " + subset + " set has " +
                               std::to_string(files.size()) + " models");
  const bool spread = s_.text("data.fcnvmb_pick") == "spread";
  std::vector<std::string> picked;
  for (std::size_t i = 0; i < count; ++i)
    picked.push_back(files[spread ? i * files.size() / count : i]);
  return picked;
}

// The models of a set (pretrain, finetune, test_simulated, test_seg, release_seg or test_seam).
int Pipeline::samples(const std::string& set) const {
  if (set == "pretrain") return s_.integer("pretrain.models");
  if (set == "finetune") return s_.integer("finetune.models");
  if (set == "test_simulated") return s_.integer("test.simulated");
  if (set == "release_seg") return release_seg().empty() ? 0 : 10;
  if (set == "test_seam") return seam_section().empty() ? 0 : s_.integer("test.seam_windows");
  return s_.integer("test.seg");
}

vmb::datagen::DatasetConfig Pipeline::survey() const {
  vmb::datagen::DatasetConfig c;
  c.survey.nshots = s_.integer("survey.nshots");
  c.nt = s_.integer("survey.nt");
  c.dt = s_.number("survey.dt");
  c.f0 = s_.number("survey.f0");
  c.order = s_.integer("survey.order");
  c.pml = s_.integer("survey.pml");
  c.decimation = vmb::datagen::Decimation::kFcnvmb;
  c.decimation_factor = s_.integer("survey.decimation");
  c.decimation_offset = std::min(2, c.decimation_factor - 1);
  c.threads = s_.integer("run.threads");
  return c;
}

// Where a network's training and evaluation live: the run folder for network.arch,
// compare/ARCH for the other networks of compare.networks.
fs::path Pipeline::home(const std::string& arch) const {
  return arch == s_.text("network.arch") ? run_ : run_ / "compare" / arch;
}

// The networks of compare.networks, in order.
std::vector<std::string> Pipeline::compared() const {
  return vmb::cli::comma_separated(s_.text("compare.networks"));
}

// fwi.bands as numbers; UsageError naming the key for anything else.
std::vector<double> Pipeline::fwi_bands() const {
  const auto bands = vmb::cli::frequencies(s_.text("fwi.bands"), "fwi.bands");
  if (bands.empty()) throw vmb::cli::UsageError("fwi.bands is empty");
  return bands;
}

std::vector<std::string> Pipeline::release_models(const std::string& set) const {
  if (!released()) return {};
  if (set == "pretrain" && release_trains()) return release_files("train", "pretrain.models");
  if (set == "finetune" && release_has_seg_train())
    return release_files("seg_train", "finetune.models");
  if (set == "test_simulated") return release_files("test", "test.simulated");
  if (set == "test_seg") return release_files("seg", "test.seg");
  return {};
}

}  // namespace vmb::pipeline
