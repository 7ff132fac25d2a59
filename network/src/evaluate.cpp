#include "vmb/network/evaluate.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "vmb/io/atomic_file.hpp"
#include "vmb/io/hdf5.hpp"
#include "vmb/io/picture.hpp"
#include "vmb/io/progress.hpp"
#include "vmb/network/train.hpp"

namespace vmb::network {
namespace {

namespace fs = std::filesystem;

std::string json(const Metrics& m) {
  std::ostringstream s;
  s << "{\"paper_psnr\": " << metric_text(m.paper_psnr) << ", \"paper_ssim\": "
    << metric_text(m.paper_ssim) << ", \"mae\": " << metric_text(m.mae) << ", \"rmse\": "
    << metric_text(m.rmse) << ", \"ssim\": " << metric_text(m.ssim) << ", \"psnr\": "
    << metric_text(m.psnr) << "}";
  return s.str();
}

std::string csv(const Metrics& m) {
  auto t = [](double v) {
    std::string s = metric_text(v);
    if (s.front() == '"') s = s.substr(1, s.size() - 2);
    return s;
  };
  return t(m.paper_psnr) + "," + t(m.paper_ssim) + "," + t(m.mae) + "," + t(m.rmse) + "," +
         t(m.ssim) + "," + t(m.psnr);
}

}  // namespace

EvalResult evaluate(const EvalConfig& config) {
  Checkpoint c = load_checkpoint(config.checkpoint);
  c.net->to(choose_device(config.device));
  ShardDataset data(config.data, c.time);
  check_fits(c, data, "dataset");
  std::error_code ec;
  fs::create_directories(config.out, ec);
  if (!fs::is_directory(config.out)) throw NetworkError("cannot create output folder '" + config.out + "'");

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
    const auto velocity = predict(c, b->inputs).contiguous();
    for (std::int64_t k = 0; k < velocity.size(0); ++k) {
      const float* p = velocity[k].data_ptr<float>();
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

  std::ostringstream j, table;
  j << "{\n  \"checkpoint\": \"" << config.checkpoint << "\",\n  \"data\": \"" << config.data
    << "\",\n  \"samples\": " << n << ",\n  \"velocity_range\": [" << r.vmin << ", " << r.vmax
    << "],\n  \"mean\": {\"network\": " << json(r.network_mean) << ",\n           \"baseline\": "
    << json(r.baseline_mean) << "},\n  \"per_sample\": [\n";
  table << "index,paper_psnr,paper_ssim,mae,rmse,ssim,psnr,baseline_paper_psnr,baseline_paper_ssim,"
           "baseline_mae,baseline_rmse,baseline_ssim,baseline_psnr\n";
  for (std::size_t i = 0; i < r.indices.size(); ++i) {
    j << "    {\"index\": " << r.indices[i] << ", \"network\": " << json(r.network[i])
      << ", \"baseline\": " << json(r.baseline[i]) << "}" << (i + 1 < r.indices.size() ? "," : "") << "\n";
    table << r.indices[i] << "," << csv(r.network[i]) << "," << csv(r.baseline[i]) << "\n";
  }
  j << "  ]\n}\n";
  io::write_text_file((fs::path(config.out) / "metrics.json").string(), j.str());
  io::write_text_file((fs::path(config.out) / "metrics.csv").string(), table.str());

  io::AtomicFile out((fs::path(config.out) / "predictions.h5").string());
  {
    io::H5File f(out.temp_path(), io::H5File::Mode::kCreate);
    const std::vector<hsize_t> dims{hsize_t(n), hsize_t(nz), hsize_t(nx)};
    f.write("/prediction", dims, predictions.data());
    f.write("/truth", dims, truths.data());
    f.write("/index", {hsize_t(n)}, r.indices.data());
  }
  out.commit();
  for (std::int64_t i : config.panels) {
    if (i < 0 || i >= n) continue;
    char name[32];
    std::snprintf(name, sizeof name, "panel_%05lld.png", static_cast<long long>(i));
    const std::size_t at = std::size_t(i) * nz * nx;
    std::ostringstream title;
    title.precision(3);
    title << (config.name.empty() ? "" : config.name + ", ") << "sample " << i << ": SSIM "
          << r.network[i].ssim << " (mean model " << r.baseline[i].ssim << "), MAE "
          << int(r.network[i].mae) << " m/s";
    io::write_png((fs::path(config.out) / name).string(),
                  io::comparison_picture(&truths[at], &predictions[at], nz, nx, data.dx(), r.vmin, r.vmax,
                                         title.str()));
  }
  return r;
}

}  // namespace vmb::network
