// FCNVMB training speed on this machine.
//
//   build/benchmarks/bench_train [--steps N] [--samples M] [--threads T]
//
// (1) One training step (forward, backward, Adam step) for batch 1 of [29, 400, 301] -> 201 x 301
//     on the paper's network (width 64), from tensors in memory: the network alone.
// (2) An epoch over M samples read from dataset shards by the background loader: the same steps
//     with data loading, so the difference is what the data pipeline adds.

#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "vmb/io/hdf5.hpp"
#include "vmb/network/data.hpp"
#include "vmb/network/fcnvmb.hpp"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  using Clock = std::chrono::steady_clock;
  int steps = 3, samples = 6, threads = int(std::thread::hardware_concurrency());
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    if (key == "--steps")
      steps = std::atoi(argv[i + 1]);
    else if (key == "--samples")
      samples = std::atoi(argv[i + 1]);
    else if (key == "--threads")
      threads = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "bench_train: unknown option %s\n", key.c_str());
      return 2;
    }
  }
  torch::set_num_threads(threads);
  at::globalContext().setFlushDenormal(true);  // as vmb-train does
  torch::manual_seed(1);
  vmb::network::Fcnvmb net(vmb::network::NetworkConfig{29, 64, 201, 301});
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-3));
  auto step = [&](const torch::Tensor& x, const torch::Tensor& y) {
    adam.zero_grad();
    auto loss = torch::mse_loss(net->forward(x), y);
    loss.backward();
    adam.step();
  };
  const auto x = torch::randn({1, 29, 400, 301}), y = torch::randn({1, 1, 201, 301});
  step(x, y);  // warm-up
  double best = 1e30;
  for (int i = 0; i < steps; ++i) {
    const auto t0 = Clock::now();
    step(x, y);
    best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count());
  }
  std::printf("training step, batch 1 of [29, 400, 301], %d threads: %.2f s (best of %d)\n",
              threads, best, steps);

  // A dataset of random gathers in the layout vmb-datagen writes, read back by the loader.
  const fs::path dir =
      fs::temp_directory_path() / ("vmbkit-bench-train-" + std::to_string(getpid()));
  fs::create_directories(dir);
  {
    vmb::io::H5File f((dir / "shard_00000.h5").string(), vmb::io::H5File::Mode::kCreate);
    f.create("/shots", {vmb::io::Extent(samples), 29, 400, 301}, {{1, 29, 400, 301}, 0});
    f.create("/velocity", {vmb::io::Extent(samples), 201, 301}, {{1, 201, 301}, 0});
    for (int s = 0; s < samples; ++s) {
      const auto shots = torch::randn({29, 400, 301}).contiguous();
      const auto v = (torch::rand({201, 301}) * 2500 + 2000).contiguous();
      f.write_slab("/shots", vmb::io::Extent(s), shots.data_ptr<float>());
      f.write_slab("/velocity", vmb::io::Extent(s), v.data_ptr<float>());
    }
    f.set_attribute("first", std::int64_t{0});
    f.set_attribute("dx", 10.0);
  }
  vmb::network::ShardDataset data(dir.string());
  std::vector<std::int64_t> order(samples);
  for (int i = 0; i < samples; ++i) order[i] = i;
  vmb::network::Normalisation norm;
  norm.scale_labels = true;
  norm.vmin = 2000;
  norm.vmax = 4500;
  // What the loader costs on its own: a pass with no training.
  auto tl = Clock::now();
  {
    vmb::network::BatchLoader loader(data, order, 1, norm);
    while (loader.next()) {
    }
  }
  const double load = std::chrono::duration<double>(Clock::now() - tl).count() / samples;
  std::printf("loading alone: %.3f s per sample\n", load);
  const auto t0 = Clock::now();
  {
    vmb::network::BatchLoader loader(data, order, 1, norm);
    while (auto b = loader.next()) step(b->inputs, b->labels);
  }
  const double epoch = std::chrono::duration<double>(Clock::now() - t0).count();
  // The same batches held in memory, as the reference: the difference is the pipeline alone.
  std::vector<vmb::network::Batch> held;
  {
    vmb::network::BatchLoader loader(data, order, 1, norm);
    while (auto b = loader.next()) held.push_back(std::move(*b));
  }
  const auto t1 = Clock::now();
  for (const auto& b : held) step(b.inputs, b.labels);
  const double memory = std::chrono::duration<double>(Clock::now() - t1).count();
  fs::remove_all(dir);
  std::printf(
      "epoch of %d samples, batch 1: %.2f s per sample from shards, %.2f s per sample from "
      "memory: the data pipeline adds %.1f %%\n",
      samples, epoch / samples, memory / samples, 100.0 * (epoch - memory) / memory);
  return 0;
}
