// vmb-pipeline: the paper end to end in one command: generate pretraining, fine-tuning and test
// models, simulate them, pretrain, fine-tune, evaluate against the mean-model baseline, report.
//
//   vmb-pipeline                          the quick preset (a scaled-down paper, minutes)
//   vmb-pipeline --preset paper --fcnvmb-data ../shared/data/fcnvmb-release
//   vmb-pipeline --config my.ini --pretrain.epochs 50 --dry-run
//
// Each stage writes into the run folder and records its settings hash in manifest.tsv: running
// the same command again skips finished stages, an interrupted one resumes, and a changed key
// re-runs its stage and the stages after it. Every stage is the library code its own binary
// (vmb-genmodels, vmb-datagen, vmb-train, vmb-eval) runs.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <tuple>

#include "driver.hpp"
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

using Clock = std::chrono::steady_clock;

Pipeline::Pipeline(const cli::po::variables_map& vm)
    : s_(vm), run_(s_.text("run.folder")), runner_(run_, [this](const std::string& t) { say(t); }) {
  if (s_.settings_table()) return;  // prints the table, runs nothing
  check_values();
  define_stages();
}

void Pipeline::run() {
  if (s_.settings_table()) {
    std::printf("%s", markdown_table().c_str());
    return;
  }
  if (s_.dry_run()) return dry_run();
  vmb::network::set_threads(s_.integer("run.threads"));
  vmb::io::prepare_output_folder({"run folder", run_.string()});
  for (const auto& path : vmb::io::remove_stale_temporaries(run_.string(), true))
    say("removed " + path + ", left by an interrupted run");
  runner_.run();
  say("report: " + (run_ / "report.html").string());
}

void Pipeline::say(const std::string& text) const {
  if (!s_.quiet()) std::fprintf(stderr, "vmb-pipeline: %s\n", text.c_str());
}

// The settings table checked each value's type and range while parsing; the physics is checked
// here as the stages will check it, before any of them runs.
void Pipeline::check_values() const {
  if (released() && !std::filesystem::is_directory(s_.text("data.fcnvmb")))
    throw vmb::cli::UsageError("FCNVMB release folder '" + s_.text("data.fcnvmb") +
                               "' does not exist");
  const std::string& use = s_.text("data.fcnvmb_use");
  if (use != "all" && use != "test")
    throw vmb::cli::UsageError("data.fcnvmb_use is '" + use + "': all or test");
  const std::string& pick = s_.text("data.fcnvmb_pick");
  if (pick != "first" && pick != "spread")
    throw vmb::cli::UsageError("data.fcnvmb_pick is '" + pick + "': first or spread");
  if (released()) {
    try {
      if (release_trains()) release_files("train", "pretrain.models");
      if (release_has_seg_train()) release_files("seg_train", "finetune.models");
      release_files("test", "test.simulated");
      release_files("seg", "test.seg");
    } catch (const vmb::DatagenError& e) {
      throw vmb::cli::UsageError(e.what());
    }
  }
  if (!release_seg().empty()) {
    try {
      vmb::datagen::fcnvmb_release_files(release_seg(), "seg");
    } catch (const std::exception& e) {
      throw vmb::cli::UsageError(std::string("test.release_seg: ") + e.what());
    }
  }
  if (s_.flag("data.fcnvmb_seismic")) check_release_seismic();
  if (!seam_section().empty()) {
    if (!fs::exists(seam_section()))
      throw vmb::cli::UsageError("test.seam: '" + seam_section() + "' does not exist");
    seam_options();
  }
  fwi_bands();
  auto networks = compared();
  for (std::size_t k = 0; k < networks.size(); ++k)
    if (std::find(networks.begin(), networks.begin() + k, networks[k]) != networks.begin() + k)
      throw vmb::cli::UsageError("compare.networks names " + networks[k] + " twice");
  networks.push_back(s_.text("network.arch"));
  for (const auto& arch : networks) {
    try {
      vmb::network::check_architecture(arch);
    } catch (const vmb::NetworkError& e) {
      throw vmb::cli::UsageError(std::string("network.arch or compare.networks: ") + e.what());
    }
    if (vmb::network::output_bounded(arch) && !s_.flag("network.scale_labels"))
      throw vmb::cli::UsageError(arch +
                                 "'s output lies in (-1, 1): it needs network.scale_labels true");
  }
  if (s_.integer("fwi.fix_top") >= s_.integer("grid.nz"))
    throw vmb::cli::UsageError("fwi.fix_top must be below grid.nz");
  try {
    vmb::network::choose_precision(s_.text("network.precision"),
                                   vmb::network::choose_device("auto"));
    for (const char* phase : {"pretrain", "finetune"}) {
      vmb::network::TrainConfig schedule;
      schedule.lr_schedule = s_.text(std::string(phase) + ".lr_schedule");
      vmb::network::learning_rate(schedule, 0);
    }
  } catch (const vmb::NetworkError& e) {
    throw vmb::cli::UsageError(e.what());
  }
  try {
    const auto config = survey();
    vmb::ricker(config.f0, config.nt, config.dt);
    vmb::validate(vmb::datagen::solver_options(config));
    vmb::datagen::selected_samples(config.nt, config.decimation_factor, config.decimation_offset);
    for (const char* g : {"fcnvmb-salt", "seg-like"}) vmb::datagen::resolve(generator(g));
  } catch (const std::exception& e) {
    throw vmb::cli::UsageError(e.what());
  }
  try {
    vmb::datagen::resolve(mixture(s_.text("finetune.generators")));
  } catch (const std::exception& e) {
    throw vmb::cli::UsageError(std::string("finetune.generators: ") + e.what());
  }
  check_batches_train(networks);
}

