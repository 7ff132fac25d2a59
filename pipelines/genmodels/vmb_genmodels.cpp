// vmb-genmodels: a model set (one HDF5 file of N velocity models) from a generator, from the
// FCNVMB release, or from model files.
//
//   vmb-genmodels --generator fcnvmb-salt --count 1600 --seed 1 --out models.h5
//   vmb-genmodels --import-fcnvmb ../shared/data/fcnvmb-release --subset seg --out seg.h5
//   vmb-genmodels --import a.mat b.mat c.h5 --out set.h5
//   vmb-genmodels --stats set.h5             (shape statistics: salt peaks, outline, roughness)

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "cli.hpp"
#include "driver.hpp"
#include "options.hpp"
#include "vmb/datagen/generators.hpp"
#include "vmb/datagen/model_set.hpp"
#include "vmb/datagen/morphology.hpp"
#include "vmb/io/atomic_file.hpp"
#include "vmb/io/picture.hpp"
#include "vmb/io/progress.hpp"

namespace {

namespace po = vmb::cli::po;
namespace fs = std::filesystem;

std::string dashed(std::string s) {
  std::replace(s.begin(), s.end(), '_', '-');
  return s;
}

// Every generator's parameters, as options with dashes (salt_fraction_max: --salt-fraction-max).
std::set<std::string> all_parameters() {
  std::set<std::string> names;
  for (const auto& g : vmb::datagen::generator_names())
    for (const auto& [key, value] : vmb::datagen::default_parameters(g)) names.insert(key);
  return names;
}

class GenModels {
 public:
  static po::options_description options() {
    po::options_description source("Source of the models");
    source.add_options()(
        "generator", po::value<std::string>(),
        "fcnvmb-salt | seg-like | salt-basin | flat | curved | flat-fault | curved-fault")(
        "count", vmb::cli::positive<long>("count"), "number of models to generate")(
        "seed", po::value<unsigned long>()->default_value(1),
        "global seed; model i depends on (seed, i) only")(
        "nz", vmb::cli::positive<int>("nz"),
        "rows (default: 201, or 70 for the OpenFWI families; raw binary imports: required)")(
        "nx", vmb::cli::positive<int>("nx"),
        "columns (default: 301, or 70; raw binary imports: required)")(
        "dx", vmb::cli::positive<double>("dx"),
        "grid spacing, m (default: 10, or from the imported files)")(
        "import-fcnvmb", po::value<std::string>(), "FCNVMB release folder to import")(
        "subset", po::value<std::string>()->default_value("train"),
        "with --import-fcnvmb: train | test | seg | seg_train")(
        "import", po::value<std::vector<std::string>>()->multitoken(),
        "model files to import (any format vmb-simulate reads)");
    source.add(vmb::cli::model_file_options(false));
    po::options_description params(
        "Generator parameters (defaults per generator; see docs/datasets.md)");
    for (const auto& name : all_parameters())
      params.add_options()(dashed(name).c_str(), po::value<double>(), "");
    po::options_description output("Output");
    output.add_options()("out", po::value<std::string>(), "model set file (HDF5)")(
        "quiet", po::bool_switch(), "no progress on stderr");
    po::options_description stats("Shape statistics (datagen/morphology.hpp)");
    stats.add_options()("stats", po::value<std::string>(),
                        "print the shape statistics of a model set file and exit")(
        "salt-min", vmb::cli::positive<double>("salt-min")->default_value(4400.0),
        "m/s: salt is every cell at or above it")(
        "picture", po::value<std::string>(),
        "with --stats: also draw the set's first four models side by side (PNG)");
    po::options_description all;
    all.add(source).add(params).add(output).add(stats);
    return all;
  }

  explicit GenModels(const po::variables_map& vm)
      : vm_(vm), out_(vmb::cli::optional<std::string>(vm, "out").value_or("")) {}

  void run() {
    const int sources =
        int(vm_.count("generator")) + int(vm_.count("import-fcnvmb")) + int(vm_.count("import"));
    if (vm_.count("stats")) {
      if (sources != 0 || vm_.count("out"))
        throw vmb::cli::UsageError("--stats reads a model set: give it alone");
      if (vm_.count("picture")) vmb::cli::check_output_files(vm_, {"picture"}, {"stats"});
      return statistics();
    }
    if (vm_.count("picture")) throw vmb::cli::UsageError("--picture draws a set given by --stats");
    if (out_.empty()) throw vmb::cli::UsageError("--out is required");
    if (sources != 1)
      throw vmb::cli::UsageError("give exactly one of --generator, --import-fcnvmb, --import");
    vmb::cli::check_output_files(vm_, {"out"}, {"import"});
    vmb::io::remove_stale_temporaries(fs::absolute(out_).parent_path().string(), false);
    if (vm_.count("generator"))
      generate();
    else
      import();
  }

