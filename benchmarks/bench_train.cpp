// FCNVMB training speed on this machine, against PyTorch running the same network and step.
//
//   build/benchmarks/bench_train [--batch-sizes 1,10] [--precisions fp32,bf16]
//                                [--layouts nchw,channels-last] [--steps N] [--peer PYTHON|none]
//
// (1) What LibTorch computes with here (BLAS, oneDNN's instruction set, threads).
// (2) One training step (forward, float32 MSE loss, backward, Adam) of the paper's network
//     (width 64, [B, 29, 400, 301] -> [B, 1, 201, 301]) from tensors in memory, exactly as
//     vmb-train runs it (vmb::network::forward), for each batch size, precision and memory
//     layout; the best of N steps after a warm-up, in seconds per sample.
// (3) The same in PyTorch (benchmarks/peer_train.py) when an interpreter with torch is found
//     (Debian's python3-torch), in the same run: ratios, not absolute times, are comparable on a
//     machine whose speed drifts.
// (4) An epoch read from a dataset (simulated first, untimed) by the background loader against
//     the same batches held in memory, at the first batch size and the fastest precision: what
//     loading adds.

#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "driver.hpp"
#include "options.hpp"
#include "vmb/datagen/dataset.hpp"
#include "vmb/datagen/model_set.hpp"
#include "vmb/network/data.hpp"
#include "vmb/network/fcnvmb.hpp"
#include "vmb/network/precision.hpp"
#include "vmb/network/train.hpp"

namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;
using Clock = std::chrono::steady_clock;
using vmb::network::Precision;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// The network, its optimiser and one training step as vmb-train takes it.
class Trainer {
 public:
  Trainer(int width, const std::string& layout, Precision precision)
      : net_((torch::manual_seed(1),
              vmb::network::make_network({"fcnvmb", 29, 400, 301, 201, 301, width}))),
        precision_(precision) {
    if (layout == "channels-last") vmb::network::to_channels_last(*net_);
    adam_ =
        std::make_unique<torch::optim::Adam>(net_->parameters(), torch::optim::AdamOptions(1e-3));
  }
  void step(const torch::Tensor& x, const torch::Tensor& y) {
    adam_->zero_grad();
    torch::mse_loss(vmb::network::forward(net_, x, precision_), y).backward();
    adam_->step();
  }

 private:
  vmb::network::VelocityNet net_;
  Precision precision_;
  std::unique_ptr<torch::optim::Adam> adam_;
};

class BenchTrain {
 public:
  static po::options_description options() {
    po::options_description o("bench_train");
    o.add_options()("batch-sizes", po::value<std::string>()->default_value("1,10"),
                    "comma-separated batch sizes")(
        "precisions", po::value<std::string>()->default_value("fp32,bf16"),
        "comma-separated: fp32, bf16 (where the CPU has bf16 units)")(
        "layouts", po::value<std::string>()->default_value("nchw"),
        "comma-separated: nchw (what vmb-train uses), channels-last")(
        "steps", vmb::cli::positive<int>("steps")->default_value(2),
        "timed steps after one warm-up step; the best counts")(
        "width", vmb::cli::positive<int>("width")->default_value(64),
        "filters of the first stage (64 in the paper)")(
        "peer", po::value<std::string>()->default_value("auto"),
        "Python interpreter with torch for the peer figures; auto: /usr/bin/python3 if it has "
        "torch; none: skip")("loader-samples",
                             vmb::cli::non_negative<int>("loader-samples")->default_value(20),
                             "samples of the loading measurement (0: skip it)");
    o.add(vmb::cli::threads_options());
    return o;
  }

