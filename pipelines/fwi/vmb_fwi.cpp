// vmb-fwi: full-waveform inversion of a vmb-simulate gathers file, band by band.
//
//   vmb-fwi --observed gathers.h5 --initial model.h5 --out DIR [--initial-smooth SIGMA_M]
//           [--bands 3,5,8] [--iterations N] [--vmin V --vmax V] [--fix-top N] [--true MODEL]
//
// The survey, wavelet, time axis and solver settings (order, CPML width, free surface) are the
// gathers file's. Writes to DIR: model.h5 (the final model, as vmb-simulate reads models),
// band_K.h5 after band K, model.png and band_K.png (with --true: truth, model and difference on
// the true model's colour scale), misfit.csv and misfit.png (relative misfit per iteration), and
// with --true metrics.csv (MAE, RMSE, SSIM of the initial model and after each band).

#include <cstdio>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>

#include "cli.hpp"
#include "driver.hpp"
#include "options.hpp"
#include "vmb/io/atomic_file.hpp"
#include "vmb/io/check.hpp"
#include "vmb/io/gathers_io.hpp"
#include "vmb/io/model_io.hpp"
#include "vmb/io/picture.hpp"
#include "vmb/io/progress.hpp"
#include "vmb/modeling/error.hpp"
#include "vmb/modeling/fwi.hpp"
#include "vmb/modeling/metrics.hpp"

namespace {

namespace po = vmb::cli::po;
namespace fs = std::filesystem;

class Fwi {
 public:
  static po::options_description options() {
    po::options_description io("Input and output");
    io.add_options()("observed", po::value<std::string>(),
                     "gathers file of vmb-simulate: data, survey, wavelet, solver settings")(
        "initial", po::value<std::string>(), "initial model file (any format vmb-simulate reads)")(
        "initial-smooth", vmb::cli::non_negative<double>("initial-smooth")->default_value(0.0),
        "smooth the initial model below --fix-top with a Gaussian of this standard deviation, m "
        "(0: as read)")("true", po::value<std::string>(),
                        "true model file: metrics and pictures on its scale")(
        "out", po::value<std::string>(), "output folder")("quiet", po::bool_switch(),
                                                          "no progress on stderr");
    io.add(vmb::cli::model_file_options(true));
    po::options_description inversion("Inversion");
    inversion.add_options()("bands", po::value<std::string>()->default_value("3,5,8"),
                            "low-pass corners of the frequency bands, Hz, comma-separated")(
        "iterations", vmb::cli::positive<int>("iterations")->default_value(10),
        "L-BFGS iterations per band")(
        "vmin", vmb::cli::positive<double>("vmin")->default_value(1400.0), "lower bound, m/s")(
        "vmax", vmb::cli::positive<double>("vmax")->default_value(5000.0), "upper bound, m/s")(
        "fix-top", vmb::cli::non_negative<int>("fix-top")->default_value(0),
        "keep the first N model rows (a water layer) as they are");
    po::options_description all;
    all.add(io).add(inversion).add(vmb::cli::threads_options());
    return all;
  }

  explicit Fwi(const po::variables_map& vm) : vm_(vm), quiet_(vm["quiet"].as<bool>()) {}

  void run() {
    read_inputs();
    check_settings();
    prepare_output();
    invert();
    say("model: " + (out_ / "model.h5").string());
  }

 private:
  std::string required(const char* key) const {
    if (!vm_.count(key)) throw vmb::cli::UsageError(std::string("--") + key + " is required");
    return vm_[key].as<std::string>();
  }

  void say(const std::string& text) const {
    if (!quiet_) std::fprintf(stderr, "vmb-fwi: %s\n", text.c_str());
  }

  void read_inputs() {
    observed_ = vmb::io::read_gathers(required("observed"));
    const auto files = vmb::cli::model_file_settings(vm_);
    initial_ = vmb::io::read_model(required("initial"), files);
    if (vm_.count("true")) {
      truth_ = vmb::io::read_model(vm_["true"].as<std::string>(), files);
      if (truth_->nz != initial_.nz || truth_->nx != initial_.nx)
        throw vmb::cli::UsageError("the true model is " + std::to_string(truth_->nz) + " x " +
                                   std::to_string(truth_->nx) + ", the initial one " +
                                   std::to_string(initial_.nz) + " x " +
                                   std::to_string(initial_.nx));
    }
  }

