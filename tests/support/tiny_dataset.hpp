#pragma once
// Small datasets and model sets for tests. make_tiny_dataset: `count` flat-layer models of 24 x 32
// at 10 m, `nshots` shots, 33 receivers, 200 samples of 1 ms, stored as 40 (FCNVMB decimation 5)
// or, with decimate false, all 200. The models go to folder + ".models.h5".

#include <string>

#include "run.hpp"
#include "vmb/datagen/dataset.hpp"
#include "vmb/datagen/model_set.hpp"

namespace vmb::test {

// A small model set in dir: `count` fcnvmb-salt models of 40 x 60, seed 5; returns its path.
inline std::string make_salt_set(const TempDir& dir, int count = 10) {
  vmb::datagen::GeneratorConfig c;
  c.nz = 40;
  c.nx = 60;
  vmb::datagen::generate_model_set(dir / "set.h5", c, 5, count);
  return dir / "set.h5";
}

inline void make_tiny_dataset(const std::string& folder, int count, std::uint64_t seed,
                              int nshots = 3, bool decimate = true) {
  vmb::datagen::GeneratorConfig g;
  g.name = "flat";
  g.nz = 24;
  g.nx = 32;
  vmb::datagen::generate_model_set(folder + ".models.h5", g, seed, count);
  vmb::datagen::DatasetConfig c;
  c.survey.nshots = nshots;
  c.survey.nrec = 33;
  c.nt = 200;
  c.f0 = 20.0;
  if (decimate) {
    c.decimation = vmb::datagen::Decimation::kFcnvmb;
    c.decimation_factor = 5;
  }
  c.shard_size = 5;
  c.threads = 1;
  vmb::datagen::produce_dataset(folder + ".models.h5", folder, c);
}

}  // namespace vmb::test
