#pragma once
// vmb-pipeline's driver class. Its parts live in files named for what they do:
//   vmb_pipeline.cpp    construction, the checks made before any stage runs, run(), the stage list
//   stage_runner.*      stages, their settings hashes, the manifest (knows only stage bodies)
//   config.cpp          settings to the libraries' configurations (generators, survey, release)
//   stages.cpp          the stages' bodies: model sets, datasets, training, evaluation
//   compare.cpp         networks side by side (compare.networks)
//   fwi_comparison.cpp  FWI from the network's prediction and from the smoothed truth
//   results.*           the typed results stages hand on (evaluation and FWI summaries, JSON)
//   report.cpp          report.html and report.json
//   cost.*              the --dry-run cost model and its measured constants
//   settings.*          the settings table, presets and parsing

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "results.hpp"
#include "settings.hpp"
#include "stage_runner.hpp"
#include "vmb/datagen/dataset.hpp"
#include "vmb/datagen/generators.hpp"
#include "vmb/io/model_io.hpp"

namespace vmb::network {
struct EvalResult;
}

namespace vmb::pipeline {

namespace fs = std::filesystem;

// ||d - reference|| / ||reference||: the data misfit of a model's gathers (0 for no reference
// energy).
double relative_difference(const std::vector<float>& d, const std::vector<float>& reference);

class Pipeline {
 public:
  static cli::po::options_description options(int argc, char** argv) {
    return Settings::options(argc, argv);
  }
  static std::string unknown_option_hint() { return Settings::unknown_option_hint(); }
  // Checks every setting (UsageError naming the key) and lays out the stages.
  explicit Pipeline(const cli::po::variables_map& vm);
  // Runs the stages not finished under their settings (or, with --dry-run, prints the plan; with
  // --settings-table, the key table).
  void run();

