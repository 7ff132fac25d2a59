// Dataset production against the bare solver on the same simulations, FCNVMB geometry:
// fcnvmb-salt models of 201 x 301 at 10 m, 29 shots, 301 receivers, 2000 steps of 1 ms,
// order 8, CPML 20.
//
//   build/benchmarks/bench_datagen [--samples N] [--rounds R] [--decimation none|fcnvmb]
//
// Bare solver and dataset runs alternate for R rounds (default 3) and the best of each counts, so
// that the load of a shared machine does not pass for overhead. Prints the seconds per sample of
// both, the overhead, and the disk size per sample.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "driver.hpp"
#include "options.hpp"
#include "vmb/datagen/dataset.hpp"
#include "vmb/datagen/model_set.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;

class BenchDatagen {
 public:
  static po::options_description options() {
    po::options_description o("bench_datagen");
    o.add_options()("samples", vmb::cli::positive<int>("samples")->default_value(4),
                    "models simulated per round")(
        "rounds", vmb::cli::positive<int>("rounds")->default_value(3),
        "rounds; the best of each kind counts")(
        "decimation", po::value<std::string>()->default_value("fcnvmb"), "none | fcnvmb");
    o.add(vmb::cli::threads_options());
    return o;
  }
  explicit BenchDatagen(const po::variables_map& vm)
      : samples_(vm["samples"].as<int>()),
        rounds_(vm["rounds"].as<int>()),
        decimation_(vm["decimation"].as<std::string>()) {
    if (decimation_ != "none" && decimation_ != "fcnvmb")
      throw vmb::cli::UsageError("--decimation must be none or fcnvmb");
  }
  void run() const {
    const int samples = samples_, rounds = rounds_;
    const std::string& decimation = decimation_;
    const fs::path work = fs::temp_directory_path() / ("vmbkit-bench-" + std::to_string(getpid()));
    fs::create_directories(work);
    vmb::datagen::GeneratorConfig generator;  // fcnvmb-salt, 201 x 301 at 10 m
    vmb::datagen::generate_model_set((work / "models.h5").string(), generator, 1, samples);

    vmb::datagen::DatasetConfig config;  // 29 shots, 2000 steps of 1 ms, order 8, CPML 20
    config.shard_size = samples;
    if (decimation == "fcnvmb") {
      config.decimation = vmb::datagen::Decimation::kFcnvmb;
      config.decimation_factor = 5;
    }
    using Clock = std::chrono::steady_clock;
    vmb::datagen::ModelSetReader reader((work / "models.h5").string());
    const auto survey = vmb::make_survey(config.survey, 301, 10.0, 10.0);
    const auto wavelet = vmb::ricker(config.f0, config.nt, config.dt);
    double bare = 1e30, produced = 1e30;
    for (int round = 0; round < rounds; ++round) {
      auto t0 = Clock::now();
      for (int i = 0; i < samples; ++i)
        vmb::simulate(reader.model(i), survey, wavelet, {config.nt, config.dt});
      bare = std::min(bare, std::chrono::duration<double>(Clock::now() - t0).count() / samples);
      fs::remove_all(work / "ds");
      t0 = Clock::now();
      vmb::datagen::produce_dataset((work / "models.h5").string(), (work / "ds").string(), config);
      produced =
          std::min(produced, std::chrono::duration<double>(Clock::now() - t0).count() / samples);
    }
    double bytes = 0;
    for (const auto& e : fs::directory_iterator(work / "ds"))
      bytes += double(fs::file_size(e.path()));
    std::printf(
        "FCNVMB geometry, decimation %s, %d samples: bare solver %.2f s per sample, dataset "
        "%.2f s per sample, overhead %.1f %%, %.1f MB per sample on disk\n",
        decimation.c_str(), samples * rounds, bare, produced, 100.0 * (produced - bare) / bare,
        bytes / samples / 1e6);
    fs::remove_all(work);
  }

 private:
  int samples_, rounds_;
  std::string decimation_;
};

}  // namespace

int main(int argc, char** argv) {
  return vmb::cli::run_tool<BenchDatagen>(argc, argv, "bench_datagen", "[options]");
}
