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

// Every network of compare.networks trained as the main one is (the same data, epochs,
// schedule, loss, width setting and seed; pretraining, then fine-tuning) and evaluated on every
// test set; network.arch's results are the main stages'. Each compare/NAME records the
// fingerprint of the data and training settings it was made under (compare/NAME/settings): a
// network whose training or evaluation finished before under them is not redone, so adding a
// network to the list trains only that one; one made under other settings is made afresh.
// Writes compare/summary.json (per network: parameters, seconds per epoch, peak memory, and
// each test set's mean metrics and data misfit) and the panels compare/SET_K.png (the truth and
// every network's prediction of test model K).
void Pipeline::compare() {
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
      if (!fs::exists(root / "eval" / set / "summary.json")) {
        fs::remove_all(root / "eval" / set);
        evaluate(set, arch + ", " + set, phase, arch);
      }
  }
  nlohmann::json j = nlohmann::json::object();
  for (const auto& arch : names) {
    const fs::path root = home(arch);
    nlohmann::json& n = j[arch];
    for (const char* phase : {"pretrain", "finetune"}) {
      auto c =
          vmb::network::load_checkpoint((root / "train" / phase / "checkpoint.pt").string(), arch);
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
      const EvaluationSummary summary =
          read_evaluation_summary(root / "eval" / set / "summary.json");
      for (const auto& [who, p] :
           {std::pair{"network", summary.network}, std::pair{"baseline", summary.baseline}})
        n["sets"][set][who] = {{"mae", p.metrics.mae},
                               {"rmse", p.metrics.rmse},
                               {"ssim", p.metrics.ssim},
                               {"data_misfit", p.data_misfit}};
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
      for (const auto& file : files) models.push_back(file.read_slab("/prediction", row(file, k)));
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
std::string Pipeline::comparison_settings() const {
  std::string text;
  for (const auto& dep : runner_.stage("compare").depends_on)
    text += dep + ":" + runner_.stage(dep).hash + "|";
  return vmb::io::fingerprint(text);
}

}  // namespace vmb::pipeline