 private:
  void say(const std::string& text) const;
  bool released() const { return !s_.text("data.fcnvmb").empty(); }
  // Whether the release supplies the training sets too, not only the test sets.
  bool release_trains() const { return released() && s_.text("data.fcnvmb_use") == "all"; }
  // Whether it holds the paper's 130 SEG/EAGE fine-tuning slices (the authors' whole archive).
  bool release_has_seg_train() const;
  // The release folder of the SEG/EAGE slices test set; empty: no such set. With data.fcnvmb
  // the SEG-style test set is those slices already, on the same grid, so auto adds none.
  std::string release_seg() const;
  // The settings table checked each value's type and range while parsing; the physics is checked
  // here as the stages will check it, before any of them runs.
  void check_values() const;
  // data.fcnvmb_seismic: a release, its survey and every seismic file the sets take.
  void check_release_seismic() const;
  // A network that cannot train on the one-sample batch a phase's models leave over (InversionNet)
  // is refused now, not after the simulation.
  void check_batches_train(const std::vector<std::string>& networks) const;
  // The section of the SEAM windows test set (test.seam); empty: no such set.
  std::string seam_section() const;
  // How to read it: a raw .bin's shape and spacing from the manifest.json beside it.
  vmb::io::ModelFileOptions seam_options() const;
  vmb::datagen::GeneratorConfig generator(const std::string& name) const;
  // A generator name, or a mixture "name:weight,...", as parts configured by generator().
  std::vector<vmb::datagen::GeneratorPart> mixture(const std::string& text) const;
  // `count_key` models of a subset of the FCNVMB release, in the release's order: the first ones,
  // or with data.fcnvmb_pick spread every (size / count)-th (the release's training and test sets
  // hold diapirs in their first half and sills in their second).
  std::vector<std::string> release_files(const char* subset, const char* count_key) const;
  // The models of a set (pretrain, finetune, test_simulated, test_seg or release_seg).
  int samples(const std::string& set) const;
  // A model set: generated, or imported from the FCNVMB release where it has one (its first
  // count_key models).
  void models(const std::string& set, const std::string& name, const char* count_key,
              int seed_offset, const char* release_subset);
  // The release's SEG/EAGE slices resampled to the preset's grid, when there is a release.
  void release_seg_models();
  // Windows of the SEAM section, resampled to the grid, when there is one.
  void seam_models();
  // Released models (10 m cells) as a model set on the preset's grid: block-averaged onto it, a
  // no-op on the release's own grid.
  void import_release(const std::string& path, const std::vector<std::string>& files,
                      const std::string& source) const;
  vmb::datagen::DatasetConfig survey() const;
  // The release's model files a set was imported from, in order; empty for a generated set.
  std::vector<std::string> release_models(const std::string& set) const;
  // Simulates a set's models into its dataset, or with data.fcnvmb_seismic stores the release's
  // gathers of the models it supplied.
  void data(const std::string& set);
  // Where a network's training and evaluation live: the run folder for network.arch,
  // compare/ARCH for the other networks of compare.networks.
  fs::path home(const std::string& arch) const;
  // The networks of compare.networks, in order.
  std::vector<std::string> compared() const;
  // Trains a phase of a network into home(arch)/train/PHASE, recording the peak resident memory
  // of the training in its peak_memory_bytes.
  void train(const std::string& phase, const std::string& arch);
  // The test sets this run evaluates, with the training phase whose network each takes.
  std::vector<std::pair<std::string, std::string>> test_sets() const;
  // Every network of compare.networks trained as the main one is (the same data, epochs,
  // schedule, loss, width setting and seed; pretraining, then fine-tuning) and evaluated on every
  // test set; network.arch's results are the main stages'. Each compare/NAME records the
  // fingerprint of the data and training settings it was made under (compare/NAME/settings): a
  // network whose training or evaluation finished before under them is not redone, so adding a
  // network to the list trains only that one; one made under other settings is made afresh.
  // Writes compare/summary.json (per network: parameters, seconds per epoch, peak memory, and
  // each test set's mean metrics and data misfit) and the panels compare/SET_K.png (the truth and
  // every network's prediction of test model K).
  void compare();
  // The fingerprint of the settings the compared networks are made under: the hashes of the
  // stages the comparison depends on, which chain the data's and the training's settings.
  std::string comparison_settings() const;
  // fwi.bands as numbers; UsageError naming the key for anything else.
  std::vector<double> fwi_bands() const;
  // The paper's comparison on the first fwi.models SEG-style test models: FWI from the true model
  // smoothed (fwi.smooth), FWI from the fine-tuned network's prediction, and the network alone,
  // each with its model metrics, its data misfit (full traces, simulated afresh from the true
  // model with the test set's survey) and its seconds. Writes fwi/metrics.csv (per model and
  // method), fwi/summary.json (means), fwi/panel_K.png and the FWI models fwi/model_K_*.h5.
  void fwi_comparison();
  // The data misfit of the evaluated predictions and of the baseline (the checkpoint's mean
  // training model): each re-simulated with the test set's survey and stored as the test set
  // stores its gathers (datagen::stored_sample), ||d(model) - d_test|| / ||d_test|| per sample,
  // written to data_misfit.csv; returns the two means. Predictions are clipped to the test set's
  // velocity range first (a network's output may stray outside it, and the solver's time step is
  // set for it).
  std::pair<double, double> data_misfit(const std::string& set, const fs::path& root,
                                        const std::string& checkpoint,
                                        const vmb::network::EvalResult& r);
  // As in the paper: the simulated test set is the pretrained network's, the SEG-style one the
  // fine-tuned network's; each baseline is the mean model of that network's training data.
  void evaluate(const std::string& set, const std::string& label, const std::string& phase,
                const std::string& arch);
  // The stages in order. Which settings shape each one comes from the settings table; its hash
  // chains those settings' values with the hashes of the stages it depends on.
  void define_stages();
  // The fastest velocity the pipeline's models can hold: what sets the solver's time step.
  double max_velocity() const;
  // Prints the settings, the stages and their estimated time and disk use (the measured
  // constants of cost.hpp).
  void dry_run() const;
  // The loss history of a training stage, from its loss.csv.
  std::vector<std::pair<int, double>> losses(const std::string& phase) const;
  void report();
  // Where each model set came from: its generators (a mixture's parts and weights) or the files
  // it was imported from.
  void sources_report(std::ostringstream& h, nlohmann::json& j) const;
  // The FWI comparison's section of the report, when the stage ran on any model.
  void fwi_report(std::ostringstream& h, nlohmann::json& j) const;
  // The comparison's section of the report, when compare.networks named any network.
  void compare_report(std::ostringstream& h, nlohmann::json& j) const;
  // Every picture (.png) in a folder of the run, in name order, as report paragraphs.
  void pictures(std::ostringstream& h, const fs::path& folder) const;
  // Text as HTML: the characters markup gives a meaning escaped.
  static std::string html(const std::string& text);
  const Settings s_;
  fs::path run_;
  StageRunner runner_;
};

}  // namespace vmb::pipeline
