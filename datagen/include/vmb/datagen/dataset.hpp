#pragma once
// Simulating a model set into a dataset: a folder of shards of K samples, each an HDF5 file
//   /shots     float32 [k, nshots, nt_stored, nrec]   chunked one sample per chunk
//   /velocity  float32 [k, nz, nx]
//   /index     int64 [k]                              global sample indices
//   attributes: the survey (sources_x, sources_z, receivers_x, receivers_z in m), dt and t0 (s,
//   after decimation), nt, dx, dz, f0, order, pml, free_surface, decimation, decimation_mode,
//   shard, first, config_hash, version;
// plus index.json listing the shards and the settings.
//
// Shard s holds samples [s K, min((s + 1) K, N)). Work is split by shard: part p of P takes the
// shards with s % P == p, so any split (processes, MPI ranks, machines) writes the same files.
// A shard is written under a temporary name and renamed when complete; a run finds complete
// shards and skips them, regenerates damaged ones with a message, and never rewrites finished
// work.

#include <cstdint>
#include <functional>
#include <string>

#include "vmb/modeling/survey.hpp"

namespace vmb::datagen {

enum class Decimation {
  kNone,       // store every sample
  kAntiAlias,  // low-pass with FFTW, keep samples 0, f, 2f, ...
  kFcnvmb,     // the FCNVMB reference rule: keep sample f m + offset of each block of f
};

struct DatasetConfig {
  SurveyLayout survey;
  int nt = 2000;         // samples simulated
  double dt = 1e-3;      // s
  double f0 = 15.0;      // Hz, Ricker peaking at 1.5 / f0
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

// Samples stored per trace after decimation.
int stored_samples(const DatasetConfig& config);

// Produces this part's shards of the dataset in folder (created if its parent exists).
// progress(done, total) counts this part's samples; message(text) reports repairs.
DatasetReport produce_dataset(const std::string& model_set, const std::string& folder,
                              const DatasetConfig& config, const WorkSplit& split = {},
                              const std::function<void(std::int64_t, std::int64_t)>& progress = {},
                              const std::function<void(const std::string&)>& message = {});

// File name of shard s.
std::string shard_name(int shard);

}  // namespace vmb::datagen
