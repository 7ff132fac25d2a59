#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
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

double relative_difference(const std::vector<float>& d, const std::vector<float>& reference) {
  double diff = 0.0, norm = 0.0;
  for (std::size_t k = 0; k < d.size(); ++k) {
    diff += (double(d[k]) - reference[k]) * (double(d[k]) - reference[k]);
    norm += double(reference[k]) * reference[k];
  }
  return norm > 0 ? std::sqrt(diff / norm) : 0.0;
}

// A model set: generated, or imported from the FCNVMB release where it has one (its first
// count_key models).
void Pipeline::models(const std::string& set, const std::string& name, const char* count_key,
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
void Pipeline::release_seg_models() {
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
void Pipeline::import_release(const std::string& path, const std::vector<std::string>& files,
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

void Pipeline::seam_models() {
  if (seam_section().empty()) return say("  no SEAM section (test.seam): no SEAM test set");
  fs::create_directories(run_ / "models");
  const vmb::datagen::ModelGrid grid{s_.integer("grid.nz"), s_.integer("grid.nx"),
                                     s_.number("grid.dx"), s_.number("grid.dx")};
  vmb::datagen::import_section_windows((run_ / "models/test_seam.h5").string(), seam_section(),
                                       seam_options(), s_.integer("test.seam_windows"), grid,
                                       s_.number("test.seam_water"));
}

void Pipeline::data(const std::string& set) {
  fs::create_directories(run_ / "data");
  std::unique_ptr<vmb::io::Progress> progress;
  const vmb::datagen::DatasetConfig config = survey();
  std::optional<vmb::datagen::RecordedGathers> recorded;
  const std::vector<std::string> released_models = release_models(set);
  if (s_.flag("data.fcnvmb_seismic") && !released_models.empty()) {
    say("  the release's own gathers, not simulated");
    const int nt = config.nt, nrec = s_.integer("grid.nx"), nshots = config.survey.nshots;
    recorded = vmb::datagen::RecordedGathers{
        "the FCNVMB release's seismic files beside " +
            fs::path(released_models.front()).parent_path().string(),
        [released_models, nt, nrec, nshots](std::int64_t i) {
          return vmb::io::read_fcnvmb_gathers(
              vmb::datagen::fcnvmb_release_seismic(released_models.at(std::size_t(i))), nt, nrec,
              nshots);
        }};
  }
  vmb::datagen::produce_dataset(
      (run_ / "models" / (set + ".h5")).string(), (run_ / "data" / set).string(), config, {},
      [&](std::int64_t done, std::int64_t total) {
        if (!progress)
          progress = std::make_unique<vmb::io::Progress>("  samples", long(total), s_.quiet());
        progress->update(done);
      },
      [&](const std::string& text) { say(text); }, recorded);
  if (progress) progress->finish();
}

// Trains a phase of a network into home(arch)/train/PHASE, recording the peak resident memory
// of the training in its peak_memory_bytes.
void Pipeline::train(const std::string& phase, const std::string& arch) {
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
std::vector<std::pair<std::string, std::string>> Pipeline::test_sets() const {
  std::vector<std::pair<std::string, std::string>> sets = {{"test_simulated", "pretrain"},
                                                           {"test_seg", "finetune"}};
  if (fs::exists(run_ / "data/release_seg")) sets.emplace_back("release_seg", "finetune");
  if (fs::exists(run_ / "data/test_seam")) sets.emplace_back("test_seam", "finetune");
  return sets;
}

// The data misfit of the evaluated predictions and of the baseline (the checkpoint's mean
// training model): each re-simulated with the test set's survey and stored as the test set
// stores its gathers (datagen::stored_sample), ||d(model) - d_test|| / ||d_test|| per sample,
// written to data_misfit.csv; returns the two means. Predictions are clipped to the test set's
// velocity range first (a network's output may stray outside it, and the solver's time step is
// set for it).
std::pair<double, double> Pipeline::data_misfit(const std::string& set, const fs::path& root,
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
void Pipeline::evaluate(const std::string& set, const std::string& label, const std::string& phase,
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
  write_summary(
      root / "eval" / set / "summary.json",
      EvaluationSummary{{r.network_mean, network_misfit}, {r.baseline_mean, baseline_misfit}});
}

}  // namespace vmb::pipeline
