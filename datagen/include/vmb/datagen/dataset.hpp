#pragma once
// Simulating a model set into a dataset: a folder of shards of K samples, each an HDF5 file
//   /shots     float32 [k, nshots, nt_stored, nrec]   chunked one sample per chunk
//   /velocity  float32 [k, nz, nx]
//   /index     int64 [k]                              global sample indices
//   attributes: the survey (sources_x, sources_z, receivers_x, receivers_z in m), dt and t0 (s,
//   after decimation), nt, dx, dz, f0, order, pml, free_surface, decimation, decimation_mode,
//   shard, first, config_hash, version;
// plus index.json (written through nlohmann::json) listing the shards, the settings, the model
// set's path and the vmb-datagen options that make (or complete) the dataset.
//
// DatasetReader is the one reader of the format: it goes through index.json and refuses a
// dataset whose shards are missing or unfinished, naming them and that command.
//
// Shard s holds samples [s K, min((s + 1) K, N)). Work is split by shard: part p of P takes the
// shards with s % P == p, so any split (processes, MPI ranks, machines) writes the same files.
// A shard is written under a temporary name and renamed when complete; a run finds complete
// shards and skips them, regenerates damaged ones with a message, and never rewrites finished
// work.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "vmb/modeling/model.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/survey.hpp"

namespace vmb::datagen {

enum class Decimation {
  kNone,       // store every sample
  kAntiAlias,  // low-pass with FFTW, keep samples 0, f, 2f, ...
  kFcnvmb,     // the FCNVMB reference rule: keep sample f m + offset of each block of f
};

struct DatasetConfig {
  SurveyLayout survey;
  int nt = 2000;     // samples simulated
  double dt = 1e-3;  // s
  double f0 = 15.0;  // Hz, Ricker peaking at 1.5 / f0
  int order = 8;
  int pml = 20;
  bool free_surface = false;
  Decimation decimation = Decimation::kNone;
  int decimation_factor = 1;
  int decimation_offset = 2;  // kFcnvmb only
  int shard_size = 50;        // samples per shard
  int compression = 0;        // gzip level 0-9
  int threads = 0;            // OpenMP threads for the solver; 0: all
};

struct WorkSplit {
  int part = 0, parts = 1;
};

struct DatasetReport {
  int shards = 0;            // in the whole dataset
  int mine = 0;              // this part's shards
  int made = 0;              // written by this run
  int skipped = 0;           // found complete
  int repaired = 0;          // found damaged and written again
  std::int64_t samples = 0;  // simulated by this run
  double solver_seconds = 0.0;
  double seconds = 0.0;
};

// The solver settings and the simulated time axis of a dataset made with `config`: what its
// samples were simulated with, for anything that must simulate as it did.
SolverOptions solver_options(const DatasetConfig& config);
TimeAxis time_axis(const DatasetConfig& config);

// Samples stored per trace after decimation.
int stored_samples(const DatasetConfig& config);

// The gathers of one model as a dataset made with `config` stores them, [nshots][nt_stored][nrec]:
// the config's survey over the model's grid, its Ricker wavelet and solver, its decimation. A model
// of the dataset gives back its stored sample bitwise; a predicted one, the data it would record
// (the data misfit of a prediction). max_velocity as in SolverOptions (0: the model's largest).
std::vector<float> stored_sample(const VelocityModel& model, const DatasetConfig& config,
                                 double max_velocity = 0.0);

// Gathers recorded elsewhere (the FCNVMB release's seismic files), stored in place of
// simulated ones: gathers(i) gives sample i's [nshots][nt][nrec] for the config's survey and nt,
// then decimated as the config says. source names them; it enters the settings hash and
// index.json ("recorded"), so a dataset never mixes recorded and simulated samples.
struct RecordedGathers {
  std::string source;
  std::function<std::vector<float>(std::int64_t)> gathers;
};

// Produces this part's shards of the dataset in folder (created if its parent exists).
// progress(done, total) counts this part's samples; message(text) reports repairs. With
// recorded, the gathers are recorded's instead of the solver's.
DatasetReport produce_dataset(const std::string& model_set, const std::string& folder,
                              const DatasetConfig& config, const WorkSplit& split = {},
                              const std::function<void(std::int64_t, std::int64_t)>& progress = {},
                              const std::function<void(const std::string&)>& message = {},
                              const std::optional<RecordedGathers>& recorded = std::nullopt);

// File name of shard s.
std::string shard_name(int shard);

// The FCNVMB time rule: of nt samples, keep sample factor m + offset for m = 0, 1, ...
// How many are kept (0 when offset >= nt); DatagenError unless 0 <= offset < factor.
int selected_samples(int nt, int factor, int offset);
// The kept samples of gathers [nshots][nt][nrec], as [nshots][selected][nrec].
std::vector<float> select_samples(const float* gathers, int nshots, int nt, int nrec, int factor,
                                  int offset);

// What a dataset's index.json says about it.
struct DatasetInfo {
  std::string folder;
  std::string config_hash;
  std::string command;  // the vmb-datagen command that makes or completes it
  std::int64_t samples = 0;
  int nshots = 0, nt = 0, nrec = 0;  // stored gathers per sample
  int nz = 0, nx = 0;
  double dx = 0.0, dz = 0.0;  // m
  double dt = 0.0;            // s, stored
  std::string decimation;     // none | antialias | fcnvmb
  // The survey, m: shot and receiver positions, in the order of the gathers' axes.
  std::vector<double> sources_x, sources_z, receivers_x, receivers_z;
};

// Whether the dataset's survey maps onto itself under the mirror x -> (nx - 1) dx - x, shot s
// onto shot nshots - 1 - s and receiver r onto receiver nrec - 1 - r (to a millionth of dx). The
// gathers of a mirrored model are then its gathers with shots and receivers reversed, since the
// solver's stencils and absorbing layers are mirror-symmetric too.
bool survey_mirrors(const DatasetInfo& info);

struct ShardEntry {
  std::string path;
  std::int64_t first = 0;
  int count = 0;
};

// A complete dataset folder, opened through its index.json. Every listed shard must exist and
// be complete (its settings hash, shapes, sample numbers and last sample checked); otherwise
// DatagenError names the missing or unfinished shards and the command that completes them.
// Reading checks that every value is finite, naming the shard, sample and position otherwise.
class DatasetReader {
 public:
  explicit DatasetReader(const std::string& folder);