  explicit BenchTrain(const po::variables_map& vm)
      : steps_(vm["steps"].as<int>()),
        width_(vm["width"].as<int>()),
        loader_samples_(vm["loader-samples"].as<int>()),
        peer_(vm["peer"].as<std::string>()) {
    for (const auto& b : vmb::cli::comma_separated(vm["batch-sizes"].as<std::string>())) {
      const int n = std::atoi(b.c_str());
      if (n < 1 || std::to_string(n) != b)
        throw vmb::cli::UsageError("--batch-sizes: '" + b + "' is not a positive whole number");
      batch_sizes_.push_back(n);
    }
    for (const auto& p : vmb::cli::comma_separated(vm["precisions"].as<std::string>()))
      precisions_.push_back(vmb::network::choose_precision(p, torch::kCPU));
    layouts_ = vmb::cli::comma_separated(vm["layouts"].as<std::string>());
    for (const auto& l : layouts_)
      if (l != "channels-last" && l != "nchw")
        throw vmb::cli::UsageError("--layouts: '" + l + "' is not channels-last or nchw");
    if (batch_sizes_.empty() || precisions_.empty() || layouts_.empty())
      throw vmb::cli::UsageError("--batch-sizes, --precisions and --layouts must not be empty");
    if (peer_ == "auto") peer_ = has_torch("/usr/bin/python3") ? "/usr/bin/python3" : "none";
    if (peer_ != "none" && !has_torch(peer_))
      throw vmb::cli::UsageError("--peer " + peer_ + ": no Python with torch there");
  }

  void run() {
    at::globalContext().setFlushDenormal(true);  // as vmb-train does
    vmb::network::keep_freed_memory();
    std::printf("%s", vmb::network::backend_summary().c_str());
    std::printf(
        "training step of FCNVMB width %d, [B, 29, 400, 301] -> [B, 1, 201, 301], best "
        "of %d steps, seconds per sample:\n",
        width_, steps_);
    std::printf("  %5s  %-9s %-14s %10s %10s %8s\n", "batch", "precision", "layout", "vmbkit",
                "PyTorch", "ratio");
    for (int batch : batch_sizes_) {
      double best_ours = 1e30, best_peer = 1e30;
      for (Precision precision : precisions_)
        for (const auto& layout : layouts_) {
          const double ours = step_seconds(batch, precision, layout) / batch;
          const double peer = peer_seconds(batch, precision, layout) / batch;
          best_ours = std::min(best_ours, ours);
          best_peer = std::min(best_peer, peer);
          if (ours < fastest_) {
            fastest_ = ours;
            fastest_precision_ = precision;
            fastest_layout_ = layout;
          }
          std::printf("  %5d  %-9s %-14s %10.3f %10s %8s\n", batch,
                      vmb::network::precision_name(precision), layout.c_str(), ours,
                      peer > 0 ? format(peer).c_str() : "-",
                      peer > 0 ? format(peer / ours).c_str() : "-");
          std::fflush(stdout);
        }
      if (best_peer > 0 && best_peer < 1e30)
        std::printf(
            "  batch %d, best of each: vmbkit %.3f s, PyTorch %.3f s per sample: "
            "vmbkit %.2fx PyTorch's speed\n",
            batch, best_ours, best_peer, best_peer / best_ours);
    }
    if (loader_samples_ > 0) loading(batch_sizes_.front());
  }

 private:
  static std::string format(double x) {
    char s[32];
    std::snprintf(s, sizeof s, "%.3f", x);
    return s;
  }

  static bool has_torch(const std::string& python) {
    return std::system((python + " -c 'import torch' >/dev/null 2>&1").c_str()) == 0;
  }

  double step_seconds(int batch, Precision precision, const std::string& layout) const {
    Trainer trainer(width_, layout, precision);
    const auto x = torch::randn({batch, 29, 400, 301}), y = torch::randn({batch, 1, 201, 301});
    trainer.step(x, y);  // warm-up: oneDNN builds its kernels
    double best = 1e30;
    for (int i = 0; i < steps_; ++i) {
      const auto t0 = Clock::now();
      trainer.step(x, y);
      best = std::min(best, seconds_since(t0));
    }
    return best;
  }