// A network that cannot train on the one-sample batch a phase's models leave over (InversionNet)
// is refused now, not after the simulation.
void Pipeline::check_batches_train(const std::vector<std::string>& networks) const {
  for (const std::string phase : {"pretrain", "finetune"}) {
    const int models = s_.integer(phase + ".models"), batch = s_.integer(phase + ".batch_size");
    if (vmb::network::smallest_batch(models, batch) != 1) continue;
    const int decimation = s_.integer("survey.decimation");
    const std::vector<std::int64_t> input{
        s_.integer("survey.nshots"),
        vmb::datagen::selected_samples(s_.integer("survey.nt"), decimation,
                                       std::min(2, decimation - 1)),
        s_.integer("grid.nx")};
    for (const auto& arch : networks) {
      vmb::network::NetworkConfig c{arch,
                                    int(input[0]),
                                    int(input[1]),
                                    int(input[2]),
                                    s_.integer("grid.nz"),
                                    s_.integer("grid.nx"),
                                    s_.integer("network.width")};
      auto net = vmb::network::make_network(c);
      try {
        vmb::network::check_trainable(net, input, 1);
      } catch (const vmb::NetworkError& e) {
        throw vmb::cli::UsageError(phase + ".models " + std::to_string(models) + " in batches of " +
                                   std::to_string(batch) + ": " + e.what());
      }
    }
  }
}

