#include "vmb/datagen/dataset.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "vmb/datagen/error.hpp"
#include "vmb/datagen/model_set.hpp"
#include "vmb/io/atomic_file.hpp"
#include "vmb/io/error.hpp"
#include "vmb/io/gathers_io.hpp"
#include "vmb/io/hdf5.hpp"
#include "vmb/modeling/resample.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace vmb::datagen {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const char* mode_name(Decimation d) {
  switch (d) {
    case Decimation::kNone: return "none";
    case Decimation::kAntiAlias: return "antialias";
    case Decimation::kFcnvmb: return "fcnvmb";
  }
  return "?";
}

void validate_config(const DatasetConfig& c) {
  if (c.shard_size <= 0) throw DatagenError("shard size must be positive");
  if (c.compression < 0 || c.compression > 9) throw DatagenError("compression must be 0 to 9");
  if (c.decimation_factor < 1) throw DatagenError("decimation factor must be at least 1");
  if (c.decimation == Decimation::kNone && c.decimation_factor != 1)
    throw DatagenError("a decimation factor needs a decimation mode (antialias or fcnvmb)");
  if (c.decimation == Decimation::kFcnvmb &&
      (c.decimation_offset < 0 || c.decimation_offset >= c.decimation_factor))
    throw DatagenError("the FCNVMB decimation offset must lie in 0 .. factor - 1");
  if (c.nt <= 0) throw DatagenError("nt must be positive");
  if (stored_samples(c) <= 0) throw DatagenError("decimation leaves no samples");
}

// The settings that shape the data, as text: equal text, equal dataset.
std::string canonical(const DatasetConfig& c, const ModelSetInfo& set, const Survey& survey) {
  std::ostringstream s;
  s.precision(17);
  s << "models " << set.count << ' ' << set.nz << ' ' << set.nx << ' ' << set.dx << ' ' << set.dz
    << ' ' << set.generator << ' ' << set.parameters << ' ' << set.seed << "\nsurvey";
  for (const auto& p : survey.sources) s << ' ' << p.x << ',' << p.z;
  s << " |";
  for (const auto& p : survey.receivers) s << ' ' << p.x << ',' << p.z;
  s << "\ntime " << c.nt << ' ' << c.dt << ' ' << c.f0 << "\nsolver " << c.order << ' ' << c.pml
    << ' ' << c.free_surface << "\ndecimation " << mode_name(c.decimation) << ' '
    << c.decimation_factor << ' ' << c.decimation_offset << "\nshards " << c.shard_size << ' '
    << c.compression;
  return s.str();
}


// The gathers as stored, [nshots][nt_stored][nrec]. The solver's layout is already [nshots][nt]
// [nrec]: no decimation takes it as it is, the FCNVMB rule copies whole time rows, and only the
// anti-aliasing filter works trace by trace.
std::vector<float> stored_gathers(Gathers&& g, const DatasetConfig& c) {
  if (c.decimation == Decimation::kNone) return std::move(g.data);
  const int nt = stored_samples(c);
  std::vector<float> out(std::size_t(g.nshots) * nt * g.nrec);
  if (c.decimation == Decimation::kFcnvmb) {
    for (int s = 0; s < g.nshots; ++s)
      for (int m = 0; m < nt; ++m) {
        const float* row = &g.data[(std::size_t(s) * g.nt + m * c.decimation_factor + c.decimation_offset) * g.nrec];
        std::copy_n(row, g.nrec, &out[(std::size_t(s) * nt + m) * g.nrec]);
      }
    return out;
  }
  std::vector<float> trace(g.nt);
  for (int s = 0; s < g.nshots; ++s)
    for (int r = 0; r < g.nrec; ++r) {
      for (int it = 0; it < g.nt; ++it) trace[it] = g(s, it, r);
      const std::vector<float> d = vmb::decimate(trace, c.decimation_factor);
      for (int m = 0; m < nt; ++m) out[(std::size_t(s) * nt + m) * g.nrec + r] = d[m];
    }
  return out;
}