  // The peer's seconds per step, or -1 without a peer.
  double peer_seconds(int batch, Precision precision, const std::string& layout) const {
    if (peer_ == "none") return -1.0;
    const std::string script = fs::path(VMB_SOURCE_DIR) / "benchmarks" / "peer_train.py";
    // The peer gets the allocator setting vmbkit makes (keep_freed_memory) through glibc's
    // tunables: its best configuration, not only its default.
    const std::string command =
        "GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold="
        "2147483647 " +
        peer_ + " " + script + " --batch-size " + std::to_string(batch) + " --precision " +
        vmb::network::precision_name(precision) + " --layout " + layout + " --steps " +
        std::to_string(steps_) + " --width " + std::to_string(width_) + " --threads " +
        std::to_string(torch::get_num_threads());
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return -1.0;
    char line[256];
    double seconds = -1.0;
    while (std::fgets(line, sizeof line, pipe)) {
      char word[16];
      int b = 0;
      char p[16], l[32];
      if (std::sscanf(line, "%15s %d %15s %31s %lf", word, &b, p, l, &seconds) == 5 &&
          std::string(word) == "peer")
        break;
      seconds = -1.0;
    }
    pclose(pipe);
    return seconds;
  }

  // Loading measured at the fastest configuration: an epoch from shards against the same batches
  // held in memory.
  void loading(int batch) {
    const fs::path dir =
        fs::temp_directory_path() / ("vmbkit-bench-train-" + std::to_string(getpid()));
    fs::create_directories(dir);
    const int samples = loader_samples_;
    // A real dataset as vmb-datagen makes it: fcnvmb-salt models, the paper's survey, 2000
    // samples decimated to 400 (this simulation is not timed).
    vmb::datagen::GeneratorConfig generator;
    vmb::datagen::generate_model_set((dir / "models.h5").string(), generator, 1, samples);
    vmb::datagen::DatasetConfig survey;
    survey.decimation = vmb::datagen::Decimation::kFcnvmb;
    survey.decimation_factor = 5;
    vmb::datagen::produce_dataset((dir / "models.h5").string(), (dir / "data").string(), survey);
    vmb::network::ShardDataset data((dir / "data").string());
    std::vector<std::int64_t> order(samples);
    for (int i = 0; i < samples; ++i) order[i] = i;
    vmb::network::Normalisation norm{true, true, 2000, 4500};
    Trainer trainer(width_, fastest_layout_, fastest_precision_);
    std::vector<vmb::network::Batch> held;
    {
      vmb::network::BatchLoader loader(data, order, batch, norm);
      while (auto b = loader.next()) held.push_back(std::move(*b));
    }
    trainer.step(held.front().inputs, held.front().labels);  // warm-up
    auto t0 = Clock::now();
    for (const auto& b : held) trainer.step(b.inputs, b.labels);
    const double memory = seconds_since(t0);
    t0 = Clock::now();
    {
      vmb::network::BatchLoader loader(data, order, batch, norm);
      while (auto b = loader.next()) trainer.step(b->inputs, b->labels);
    }
    const double shards = seconds_since(t0);
    fs::remove_all(dir);
    std::printf(
        "epoch of %d samples, batch %d, %s %s: %.3f s per sample from shards, %.3f from "
        "memory: loading adds %.1f %%\n",
        samples, batch, vmb::network::precision_name(fastest_precision_), fastest_layout_.c_str(),
        shards / samples, memory / samples, 100.0 * (shards - memory) / memory);
  }

  int steps_, width_, loader_samples_;
  std::string peer_;
  std::vector<int> batch_sizes_;
  std::vector<Precision> precisions_;
  std::vector<std::string> layouts_;
  double fastest_ = 1e30;
  Precision fastest_precision_ = Precision::kFp32;
  std::string fastest_layout_ = "nchw";
};

}  // namespace

int main(int argc, char** argv) {
  return vmb::cli::run_tool<BenchTrain>(argc, argv, "bench_train", "[options]",
                                        vmb::network::set_threads);
}