  const DatasetInfo& info() const { return info_; }
  const std::vector<ShardEntry>& shards() const { return shards_; }

  // Sample i (0-based, global): gathers [nshots][nt][nrec] and velocity [nz][nx] (m/s).
  void read(std::int64_t i, std::vector<float>& gathers, std::vector<float>& velocity) const;
  // Every velocity model of shard s, [count][nz][nx] (m/s).
  std::vector<float> shard_velocities(int s) const;

 private:
  DatasetInfo info_;
  std::vector<ShardEntry> shards_;
};

// OpenFWI's layout of a complete dataset, written into the folder out (created if missing):
// data1.npy, data2.npy, ... float32 [n, nshots, nt, nrec] and model1.npy, ... float32
// [n, 1, nz, nx], samples_per_file samples each (the last pair may hold fewer), in sample order:
// the files OpenFWI's training code loads (OpenFWI ships 500 samples a file). Each file is
// streamed under a temporary name and renamed when complete; an export run again replaces them.
// DatagenError before any writing if the dataset is incomplete, out is the dataset's folder, or
// out holds data{k}.npy or model{k}.npy numbered beyond this export's files (another export's).
// progress(done, total) counts samples. Returns the number of file pairs.
int export_openfwi(const std::string& dataset, const std::string& out, int samples_per_file = 500,
                   const std::function<void(std::int64_t, std::int64_t)>& progress = {});

}  // namespace vmb::datagen
