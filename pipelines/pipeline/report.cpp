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

// The loss history of a training stage, from its loss.csv.
std::vector<std::pair<int, double>> Pipeline::losses(const std::string& phase) const {
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

void Pipeline::report() {
  static const char* titles[] = {"PSNR (paper, dB)",     "SSIM (paper)", "MAE (m/s)",
                                 "RMSE (m/s)",           "SSIM",         "PSNR (dB)",
                                 "data misfit (rel. L2)"};
  nlohmann::json j;
  std::ostringstream h;
  j["preset"] = s_.preset();
  for (const auto& [key, value] : s_.values()) j["config"][key] = vmb::pipeline::to_text(value);
  j["stage_seconds"] = nlohmann::json::object();
  for (const auto& stage : runner_.stages()) {
    const auto it = runner_.manifest().find(stage.name);
    if (it != runner_.manifest().end() && it->second.done)
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
       "fine-tuned on the fine-tuning set and evaluated on held-out and real ones; each against "
       "the baseline "
       "that predicts the mean model of the network's training data. Network: "
    << html(s_.text("network.arch")) << ", width " << s_.integer("network.width") << ".</p>\n";
  sources_report(h, j);
  for (const auto& [set, label] :
       {std::pair{"test_simulated", "Simulated test set (pretrained network)"},
        std::pair{"test_seg", "SEG-style test set (fine-tuned network)"},
        std::pair{"release_seg",
                  "The release's ten SEG/EAGE slices, resampled to this grid (fine-tuned "
                  "network)"},
        std::pair{"test_seam",
                  "Windows of the SEAM salt section, resampled to this grid (fine-tuned "
                  "network)"}}) {
    const fs::path path = run_ / "eval" / set / "summary.json";
    if (!fs::exists(path)) continue;
    const EvaluationSummary summary = read_evaluation_summary(path);
    h << "<h2>" << label << "</h2>\n<table><tr><th></th>";
    for (const char* t : titles) h << "<th>" << t << "</th>";
    h << "</tr>\n";
    for (const auto& [who, p] :
         {std::pair{"network", summary.network}, std::pair{"baseline", summary.baseline}}) {
      j["metrics"][set][who] = nlohmann::json::parse(vmb::network::to_json(p.metrics));
      j["metrics"][set][who]["data_misfit"] = p.data_misfit;
      h << "<tr><th>" << (who[0] == 'n' ? "network" : "mean training model") << "</th>";
      const auto& m = p.metrics;
      char cells[256];
      std::snprintf(cells, sizeof cells,
                    "<td>%.2f</td><td>%.4f</td><td>%.1f</td><td>%.1f</td><td>%.4f</td><td>%.2f</td>"
                    "<td>%.4f</td>",
                    m.paper_psnr, m.paper_ssim, m.mae, m.rmse, m.ssim, m.psnr, p.data_misfit);
      h << cells << "</tr>\n";
    }
    h << "</table>\n";
    pictures(h, fs::path("eval") / set);
  }
  fwi_report(h, j);
  compare_report(h, j);
  h << "<h2>Loss curves</h2>\n<p><img src=\"train/pretrain/loss.png\"> <img "
       "src=\"train/finetune/loss.png\"></p>\n"
    << "<h2>Time per stage</h2>\n<table><tr><th>stage</th><th>seconds</th></tr>\n";
  for (const auto& stage : runner_.stages()) {
    const auto it = runner_.manifest().find(stage.name);
    if (it != runner_.manifest().end() && it->second.done)
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

// Where each model set came from: its generators (a mixture's parts and weights) or the files
// it was imported from.
void Pipeline::sources_report(std::ostringstream& h, nlohmann::json& j) const {
  h << "<h2>Where each set came from</h2>\n<table><tr><th>set</th><th>models</th><th>source"
       "</th><th>gathers</th></tr>\n";
  for (const char* set :
       {"pretrain", "finetune", "test_simulated", "test_seg", "release_seg", "test_seam"}) {
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
    // The gathers: simulated, or recorded (the release's own) as the dataset's index says.
    std::string gathers = "simulated";
    std::ifstream index(run_ / "data" / set / "index.json");
    if (index) {
      const auto recorded = nlohmann::json::parse(index, nullptr, false);
      if (recorded.is_object() && recorded.contains("recorded"))
        gathers = "recorded: " + recorded["recorded"].get<std::string>();
    }
    j["sources"][set] = {{"models", info.count}, {"source", source}, {"gathers", gathers}};
    h << "<tr><th>" << set << "</th><td>" << info.count << "</td><td style=\"text-align:left\">"
      << html(source) << "</td><td style=\"text-align:left\">" << html(gathers) << "</td></tr>\n";
  }
  h << "</table>\n";
}

// The FWI comparison's section of the report, when the stage ran on any model.
void Pipeline::fwi_report(std::ostringstream& h, nlohmann::json& j) const {
  const fs::path path = run_ / "fwi/summary.json";
  if (!fs::exists(path)) return;
  const FwiSummary summary = read_fwi_summary(path);
  if (summary.methods.empty()) return;
  static const std::map<std::string, std::string> names = {
      {"network", "network alone"},
      {"fwi_smooth", "FWI from the smoothed true model (the paper's comparison)"},
      {"fwi_network", "FWI from the network's prediction"}};
  h << "<h2>FWI on SEG-style test models (mean of " << s_.integer("fwi.models")
    << ")</h2>\n<table><tr><th></th><th>MAE (m/s)</th><th>RMSE (m/s)</th><th>SSIM</th>"
       "<th>data misfit (rel. L2)</th><th>seconds</th></tr>\n";
  for (const auto& m : summary.methods) {
    j["fwi"][m.method] = {{"mae", m.mae},
                          {"rmse", m.rmse},
                          {"ssim", m.ssim},
                          {"data_misfit", m.data_misfit},
                          {"seconds", m.seconds}};
    char cells[160];
    std::snprintf(cells, sizeof cells,
                  "<td>%.1f</td><td>%.1f</td><td>%.4f</td><td>%.4f</td><td>%.1f</td>", m.mae,
                  m.rmse, m.ssim, m.data_misfit, m.seconds);
    h << "<tr><th>" << names.at(m.method) << "</th>" << cells << "</tr>\n";
  }
  h << "</table>\n";
  pictures(h, "fwi");
}

// The comparison's section of the report, when compare.networks named any network.
void Pipeline::compare_report(std::ostringstream& h, nlohmann::json& j) const {
  if (!fs::exists(run_ / "compare/summary.json")) return;
  std::ifstream in(run_ / "compare/summary.json");
  const nlohmann::json summary = nlohmann::json::parse(in);
  j["compare"] = summary;
  const auto names = compared();
  const auto sets = test_sets();
  static const std::map<std::string, std::string> labels = {
      {"test_simulated", "simulated test"},
      {"test_seg", "SEG-style test"},
      {"release_seg", "released SEG/EAGE slices"},
      {"test_seam", "SEAM section windows"}};
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
void Pipeline::pictures(std::ostringstream& h, const fs::path& folder) const {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(run_ / folder))
    if (e.path().extension() == ".png") names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  for (const auto& name : names)
    h << "<p><img src=\"" << html((folder / name).generic_string()) << "\"></p>\n";
}

// Text as HTML: the characters markup gives a meaning escaped.
std::string Pipeline::html(const std::string& text) {
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

}  // namespace vmb::pipeline
