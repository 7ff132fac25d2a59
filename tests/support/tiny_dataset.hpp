#pragma once
// A tiny dataset for network tests: `count` flat-layer models of 24 x 32 at 10 m, `nshots` shots,
// 33 receivers, 200 samples of 1 ms, stored as 40 (FCNVMB decimation 5) or, with decimate false,
// all 200. The models go to folder + ".models.h5".

#include <string>

#include "vmb/datagen/dataset.hpp"
#include "vmb/datagen/model_set.hpp"

namespace vmb::test {

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