  // Everything the inversion will refuse, refused before the output folder is touched.
  void check_settings() {
    settings_.bands_hz = vmb::cli::frequencies(vm_["bands"].as<std::string>(), "--bands");
    settings_.iterations = vm_["iterations"].as<int>();
    settings_.vmin = vm_["vmin"].as<double>();
    settings_.vmax = vm_["vmax"].as<double>();
    settings_.fix_top = vm_["fix-top"].as<int>();
    options_.order = observed_.order;
    options_.pml_width = observed_.pml;
    options_.free_surface = observed_.free_surface;
    options_.threads = vm_["threads"].as<int>();
    options_.max_velocity = settings_.vmax;
    try {
      vmb::validate(settings_, initial_);
      initial_ = vmb::smoothed(initial_, vm_["initial-smooth"].as<double>(), settings_.fix_top);
      vmb::validate(initial_, observed_.survey);
      vmb::validate(options_);
    } catch (const vmb::ModelingError& e) {
      throw vmb::cli::UsageError(e.what());
    }
  }

  void prepare_output() {
    out_ = required("out");
    vmb::io::prepare_output_folder({"--out", out_.string()});
  }

  void picture(const std::string& name, const vmb::VelocityModel& m, const std::string& title) {
    const auto path = (out_ / name).string();
    if (!truth_) return vmb::io::write_png(path, vmb::io::velocity_picture(m, nullptr, title));
    vmb::io::write_png(
        path, vmb::io::comparison_picture(truth_->velocity.data(), m.velocity.data(), m.nz, m.nx,
                                          m.dx, truth_->min_velocity(), truth_->max_velocity(),
                                          title, "FWI model"));
  }

  void add_metrics(const std::string& stage, const vmb::VelocityModel& m) {
    if (!truth_) return;
    const auto r = vmb::compare(truth_->velocity.data(), m.velocity.data(), m.nz, m.nx,
                                truth_->min_velocity(), truth_->max_velocity());
    metrics_ << stage << ',' << r.mae << ',' << r.rmse << ',' << r.ssim << '\n';
    say(stage + ": MAE " + vmb::metric_text(r.mae) + " m/s, RMSE " + vmb::metric_text(r.rmse) +
        " m/s, SSIM " + vmb::metric_text(r.ssim));
  }

  void invert() {
    const int bands = static_cast<int>(settings_.bands_hz.size());
    vmb::io::Progress progress("vmb-fwi: iterations", long(bands) * settings_.iterations, quiet_);
    std::ostringstream misfit_csv;
    misfit_csv << "band,band_hz,iteration,misfit,relative_misfit,evaluations,seconds\n";
    metrics_ << "stage,mae,rmse,ssim\n";
    add_metrics("initial", initial_);
    std::vector<vmb::io::Curve> curves(bands);
    int done = 0;
    vmb::FwiCallbacks callbacks;
    callbacks.on_iteration = [&](const vmb::FwiIteration& it, const vmb::VelocityModel&) {
      misfit_csv << it.band + 1 << ',' << it.band_hz << ',' << it.iteration << ',' << it.misfit
                 << ',' << it.relative << ',' << it.evaluations << ',' << it.seconds << '\n';
      auto& curve = curves[it.band];
      curve.label = vmb::metric_text(it.band_hz) + " Hz";
      curve.x.push_back(it.band * settings_.iterations + it.iteration);
      curve.y.push_back(it.relative);
      if (it.iteration > 0) progress.update(++done);
    };
    callbacks.on_band = [&](int band, const vmb::VelocityModel& m) {
      done = (band + 1) * settings_.iterations;  // a band may end early: no descent left
      progress.update(done);
      const std::string stem = "band_" + std::to_string(band + 1);
      vmb::io::write_model((out_ / (stem + ".h5")).string(), m);
      picture(stem + ".png", m,
              "after band " + std::to_string(band + 1) + " (" +
                  vmb::metric_text(settings_.bands_hz[band]) + " Hz)");
      add_metrics(stem, m);
    };
    const vmb::TimeAxis time{observed_.gathers.nt, observed_.gathers.dt};
    const auto model = vmb::fwi(initial_, observed_.survey, observed_.wavelet, time,
                                observed_.gathers, options_, settings_, callbacks);
    progress.finish();
    vmb::io::write_text_file((out_ / "misfit.csv").string(), misfit_csv.str());
    vmb::io::write_png(
        (out_ / "misfit.png").string(),
        vmb::io::curves_picture(curves, "misfit / data energy in each band", "iteration", true));
    if (truth_) vmb::io::write_text_file((out_ / "metrics.csv").string(), metrics_.str());
    picture("model.png", model, "final model");
    vmb::io::write_model((out_ / "model.h5").string(), model);
  }

  const po::variables_map& vm_;
  bool quiet_;
  vmb::io::SimulationRecord observed_;
  vmb::VelocityModel initial_;
  std::optional<vmb::VelocityModel> truth_;
  vmb::FwiSettings settings_;
  vmb::SolverOptions options_;
  fs::path out_;
  std::ostringstream metrics_;
};

}  // namespace

int main(int argc, char** argv) {
  return vmb::cli::run_tool<Fwi>(argc, argv, "vmb-fwi", "--observed FILE --initial FILE --out DIR");
}
