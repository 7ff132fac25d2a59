#pragma once
// Training data from vmb-datagen dataset folders: samples as tensors, batches made by a
// background thread, the reference's time selection, and normalisation.

#include <torch/torch.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "vmb/datagen/dataset.hpp"
#include "vmb/network/error.hpp"

namespace vmb::network {

// Time selection on load: keep stored sample factor m + offset (the FCNVMB reference keeps 5m+2
// of the 2000-sample gathers; a dataset already decimated by vmb-datagen needs factor 1).
struct TimeSelection {
  int factor = 1;
  int offset = 0;
};

// How inputs and labels are scaled; stored in checkpoints and applied again by evaluation and
// prediction.
struct Normalisation {
  bool standardise_data = false;  // per sample: (x - mean) / std over all its traces
  bool scale_labels = false;      // low + (1 - low) (v - vmin) / (vmax - vmin); otherwise m/s
  double vmin = 0.0, vmax = 1.0;  // the training data's velocity range, m/s
  double low = 0.0;               // the label of vmin: the network's label_low()

  // The span of the labels: 1 - low scaled, else vmax - vmin (m/s).
  double label_span() const { return scale_labels ? 1.0 - low : vmax - vmin; }

  torch::Tensor labels(const torch::Tensor& velocity) const;
  torch::Tensor velocity(const torch::Tensor& labels) const;  // inverse of labels()
  torch::Tensor inputs(torch::Tensor gathers) const;          // [B, ...]
};

// A vmb-datagen dataset folder, read through datagen::DatasetReader (which refuses incomplete
// datasets and non-finite values), with a time selection applied on load.
class ShardDataset {
 public:
  ShardDataset(const std::string& folder, const TimeSelection& time = {});

  std::int64_t size() const { return reader_.info().samples; }
  int nshots() const { return reader_.info().nshots; }
  int nt() const { return nt_; }  // after the time selection
  int nrec() const { return reader_.info().nrec; }
  int nz() const { return reader_.info().nz; }
  int nx() const { return reader_.info().nx; }
  double dx() const { return reader_.info().dx; }  // m
  const std::string& folder() const { return reader_.info().folder; }
  // The dataset's settings hash (from its index.json).
  const std::string& config_hash() const { return reader_.info().config_hash; }
  // Whether mirrored samples are exact (datagen::survey_mirrors).
  bool survey_mirrors() const { return datagen::survey_mirrors(reader_.info()); }

  // Sample i: gathers [nshots, nt, nrec] and velocity [nz, nx] (m/s).
  std::pair<torch::Tensor, torch::Tensor> sample(std::int64_t i) const;
  // Smallest and largest velocity over all samples.
  std::pair<double, double> velocity_range() const;
  // The mean model over all samples, [nz, nx] (m/s).
  torch::Tensor mean_velocity() const;

 private:
  datagen::DatasetReader reader_;
  TimeSelection time_;
  int nt_ = 0;  // stored samples kept by the time selection
};

// A permutation of 0 .. n-1 that depends on (seed, epoch) only.
std::vector<std::int64_t> shuffled(std::int64_t n, std::uint64_t seed, int epoch);

// The mirror augmentation's choice for each of samples 0 .. n-1 in an epoch: mirrored or not,
// each with probability 1/2, depending on (seed, epoch, sample) only.
std::vector<bool> mirror_choices(std::int64_t n, std::uint64_t seed, int epoch);

// Sample (gathers [nshots, nt, nrec], velocity [nz, nx]) as the mirrored model gives it: the
// model's columns, and the gathers' shots and receivers, reversed. Exact for a survey that
// datagen::survey_mirrors.
std::pair<torch::Tensor, torch::Tensor> mirrored(const torch::Tensor& gathers,
                                                 const torch::Tensor& velocity);

struct Batch {
  torch::Tensor inputs;  // [B, nshots, nt, nrec], normalised
  torch::Tensor labels;  // [B, 1, nz, nx], normalised
  std::vector<std::int64_t> indices;
};

// Batches of the given sample order, read and normalised by a background thread while the
// network works on the previous ones. With `mirror` (indexed by sample, as mirror_choices gives
// it), the samples it marks come mirrored.
class BatchLoader {
 public:
  BatchLoader(const ShardDataset& data, std::vector<std::int64_t> order, int batch_size,
              const Normalisation& norm, std::vector<bool> mirror = {}, int prefetch = 3);
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  // The next batch; empty after the last. Rethrows a reading error.
  std::optional<Batch> next();

 private:
  void run();

  const ShardDataset& data_;
  std::vector<std::int64_t> order_;
  std::vector<bool> mirror_;
  int batch_size_;
  Normalisation norm_;
  std::size_t prefetch_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Batch> ready_;
  bool done_ = false, stop_ = false;
  std::exception_ptr error_;
};

}  // namespace vmb::network
