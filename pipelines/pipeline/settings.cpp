#include "settings.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "options.hpp"

namespace vmb::pipeline {
namespace {

namespace po = cli::po;

using Stages = std::vector<std::string>;
const Stages kModelStages = {"models.pretrain", "models.finetune", "models.test_simulated",
                             "models.test_seg"};
const Stages kDataStages = {"data.pretrain", "data.finetune", "data.test_simulated",
                            "data.test_seg"};
const Stages kSaltModels = {"models.pretrain", "models.test_simulated"};
const Stages kSegModels = {"models.finetune", "models.test_seg"};
const Stages kTraining = {"train.pretrain", "train.finetune"};

std::string text(const char* s) { return s; }

}  // namespace

// quick is the paper scaled down: models of 51 x 77 at 40 m (a quarter of the paper's grid at
// four times its spacing), 16 shots, 2 s at 4 ms, f0 4 Hz (3.75 points per wavelength in the
// 1500 m/s water at 2.5 f0), a network of width 12. medium is the paper's geometry and survey with
// a quarter of its pretraining models and a network of width 16, sized to finish within an hour on
// a 2-core CPU (about 1.6 s of simulation per model, 0.16 s per sample per bf16 training step).
// Its network is undertrained, so it spends its budget on steps: batch 4 costs no more per sample
// than 10 on this CPU, the mirror doubles the data at no simulation cost, and the L1 term aims the
// loss at the MAE it is judged by.
const std::vector<Key>& keys() {
  using R = Range;
  static const std::vector<Key> table = {
      {"run.folder",
       {text("runs/tiny"), text("runs/quick"), text("runs/medium"), text("runs/paper")},
       R::kAny,
       "folder of the run: models, data, checkpoints, evaluation, report",
       {"report"}},
      {"run.seed",
       {1, 1, 1, 1},
       R::kPositive,
       "seed of every random choice (model sets use seed + 0 .. 3)",
       {"models.pretrain", "models.finetune", "models.test_simulated", "models.test_seg",
        "train.pretrain", "train.finetune"}},
      {"run.threads",
       {0, 0, 0, 0},
       R::kNonNegative,
       "threads for OpenMP and LibTorch; 0: every core (results do not depend on it)",
       {}},
      {"data.fcnvmb",
       {text(""), text(""), text(""), text("")},
       R::kAny,
       "FCNVMB release folder: its models replace the generated salt and SEG sets, resampled to "
       "the grid (also --fcnvmb-data)",
       kModelStages},
      {"data.fcnvmb_use",
       {text("all"), text("all"), text("all"), text("all")},
       R::kAny,
       "sets data.fcnvmb supplies: all, or test (the test sets only: networks trained on "
       "generated models and tested on released ones, the transfer check)",
       kModelStages},
      {"data.fcnvmb_pick",
       {text("spread"), text("spread"), text("spread"), text("spread")},
       R::kAny,
       "which of the release's models a set takes: first (its first N) or spread (every "
       "size/N-th: the release lists its diapirs first, its sills second)",
       kModelStages},
      {"data.fcnvmb_seismic",
       {false, false, false, false},
       R::kAny,
       "with data.fcnvmb: store the release's own gathers (georec{i}.mat, srec{i}.mat beside its "
       "models, field Rec) for the sets it supplies instead of simulating them; needs its survey "
       "(201 x 301 at 10 m, 29 shots, 2000 samples of 1 ms)",
       kDataStages},
      {"grid.nz", {24, 51, 201, 201}, R::kPositive, "model rows", kModelStages},
      {"grid.nx", {33, 77, 301, 301}, R::kPositive, "model columns", kModelStages},
      {"grid.dx", {10.0, 40.0, 10.0, 10.0}, R::kPositive, "grid spacing, m", kModelStages},
      {"grid.supersample",
       {1, 4, 1, 1},
       R::kPositive,
       "generated models are drawn this many times finer and block-averaged to the grid, as "
       "released models are resampled (the generators' supersample)",
       kModelStages},
      {"survey.nshots",
       {3, 16, 29, 29},
       R::kPositive,
       "shots, evenly spaced along the surface",
       kDataStages},
      {"survey.nt", {200, 500, 2000, 2000}, R::kPositive, "time samples per trace", kDataStages},
      {"survey.dt",
       {0.001, 0.004, 0.001, 0.001},
       R::kPositive,
       "time step of the traces, s",
       kDataStages},
      {"survey.f0",
       {20.0, 4.0, 15.0, 15.0},
       R::kPositive,
       "Ricker peak frequency, Hz",
       kDataStages},
      {"survey.order",
       {8, 8, 8, 8},
       R::kPositive,
       "spatial order of the finite differences (2, 4, 6 or 8)",
       kDataStages},
      {"survey.pml", {10, 20, 20, 20}, R::kPositive, "CPML cells on each side", kDataStages},
      {"survey.decimation",
       {5, 5, 5, 5},
       R::kPositive,
       "FCNVMB time decimation: samples m * factor + 2 are kept",
       kDataStages},
      {"pretrain.models",
       {12, 640, 400, 1600},
       R::kPositive,
       "generated salt models to pretrain on",
       {"models.pretrain"}},
      {"pretrain.relief_median",
       {2.0, 0.875, 3.5, 3.5},
       R::kPositive,
       "median fold relief of the salt models' interfaces, cells",
       kSaltModels},
      {"pretrain.relief_max",
       {6.0, 3.0, 12.0, 12.0},
       R::kPositive,
       "largest fold relief of the salt models' interfaces, cells",
       kSaltModels},
      {"pretrain.roughness",
       {0.6, 0.15, 0.6, 0.6},
       R::kNonNegative,
       "median RMS rugosity of the salt models' interfaces, cells (the release's 0.6 at 10 m)",
       kSaltModels},
      {"pretrain.epochs", {3, 32, 28, 100}, R::kPositive, "pretraining epochs", {"train.pretrain"}},
      {"pretrain.batch_size",
       {4, 8, 4, 10},
       R::kPositive,
       "pretraining batch size",
       {"train.pretrain"}},
      {"pretrain.lr",
       {0.001, 0.001, 0.001, 0.001},
       R::kPositive,
       "pretraining learning rate (Adam)",
       {"train.pretrain"}},
      {"pretrain.lr_schedule",
       {text("constant"), text("cosine"), text("cosine"), text("constant")},
       R::kAny,
       "constant, cosine (to lr / 100) or step (x0.1 at a third and two thirds of the epochs)",
       {"train.pretrain"}},
      {"finetune.models",
       {6, 600, 100, 130},
       R::kPositive,
       "models to fine-tune on: drawn by finetune.generators, or the release's SEG/EAGE training "
       "slices (data.fcnvmb)",
       {"models.finetune"}},
      {"finetune.generators",
       {text("salt-basin:1,seg-like:1"), text("salt-basin:1,seg-like:1"),
        text("salt-basin:1,seg-like:1"), text("salt-basin:1,seg-like:1")},
       R::kAny,
       "generators of the fine-tuning models and their weights, name:weight comma-separated "
       "(salt-basin: faulted, dipping basins with diapirs, sheets and flanks; seg-like: the "
       "SEG-style test set's generator); the finetune.* shape keys below apply to seg-like",
       {"models.finetune"}},
      {"finetune.water_min", {2, 1, 2, 2}, R::kPositive, "thinnest water layer, cells", kSegModels},
      {"finetune.water_max", {3, 1, 4, 4}, R::kPositive, "thickest water layer, cells", kSegModels},
      {"finetune.layers_min", {4, 8, 15, 15}, R::kPositive, "fewest sediment layers", kSegModels},
      {"finetune.layers_max", {8, 15, 30, 30}, R::kPositive, "most sediment layers", kSegModels},
      {"finetune.fold_relief_max",
       {4.0, 8.0, 30.0, 30.0},
       R::kPositive,
       "largest fold relief of the SEG-style models, cells",
       kSegModels},
      {"finetune.fault_throw_max",
       {3.0, 4.0, 15.0, 15.0},
       R::kPositive,
       "largest fault throw of the SEG-style models, cells",
       kSegModels},
      {"finetune.epochs", {2, 14, 20, 50}, R::kPositive, "fine-tuning epochs", {"train.finetune"}},
      {"finetune.batch_size",
       {3, 8, 4, 10},
       R::kPositive,
       "fine-tuning batch size",
       {"train.finetune"}},
      {"finetune.lr",
       {0.001, 0.001, 0.001, 0.001},
       R::kPositive,
       "fine-tuning learning rate (Adam)",
       {"train.finetune"}},
      {"finetune.lr_schedule",
       {text("constant"), text("cosine"), text("cosine"), text("constant")},
       R::kAny,
       "learning-rate schedule of fine-tuning, as pretrain.lr_schedule",
       {"train.finetune"}},
      {"test.simulated",
       {4, 40, 100, 100},
       R::kPositive,
       "simulated salt test models",
       {"models.test_simulated"}},
      {"test.seg", {3, 20, 10, 10}, R::kPositive, "SEG-style test models", {"models.test_seg"}},
      {"test.release_seg",
       {text("auto"), text("auto"), text("auto"), text("auto")},
       R::kAny,
       "FCNVMB release whose 10 SEG/EAGE slices, resampled to the grid, are a third test set of "
       "the fine-tuned network; auto: data.fcnvmb, else ../shared/data/fcnvmb-release if there; "
       "none: no such set",
       {"models.release_seg"}},
      {"test.seam",
       {text("auto"), text("auto"), text("auto"), text("auto")},
       R::kAny,
       "a long real salt section whose windows, resampled to the grid, are a further test set of "
       "the fine-tuned network: a model file, raw .bin described by the manifest.json beside it; "
       "auto: ../shared/data/real-models/deeplogs_seam_i_salt_nz151_nx1751_f32le.bin if there; "
       "none: no such set",
       {"models.test_seam"}},
      {"test.seam_windows",
       {2, 10, 10, 10},
       R::kPositive,
       "windows of test.seam, each the grid's extent, evenly spread along it",
       {"models.test_seam"}},
      {"test.seam_water",
       {40.0, 40.0, 40.0, 40.0},
       R::kNonNegative,
       "m of water each SEAM window keeps above the shallowest sea floor in it (the section lies "
       "under 0.5 to 1.4 km of water; the training models under 300 m at most)",
       {"models.test_seam"}},
      {"fwi.models",
       {1, 3, 1, 3},
       R::kNonNegative,
       "SEG-style test models the FWI comparison runs on (0: no comparison)",
       {"fwi.test_seg"}},
      {"fwi.bands",
       {text("10,20"), text("2,4"), text("5,10"), text("3,5,8,12")},
       R::kAny,
       "low-pass corners of the FWI frequency bands, Hz, comma-separated",
       {"fwi.test_seg"}},
      {"fwi.iterations",
       {2, 6, 4, 20},
       R::kPositive,
       "L-BFGS iterations per FWI band",
       {"fwi.test_seg"}},
      {"fwi.smooth",
       {30.0, 120.0, 100.0, 100.0},
       R::kPositive,
       "Gaussian smoothing of the true model that starts the paper's FWI, m",
       {"fwi.test_seg"}},
      {"fwi.fix_top",
       {2, 1, 2, 2},
       R::kNonNegative,
       "model rows FWI keeps fixed (the water layer)",
       {"fwi.test_seg"}},
      {"network.arch",
       {text("fcnvmb"), text("fcnvmb"), text("fcnvmb"), text("fcnvmb")},
       R::kAny,
       "the network: fcnvmb, inversionnet, unet, unetpp or unet-wide (vmb-train --network)",
       kTraining},
      {"network.width",
       {4, 12, 16, 64},
       R::kPositive,
       "channels of the network's first level (paper: 64)",
       kTraining},
      {"network.precision",
       {text("auto"), text("auto"), text("auto"), text("auto")},
       R::kAny,
       "fp32, bf16, fp16 or auto: arithmetic of training and evaluation (vmb-train --precision)",
       {"train.pretrain", "train.finetune", "eval.test_simulated", "eval.test_seg",
        "eval.release_seg"}},
      {"network.scale_labels",
       {true, true, true, false},
       R::kAny,
       "train on velocities scaled to [0, 1] by the training set's range",
       kTraining},
      {"network.standardise_data",
       {true, true, true, false},
       R::kAny,
       "standardise the gathers by the training set's mean and deviation",
       kTraining},
      {"network.ssim_weight",
       {0.0, 0.1, 0.0, 0.0},
       R::kNonNegative,
       "training loss: MSE + ssim_weight x (1 - SSIM) of the scaled velocities (0: the paper's "
       "MSE)",
       kTraining},
      {"network.l1_weight",
       {0.0, 0.0, 1.0, 0.0},
       R::kNonNegative,
       "adds l1_weight x mean |error| of the scaled velocities to the training loss (0: none)",
       kTraining},
      {"network.mirror",
       {false, false, true, false},
       R::kAny,
       "mirror augmentation: each epoch shows each training sample left-right mirrored with "
       "probability 1/2, its shots and receivers reversed (exact: the survey is symmetric)",
       kTraining},
      {"compare.networks",
       {text(""), text(""), text(""), text("")},
       R::kAny,
       "networks to train side by side with the same data, epochs and settings, comma-separated "
       "(e.g. fcnvmb,inversionnet,unet,unetpp,unet-wide); empty: no comparison",
       {"compare"}},
  };
  return table;
}

std::string to_text(const Value& value) {
  struct Visitor {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(int n) const { return std::to_string(n); }
    std::string operator()(double x) const {
      char buffer[32];
      const auto end = std::to_chars(buffer, buffer + sizeof buffer, x).ptr;
      return std::string(buffer, end);
    }
    std::string operator()(const std::string& s) const { return s; }
  };
  return std::visit(Visitor{}, value);
}

namespace {

const char* type_name(const Value& v) {
  switch (v.index()) {
    case 0:
      return "true/false";
    case 1:
      return "whole";
    case 2:
      return "number";
    default:
      return "text";
  }
}

const Key& key_named(const std::string& name) {
  for (const auto& k : keys())
    if (k.name == name) return k;
  throw std::logic_error("vmb-pipeline has no setting " + name);
}

// The text of a key's value as the key's type, range-checked: UsageError naming the key.
// A key's range, checked as every tool's options are (cli::check_range).
template <typename T>
void check_range(const Key& key, T v) {
  if (key.range == Range::kPositive)
    cli::check_range(key.name, v, cli::positive_min<T>(), std::numeric_limits<T>::max());
  if (key.range == Range::kNonNegative)
    cli::check_range(key.name, v, T(0), std::numeric_limits<T>::max());
}

Value parse_value(const Key& key, const std::string& s) {
  const std::string& name = key.name;
  const Value& like = key.defaults[0];
  if (std::holds_alternative<std::string>(like)) return s;
  if (std::holds_alternative<bool>(like)) {
    if (s == "true" || s == "1" || s == "yes") return true;
    if (s == "false" || s == "0" || s == "no") return false;
    throw cli::UsageError(name + " must be true or false, not '" + s + "'");
  }
  if (std::holds_alternative<int>(like)) {
    int n = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size())
      throw cli::UsageError(name + " must be a whole number, not '" + s + "'");
    check_range(key, n);
    return n;
  }
  double x = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(x))
    throw cli::UsageError(name + " must be a number, not '" + s + "'");
  check_range(key, x);
  return x;
}