struct Sample {
  std::int64_t index = 0;
  std::vector<float> shots;     // [nshots][nt_stored][nrec]
  std::vector<float> velocity;  // [nz][nx]
};

struct ShardLayout {
  int shard = 0;
  std::int64_t first = 0;
  int count = 0;
  int nshots = 0, nt = 0, nrec = 0, nz = 0, nx = 0;
};

// The one thread that writes a shard: the simulating thread hands it finished samples.
class ShardWriter {
 public:
  ShardWriter(const std::string& path, const ShardLayout& layout, const DatasetConfig& config,
              const ModelSetInfo& set, const Survey& survey, const std::string& hash)
      : out_(path), layout_(layout) {
    thread_ = std::thread([=] { run(config, set, survey, hash); });
  }
  ~ShardWriter() {
    if (thread_.joinable()) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        abort_ = true;
      }
      cv_.notify_all();
      thread_.join();
    }
  }
  ShardWriter(const ShardWriter&) = delete;
  ShardWriter& operator=(const ShardWriter&) = delete;

  void push(Sample sample) {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait(lock, [&] { return queue_.size() < 2 || error_; });
    if (error_) std::rethrow_exception(error_);
    queue_.push_back(std::move(sample));
    cv_.notify_all();
  }

  // Waits for the last sample to be written, then renames the shard into place.
  void finish() {
    thread_.join();
    if (error_) std::rethrow_exception(error_);
    out_.commit();
  }

 private:
  void run(const DatasetConfig& config, const ModelSetInfo& set, const Survey& survey,
           const std::string& hash) {
    try {
      const ShardLayout& L = layout_;
      io::H5File file(out_.temp_path(), io::H5File::Mode::kCreate);
      const io::DatasetOptions per_sample{
          {1, hsize_t(L.nshots), hsize_t(L.nt), hsize_t(L.nrec)}, config.compression};
      file.create("/shots", {hsize_t(L.count), hsize_t(L.nshots), hsize_t(L.nt), hsize_t(L.nrec)},
                  per_sample);
      file.create("/velocity", {hsize_t(L.count), hsize_t(L.nz), hsize_t(L.nx)},
                  {{1, hsize_t(L.nz), hsize_t(L.nx)}, config.compression});
      std::vector<std::int64_t> indices;
      for (int written = 0; written < L.count; ++written) {
        Sample s;
        {
          std::unique_lock<std::mutex> lock(mutex_);
          cv_.wait(lock, [&] { return !queue_.empty() || abort_; });
          if (abort_) return;
          s = std::move(queue_.front());
          queue_.pop_front();
        }
        cv_.notify_all();
        file.write_slab("/shots", hsize_t(written), s.shots.data());
        file.write_slab("/velocity", hsize_t(written), s.velocity.data());
        indices.push_back(s.index);
      }
      file.write("/index", {hsize_t(L.count)}, indices.data());
      std::vector<double> sx, sz, rx, rz;
      for (const auto& p : survey.sources) {
        sx.push_back(p.x);
        sz.push_back(p.z);
      }
      for (const auto& p : survey.receivers) {
        rx.push_back(p.x);
        rz.push_back(p.z);
      }
      file.set_attribute("sources_x", sx);
      file.set_attribute("sources_z", sz);
      file.set_attribute("receivers_x", rx);
      file.set_attribute("receivers_z", rz);
      const bool fcnvmb = config.decimation == Decimation::kFcnvmb;
      file.set_attribute("dt", config.dt * config.decimation_factor);
      file.set_attribute("t0", fcnvmb ? config.dt * config.decimation_offset : 0.0);
      file.set_attribute("nt", std::int64_t{L.nt});
      file.set_attribute("dx", set.dx);
      file.set_attribute("dz", set.dz);
      file.set_attribute("f0", config.f0);
      file.set_attribute("order", std::int64_t{config.order});
      file.set_attribute("pml", std::int64_t{config.pml});
      file.set_attribute("free_surface", std::int64_t{config.free_surface});
      file.set_attribute("decimation", std::int64_t{config.decimation_factor});
      file.set_attribute("decimation_mode", std::string(mode_name(config.decimation)));
      file.set_attribute("shard", std::int64_t{L.shard});
      file.set_attribute("first", L.first);
      file.set_attribute("config_hash", hash);
      file.set_attribute("version", io::version());
      file.flush();
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      error_ = std::current_exception();
      cv_.notify_all();
    }
  }

  io::AtomicFile out_;
  ShardLayout layout_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Sample> queue_;
  std::exception_ptr error_;
  bool abort_ = false;
};

