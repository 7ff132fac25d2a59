#pragma once
// Random geologic velocity models. Each generator is a pure function of (parameters, seed,
// sample index): the same triple gives the same model, byte for byte.
//
//   fcnvmb-salt   layered models with salt, like the 1600 training models released with FCNVMB:
//                 5 to 10 layers, 2000 to 4000 m/s increasing with depth, a flat first interface,
//                 gently undulating deeper ones (largest relief per model drawn around a median of
//                 14 cells, at most 51), salt at 4500 m/s as a dome rising from the bottom or a
//                 lens, covering 2.8 % to 34 % of the model; 3 % of models without salt.
//   seg-like      SEG/EAGE-style salt slices: 1500 m/s water 2 to 4 cells thick, finely layered
//                 sediments whose velocity grows with depth, folded and cut by faults, irregular
//                 salt bodies at 4482 m/s.
//   flat, curved, flat-fault, curved-fault
//                 OpenFWI-style families (default 70 x 70 at 10 m, 1500 to 4500 m/s): flat layers,
//                 sine-bent layers, and each with one fault.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "vmb/modeling/model.hpp"

namespace vmb::datagen {

struct GeneratorConfig {
  std::string name = "fcnvmb-salt";
  int nz = 0, nx = 0;                        // 0: the generator's default
  double spacing = 0.0;                      // m; 0: 10 m
  std::map<std::string, double> parameters;  // overrides of the generator's defaults
};

// Names of the generators.
std::vector<std::string> generator_names();

// The generator's parameters and their defaults (velocities in m/s, sizes in cells).
std::map<std::string, double> default_parameters(const std::string& name);

// The configuration with every default filled in; throws DatagenError for an unknown generator,
// an unknown parameter (naming the valid ones) or ranges that cannot hold (vmin > vmax, ...).
GeneratorConfig resolve(const GeneratorConfig& config);

// Sample `index` of the generator. config must be resolved.
VelocityModel generate(const GeneratorConfig& config, std::uint64_t seed, std::int64_t index);

}  // namespace vmb::datagen