std::string valid_keys() {
  std::vector<std::string> names;
  for (const auto& k : keys()) names.push_back(k.name);
  std::sort(names.begin(), names.end());
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  return list;
}

// The column of a preset's defaults in the table; UsageError for an unknown preset.
std::size_t preset_column(const std::string& preset) {
  const auto at = std::find(kPresets.begin(), kPresets.end(), preset);
  if (at == kPresets.end())
    throw cli::UsageError("unknown preset '" + preset + "' (tiny, quick, medium or paper)");
  return std::size_t(at - kPresets.begin());
}

}  // namespace

std::string markdown_table() {
  std::ostringstream t;
  t << "| key | type | tiny | quick | medium | paper | meaning | stages it shapes |\n"
    << "|---|---|---|---|---|---|---|---|\n";
  for (const auto& k : keys()) {
    t << "| `" << k.name << "` | " << type_name(k.defaults[0]);
    for (const auto& v : k.defaults) {
      const std::string s = to_text(v);
      t << " | " << (s.empty() ? "(none)" : s);
    }
    t << " | " << k.doc << " | ";
    std::string stages;
    for (const auto& s : k.stages) stages += (stages.empty() ? "" : ", ") + s;
    t << (stages.empty() ? "none" : stages) << " |\n";
  }
  return t.str();
}