// Whether the shard file holds this shard of this dataset, complete. Sets why when it does not.
bool shard_complete(const std::string& path, const ShardLayout& L, const std::string& hash,
                    std::string& why) {
  try {
    io::H5File f(path, io::H5File::Mode::kRead);
    if (f.attribute_string("config_hash") != hash) {
      why = "it was made with other settings";
      return false;
    }
    const std::vector<hsize_t> shots{hsize_t(L.count), hsize_t(L.nshots), hsize_t(L.nt), hsize_t(L.nrec)};
    if (f.dims("/shots") != shots || f.dims("/velocity") != std::vector<hsize_t>{hsize_t(L.count), hsize_t(L.nz), hsize_t(L.nx)}) {
      why = "holds datasets of the wrong shape";
      return false;
    }
    const auto index = f.read_int64("/index");
    for (int i = 0; i < L.count; ++i)
      if (index.size() != std::size_t(L.count) || index[i] != L.first + i) {
        why = "holds the wrong samples";
        return false;
      }
    // Reading the last sample checks the file reaches its end.
    f.read_slab("/shots", hsize_t(L.count - 1));
    return true;
  } catch (const std::exception& e) {
    why = e.what();
    return false;
  }
}

void write_index(const std::string& folder, const std::string& model_set, const DatasetConfig& c,
                 const ModelSetInfo& set, int shards, const std::string& hash) {
  std::ostringstream j;
  j << "{\n  \"format\": \"vmbkit-dataset\",\n  \"version\": \"" << io::version() << "\",\n"
    << "  \"config_hash\": \"" << hash << "\",\n  \"model_set\": \""
    << fs::path(model_set).filename().string() << "\",\n  \"samples\": " << set.count
    << ",\n  \"nz\": " << set.nz << ",\n  \"nx\": " << set.nx << ",\n  \"dx\": " << set.dx
    << ",\n  \"nshots\": " << c.survey.nshots << ",\n  \"nt_simulated\": " << c.nt
    << ",\n  \"nt\": " << stored_samples(c) << ",\n  \"dt\": " << c.dt * c.decimation_factor
    << ",\n  \"decimation\": \"" << mode_name(c.decimation) << "\",\n  \"shard_size\": "
    << c.shard_size << ",\n  \"shards\": [\n";
  for (int s = 0; s < shards; ++s) {
    const std::int64_t first = std::int64_t(s) * c.shard_size;
    const std::int64_t count = std::min<std::int64_t>(c.shard_size, set.count - first);
    j << "    {\"file\": \"" << shard_name(s) << "\", \"first\": " << first
      << ", \"count\": " << count << "}" << (s + 1 < shards ? "," : "") << "\n";
  }
  j << "  ]\n}\n";
  io::write_text_file((fs::path(folder) / "index.json").string(), j.str());
}

// The config_hash recorded in the folder's index.json; empty if there is none.
std::string recorded_hash(const std::string& folder) {
  std::ifstream in(fs::path(folder) / "index.json");
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  const std::string key = "\"config_hash\": \"";
  const auto at = text.find(key);
  if (at == std::string::npos) return "";
  const auto end = text.find('"', at + key.size());
  return end == std::string::npos ? "" : text.substr(at + key.size(), end - at - key.size());
}

// Temporary files a killed run of this shard left behind.
void remove_leftovers(const std::string& folder, int shard) {
  const std::string prefix = "." + shard_name(shard) + ".tmp-";
  for (const auto& entry : fs::directory_iterator(folder))
    if (entry.path().filename().string().rfind(prefix, 0) == 0) fs::remove(entry.path());
}

}  // namespace

std::string shard_name(int shard) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "shard_%05d.h5", shard);
  return buf;
}

