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

#include <torch/torch.h>

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
#include "settings.hpp"
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

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// ||d - reference|| / ||reference||: the data misfit of a model's gathers (0 for no reference
// energy).
double relative_difference(const std::vector<float>& d, const std::vector<float>& reference) {
  double diff = 0.0, norm = 0.0;
  for (std::size_t k = 0; k < d.size(); ++k) {
    diff += (double(d[k]) - reference[k]) * (double(d[k]) - reference[k]);
    norm += double(reference[k]) * reference[k];
  }
  return norm > 0 ? std::sqrt(diff / norm) : 0.0;
}
using vmb::pipeline::Settings;

// What manifest.tsv records of a stage: the settings hash it started (or finished) under.
struct StageRecord {
  std::string hash;
  double seconds = 0.0;
  bool done = false;
};

struct Stage {
  std::string name;
  std::vector<std::string> depends_on;  // earlier stages
  std::vector<std::string> outputs;     // paths under the run folder, removed when it re-runs
  std::function<void()> run;
  std::string hash = {};
};

class Pipeline {
 public:
  explicit Pipeline(const Settings& s) : s_(s), run_(s.text("run.folder")) {
    check_values();
    define_stages();
  }

  void run() {
    if (s_.dry_run()) return dry_run();
    vmb::network::set_threads(s_.integer("run.threads"));
    vmb::io::prepare_output_folder({"run folder", run_.string()});
    for (const auto& path : vmb::io::remove_stale_temporaries(run_.string(), true))
      say("removed " + path + ", left by an interrupted run");
    manifest_ = read_manifest();
    int k = 0;
    for (auto& stage : stages_) {
      const std::string step =
          "[" + std::to_string(++k) + "/" + std::to_string(stages_.size()) + "] ";
      const auto entry = manifest_.find(stage.name);
      const bool same = entry != manifest_.end() && entry->second.hash == stage.hash;
      if (same && entry->second.done) {
        say(step + stage.name + ": done before, skipped");
        continue;
      }
      if (same) {
        say(step + stage.name + ": resuming the interrupted run");
      } else {
        // Anything there was made under other settings (or none recorded): it goes, so that a
        // partial output is resumed only under the settings it was started with.
        for (const auto& out : stage.outputs) fs::remove_all(run_ / out);
        if (entry != manifest_.end())
          say(step + stage.name + ": settings changed since it " +
              (entry->second.done ? "ran" : "started") + ", running it afresh");
        else
          say(step + stage.name);
        manifest_[stage.name] = {stage.hash, 0.0, false};
        save_manifest();
      }
      const auto t0 = Clock::now();
      stage.run();
      manifest_[stage.name] = {stage.hash, std::chrono::duration<double>(Clock::now() - t0).count(),
                               true};
      save_manifest();
    }
    say("report: " + (run_ / "report.html").string());
  }

  void say(const std::string& text) const {
    if (!s_.quiet()) std::fprintf(stderr, "vmb-pipeline: %s\n", text.c_str());
  }

  bool released() const { return !s_.text("data.fcnvmb").empty(); }
  // Whether the release supplies the training sets too, not only the test sets.
  bool release_trains() const { return released() && s_.text("data.fcnvmb_use") == "all"; }
  // Whether it holds the paper's 130 SEG/EAGE fine-tuning slices (the authors' whole archive).
  bool release_has_seg_train() const {
    return release_trains() &&
           vmb::datagen::fcnvmb_release_has(s_.text("data.fcnvmb"), "seg_train");
  }

  // The release folder of the SEG/EAGE slices test set; empty: no such set. With data.fcnvmb
  // the SEG-style test set is those slices already, on the same grid, so auto adds none.
  std::string release_seg() const {
    const std::string& value = s_.text("test.release_seg");
    if (value == "none") return {};
    if (value != "auto") return value;
    if (released()) return {};
    const std::string beside = "../shared/data/fcnvmb-release";
    return fs::is_directory(beside) ? beside : std::string();
  }

