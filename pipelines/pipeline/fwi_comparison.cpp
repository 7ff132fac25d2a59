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

using Clock = std::chrono::steady_clock;

// The paper's comparison on the first fwi.models SEG-style test models: FWI from the true model
// smoothed (fwi.smooth), FWI from the fine-tuned network's prediction, and the network alone,
// each with its model metrics, its data misfit (full traces, simulated afresh from the true
// model with the test set's survey) and its seconds. Writes fwi/metrics.csv (per model and
// method), fwi/summary.json (means), fwi/panel_K.png and the FWI models fwi/model_K_*.h5.
void Pipeline::fwi_comparison() {
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
  vmb::SolverOptions options = vmb::datagen::solver_options(config);
  options.max_velocity = settings.vmax;
  const auto wavelet = vmb::ricker(config.f0, config.nt, config.dt);
  const vmb::TimeAxis time = vmb::datagen::time_axis(config);

  std::ostringstream csv;
  csv << "model,method,mae,rmse,ssim,data_misfit,seconds\n";
  static const char* kMethods[] = {"network", "fwi_smooth", "fwi_network"};
  std::map<std::string, FwiMethodSummary> means;
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
      const auto m = vmb::compare(truth.velocity.data(), model.velocity.data(), truth.nz, truth.nx,
                                  vmin, vmax);
      const double misfit = relative_difference(
          vmb::simulate(model, geometry, wavelet, time, options).data, observed.data);
      csv << k << ',' << method << ',' << m.mae << ',' << m.rmse << ',' << m.ssim << ',' << misfit
          << ',' << seconds << '\n';
      auto& mean = means[method];
      mean.method = method;
      mean.mae += m.mae / count;
      mean.rmse += m.rmse / count;
      mean.ssim += m.ssim / count;
      mean.data_misfit += misfit / count;
      mean.seconds += seconds / count;
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
  FwiSummary summary;
  for (const char* method : kMethods) summary.methods.push_back(means.at(method));
  write_summary(run_ / "fwi/summary.json", summary);
}

}  // namespace vmb::pipeline