// The stages in order. Which settings shape each one comes from the settings table; its hash
// chains those settings' values with the hashes of the stages it depends on.
void Pipeline::define_stages() {
  std::vector<Stage> stages = {
      {"models.pretrain",
       {},
       {"models/pretrain.h5"},
       [this] { models("pretrain", "fcnvmb-salt", "pretrain.models", 0, "train"); }},
      {"models.finetune",
       {},
       {"models/finetune.h5"},
       [this] {
         models("finetune", s_.text("finetune.generators"), "finetune.models", 1,
                release_has_seg_train() ? "seg_train" : nullptr);
       }},
      {"models.test_simulated",
       {},
       {"models/test_simulated.h5"},
       [this] { models("test_simulated", "fcnvmb-salt", "test.simulated", 2, "test"); }},
      {"models.test_seg",
       {},
       {"models/test_seg.h5"},
       [this] { models("test_seg", "seg-like", "test.seg", 3, "seg"); }},
      {"data.pretrain", {"models.pretrain"}, {"data/pretrain"}, [this] { data("pretrain"); }},
      {"data.finetune", {"models.finetune"}, {"data/finetune"}, [this] { data("finetune"); }},
      {"data.test_simulated",
       {"models.test_simulated"},
       {"data/test_simulated"},
       [this] { data("test_simulated"); }},
      {"models.release_seg", {}, {"models/release_seg.h5"}, [this] { release_seg_models(); }},
      {"data.test_seg", {"models.test_seg"}, {"data/test_seg"}, [this] { data("test_seg"); }},
      {"data.release_seg",
       {"models.release_seg"},
       {"data/release_seg"},
       [this] {
         if (fs::exists(run_ / "models/release_seg.h5")) data("release_seg");
       }},
      {"models.test_seam", {}, {"models/test_seam.h5"}, [this] { seam_models(); }},
      {"data.test_seam",
       {"models.test_seam"},
       {"data/test_seam"},
       [this] {
         if (fs::exists(run_ / "models/test_seam.h5")) data("test_seam");
       }},
      {"train.pretrain",
       {"data.pretrain"},
       {"train/pretrain"},
       [this] { train("pretrain", s_.text("network.arch")); }},
      {"train.finetune",
       {"train.pretrain", "data.finetune"},
       {"train/finetune"},
       [this] { train("finetune", s_.text("network.arch")); }},
      {"eval.test_simulated",
       {"train.pretrain", "data.test_simulated"},
       {"eval/test_simulated"},
       [this] {
         evaluate("test_simulated", "simulated test, pretrained network", "pretrain",
                  s_.text("network.arch"));
       }},
      {"eval.test_seg",
       {"train.finetune", "data.test_seg"},
       {"eval/test_seg"},
       [this] {
         evaluate("test_seg", "SEG-style test, fine-tuned network", "finetune",
                  s_.text("network.arch"));
       }},
      {"eval.release_seg",
       {"train.finetune", "data.release_seg"},
       {"eval/release_seg"},
       [this] {
         if (fs::exists(run_ / "data/release_seg"))
           evaluate("release_seg", "released SEG/EAGE slices, fine-tuned network", "finetune",
                    s_.text("network.arch"));
       }},
      {"eval.test_seam",
       {"train.finetune", "data.test_seam"},
       {"eval/test_seam"},
       [this] {
         if (fs::exists(run_ / "data/test_seam"))
           evaluate("test_seam", "SEAM salt section windows, fine-tuned network", "finetune",
                    s_.text("network.arch"));
       }},
      {"fwi.test_seg", {"models.test_seg", "eval.test_seg"}, {"fwi"}, [this] { fwi_comparison(); }},
      {"compare",
       {"eval.test_simulated", "eval.test_seg", "eval.release_seg", "eval.test_seam"},
       {},  // compare() keeps each network's work made under the same settings
       [this] { compare(); }},
      {"report",
       {"eval.test_simulated", "eval.test_seg", "eval.release_seg", "eval.test_seam",
        "fwi.test_seg", "compare"},
       {"report.html", "report.json"},
       [this] { report(); }}};
  // Each stage's settings text: every key that shapes it, with its value.
  std::map<std::string, std::string> texts;
  for (const auto& stage : stages) texts[stage.name] = "";
  for (const auto& key : keys())
    for (const auto& name : key.stages) {
      const auto it = texts.find(name);
      if (it == texts.end())
        throw std::logic_error("setting " + key.name + " names no stage '" + name + "'");
      it->second += "|" + key.name + "=" + to_text(s_.values().at(key.name));
    }
  // The form of the results the evaluations and the FWI comparison hand on: a run folder whose
  // summaries were written in an earlier form (summary.tsv) re-runs those stages.
  for (auto& [name, text] : texts)
    if (name.rfind("eval.", 0) == 0 || name == "fwi.test_seg") text += "|results=summary.json";
  runner_.define(std::move(stages), texts);
}

void Pipeline::check_release_seismic() const {
  if (!released())
    throw vmb::cli::UsageError("data.fcnvmb_seismic needs data.fcnvmb, the release folder");
  // The release's gathers were recorded with the paper's survey on the paper's grid.
  const std::vector<std::pair<const char*, double>> survey = {
      {"grid.nz", 201},    {"grid.nx", 301},     {"grid.dx", 10.0},      {"survey.nshots", 29},
      {"survey.nt", 2000}, {"survey.dt", 0.001}, {"grid.supersample", 1}};
  for (const auto& [key, value] : survey) {
    const Value& v = s_.values().at(key);
    const double have = std::holds_alternative<int>(v) ? std::get<int>(v) : std::get<double>(v);
    if (std::abs(have - value) > 1e-9 * value)
      throw vmb::cli::UsageError("data.fcnvmb_seismic: the release's gathers need " +
                                 std::string(key) + " " + to_text(value) + ", not " + to_text(v));
  }
  for (const char* set : {"pretrain", "finetune", "test_simulated", "test_seg"})
    for (const auto& model : release_models(set)) {
      const std::string seismic = vmb::datagen::fcnvmb_release_seismic(model);
      if (!fs::exists(seismic))
        throw vmb::cli::UsageError("data.fcnvmb_seismic: the release lacks '" + seismic +
                                   "' (the gathers of '" + model + "')");
    }
}

}  // namespace vmb::pipeline

int main(int argc, char** argv) {
  return vmb::cli::run_tool<vmb::pipeline::Pipeline>(
      argc, argv, "vmb-pipeline",
      "[--preset tiny|quick|medium|paper] [--config FILE.ini] [--KEY VALUE ...]");
}
