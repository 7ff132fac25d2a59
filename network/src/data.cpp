#include "vmb/network/data.hpp"

#include <omp.h>

#include <algorithm>
#include <filesystem>

#include "vmb/datagen/rng.hpp"
#include "vmb/io/hdf5.hpp"

namespace vmb::network {

namespace fs = std::filesystem;

torch::Tensor Normalisation::labels(const torch::Tensor& velocity) const {
  return scale_labels ? (velocity - vmin) / (vmax - vmin) : velocity;
}

torch::Tensor Normalisation::velocity(const torch::Tensor& labels) const {
  return scale_labels ? labels * (vmax - vmin) + vmin : labels;
}

torch::Tensor Normalisation::inputs(torch::Tensor gathers) const {
  if (!standardise_data) return gathers;
  const auto dims = std::vector<std::int64_t>{1, 2, 3};
  // Spelled with mean and sqrt, which read the same in LibTorch 1.13 and 2.x.
  const auto centred = gathers - gathers.mean(dims, true);
  const auto std = centred.pow(2).mean(dims, true).sqrt().clamp_min(1e-12);
  return centred / std;
}

ShardDataset::ShardDataset(const std::string& folder, const TimeSelection& time)
    : folder_(folder), time_(time) {
  if (time.factor < 1 || time.offset < 0 || time.offset >= time.factor)
    throw NetworkError("time selection wants factor >= 1 and 0 <= offset < factor");
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) throw NetworkError("dataset folder '" + folder + "' does not exist");
  std::vector<std::string> paths;
  for (const auto& e : fs::directory_iterator(folder)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("shard_", 0) == 0 && e.path().extension() == ".h5") paths.push_back(e.path().string());
  }
  std::sort(paths.begin(), paths.end());
  if (paths.empty()) throw NetworkError("dataset folder '" + folder + "' holds no samples (no shards)");
  for (const auto& path : paths) {
    io::H5File f(path, io::H5File::Mode::kRead);
    const auto shots = f.dims("/shots"), velocity = f.dims("/velocity");
    if (shots.size() != 4 || velocity.size() != 3 || shots[0] != velocity[0])
      throw NetworkError("'" + path + "' is not a dataset shard");
    if (shards_.empty()) {
      nshots_ = int(shots[1]);
      nt_stored_ = int(shots[2]);
      nrec_ = int(shots[3]);
      nz_ = int(velocity[1]);
      nx_ = int(velocity[2]);
      dx_ = f.attribute_double("dx");
    } else if (int(shots[1]) != nshots_ || int(shots[2]) != nt_stored_ || int(shots[3]) != nrec_ ||
               int(velocity[1]) != nz_ || int(velocity[2]) != nx_) {
      throw NetworkError("'" + path + "' does not match the other shards' shapes");
    }
    shards_.push_back({path, f.attribute_int("first"), std::int64_t(shots[0])});
    size_ += std::int64_t(shots[0]);
  }
  std::sort(shards_.begin(), shards_.end(), [](const Shard& a, const Shard& b) { return a.first < b.first; });
  nt_ = nt_stored_ > time.offset ? (nt_stored_ - time.offset + time.factor - 1) / time.factor : 0;
  if (nt_ <= 0) throw NetworkError("the time selection leaves no samples");
}

std::pair<torch::Tensor, torch::Tensor> ShardDataset::sample(std::int64_t i) const {
  if (i < 0 || i >= size_) throw NetworkError("sample " + std::to_string(i) + " is not in the dataset");
  std::int64_t local = i;
  const Shard* shard = nullptr;
  for (const auto& s : shards_) {
    if (local < s.count) {
      shard = &s;
      break;
    }
    local -= s.count;
  }
  io::H5File f(shard->path, io::H5File::Mode::kRead);
  auto shots = torch::from_blob(f.read_slab("/shots", hsize_t(local)).data(),
                                {nshots_, nt_stored_, nrec_}, torch::kFloat32)
                   .clone();
  auto velocity = torch::from_blob(f.read_slab("/velocity", hsize_t(local)).data(), {nz_, nx_},
                                   torch::kFloat32)
                      .clone();
  if (time_.factor > 1 || time_.offset > 0)
    shots = shots.slice(1, time_.offset, nt_stored_, time_.factor).contiguous();
  return {shots, velocity};
}

std::pair<double, double> ShardDataset::velocity_range() const {
  double lo = 1e300, hi = -1e300;
  for (const auto& s : shards_) {
    io::H5File f(s.path, io::H5File::Mode::kRead);
    const auto v = f.read("/velocity");
    const auto [a, b] = std::minmax_element(v.begin(), v.end());
    lo = std::min(lo, double(*a));
    hi = std::max(hi, double(*b));
  }
  return {lo, hi};
}

torch::Tensor ShardDataset::mean_velocity() const {
  auto sum = torch::zeros({nz_, nx_}, torch::kFloat64);
  for (const auto& s : shards_) {
    io::H5File f(s.path, io::H5File::Mode::kRead);
    auto v = f.read("/velocity");
    sum += torch::from_blob(v.data(), {std::int64_t(s.count), nz_, nx_}, torch::kFloat32)
               .to(torch::kFloat64)
               .sum(0);
  }
  return (sum / double(size_)).to(torch::kFloat32);
}

std::vector<std::int64_t> shuffled(std::int64_t n, std::uint64_t seed, int epoch) {
  std::vector<std::int64_t> order(n);
  for (std::int64_t i = 0; i < n; ++i) order[i] = i;
  datagen::Rng rng(seed, std::uint64_t(epoch), /*stream=*/1);
  for (std::int64_t i = n - 1; i > 0; --i) std::swap(order[i], order[rng.integer(0, int(i))]);
  return order;
}

BatchLoader::BatchLoader(const ShardDataset& data, std::vector<std::int64_t> order, int batch_size,
                         const Normalisation& norm, int prefetch)
    : data_(data),
      order_(std::move(order)),
      batch_size_(batch_size),
      norm_(norm),
      prefetch_(std::size_t(std::max(1, prefetch))) {
  if (batch_size < 1) throw NetworkError("batch size must be positive");
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
  try {
    for (std::size_t start = 0; start < order_.size(); start += batch_size_) {
      Batch batch;
      std::vector<torch::Tensor> inputs, labels;
      for (std::size_t k = start; k < std::min(order_.size(), start + batch_size_); ++k) {
        auto [shots, velocity] = data_.sample(order_[k]);
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
