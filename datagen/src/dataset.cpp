#include "vmb/datagen/dataset.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "shard_format.hpp"
#include "vmb/datagen/error.hpp"
#include "vmb/datagen/model_set.hpp"
#include "vmb/io/atomic_file.hpp"
#include "vmb/io/check.hpp"
#include "vmb/io/checksum.hpp"
#include "vmb/io/error.hpp"
#include "vmb/io/gathers_io.hpp"
#include "vmb/io/hdf5.hpp"
#include "vmb/modeling/resample.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace vmb::datagen {
namespace {

using detail::datagen_options;
using detail::mode_name;
using detail::read_index;
using detail::shard_complete;
using detail::ShardLayout;

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

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
    << ' ' << set.generator << ' ' << set.parameters << ' ' << set.seed << ' ' << set.checksum
    << "\nsurvey";
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
  if (c.decimation == Decimation::kFcnvmb)
    return select_samples(g.data.data(), g.nshots, g.nt, g.nrec, c.decimation_factor,
                          c.decimation_offset);
  const int nt = stored_samples(c);
  std::vector<float> out(std::size_t(g.nshots) * nt * g.nrec);
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
      const ShardLayout& layout = layout_;
      io::H5File file(out_.temp_path(), io::H5File::Mode::kCreate);
      const io::DatasetOptions per_sample{
          {1, io::Extent(layout.nshots), io::Extent(layout.nt), io::Extent(layout.nrec)},
          config.compression};
      file.create("/shots",
                  {io::Extent(layout.count), io::Extent(layout.nshots), io::Extent(layout.nt),
                   io::Extent(layout.nrec)},
                  per_sample);
      file.create("/velocity",
                  {io::Extent(layout.count), io::Extent(layout.nz), io::Extent(layout.nx)},
                  {{1, io::Extent(layout.nz), io::Extent(layout.nx)}, config.compression});
      std::vector<std::int64_t> indices;
      for (int written = 0; written < layout.count; ++written) {
        Sample s;
        {
          std::unique_lock<std::mutex> lock(mutex_);
          cv_.wait(lock, [&] { return !queue_.empty() || abort_; });
          if (abort_) return;
          s = std::move(queue_.front());
          queue_.pop_front();
        }
        cv_.notify_all();
        file.write_slab("/shots", io::Extent(written), s.shots.data());
        file.write_slab("/velocity", io::Extent(written), s.velocity.data());
        indices.push_back(s.index);
      }
      file.write("/index", {io::Extent(layout.count)}, indices.data());
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
      file.set_attribute("nt", std::int64_t{layout.nt});
      file.set_attribute("dx", set.dx);
      file.set_attribute("dz", set.dz);
      file.set_attribute("f0", config.f0);
      file.set_attribute("order", std::int64_t{config.order});
      file.set_attribute("pml", std::int64_t{config.pml});
      file.set_attribute("free_surface", std::int64_t{config.free_surface});
      file.set_attribute("decimation", std::int64_t{config.decimation_factor});
      file.set_attribute("decimation_mode", std::string(mode_name(config.decimation)));
      file.set_attribute("shard", std::int64_t{layout.shard});
      file.set_attribute("first", layout.first);
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

void write_index(const std::string& folder, const std::string& model_set, const DatasetConfig& c,
                 const ModelSetInfo& set, const Survey& survey, int shards, const std::string& hash,
                 const std::string& recorded) {
  nlohmann::json j;
  if (!recorded.empty()) j["recorded"] = recorded;
  j["format"] = "vmbkit-dataset";
  j["version"] = io::version();
  j["config_hash"] = hash;
  j["model_set"] = fs::absolute(model_set).lexically_normal().string();
  j["options"] = datagen_options(c);
  j["samples"] = set.count;
  j["nz"] = set.nz;
  j["nx"] = set.nx;
  j["dx"] = set.dx;
  j["dz"] = set.dz;
  j["nshots"] = survey.sources.size();
  j["nrec"] = survey.receivers.size();
  j["nt_simulated"] = c.nt;
  j["nt"] = stored_samples(c);
  j["dt"] = c.dt * c.decimation_factor;
  j["decimation"] = mode_name(c.decimation);
  j["shard_size"] = c.shard_size;
  j["shards"] = nlohmann::json::array();
  for (int s = 0; s < shards; ++s) {
    const std::int64_t first = std::int64_t(s) * c.shard_size;
    const std::int64_t count = std::min<std::int64_t>(c.shard_size, set.count - first);
    j["shards"].push_back({{"file", shard_name(s)}, {"first", first}, {"count", count}});
  }
  io::write_text_file((fs::path(folder) / "index.json").string(), j.dump(2) + "\n");
}

// The config_hash recorded in the folder's index.json; empty if there is none.
std::string recorded_hash(const std::string& folder) {
  const nlohmann::json j = read_index(folder);
  if (j.is_null()) return "";
  if (!j.contains("config_hash") || !j["config_hash"].is_string())
    throw DatagenError("'" + folder + "/index.json' has no config_hash: not a vmbkit dataset");
  return j["config_hash"].get<std::string>();
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

SolverOptions solver_options(const DatasetConfig& c) {
  SolverOptions options;
  options.order = c.order;
  options.pml_width = c.pml;
  options.free_surface = c.free_surface;
  options.threads = c.threads;
  return options;
}

TimeAxis time_axis(const DatasetConfig& c) { return {c.nt, c.dt}; }

int stored_samples(const DatasetConfig& c) {
  switch (c.decimation) {
    case Decimation::kNone:
      return c.nt;
    case Decimation::kAntiAlias:
      return (c.nt + c.decimation_factor - 1) / c.decimation_factor;
    case Decimation::kFcnvmb:
      return selected_samples(c.nt, c.decimation_factor, c.decimation_offset);
  }
  return 0;
}

int selected_samples(int nt, int factor, int offset) {
  if (factor < 1 || offset < 0 || offset >= factor)
    throw DatagenError("the time selection wants factor >= 1 and 0 <= offset < factor, not " +
                       std::to_string(factor) + " and " + std::to_string(offset));
  return nt > offset ? (nt - offset + factor - 1) / factor : 0;
}

std::vector<float> select_samples(const float* gathers, int nshots, int nt, int nrec, int factor,
                                  int offset) {
  const int kept = selected_samples(nt, factor, offset);
  std::vector<float> out(std::size_t(nshots) * kept * nrec);
  for (int s = 0; s < nshots; ++s)
    for (int m = 0; m < kept; ++m)
      std::copy_n(&gathers[(std::size_t(s) * nt + std::size_t(m) * factor + offset) * nrec], nrec,
                  &out[(std::size_t(s) * kept + m) * nrec]);
  return out;
}

std::vector<float> stored_sample(const VelocityModel& model, const DatasetConfig& config,
                                 double max_velocity) {
  validate_config(config);
  SolverOptions options = solver_options(config);
  options.max_velocity = max_velocity;
  const Survey survey = make_survey(config.survey, model.nx, model.dx, model.dz);
  return stored_gathers(
      simulate(model, survey, ricker(config.f0, config.nt, config.dt), time_axis(config), options),
      config);
}

DatasetReport produce_dataset(const std::string& model_set, const std::string& folder,
                              const DatasetConfig& config, const WorkSplit& split,
                              const std::function<void(std::int64_t, std::int64_t)>& progress,
                              const std::function<void(const std::string&)>& message,
                              const std::optional<RecordedGathers>& recorded) {
  const auto start = Clock::now();
  validate_config(config);
  if (split.parts < 1 || split.part < 0 || split.part >= split.parts)
    throw DatagenError("work split " + std::to_string(split.part) + "/" +
                       std::to_string(split.parts) + " is not a part of the whole");
  // The physics is checked before anything is written.
  const std::vector<float> wavelet = ricker(config.f0, config.nt, config.dt);
  const SolverOptions options = solver_options(config);
  validate(options);
  const ModelSetReader reader(model_set);
  const ModelSetInfo& set = reader.info();
  if (set.count <= 0) throw DatagenError("'" + model_set + "' holds no models");
  const Survey survey = make_survey(config.survey, set.nx, set.dx, set.dz);
  const std::string hash = io::fingerprint(canonical(config, set, survey) +
                                           (recorded ? "|recorded:" + recorded->source : ""));
  if (fs::exists(folder) && !fs::is_directory(folder))
    throw DatagenError("dataset folder '" + folder + "' is a file");
  io::prepare_output_folder({"dataset folder", folder});

  // A folder holding another dataset is refused before anything in it is touched.
  const std::string existing = recorded_hash(folder);
  if (!existing.empty() && existing != hash)
    throw DatagenError("'" + folder +
                       "' holds a dataset made with other settings: use a new "
                       "folder, or remove it");
  DatasetReport report;
  report.shards = static_cast<int>((set.count + config.shard_size - 1) / config.shard_size);
  write_index(folder, model_set, config, set, survey, report.shards, hash,
              recorded ? recorded->source : "");

  std::vector<ShardLayout> mine;
  std::int64_t total = 0;
  for (int s = split.part; s < report.shards; s += split.parts) {
    ShardLayout layout;
    layout.shard = s;
    layout.first = std::int64_t(s) * config.shard_size;
    layout.count =
        static_cast<int>(std::min<std::int64_t>(config.shard_size, set.count - layout.first));
    layout.nshots = static_cast<int>(survey.sources.size());
    layout.nt = stored_samples(config);
    layout.nrec = static_cast<int>(survey.receivers.size());
    layout.nz = set.nz;
    layout.nx = set.nx;
    mine.push_back(layout);
    total += layout.count;
  }
  report.mine = static_cast<int>(mine.size());
  std::int64_t to_write = 0;
  for (const ShardLayout& layout : mine)
    if (!fs::exists(fs::path(folder) / shard_name(layout.shard))) to_write += layout.count;
  if (to_write > 0) {
    const ShardLayout& layout = mine.front();
    io::check_free_space(
        folder,
        4.0 * double(to_write) *
            (double(layout.nshots) * layout.nt * layout.nrec + double(layout.nz) * layout.nx),
        "this part of the dataset (" + std::to_string(to_write) + " samples)");
  }

  std::int64_t done = 0;
  for (const ShardLayout& layout : mine) {
    const std::string path = (fs::path(folder) / shard_name(layout.shard)).string();
    bool repairing = false;
    if (fs::exists(path)) {
      std::string why;
      if (shard_complete(path, layout, hash, why)) {
        ++report.skipped;
        done += layout.count;
        if (progress) progress(done, total);
        continue;
      }
      if (message) message(shard_name(layout.shard) + " is damaged (" + why + "): regenerating it");
      repairing = true;
    }
    remove_leftovers(folder, layout.shard);
    ShardWriter writer(path, layout, config, set, survey, hash);
    for (int i = 0; i < layout.count; ++i) {
      Sample sample;
      sample.index = layout.first + i;
      VelocityModel model = reader.model(sample.index);
      const auto t0 = Clock::now();
      Gathers g;
      if (recorded) {
        g.nshots = layout.nshots;
        g.nt = config.nt;
        g.nrec = layout.nrec;
        g.dt = config.dt;
        g.data = recorded->gathers(sample.index);
        if (g.data.size() != std::size_t(g.nshots) * g.nt * g.nrec)
          throw DatagenError(recorded->source + ": sample " + std::to_string(sample.index) +
                             " holds " + std::to_string(g.data.size()) + " values, not " +
                             std::to_string(g.nshots) + " shots x " + std::to_string(g.nt) +
                             " samples x " + std::to_string(g.nrec) + " receivers");
      } else {
        g = simulate(model, survey, wavelet, time_axis(config), options);
      }
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