 private:
  void generate() {
    if (!vm_.count("count")) throw vmb::cli::UsageError("--generator needs --count");
    vmb::datagen::GeneratorConfig config;
    config.name = vm_["generator"].as<std::string>();
    config.nz = vmb::cli::optional<int>(vm_, "nz").value_or(0);
    config.nx = vmb::cli::optional<int>(vm_, "nx").value_or(0);
    config.spacing = vmb::cli::optional<double>(vm_, "dx").value_or(0.0);
    for (const auto& name : all_parameters())
      if (vm_.count(dashed(name))) config.parameters[name] = vm_[dashed(name)].as<double>();
    const long count = vm_["count"].as<long>();
    vmb::io::Progress progress("vmb-genmodels: models", count, vm_["quiet"].as<bool>());
    vmb::datagen::generate_model_set(out_, config, vm_["seed"].as<unsigned long>(), count,
                                     [&](std::int64_t done) { progress.update(done); });
    progress.finish();
  }

  void import() {
    std::vector<std::string> files;
    std::string source;
    if (vm_.count("import-fcnvmb")) {
      const auto root = vm_["import-fcnvmb"].as<std::string>();
      const auto subset = vm_["subset"].as<std::string>();
      files = vmb::datagen::fcnvmb_release_files(root, subset);
      source = "fcnvmb-release:" + subset;
    } else {
      files = vm_["import"].as<std::vector<std::string>>();
      source = "files";
    }
    vmb::io::Progress progress("vmb-genmodels: imported", long(files.size()),
                               vm_["quiet"].as<bool>());
    vmb::datagen::import_model_set(out_, files, vmb::cli::model_file_settings(vm_), source,
                                   [&](std::int64_t done) { progress.update(done); });
    progress.finish();
  }

  void statistics() const {
    const vmb::datagen::ModelSetReader set(vm_["stats"].as<std::string>());
    vmb::datagen::MorphologyOptions options;
    options.salt_velocity = vm_["salt-min"].as<double>();
    std::vector<vmb::datagen::Morphology> models;
    vmb::io::Progress progress("vmb-genmodels: models measured", long(set.info().count),
                               vm_["quiet"].as<bool>());
    for (std::int64_t i = 0; i < set.info().count; ++i) {
      models.push_back(vmb::datagen::morphology(set.model(i), options));
      progress.update(long(i + 1));
    }
    progress.finish();
    std::printf("%s", vmb::datagen::to_text(vmb::datagen::summarise(models)).c_str());
    if (vm_.count("picture")) picture(set);
  }

  // The first four models on one velocity scale, labelled by index.
  void picture(const vmb::datagen::ModelSetReader& set) const {
    const auto& info = set.info();
    std::vector<vmb::VelocityModel> shown;
    for (std::int64_t i = 0; i < std::min<std::int64_t>(4, info.count); ++i)
      shown.push_back(set.model(i));
    if (shown.empty()) throw vmb::cli::UsageError("the set holds no models to draw");
    float vmin = shown[0].velocity[0], vmax = vmin;
    std::vector<vmb::io::ModelPanel> panels;
    for (std::size_t i = 0; i < shown.size(); ++i) {
      const auto [lo, hi] = std::minmax_element(shown[i].velocity.begin(), shown[i].velocity.end());
      vmin = std::min(vmin, *lo);
      vmax = std::max(vmax, *hi);
      panels.push_back({"model " + std::to_string(i), shown[i].velocity.data()});
    }
    const std::string title = info.generator == "import"
                                  ? info.parameters
                                  : info.generator + ", seed " + std::to_string(info.seed);
    vmb::io::write_png(
        vm_["picture"].as<std::string>(),
        vmb::io::models_picture(panels, info.nz, info.nx, info.dx, vmin, vmax, title));
  }

  const po::variables_map& vm_;
  std::string out_;
};

}  // namespace

int main(int argc, char** argv) {
  return vmb::cli::run_tool<GenModels>(argc, argv, "vmb-genmodels",
                                       "[options] --out models.h5 | --stats models.h5");
}
