// vmb-simulate: a velocity model file in, multi-shot gathers out (HDF5, SEG-Y, pictures).
//
//   vmb-simulate [--model FILE] [survey, time and output options] [--config FILE.ini]
//
// With no --model it runs on a built-in layered model with a salt dome. See --help and
// docs/simulate.md for every option and the file formats.

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "cli.hpp"
#include "driver.hpp"
#include "options.hpp"
#include "vmb/io/check.hpp"
#include "vmb/io/error.hpp"
#include "vmb/io/gathers_io.hpp"
#include "vmb/io/model_io.hpp"
#include "vmb/io/picture.hpp"
#include "vmb/io/progress.hpp"
#include "vmb/modeling/error.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace {

namespace po = vmb::cli::po;
namespace fs = std::filesystem;

class Simulate {
 public:
  static po::options_description options() {
    po::options_description model("Model");
    model.add_options()("model", po::value<std::string>(),
                        "velocity model file; none: the built-in model");
    model.add(vmb::cli::model_file_options(true));
    po::options_description output("Output");
    output.add_options()("out", po::value<std::string>()->default_value("gathers.h5"),
                         "HDF5 gathers file")("segy", po::value<std::string>(),
                                              "folder for one SEG-Y file per shot")(
        "png", po::value<std::string>(), "folder for pictures")(
        "snapshots", vmb::cli::non_negative<int>("snapshots")->default_value(0),
        "keep the wavefield every K samples (0: none)")("quiet", po::bool_switch(),
                                                        "no progress or warnings on stderr");
    po::options_description all;
    all.add(model).add(vmb::cli::survey_options()).add(vmb::cli::physics_options());
    all.add(vmb::cli::threads_options()).add(output);
    return all;
  }

  explicit Simulate(const po::variables_map& vm) : vm_(vm), quiet_(vm["quiet"].as<bool>()) {}

  void run() {
    prepare_outputs();
    load_model();
    build_survey();
    check_room();
    simulate();
    write_outputs();
  }

 private:
  template <typename T>
  std::optional<T> get(const char* key) const {
    return vmb::cli::optional<T>(vm_, key);
  }

  // Every output is checked (and its folder made) before hours of simulation are spent: none may
  // be the model it reads.
  void prepare_outputs() {
    for (const char* key : {"segy", "png"})
      if (auto dir = get<std::string>(key))
        vmb::io::prepare_output_folder({std::string("--") + key, *dir});
    // After the folders: an --out that names one of them is then a folder, and refused.
    vmb::cli::check_output_files(vm_, {"out"}, {"model"});
  }

  void load_model() {
    if (auto path = get<std::string>("model")) {
      model_ = vmb::io::read_model(*path, vmb::cli::model_file_settings(vm_));
    } else {
      const double dx = get<double>("dx").value_or(10.0);
      model_ = vmb::demo_model(201, 301, dx);
      model_.dz = get<double>("dz").value_or(dx);
    }
    vmb::validate(model_);
  }

  void build_survey() {
    survey_ = vmb::make_survey(vmb::cli::survey_layout(vm_), model_.nx, model_.dx, model_.dz);
  }

  void check_room() const {
    const double cells = double(model_.nz) * model_.nx;
    const double nt = vm_["nt"].as<int>(), every = vm_["snapshots"].as<int>();
    const double samples =
        double(survey_.sources.size()) *
        (nt * survey_.receivers.size() + (every > 0 ? std::ceil(nt / every) * cells : 0));
    vmb::io::check_free_space(vm_["out"].as<std::string>(), 4.0 * samples, "the gathers file");
  }

  void simulate() {
    const vmb::TimeAxis time = vmb::cli::time_axis(vm_);
    const double f0 = vm_["f0"].as<double>();
    vmb::SolverOptions options = vmb::cli::solver_options(vm_);
    options.snapshot_every = vm_["snapshots"].as<int>();
    record_.wavelet = vmb::ricker(f0, time.nt, time.dt);
    vmb::io::Progress progress("vmb-simulate: shots", static_cast<long>(survey_.sources.size()),
                               quiet_);
    options.on_shot_done = [&](int done, int) { progress.update(done); };
    record_.gathers = vmb::simulate(model_, survey_, record_.wavelet, time, options);
    progress.finish();
    if (!quiet_)
      for (const auto& w : record_.gathers.warnings)
        std::fprintf(stderr, "vmb-simulate: warning: %s\n", w.c_str());
    record_.model = model_;
    record_.survey = survey_;
    record_.f0 = f0;
    record_.order = options.order;
    record_.pml = options.pml_width;
    record_.free_surface = options.free_surface;
  }

  void write_outputs() {
    vmb::io::write_gathers(vm_["out"].as<std::string>(), record_);
    const auto& g = record_.gathers;
    auto shot_name = [](const char* stem, int shot, const char* ext) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%s_%03d.%s", stem, shot + 1, ext);
      return std::string(buf);
    };
    if (auto dir = get<std::string>("segy"))
      for (int s = 0; s < g.nshots; ++s)
        vmb::io::write_segy_shot((fs::path(*dir) / shot_name("shot", s, "segy")).string(), record_,
                                 s);
    if (auto dir = get<std::string>("png")) {
      const fs::path folder(*dir);
      vmb::io::write_png((folder / "velocity.png").string(),
                         vmb::io::velocity_picture(model_, &survey_));
      const auto& rec = survey_.receivers;
      const double rec_step = rec.size() > 1 ? rec[1].x - rec[0].x : 1.0;
      for (int s = 0; s < g.nshots; ++s) {
        vmb::io::FieldAxes axes{
            g.dt,
            rec_step,
            rec[0].x,
            "t (s)",
            "receiver x (m)",
            "shot " + std::to_string(s + 1) +
                " at x = " + std::to_string(static_cast<int>(std::lround(survey_.sources[s].x))) +
                " m (clipped at the 99th percentile)"};
        vmb::io::write_png(
            (folder / shot_name("shot", s, "png")).string(),
            vmb::io::field_picture(&g.data[std::size_t(s) * g.nt * g.nrec], g.nt, g.nrec, axes));
        for (int k = 0; k < g.nsnapshots; ++k) {
          const std::size_t cells = std::size_t(model_.nz) * model_.nx;
          const double t = k * g.snapshot_every * g.dt;
          vmb::io::FieldAxes snap{model_.dz,
                                  model_.dx,
                                  0.0,
                                  "z (m)",
                                  "x (m)",
                                  "shot " + std::to_string(s + 1) +
                                      ", wavefield at t = " + std::to_string(t).substr(0, 5) + " s",
                                  true};
          char name[64];
          std::snprintf(name, sizeof name, "snapshot_%03d_%04d.png", s + 1, k * g.snapshot_every);
          vmb::io::write_png(
              (folder / name).string(),
              vmb::io::field_picture(&g.snapshots[(std::size_t(s) * g.nsnapshots + k) * cells],
                                     model_.nz, model_.nx, snap));
        }
      }
    }
  }

  const po::variables_map& vm_;
  bool quiet_;
  vmb::VelocityModel model_;
  vmb::Survey survey_;
  vmb::io::SimulationRecord record_;
};

}  // namespace

int main(int argc, char** argv) {
  return vmb::cli::run_tool<Simulate>(argc, argv, "vmb-simulate", "[options]");
}