  // The settings table checked each value's type and range while parsing; the physics is checked
  // here as the stages will check it, before any of them runs.
  void check_values() const {
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
      vmb::ricker(s_.number("survey.f0"), s_.integer("survey.nt"), s_.number("survey.dt"));
      vmb::SolverOptions solver;
      solver.order = s_.integer("survey.order");
      solver.pml_width = s_.integer("survey.pml");
      vmb::validate(solver);
      vmb::datagen::selected_samples(s_.integer("survey.nt"), s_.integer("survey.decimation"),
                                     std::min(2, s_.integer("survey.decimation") - 1));
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
  void check_batches_train(const std::vector<std::string>& networks) const {
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
          throw vmb::cli::UsageError(phase + ".models " + std::to_string(models) +
                                     " in batches of " + std::to_string(batch) + ": " + e.what());
        }
      }
    }
  }

  vmb::datagen::GeneratorConfig generator(const std::string& name) const {
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
  std::vector<vmb::datagen::GeneratorPart> mixture(const std::string& text) const {
    auto parts = vmb::datagen::parse_mixture(text, 0, 0, 0.0);
    for (auto& part : parts) part.config = generator(part.config.name);
    return parts;
  }

  // `count_key` models of a subset of the FCNVMB release, in the release's order: the first ones,
  // or with data.fcnvmb_pick spread every (size / count)-th (the release's training and test sets
  // hold diapirs in their first half and sills in their second).
  std::vector<std::string> release_files(const char* subset, const char* count_key) const {
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

  // The models of a set (pretrain, finetune, test_simulated, test_seg or release_seg).
  int samples(const std::string& set) const {
    if (set == "pretrain") return s_.integer("pretrain.models");
    if (set == "finetune") return s_.integer("finetune.models");
    if (set == "test_simulated") return s_.integer("test.simulated");
    if (set == "release_seg") return release_seg().empty() ? 0 : 10;
    return s_.integer("test.seg");
  }

  // A model set: generated, or imported from the FCNVMB release where it has one (its first
  // count_key models).
  void models(const std::string& set, const std::string& name, const char* count_key,
              int seed_offset, const char* release_subset) {
    fs::create_directories(run_ / "models");
    const std::string path = (run_ / "models" / (set + ".h5")).string();
    const bool test_set = set.rfind("test", 0) == 0;
    if (released() && release_subset && (test_set || release_trains()))
      return import_release(path, release_files(release_subset, count_key),
                            std::string("fcnvmb-release:") + release_subset);
    vmb::datagen::generate_model_set(path, mixture(name),
                                     std::uint64_t(s_.integer("run.seed") + seed_offset),
                                     s_.integer(count_key));
  }

  // The release's SEG/EAGE slices resampled to the preset's grid, when there is a release.
  void release_seg_models() {
    if (release_seg().empty())
      return say(released() ? "  the SEG-style test set is the release's SEG/EAGE slices "
                              "(data.fcnvmb): no second copy"
                            : "  no FCNVMB release: no release SEG test set");
    fs::create_directories(run_ / "models");
    import_release((run_ / "models/release_seg.h5").string(),
                   vmb::datagen::fcnvmb_release_files(release_seg(), "seg"),
                   "fcnvmb-release:seg resampled");
  }

  // Released models (10 m cells) as a model set on the preset's grid: block-averaged onto it, a
  // no-op on the release's own grid.
  void import_release(const std::string& path, const std::vector<std::string>& files,
                      const std::string& source) const {
    vmb::io::ModelFileOptions options;
    options.dx = 10.0;
    // Each subset's field by name: the SEG/EAGE slices hold svmodel, the simulated models vmodel.
    options.variable = source.find(":seg") != std::string::npos ? "svmodel" : "vmodel";
    // Every released model is 201 x 301: a file of another shape is refused by name, not
    // resampled.
    options.nz = 201;
    options.nx = 301;
    const vmb::datagen::ModelGrid grid{s_.integer("grid.nz"), s_.integer("grid.nx"),
                                       s_.number("grid.dx"), s_.number("grid.dx")};
    vmb::datagen::import_model_set(path, files, options, source, {}, grid);
  }

  vmb::datagen::DatasetConfig survey() const {
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

  void data(const std::string& set) {
    fs::create_directories(run_ / "data");
    std::unique_ptr<vmb::io::Progress> progress;
    vmb::datagen::produce_dataset(
        (run_ / "models" / (set + ".h5")).string(), (run_ / "data" / set).string(), survey(), {},
        [&](std::int64_t done, std::int64_t total) {
          if (!progress)
            progress = std::make_unique<vmb::io::Progress>("  samples", long(total), s_.quiet());
          progress->update(done);
        },
        [&](const std::string& text) { say(text); });
    if (progress) progress->finish();
  }

  // Where a network's training and evaluation live: the run folder for network.arch,
  // compare/ARCH for the other networks of compare.networks.
  fs::path home(const std::string& arch) const {
    return arch == s_.text("network.arch") ? run_ : run_ / "compare" / arch;
  }

  // The networks of compare.networks, in order.
  std::vector<std::string> compared() const {
    return vmb::cli::comma_separated(s_.text("compare.networks"));
  }

  // Trains a phase of a network into home(arch)/train/PHASE, recording the peak resident memory
  // of the training in its peak_memory_bytes.
  void train(const std::string& phase, const std::string& arch) {
    const fs::path root = home(arch);
    vmb::network::TrainConfig c;
    c.train_data = (run_ / "data" / phase).string();
    c.run = (root / "train" / phase).string();
    c.epochs = s_.integer(phase + ".epochs");
    c.batch_size = s_.integer(phase + ".batch_size");
    c.learning_rate = s_.number(phase + ".lr");
    c.lr_schedule = s_.text(phase + ".lr_schedule");
    c.ssim_weight = s_.number("network.ssim_weight");
    c.l1_weight = s_.number("network.l1_weight");
    c.mirror = s_.flag("network.mirror");
    c.seed = std::uint64_t(s_.integer("run.seed"));
    c.network = arch;
    c.width = s_.integer("network.width");
    c.precision = s_.text("network.precision");
    c.scale_labels = s_.flag("network.scale_labels");
    c.standardise_data = s_.flag("network.standardise_data");
    c.quiet = s_.quiet();
    if (phase == "finetune") c.init = (root / "train/pretrain/checkpoint.pt").string();
    // An interrupted training stage continues from its checkpoint.
    c.resume = fs::exists(fs::path(c.run) / "checkpoint.pt");
    vmb::network::reset_peak_memory();
    vmb::network::train(c);
    vmb::io::write_text_file((root / "train" / phase / "peak_memory_bytes").string(),
                             std::to_string(vmb::network::peak_memory_bytes()) + "\n");
  }

  // The test sets this run evaluates, with the training phase whose network each takes.
  std::vector<std::pair<std::string, std::string>> test_sets() const {
    std::vector<std::pair<std::string, std::string>> sets = {{"test_simulated", "pretrain"},
                                                             {"test_seg", "finetune"}};
    if (fs::exists(run_ / "data/release_seg")) sets.emplace_back("release_seg", "finetune");
    return sets;
  }

  // Every network of compare.networks trained as the main one is (the same data, epochs,
  // schedule, loss, width setting and seed; pretraining, then fine-tuning) and evaluated on every
  // test set; network.arch's results are the main stages'. Each compare/NAME records the
  // fingerprint of the data and training settings it was made under (compare/NAME/settings): a
  // network whose training or evaluation finished before under them is not redone, so adding a
  // network to the list trains only that one; one made under other settings is made afresh.
  // Writes compare/summary.json (per network: parameters, seconds per epoch, peak memory, and
  // each test set's mean metrics and data misfit) and the panels compare/SET_K.png (the truth and
  // every network's prediction of test model K).
  void compare() {
    // The summary and the panels are the list's: whatever follows, the old ones go.
    if (fs::exists(run_ / "compare"))
      for (const auto& entry : fs::directory_iterator(run_ / "compare"))
        if (!entry.is_directory()) fs::remove(entry.path());
    const auto names = compared();
    if (names.empty()) return say("  compare.networks is empty: no comparison");
    const std::string settings = comparison_settings();
    for (const auto& arch : names) {
      if (arch == s_.text("network.arch")) continue;
      const fs::path root = home(arch);
      std::string recorded;
      std::ifstream(root / "settings") >> recorded;
      if (recorded != settings) {
        if (fs::exists(root)) say("  " + arch + ": made under other settings, made afresh");
        fs::remove_all(root);
        fs::create_directories(root);
        vmb::io::write_text_file((root / "settings").string(), settings + "\n");
      }
      for (const char* phase : {"pretrain", "finetune"})
        if (!fs::exists(root / "train" / phase / "peak_memory_bytes")) {
          say("  " + arch + ": " + phase);
          train(phase, arch);
        }
      for (const auto& [set, phase] : test_sets())
        if (!fs::exists(root / "eval" / set / "summary.tsv")) {
          fs::remove_all(root / "eval" / set);
          evaluate(set, arch + ", " + set, phase, arch);
        }
    }
    nlohmann::json j = nlohmann::json::object();
    for (const auto& arch : names) {
      const fs::path root = home(arch);
      nlohmann::json& n = j[arch];
      for (const char* phase : {"pretrain", "finetune"}) {
        auto c = vmb::network::load_checkpoint((root / "train" / phase / "checkpoint.pt").string(),
                                               arch);
        double seconds = 0.0;
        for (const auto& e : c.history) seconds += e.seconds / double(c.history.size());
        n[std::string(phase) + "_seconds_per_epoch"] = seconds;
        if (std::string(phase) == "finetune") {  // the same network as pretraining's
          n["parameters"] = vmb::network::parameter_count(*c.net);
          n["width"] = arch == "unet-wide" ? vmb::network::matched_width(c.net->config())
                                           : c.net->config().width;
        }
        std::ifstream memory(root / "train" / phase / "peak_memory_bytes");
        double bytes = 0.0;
        memory >> bytes;
        n[std::string(phase) + "_peak_memory_mb"] = bytes / 1e6;
      }
      for (const auto& [set, phase] : test_sets()) {
        const auto m = summary(set, root);
        for (const char* who : {"network", "baseline"}) {
          const auto& v = m.at(who);
          n["sets"][set][who] = {
              {"mae", v[2]},
              {"rmse", v[3]},
              {"ssim", v[4]},
              {"data_misfit", std::isnan(v[6]) ? nlohmann::json() : nlohmann::json(v[6])}};
        }
      }
    }
    vmb::io::write_text_file((run_ / "compare/summary.json").string(), j.dump(2) + "\n");
    for (const auto& [set, phase] : test_sets()) {
      std::vector<vmb::io::H5File> files;
      for (const auto& arch : names)
        files.emplace_back((home(arch) / "eval" / set / "predictions.h5").string(),
                           vmb::io::H5File::Mode::kRead);
      const auto dims = files.front().dims("/prediction");
      const int nz = int(dims[1]), nx = int(dims[2]);
      const auto truths = files.front().read("/truth");
      const auto [lo, hi] = std::minmax_element(truths.begin(), truths.end());
      // The row of sample k in a file's evaluation order.
      const auto row = [](const vmb::io::H5File& file, int k) {
        const auto index = file.read_int64("/index");
        return vmb::io::Extent(std::find(index.begin(), index.end(), std::int64_t(k)) -
                               index.begin());
      };
      for (int k = 0; k < std::min<int>(3, int(dims[0])); ++k) {
        std::vector<std::vector<float>> models = {
            files.front().read_slab("/truth", row(files.front(), k))};
        for (const auto& file : files)
          models.push_back(file.read_slab("/prediction", row(file, k)));
        std::vector<vmb::io::ModelPanel> panels = {{"truth", models[0].data()}};
        for (std::size_t a = 0; a < names.size(); ++a)
          panels.push_back({names[a], models[a + 1].data()});
        vmb::io::write_png(
            (run_ / "compare" / (set + "_" + std::to_string(k) + ".png")).string(),
            vmb::io::models_picture(panels, nz, nx, s_.number("grid.dx"), *lo, *hi,
                                    set + " model " + std::to_string(k) + ": every network"));
      }
    }
  }

  // The fingerprint of the settings the compared networks are made under: the hashes of the
  // stages the comparison depends on, which chain the data's and the training's settings.
  std::string comparison_settings() const {
    std::string text;
    for (const auto& dep : stage("compare").depends_on) text += dep + ":" + stage(dep).hash + "|";
    return vmb::io::fingerprint(text);
  }

  const Stage& stage(const std::string& name) const {
    return *std::find_if(stages_.begin(), stages_.end(),
                         [&](const Stage& st) { return st.name == name; });
  }

  // fwi.bands as numbers; UsageError naming the key for anything else.
  std::vector<double> fwi_bands() const {
    const auto bands = vmb::cli::frequencies(s_.text("fwi.bands"), "fwi.bands");
    if (bands.empty()) throw vmb::cli::UsageError("fwi.bands is empty");
    return bands;
  }

  // The paper's comparison on the first fwi.models SEG-style test models: FWI from the true model
  // smoothed (fwi.smooth), FWI from the fine-tuned network's prediction, and the network alone,
  // each with its model metrics, its data misfit (full traces, simulated afresh from the true
  // model with the test set's survey) and its seconds. Writes fwi/metrics.csv (per model and
  // method), fwi/summary.tsv (means), fwi/panel_K.png and the FWI models fwi/model_K_*.h5.
  void fwi_comparison() {
    const int count = std::min(s_.integer("fwi.models"), samples("test_seg"));
    if (count == 0) return say("  fwi.models is 0: no FWI comparison");
    fs::create_directories(run_ / "fwi");
    const vmb::datagen::ModelSetReader truths((run_ / "models/test_seg.h5").string());
    const vmb::io::H5File predictions((run_ / "eval/test_seg/predictions.h5").string(),
                                      vmb::io::H5File::Mode::kRead);
    const auto index = predictions.read_int64("/index");
    const auto config = survey();
    std::vector<vmb::VelocityModel> models;
    double vmin = 1e30, vmax = 0;
    for (int k = 0; k < count; ++k) {
      models.push_back(truths.model(k));
      vmin = std::min<double>(vmin, models.back().min_velocity());
      vmax = std::max<double>(vmax, models.back().max_velocity());
    }
    vmb::FwiSettings settings;
    settings.bands_hz = fwi_bands();
    settings.iterations = s_.integer("fwi.iterations");
    settings.fix_top = s_.integer("fwi.fix_top");
    // Bounds a little beyond the test models' range: known roughly to anyone who inverts.
    settings.vmin = 0.9 * vmin;
    settings.vmax = 1.1 * vmax;
    vmb::SolverOptions options;
    options.order = config.order;
    options.pml_width = config.pml;
    options.threads = config.threads;
    options.max_velocity = settings.vmax;
    const auto wavelet = vmb::ricker(config.f0, config.nt, config.dt);
    const vmb::TimeAxis time{config.nt, config.dt};

    std::ostringstream csv;
    csv << "model,method,mae,rmse,ssim,data_misfit,seconds\n";
    static const char* kMethods[] = {"network", "fwi_smooth", "fwi_network"};
    std::map<std::string, std::vector<double>> sums;
    vmb::io::Progress progress("  FWI runs", 2L * count, s_.quiet());
    for (int k = 0; k < count; ++k) {
      const vmb::VelocityModel& truth = models[k];
      const vmb::Survey geometry = vmb::make_survey(config.survey, truth.nx, truth.dx, truth.dz);
      const auto observed = vmb::simulate(truth, geometry, wavelet, time, options);
      vmb::VelocityModel network = truth;
      const auto row = std::find(index.begin(), index.end(), std::int64_t(k)) - index.begin();
      network.velocity = predictions.read_slab("/prediction", row);
      network = vmb::within_bounds(network, settings);
      const vmb::VelocityModel& start = network;
      const vmb::VelocityModel smooth = vmb::within_bounds(
          vmb::smoothed(truth, s_.number("fwi.smooth"), settings.fix_top), settings);
      std::map<std::string, std::pair<vmb::VelocityModel, double>> results;
      results["network"] = {network, 0.0};
      for (const auto& [method, start] :
           {std::pair{"fwi_smooth", &smooth}, std::pair{"fwi_network", &start}}) {
        const auto t0 = Clock::now();
        auto model = vmb::fwi(*start, geometry, wavelet, time, observed, options, settings);
        results[method] = {std::move(model),
                           std::chrono::duration<double>(Clock::now() - t0).count()};
        progress.update(2L * k + (std::string(method) == "fwi_smooth" ? 1 : 2));
        vmb::io::write_model(
            (run_ / "fwi" / ("model_" + std::to_string(k) + "_" + method + ".h5")).string(),
            results[method].first);
      }
      for (const char* method : kMethods) {
        const auto& [model, seconds] = results.at(method);
        const auto m = vmb::compare(truth.velocity.data(), model.velocity.data(), truth.nz,
                                    truth.nx, vmin, vmax);
        const double misfit = relative_difference(
            vmb::simulate(model, geometry, wavelet, time, options).data, observed.data);
        csv << k << ',' << method << ',' << m.mae << ',' << m.rmse << ',' << m.ssim << ',' << misfit
            << ',' << seconds << '\n';
        auto& sum = sums[method];
        sum.resize(5, 0.0);
        for (const auto& [at, value] :
             {std::pair{0, m.mae}, {1, m.rmse}, {2, m.ssim}, {3, misfit}, {4, seconds}})
          sum[at] += value / count;
      }
      vmb::io::write_png(
          (run_ / "fwi" / ("panel_" + std::to_string(k) + ".png")).string(),
          vmb::io::models_picture(
              {{"truth", truth.velocity.data()},
               {"network", results.at("network").first.velocity.data()},
               {"FWI from smoothed truth", results.at("fwi_smooth").first.velocity.data()},
               {"FWI from network", results.at("fwi_network").first.velocity.data()}},
              truth.nz, truth.nx, truth.dx, vmin, vmax,
              "SEG-style test model " + std::to_string(k) + ": FWI bands " + s_.text("fwi.bands") +
                  " Hz, " + std::to_string(settings.iterations) + " iterations each"));
    }
    progress.finish();
    vmb::io::write_text_file((run_ / "fwi/metrics.csv").string(), csv.str());
    std::ostringstream summary;
    for (const char* method : kMethods) {
      summary << method;
      for (double v : sums.at(method)) summary << '\t' << v;
      summary << '\n';
    }
    vmb::io::write_text_file((run_ / "fwi/summary.tsv").string(), summary.str());
  }

  // The data misfit of the evaluated predictions and of the baseline (the checkpoint's mean
  // training model): each re-simulated with the test set's survey and stored as the test set
  // stores its gathers (datagen::stored_sample), ||d(model) - d_test|| / ||d_test|| per sample,
  // written to data_misfit.csv; returns the two means. Predictions are clipped to the test set's
  // velocity range first (a network's output may stray outside it, and the solver's time step is
  // set for it).
  std::pair<double, double> data_misfit(const std::string& set, const fs::path& root,
                                        const std::string& checkpoint,
                                        const vmb::network::EvalResult& r) {
    const vmb::io::H5File predictions((root / "eval" / set / "predictions.h5").string(),
                                      vmb::io::H5File::Mode::kRead);
    const auto index = predictions.read_int64("/index");
    const vmb::datagen::DatasetReader data((run_ / "data" / set).string());
    const auto& info = data.info();
    const torch::Tensor mean = vmb::network::load_checkpoint(checkpoint).mean_model.contiguous();
    vmb::VelocityModel baseline(info.nz, info.nx, info.dz, info.dx);
    std::copy_n(mean.data_ptr<float>(), baseline.velocity.size(), baseline.velocity.begin());
    const double vmax = std::max<double>(r.vmax, baseline.max_velocity());
    const auto config = survey();
    const auto from_baseline = vmb::datagen::stored_sample(baseline, config, vmax);
    vmb::io::Progress progress("  data misfit", long(index.size()), s_.quiet());
    std::ostringstream csv;
    csv << "index,network,baseline\n";
    double network_sum = 0.0, baseline_sum = 0.0;
    std::vector<float> gathers, velocity;
    for (std::size_t i = 0; i < index.size(); ++i) {
      data.read(index[i], gathers, velocity);
      vmb::VelocityModel predicted = baseline;
      predicted.velocity = predictions.read_slab("/prediction", i);
      for (float& v : predicted.velocity)
        v = std::clamp(v, static_cast<float>(r.vmin), static_cast<float>(r.vmax));
      const double network =
          relative_difference(vmb::datagen::stored_sample(predicted, config, vmax), gathers);
      const double mean_model = relative_difference(from_baseline, gathers);
      csv << index[i] << ',' << network << ',' << mean_model << '\n';
      network_sum += network;
      baseline_sum += mean_model;
      progress.update(long(i + 1));
    }
    progress.finish();
    vmb::io::write_text_file((root / "eval" / set / "data_misfit.csv").string(), csv.str());
    const double n = std::max<double>(1.0, double(index.size()));
    return {network_sum / n, baseline_sum / n};
  }

  // As in the paper: the simulated test set is the pretrained network's, the SEG-style one the
  // fine-tuned network's; each baseline is the mean model of that network's training data.
  void evaluate(const std::string& set, const std::string& label, const std::string& phase,
                const std::string& arch) {
    const fs::path root = home(arch);
    vmb::network::EvalConfig c;
    c.checkpoint = (root / "train" / phase / "checkpoint.pt").string();
    c.network = arch;
    c.data = (run_ / "data" / set).string();
    c.out = (root / "eval" / set).string();
    c.name = label;
    c.panels.clear();
    for (int i = 0; i < std::min(3, samples(set)); ++i) c.panels.push_back(i);
    c.precision = s_.text("network.precision");
    c.quiet = s_.quiet();
    const auto r = vmb::network::evaluate(c);
    const auto [network_misfit, baseline_misfit] = data_misfit(set, root, c.checkpoint, r);
    std::ostringstream t;
    for (const auto& [who, m, misfit] : {std::tuple{"network", r.network_mean, network_misfit},
                                         std::tuple{"baseline", r.baseline_mean, baseline_misfit}})
      t << who << '\t' << m.paper_psnr << '\t' << m.paper_ssim << '\t' << m.mae << '\t' << m.rmse
        << '\t' << m.ssim << '\t' << m.psnr << '\t' << misfit << '\n';
    vmb::io::write_text_file((root / "eval" / set / "summary.tsv").string(), t.str());
  }

  // The stages in order. Which settings shape each one comes from the settings table; its hash
  // chains those settings' values with the hashes of the stages it depends on.
  void define_stages() {
    stages_ = {
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
        {"fwi.test_seg",
         {"models.test_seg", "eval.test_seg"},
         {"fwi"},
         [this] { fwi_comparison(); }},
        {"compare",
         {"eval.test_simulated", "eval.test_seg", "eval.release_seg"},
         {},  // compare() keeps each network's work made under the same settings
         [this] { compare(); }},
        {"report",
         {"eval.test_simulated", "eval.test_seg", "eval.release_seg", "fwi.test_seg", "compare"},
         {"report.html", "report.json"},
         [this] { report(); }}};
    std::map<std::string, std::string> texts, hashes;
    for (const auto& stage : stages_) texts[stage.name] = stage.name;
    for (const auto& key : vmb::pipeline::keys())
      for (const auto& name : key.stages) {
        const auto it = texts.find(name);
        if (it == texts.end())
          throw std::logic_error("setting " + key.name + " names no stage '" + name + "'");
        it->second += "|" + key.name + "=" + vmb::pipeline::to_text(s_.values().at(key.name));
      }
    for (auto& stage : stages_) {
      std::string text = texts.at(stage.name);
      for (const auto& dep : stage.depends_on) text += "|" + dep + ":" + hashes.at(dep);
      stage.hash = hashes[stage.name] = vmb::io::fingerprint(text);
    }
  }

  // manifest.tsv: a row per stage, "name hash seconds state", state "done" or "started".
  std::map<std::string, StageRecord> read_manifest() const {
    std::map<std::string, StageRecord> records;
    std::ifstream in(run_ / "manifest.tsv");
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream row(line);
      std::string name, hash, state;
      double seconds = 0;
      if (row >> name >> hash >> seconds >> state) records[name] = {hash, seconds, state == "done"};
    }
    return records;
  }

  void save_manifest() const {
    std::ostringstream t;
    for (const auto& stage : stages_) {
      const auto it = manifest_.find(stage.name);
      if (it != manifest_.end())
        t << stage.name << '\t' << it->second.hash << '\t' << it->second.seconds << '\t'
          << (it->second.done ? "done" : "started") << '\n';
    }
    vmb::io::write_text_file((run_ / "manifest.tsv").string(), t.str());
  }

  // The fastest velocity the pipeline's models can hold: what sets the solver's time step.
  double max_velocity() const {
    double vmax = released() ? 4500.0 : 0.0;
    auto parts = mixture(s_.text("finetune.generators"));
    for (const char* name : {"fcnvmb-salt", "seg-like"}) parts.push_back({generator(name), 1.0});
    for (const auto& part : vmb::datagen::resolve(parts))
      for (const auto& [key, value] : part.config.parameters)
        if (key.find("velocity") != std::string::npos || key.find("vmax") != std::string::npos)
          vmax = std::max(vmax, value);
    return vmax;
  }

  // Estimates for --dry-run: the solver at 2 G updates/s counting its internal sub-steps, a
  // training step per sample from bench_train on [29, 400, 301]: 0.06 s that do not depend on the
  // width (the input's and the output's element-wise work) plus 3.55 s (fp32) or 1.67 s (bf16)
  // times (width / 64)^2, all scaled by the input's area (widths 8, 16 and 64 measured).
  void dry_run() const {
    std::printf("preset %s, resolved settings:\n", s_.preset().c_str());
    for (const auto& key : vmb::pipeline::keys())
      std::printf("  %-40s # %s\n",
                  (key.name + " = " + vmb::pipeline::to_text(s_.values().at(key.name))).c_str(),
                  key.doc.c_str());
    const auto done = read_manifest();
    const int nz = s_.integer("grid.nz"), nx = s_.integer("grid.nx"),
              pml = s_.integer("survey.pml");
    const int nshots = s_.integer("survey.nshots"), nt = s_.integer("survey.nt");
    const int stored = nt / s_.integer("survey.decimation");
    const double dx = s_.number("grid.dx");
    const int substeps = vmb::substeps_for(s_.number("survey.dt"), s_.integer("survey.order"),
                                           max_velocity(), dx, dx);
    const double per_sample_s =
        double(nz + 2 * pml) * (nx + 2 * pml) * nshots * double(nt) * substeps / 2e9;
    const double per_sample_b = 4.0 * nshots * stored * nx;
    const double w = s_.integer("network.width") / 64.0;
    const bool fp32 = vmb::network::choose_precision(s_.text("network.precision"),
                                                     vmb::network::choose_device("auto")) ==
                      vmb::network::Precision::kFp32;
    const double step_s =
        (0.06 + (fp32 ? 3.55 : 1.67) * w * w) * (double(stored) * nx) / (400.0 * 301.0) + 0.002;
    std::printf("stages (estimates on this 2-core machine):\n");
    double total_s = 0, total_b = 0;
    for (const auto& stage : stages_) {
      const auto it = done.find(stage.name);
      const bool skip = it != done.end() && it->second.hash == stage.hash && it->second.done;
      double secs = 0, bytes = 0;
      const std::string set = stage.name.substr(stage.name.find('.') + 1);
      if (stage.name.rfind("models.", 0) == 0) {
        secs = 0.03 * samples(set) * nz * nx / (201.0 * 301.0);
        bytes = 4.0 * samples(set) * nz * nx;
      } else if (stage.name.rfind("data.", 0) == 0) {
        secs = per_sample_s * samples(set);
        bytes = per_sample_b * samples(set);
      } else if (stage.name.rfind("train.", 0) == 0) {
        secs = step_s * samples(set) * s_.integer(set + ".epochs");
      } else if (stage.name.rfind("eval.", 0) == 0) {
        secs = step_s / 3 * samples(set);
      }
      if (!skip) {
        total_s += secs;
        total_b += bytes;
      }
      std::printf("  %-22s %-6s %10.0f s %10.1f MB\n", stage.name.c_str(), skip ? "done" : "run",
                  secs, bytes / 1e6);
    }
    std::printf("solver: %d internal step%s per output sample (dt %g s, vmax %g m/s)\n", substeps,
                substeps > 1 ? "s" : "", s_.number("survey.dt"), max_velocity());
    std::printf("to run: about %.0f s and %.1f MB in %s\n", total_s, total_b / 1e6, run_.c_str());
  }

  // The loss history of a training stage, from its loss.csv.
  std::vector<std::pair<int, double>> losses(const std::string& phase) const {
    std::vector<std::pair<int, double>> out;
    std::ifstream in(run_ / "train" / phase / "loss.csv");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::istringstream row(line);
      std::string epoch, train;
      std::getline(row, epoch, ',');
      std::getline(row, train, ',');
      out.push_back({std::stoi(epoch), std::stod(train)});
    }
    return out;
  }

  // Mean metrics of an evaluation: rows network and baseline of its summary.tsv.
  std::map<std::string, std::vector<double>> summary(const std::string& set,
                                                     const fs::path& root) const {
    std::map<std::string, std::vector<double>> out;
    const fs::path path = root / "eval" / set / "summary.tsv";
    std::ifstream in(path);
    std::string who;
    for (std::string line; std::getline(in, line);) {
      std::istringstream row(line);
      if (!(row >> who)) continue;
      // Six image metrics, then the data misfit (NaN in summaries written before it existed).
      std::vector<double> m(7, std::nan(""));
      for (double& v : m) {
        std::string t;
        if (!(row >> t)) break;
        v = std::strtod(t.c_str(), nullptr);
      }
      out[who] = m;
    }
    if (!out.count("network") || !out.count("baseline"))
      throw vmb::IoError("'" + path.string() + "' is damaged: run the pipeline again");
    return out;
  }

  void report() {
    static const char* titles[] = {"PSNR (paper, dB)",     "SSIM (paper)", "MAE (m/s)",
                                   "RMSE (m/s)",           "SSIM",         "PSNR (dB)",
                                   "data misfit (rel. L2)"};
    nlohmann::json j;
    std::ostringstream h;
    j["preset"] = s_.preset();
    for (const auto& [key, value] : s_.values()) j["config"][key] = vmb::pipeline::to_text(value);
    j["stage_seconds"] = nlohmann::json::object();
    for (const auto& stage : stages_) {
      const auto it = manifest_.find(stage.name);
      if (it != manifest_.end() && it->second.done)
        j["stage_seconds"][stage.name] = it->second.seconds;
    }
    for (const char* phase : {"pretrain", "finetune"}) {
      j["loss"][phase] = nlohmann::json::array();
      for (const auto& [epoch, loss] : losses(phase)) j["loss"][phase].push_back({epoch, loss});
    }
    h << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>vmbkit run: "
      << html(s_.preset())
      << "</title><style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}"
         "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px "
         "8px;text-align:right}"
         "th{background:#eee}img{max-width:100%}</style></head><body>\n<h1>FCNVMB reproduction: "
      << html(s_.preset()) << " preset</h1>\n<p>vmbkit " << vmb::io::version()
      << ". Pretrained on generated (or released) salt models and evaluated on held-out ones; "
         "fine-tuned on SEG-style slices and evaluated on held-out ones; each against the baseline "
         "that predicts the mean model of the network's training data. Network: "
      << html(s_.text("network.arch")) << ", width " << s_.integer("network.width") << ".</p>\n";
    sources_report(h, j);
    for (const auto& [set, label] :
         {std::pair{"test_simulated", "Simulated test set (pretrained network)"},
          std::pair{"test_seg", "SEG-style test set (fine-tuned network)"},
          std::pair{"release_seg",
                    "The release's ten SEG/EAGE slices, resampled to this grid (fine-tuned "
                    "network)"}}) {
      if (!fs::exists(run_ / "eval" / set / "summary.tsv")) continue;
      const auto m = summary(set, run_);
      h << "<h2>" << label << "</h2>\n<table><tr><th></th>";
      for (const char* t : titles) h << "<th>" << t << "</th>";
      h << "</tr>\n";
      for (const char* who : {"network", "baseline"}) {
        const std::vector<double>& v = m.at(who);
        const vmb::network::Metrics metrics{v[0], v[1], v[2], v[3], v[4], v[5]};
        j["metrics"][set][who] = nlohmann::json::parse(vmb::network::to_json(metrics));
        if (!std::isnan(v[6])) j["metrics"][set][who]["data_misfit"] = v[6];
        h << "<tr><th>" << (who[0] == 'n' ? "network" : "mean training model") << "</th>";
        for (int k = 0; k < 7; ++k) {
          char cell[32];
          std::snprintf(cell, sizeof cell,
                        k == 2 || k == 3 ? "%.1f" : (k == 1 || k == 4 || k == 6 ? "%.4f" : "%.2f"),
                        v[k]);
          h << "<td>" << (std::isnan(v[k]) ? std::string("-") : std::string(cell)) << "</td>";
        }
        h << "</tr>\n";
      }
      h << "</table>\n";
      pictures(h, fs::path("eval") / set);
    }
    fwi_report(h, j);
    compare_report(h, j);
    h << "<h2>Loss curves</h2>\n<p><img src=\"train/pretrain/loss.png\"> <img "
         "src=\"train/finetune/loss.png\"></p>\n"
      << "<h2>Time per stage</h2>\n<table><tr><th>stage</th><th>seconds</th></tr>\n";
    for (const auto& stage : stages_) {
      const auto it = manifest_.find(stage.name);
      if (it != manifest_.end() && it->second.done)
        h << "<tr><td style=\"text-align:left\">" << stage.name << "</td><td>" << it->second.seconds
          << "</td></tr>\n";
    }
    h << "</table>\n<h2>Settings</h2>\n<table>\n";
    for (const auto& [k, v] : s_.values())
      h << "<tr><td style=\"text-align:left\">" << html(k) << "</td><td style=\"text-align:left\">"
        << html(vmb::pipeline::to_text(v)) << "</td></tr>\n";
    h << "</table>\n</body></html>\n";
    vmb::io::write_text_file((run_ / "report.json").string(), j.dump(2) + "\n");
    vmb::io::write_text_file((run_ / "report.html").string(), h.str());
  }

  // The FWI comparison's section of the report, when the stage ran on any model.
  // Where each model set came from: its generators (a mixture's parts and weights) or the files
  // it was imported from.
  void sources_report(std::ostringstream& h, nlohmann::json& j) const {
    h << "<h2>Where each set came from</h2>\n<table><tr><th>set</th><th>models</th><th>source"
         "</th></tr>\n";
    for (const char* set : {"pretrain", "finetune", "test_simulated", "test_seg", "release_seg"}) {
      const fs::path path = run_ / "models" / (std::string(set) + ".h5");
      if (!fs::exists(path)) continue;
      const vmb::datagen::ModelSetReader reader(path.string());
      const auto& info = reader.info();
      std::string source = info.generator == "import" ? info.parameters : info.generator;
      if (info.generator.find('+') != std::string::npos) {
        // name*weight{...} parts: keep each name and weight.
        source.clear();
        for (std::size_t at = 0; at < info.parameters.size();) {
          const auto brace = info.parameters.find('{', at);
          if (brace == std::string::npos) break;
          source += (source.empty() ? "" : " + ") + info.parameters.substr(at, brace - at);
          at = info.parameters.find('}', brace) + 1;
        }
        source = "generated, mixture " + source;
      } else if (info.generator != "import") {
        source = "generated, " + source;
      }
      j["sources"][set] = {{"models", info.count}, {"source", source}};
      h << "<tr><th>" << set << "</th><td>" << info.count << "</td><td style=\"text-align:left\">"
        << html(source) << "</td></tr>\n";
    }
    h << "</table>\n";
  }

  void fwi_report(std::ostringstream& h, nlohmann::json& j) const {
    std::ifstream in(run_ / "fwi/summary.tsv");
    std::vector<std::pair<std::string, std::vector<double>>> rows;
    for (std::string line; std::getline(in, line);) {
      std::istringstream row(line);
      std::string method;
      std::vector<double> v(5);
      if (row >> method >> v[0] >> v[1] >> v[2] >> v[3] >> v[4]) rows.emplace_back(method, v);
    }
    if (rows.empty()) return;
    static const std::map<std::string, std::string> names = {
        {"network", "network alone"},
        {"fwi_smooth", "FWI from the smoothed true model (the paper's comparison)"},
        {"fwi_network", "FWI from the network's prediction"}};
    h << "<h2>FWI on SEG-style test models (mean of " << s_.integer("fwi.models")
      << ")</h2>\n<table><tr><th></th><th>MAE (m/s)</th><th>RMSE (m/s)</th><th>SSIM</th>"
         "<th>data misfit (rel. L2)</th><th>seconds</th></tr>\n";
    for (const auto& [method, v] : rows) {
      j["fwi"][method] = {
          {"mae", v[0]}, {"rmse", v[1]}, {"ssim", v[2]}, {"data_misfit", v[3]}, {"seconds", v[4]}};
      char cells[160];
      std::snprintf(cells, sizeof cells,
                    "<td>%.1f</td><td>%.1f</td><td>%.4f</td><td>%.4f</td><td>%.1f</td>", v[0], v[1],
                    v[2], v[3], v[4]);
      h << "<tr><th>" << names.at(method) << "</th>" << cells << "</tr>\n";
    }
    h << "</table>\n";
    pictures(h, "fwi");
  }

  // The comparison's section of the report, when compare.networks named any network.
  void compare_report(std::ostringstream& h, nlohmann::json& j) const {
    if (!fs::exists(run_ / "compare/summary.json")) return;
    std::ifstream in(run_ / "compare/summary.json");
    const nlohmann::json summary = nlohmann::json::parse(in);
    j["compare"] = summary;
    const auto names = compared();
    const auto sets = test_sets();
    static const std::map<std::string, std::string> labels = {
        {"test_simulated", "simulated test"},
        {"test_seg", "SEG-style test"},
        {"release_seg", "released SEG/EAGE slices"}};
    h << "<h2>Networks side by side</h2>\n<p>Each network trained with the same data, epochs ("
      << s_.integer("pretrain.epochs") << " pretraining, " << s_.integer("finetune.epochs")
      << " fine-tuning), schedule, loss and seed; width setting " << s_.integer("network.width")
      << ". Seconds per epoch and peak resident memory of the training process on this "
         "machine; MAE in m/s, data misfit the relative L2 difference of the gathers simulated "
         "from the prediction.</p>\n<table><tr><th rowspan=\"2\">network</th><th "
         "rowspan=\"2\">parameters</th><th rowspan=\"2\">s / epoch (pretrain, fine-tune)</th><th "
         "rowspan=\"2\">peak memory (MB)</th>";
    for (const auto& [set, phase] : sets) h << "<th colspan=\"3\">" << labels.at(set) << "</th>";
    h << "</tr>\n<tr>";
    for (std::size_t k = 0; k < sets.size(); ++k) h << "<th>MAE</th><th>SSIM</th><th>misfit</th>";
    h << "</tr>\n";
    const auto cells = [&](const nlohmann::json& m) {
      char text[128], misfit[32] = "-";
      if (!m.at("data_misfit").is_null())
        std::snprintf(misfit, sizeof misfit, "%.4f", m.at("data_misfit").get<double>());
      std::snprintf(text, sizeof text, "<td>%.1f</td><td>%.4f</td><td>%s</td>",
                    m.at("mae").get<double>(), m.at("ssim").get<double>(), misfit);
      return std::string(text);
    };
    for (const auto& arch : names) {
      const auto& n = summary.at(arch);
      char text[200];
      std::snprintf(text, sizeof text, "<td>%lld</td><td>%.3g, %.3g</td><td>%.0f</td>",
                    static_cast<long long>(n.at("parameters").get<std::int64_t>()),
                    n.at("pretrain_seconds_per_epoch").get<double>(),
                    n.at("finetune_seconds_per_epoch").get<double>(),
                    std::max(n.at("pretrain_peak_memory_mb").get<double>(),
                             n.at("finetune_peak_memory_mb").get<double>()));
      h << "<tr><th>" << html(arch) << " (width " << n.at("width").get<int>() << ")</th>" << text;
      for (const auto& [set, phase] : sets) h << cells(n.at("sets").at(set).at("network"));
      h << "</tr>\n";
    }
    h << "<tr><th>mean training model</th><td>0</td><td>-</td><td>-</td>";
    for (const auto& [set, phase] : sets)
      h << cells(summary.at(names.front()).at("sets").at(set).at("baseline"));
    h << "</tr>\n</table>\n";
    pictures(h, "compare");
  }

  // Every picture (.png) in a folder of the run, in name order, as report paragraphs.
  void pictures(std::ostringstream& h, const fs::path& folder) const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(run_ / folder))
      if (e.path().extension() == ".png") names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    for (const auto& name : names)
      h << "<p><img src=\"" << html((folder / name).generic_string()) << "\"></p>\n";
  }

  // Text as HTML: the characters markup gives a meaning escaped.
  static std::string html(const std::string& text) {
    std::string out;
    for (char ch : text) {
      switch (ch) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        default:
          out += ch;
      }
    }
    return out;
  }

 private:
  const Settings& s_;
  fs::path run_;
  std::vector<Stage> stages_;
  std::map<std::string, StageRecord> manifest_;
};

}  // namespace

int main(int argc, char** argv) {
  return vmb::cli::guarded_main("vmb-pipeline", [&] {
    Settings settings;
    if (!settings.parse(argc, argv)) return 0;
    Pipeline(settings).run();
    return 0;
  });
}