int stored_samples(const DatasetConfig& c) {
  switch (c.decimation) {
    case Decimation::kNone: return c.nt;
    case Decimation::kAntiAlias: return (c.nt + c.decimation_factor - 1) / c.decimation_factor;
    case Decimation::kFcnvmb:
      return c.nt > c.decimation_offset
                 ? (c.nt - c.decimation_offset + c.decimation_factor - 1) / c.decimation_factor
                 : 0;
  }
  return 0;
}

DatasetReport produce_dataset(const std::string& model_set, const std::string& folder,
                              const DatasetConfig& config, const WorkSplit& split,
                              const std::function<void(std::int64_t, std::int64_t)>& progress,
                              const std::function<void(const std::string&)>& message) {
  const auto start = Clock::now();
  validate_config(config);
  if (split.parts < 1 || split.part < 0 || split.part >= split.parts)
    throw DatagenError("work split " + std::to_string(split.part) + "/" +
                       std::to_string(split.parts) + " is not a part of the whole");
  const ModelSetReader reader(model_set);
  const ModelSetInfo& set = reader.info();
  if (set.count <= 0) throw DatagenError("'" + model_set + "' holds no models");
  const Survey survey = make_survey(config.survey, set.nx, set.dx, set.dz);
  const std::string hash = io::fingerprint(canonical(config, set, survey));
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (!fs::is_directory(folder)) throw DatagenError("cannot create dataset folder '" + folder + "'");

  // A folder holding another dataset is refused before anything in it is touched.
  const std::string existing = recorded_hash(folder);
  if (!existing.empty() && existing != hash)
    throw DatagenError("'" + folder + "' holds a dataset made with other settings: use a new "
                       "folder, or remove it");
  DatasetReport report;
  report.shards = static_cast<int>((set.count + config.shard_size - 1) / config.shard_size);
  write_index(folder, model_set, config, set, report.shards, hash);

  std::vector<ShardLayout> mine;
  std::int64_t total = 0;
  for (int s = split.part; s < report.shards; s += split.parts) {
    ShardLayout L;
    L.shard = s;
    L.first = std::int64_t(s) * config.shard_size;
    L.count = static_cast<int>(std::min<std::int64_t>(config.shard_size, set.count - L.first));
    L.nshots = static_cast<int>(survey.sources.size());
    L.nt = stored_samples(config);
    L.nrec = static_cast<int>(survey.receivers.size());
    L.nz = set.nz;
    L.nx = set.nx;
    mine.push_back(L);
    total += L.count;
  }
  report.mine = static_cast<int>(mine.size());

  const std::vector<float> wavelet = ricker(config.f0, config.nt, config.dt);
  SolverOptions options;
  options.order = config.order;
  options.pml_width = config.pml;
  options.free_surface = config.free_surface;
  options.threads = config.threads;
  std::int64_t done = 0;
  for (const ShardLayout& L : mine) {
    const std::string path = (fs::path(folder) / shard_name(L.shard)).string();
    bool repairing = false;
    if (fs::exists(path)) {
      std::string why;
      if (shard_complete(path, L, hash, why)) {
        ++report.skipped;
        done += L.count;
        if (progress) progress(done, total);
        continue;
      }
      if (message) message(shard_name(L.shard) + " is damaged (" + why + "): regenerating it");
      repairing = true;
    }
    remove_leftovers(folder, L.shard);
    ShardWriter writer(path, L, config, set, survey, hash);
    for (int i = 0; i < L.count; ++i) {
      Sample sample;
      sample.index = L.first + i;
      VelocityModel model = reader.model(sample.index);
      const auto t0 = Clock::now();
      Gathers g = simulate(model, survey, wavelet, {config.nt, config.dt}, options);
      report.solver_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
      sample.shots = stored_gathers(std::move(g), config);
      sample.velocity = std::move(model.velocity);
      writer.push(std::move(sample));
      ++report.samples;
      if (progress) progress(++done, total);
    }
    writer.finish();
    ++report.made;
    if (repairing) ++report.repaired;
  }
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

}  // namespace vmb::datagen