po::options_description Settings::options(int argc, char** argv) {
  // The preset sets the defaults of every other key, so it is resolved first: from the command
  // line, else from the INI file's top-level `preset = ...`, else quick.
  std::string preset = "quick";
  {
    po::options_description first;
    first.add_options()("preset", po::value<std::string>())("config", po::value<std::string>());
    po::variables_map vm;
    try {
      po::store(po::command_line_parser(argc, argv).options(first).allow_unregistered().run(), vm);
    } catch (const po::error& e) {
      throw cli::UsageError(e.what());
    }
    if (vm.count("preset")) {
      preset = vm["preset"].as<std::string>();
    } else if (vm.count("config")) {
      const std::string path = cli::config_path(vm);
      std::ifstream file(path);
      po::options_description in_file;
      in_file.add_options()("preset", po::value<std::string>());
      po::variables_map from_file;
      try {
        po::store(po::parse_config_file(file, in_file, /*allow_unregistered=*/true), from_file);
      } catch (const po::error& e) {
        throw cli::UsageError("config file '" + path + "': " + e.what());
      }
      if (from_file.count("preset")) preset = from_file["preset"].as<std::string>();
    }
  }
  const std::size_t column = preset_column(preset);
  po::options_description settings(
      "Settings (defaults: the preset's; INI sections [run], [grid], ... give run.*, grid.*)");
  for (const auto& k : keys())
    settings.add_options()(k.name.c_str(),
                           po::value<std::string>()->default_value(to_text(k.defaults[column])),
                           k.doc.c_str());
  po::options_description general("Pipeline");
  general.add_options()("preset", po::value<std::string>()->default_value(preset),
                        "tiny | quick | medium | paper (also `preset = ...` in the INI file)")(
      "fcnvmb-data", po::value<std::string>(),
      "the FCNVMB release folder: use its models (same as data.fcnvmb)")(
      "dry-run", po::bool_switch(),
      "print the settings, the stages and their estimated cost, and exit")(
      "quiet", po::bool_switch(), "no progress on stderr")(
      "settings-table", po::bool_switch(), "print every key as a Markdown table and exit");
  po::options_description all;
  all.add(general).add(settings);
  return all;
}

std::string Settings::unknown_option_hint() { return "valid keys: " + valid_keys(); }

Settings::Settings(const po::variables_map& vm)
    : preset_(vm["preset"].as<std::string>()),
      dry_run_(vm["dry-run"].as<bool>()),
      quiet_(vm["quiet"].as<bool>()),
      settings_table_(vm["settings-table"].as<bool>()) {
  for (const auto& k : keys()) values_[k.name] = parse_value(k, vm[k.name].as<std::string>());
  if (vm.count("fcnvmb-data")) values_["data.fcnvmb"] = vm["fcnvmb-data"].as<std::string>();
}

const std::string& Settings::text(const std::string& key) const {
  return std::get<std::string>(values_.at(key_named(key).name));
}

int Settings::integer(const std::string& key) const {
  return std::get<int>(values_.at(key_named(key).name));
}

double Settings::number(const std::string& key) const {
  return std::get<double>(values_.at(key_named(key).name));
}

bool Settings::flag(const std::string& key) const {
  return std::get<bool>(values_.at(key_named(key).name));
}

}  // namespace vmb::pipeline
