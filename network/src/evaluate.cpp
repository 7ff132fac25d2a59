#include "vmb/network/evaluate.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "vmb/io/atomic_file.hpp"
#include "vmb/io/check.hpp"
#include "vmb/io/hdf5.hpp"
#include "vmb/io/picture.hpp"
#include "vmb/io/progress.hpp"
#include "vmb/network/train.hpp"

namespace vmb::network {
namespace {

namespace fs = std::filesystem;

std::string csv(const Metrics& m) {
  return metric_text(m.paper_psnr) + "," + metric_text(m.paper_ssim) + "," + metric_text(m.mae) +
         "," + metric_text(m.rmse) + "," + metric_text(m.ssim) + "," + metric_text(m.psnr);
}

std::string panel_path(const std::string& out, std::int64_t sample) {
  char name[32];
  std::snprintf(name, sizeof name, "panel_%05lld.png", static_cast<long long>(sample));
  return (fs::path(out) / name).string();
}

}  // namespace

EvalResult evaluate(const EvalConfig& config) {
  if (config.batch_size < 1) throw NetworkError("the batch size must be at least 1");
  Checkpoint c = load_checkpoint(config.checkpoint, config.network);
  const torch::Device device = choose_device(config.device);
  keep_freed_memory();
  const Precision precision = choose_precision(config.precision, device);
  c.net->to(device);
  ShardDataset data(config.data, c.time);
  check_fits(c, data, "dataset");
  for (std::int64_t i : config.panels)
    if (i < 0 || i >= data.size())
      throw NetworkError("panel sample " + std::to_string(i) + " is not in dataset '" +
                         config.data + "' (samples 0 to " + std::to_string(data.size() - 1) + ")");
  // Every output is checked before the work: none may overwrite the checkpoint.
  io::prepare_output_folder({"output folder", config.out});
  std::vector<io::NamedPath> outputs;
  for (const char* name : {"metrics.json", "metrics.csv", "predictions.h5"})
    outputs.push_back({"output", (fs::path(config.out) / name).string()});
  for (std::int64_t i : config.panels) outputs.push_back({"panel", panel_path(config.out, i)});
  io::check_outputs(outputs, {{"checkpoint", config.checkpoint}});

  EvalResult r;
  std::tie(r.vmin, r.vmax) = data.velocity_range();
  const int nz = data.nz(), nx = data.nx();
  const std::int64_t n = data.size();
  std::vector<float> predictions, truths;
  predictions.reserve(std::size_t(n) * nz * nx);
  truths.reserve(std::size_t(n) * nz * nx);
  const torch::Tensor baseline = c.mean_model.contiguous();
  std::vector<std::int64_t> order(n);
  for (std::int64_t i = 0; i < n; ++i) order[i] = i;
  // Labels stay in m/s here: no label scaling for the loader, the checkpoint's for the inputs.
  Normalisation inputs_only = c.norm;
  inputs_only.scale_labels = false;
  inputs_only.standardise_data = false;
  BatchLoader loader(data, order, config.batch_size, inputs_only);
  io::Progress progress("vmb-eval: samples", long(n), config.quiet);
  while (auto b = loader.next()) {
    const auto velocity = predict(c, b->inputs, precision).contiguous();
    for (std::int64_t k = 0; k < velocity.size(0); ++k) {
      const float* p = velocity[k].data_ptr<float>();
      io::check_finite(p, {std::size_t(nz), std::size_t(nx)}, {"row", "column"},
                       "the network's prediction for sample " + std::to_string(b->indices[k]));
      const auto truth = b->labels[k][0].contiguous();
      const float* t = truth.data_ptr<float>();
      r.indices.push_back(b->indices[k]);
      r.network.push_back(compare(t, p, nz, nx, r.vmin, r.vmax));
      r.baseline.push_back(compare(t, baseline.data_ptr<float>(), nz, nx, r.vmin, r.vmax));
      predictions.insert(predictions.end(), p, p + std::size_t(nz) * nx);
      truths.insert(truths.end(), t, t + std::size_t(nz) * nx);
    }
    progress.update(long(r.indices.size()));
  }
  progress.finish();
  r.network_mean = mean(r.network);
  r.baseline_mean = mean(r.baseline);

  nlohmann::json j;
  j["checkpoint"] = config.checkpoint;
  j["data"] = config.data;
  j["samples"] = n;
  j["velocity_range"] = {r.vmin, r.vmax};
  j["mean"] = {{"network", nlohmann::json::parse(to_json(r.network_mean))},
               {"baseline", nlohmann::json::parse(to_json(r.baseline_mean))}};
  j["per_sample"] = nlohmann::json::array();
  std::ostringstream table;
  table << "index,paper_psnr,paper_ssim,mae,rmse,ssim,psnr,baseline_paper_psnr,baseline_paper_ssim,"
           "baseline_mae,baseline_rmse,baseline_ssim,baseline_psnr\n";
  for (std::size_t i = 0; i < r.indices.size(); ++i) {
    j["per_sample"].push_back({{"index", r.indices[i]},
                               {"network", nlohmann::json::parse(to_json(r.network[i]))},
                               {"baseline", nlohmann::json::parse(to_json(r.baseline[i]))}});
    table << r.indices[i] << "," << csv(r.network[i]) << "," << csv(r.baseline[i]) << "\n";
  }
  io::write_text_file((fs::path(config.out) / "metrics.json").string(), j.dump(2) + "\n");
  io::write_text_file((fs::path(config.out) / "metrics.csv").string(), table.str());

  io::AtomicFile out((fs::path(config.out) / "predictions.h5").string());
  {
    io::H5File f(out.temp_path(), io::H5File::Mode::kCreate);
    const std::vector<vmb::io::Extent> dims{vmb::io::Extent(n), vmb::io::Extent(nz),
                                            vmb::io::Extent(nx)};
    f.write("/prediction", dims, predictions.data());
    f.write("/truth", dims, truths.data());
    f.write("/index", {vmb::io::Extent(n)}, r.indices.data());
  }
  out.commit();
  for (std::int64_t i : config.panels) {
    const std::size_t at = std::size_t(i) * nz * nx;
    std::ostringstream title;
    title.precision(3);
    title << (config.name.empty() ? "" : config.name + ", ") << "sample " << i << ": SSIM "
          << r.network[i].ssim << " (mean model " << r.baseline[i].ssim << "), MAE "
          << int(r.network[i].mae) << " m/s";
    io::write_png(panel_path(config.out, i),
                  io::comparison_picture(&truths[at], &predictions[at], nz, nx, data.dx(), r.vmin,
                                         r.vmax, title.str()));
  }
  return r;
}

}  // namespace vmb::network
