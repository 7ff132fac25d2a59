#include "vmb/network/data.hpp"

#include <omp.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <algorithm>
#include <tuple>

#include "vmb/datagen/error.hpp"
#include "vmb/datagen/rng.hpp"

namespace vmb::network {

torch::Tensor Normalisation::labels(const torch::Tensor& velocity) const {
  return scale_labels ? low + (1.0 - low) * (velocity - vmin) / (vmax - vmin) : velocity;
}

torch::Tensor Normalisation::velocity(const torch::Tensor& labels) const {
  return scale_labels ? (labels - low) / (1.0 - low) * (vmax - vmin) + vmin : labels;
}

torch::Tensor Normalisation::inputs(torch::Tensor gathers) const {
  if (!standardise_data) return gathers;
  const auto dims = std::vector<std::int64_t>{1, 2, 3};
  // Spelled with mean and sqrt, which read the same in LibTorch 1.13 and 2.x.
  const auto centred = gathers - gathers.mean(dims, true);
  const auto std = centred.pow(2).mean(dims, true).sqrt().clamp_min(1e-12);
  return centred / std;
}

namespace {

// The dataset's reader; its refusals (missing, incomplete) are the network's NetworkError.
datagen::DatasetReader open_dataset(const std::string& folder) {
  try {
    return datagen::DatasetReader(folder);
  } catch (const DatagenError& e) {
    throw NetworkError(e.what());
  }
}

}  // namespace

ShardDataset::ShardDataset(const std::string& folder, const TimeSelection& time)
    : reader_(open_dataset(folder)), time_(time) {
  try {
    nt_ = datagen::selected_samples(reader_.info().nt, time.factor, time.offset);
  } catch (const DatagenError& e) {
    throw NetworkError(e.what());
  }
  if (nt_ <= 0)
    throw NetworkError("the time selection (factor " + std::to_string(time.factor) + ", offset " +
                       std::to_string(time.offset) + ") leaves no samples of '" + folder + "'");
}

std::pair<torch::Tensor, torch::Tensor> ShardDataset::sample(std::int64_t i) const {
  std::vector<float> gathers, velocity;
  reader_.read(i, gathers, velocity);
  if (time_.factor > 1 || time_.offset > 0)
    gathers = datagen::select_samples(gathers.data(), nshots(), reader_.info().nt, nrec(),
                                      time_.factor, time_.offset);
  return {torch::from_blob(gathers.data(), {nshots(), nt_, nrec()}, torch::kFloat32).clone(),
          torch::from_blob(velocity.data(), {nz(), nx()}, torch::kFloat32).clone()};
}

std::pair<double, double> ShardDataset::velocity_range() const {
  double lo = 1e300, hi = -1e300;
  for (std::size_t s = 0; s < reader_.shards().size(); ++s) {
    const auto v = reader_.shard_velocities(int(s));
    const auto [a, b] = std::minmax_element(v.begin(), v.end());
    lo = std::min(lo, double(*a));
    hi = std::max(hi, double(*b));
  }
  return {lo, hi};
}

torch::Tensor ShardDataset::mean_velocity() const {
  auto sum = torch::zeros({nz(), nx()}, torch::kFloat64);
  for (std::size_t s = 0; s < reader_.shards().size(); ++s) {
    auto v = reader_.shard_velocities(int(s));
    sum += torch::from_blob(v.data(), {std::int64_t(reader_.shards()[s].count), nz(), nx()},
                            torch::kFloat32)
               .to(torch::kFloat64)
               .sum(0);
  }
  return (sum / double(size())).to(torch::kFloat32);
}

std::vector<std::int64_t> shuffled(std::int64_t n, std::uint64_t seed, int epoch) {
  std::vector<std::int64_t> order(n);
  for (std::int64_t i = 0; i < n; ++i) order[i] = i;
  datagen::Rng rng(seed, std::uint64_t(epoch), /*stream=*/1);
  for (std::int64_t i = n - 1; i > 0; --i) std::swap(order[i], order[rng.integer(0, int(i))]);
  return order;
}

std::vector<bool> mirror_choices(std::int64_t n, std::uint64_t seed, int epoch) {
  std::vector<bool> mirror(std::size_t(n), false);
  for (std::int64_t i = 0; i < n; ++i)
    mirror[std::size_t(i)] =
        datagen::Rng(seed, std::uint64_t(epoch), /*stream=*/2 + std::uint64_t(i)).chance(0.5);
  return mirror;
}

std::pair<torch::Tensor, torch::Tensor> mirrored(const torch::Tensor& gathers,
                                                 const torch::Tensor& velocity) {
  return {gathers.flip({0, 2}), velocity.flip({1})};
}

BatchLoader::BatchLoader(const ShardDataset& data, std::vector<std::int64_t> order, int batch_size,
                         const Normalisation& norm, std::vector<bool> mirror, int prefetch)
    : data_(data),
      order_(std::move(order)),
      mirror_(std::move(mirror)),
      batch_size_(batch_size),
      norm_(norm),
      prefetch_(std::size_t(std::max(1, prefetch))) {
  if (batch_size < 1) throw NetworkError("batch size must be positive");
  if (!mirror_.empty() && std::int64_t(mirror_.size()) != data.size())
    throw NetworkError("the mirror choices cover " + std::to_string(mirror_.size()) +
                       " samples, not the dataset's " + std::to_string(data.size()));
  thread_ = std::thread([this] { run(); });
}

BatchLoader::~BatchLoader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void BatchLoader::run() {
  // Tensor work here would otherwise open a second OpenMP team beside the training step's and
  // oversubscribe the cores; the loader's share is small, one thread does it.
  omp_set_num_threads(1);
#ifdef __linux__
  // The training step's OpenMP team holds every core and waits at each barrier for its slowest
  // thread: a loader that preempts one of them stalls them all. At the lowest priority it runs
  // in the team's idle moments instead (loading adds 10 % at batch 10 otherwise: bench_train).
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 19);
#endif
  try {
    for (std::size_t start = 0; start < order_.size(); start += batch_size_) {
      Batch batch;
      std::vector<torch::Tensor> inputs, labels;
      for (std::size_t k = start; k < std::min(order_.size(), start + batch_size_); ++k) {
        auto [shots, velocity] = data_.sample(order_[k]);
        if (!mirror_.empty() && mirror_[std::size_t(order_[k])])
          std::tie(shots, velocity) = mirrored(shots, velocity);
        inputs.push_back(shots);
        labels.push_back(velocity.unsqueeze(0));
        batch.indices.push_back(order_[k]);
      }
      batch.inputs = norm_.inputs(torch::stack(inputs));
      batch.labels = norm_.labels(torch::stack(labels));
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [&] { return ready_.size() < prefetch_ || stop_; });
      if (stop_) return;
      ready_.push_back(std::move(batch));
      cv_.notify_all();
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    error_ = std::current_exception();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  done_ = true;
  cv_.notify_all();
}

std::optional<Batch> BatchLoader::next() {
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [&] { return !ready_.empty() || done_; });
  if (!ready_.empty()) {
    Batch b = std::move(ready_.front());
    ready_.pop_front();
    cv_.notify_all();
    return b;
  }
  if (error_) std::rethrow_exception(error_);
  return std::nullopt;
}

}  // namespace vmb::network
