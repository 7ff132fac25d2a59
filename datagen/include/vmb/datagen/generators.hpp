#pragma once
// Random geologic velocity models. Each generator is a pure function of (parameters, seed,
// sample index): the same triple gives the same model, byte for byte.
//
//   fcnvmb-salt   layered models with salt, like the 1600 training models released with FCNVMB
//                 (their shape statistics, datagen/morphology.hpp, within 15 %): 5 to 10 layers,
//                 2000 to 4000 m/s increasing with depth. Interfaces fold with a relief drawn
//                 around relief_median (at most relief_max; the first interface does not fold)
//                 and all carry small-scale rugosity: smoothed noise over roughness_length
//                 columns whose RMS is drawn around `roughness` (lognormal, 20 %). At each
//                 side every interface curls up or down by about edge_curl cells (one sign and
//                 size per side, lognormal, 75 %; 20 % more or less per interface), fading over
//                 edge_curl_length columns and a tail ten times longer. Salt at
//                 salt_velocity lies two rows or more below the first interface: with
//                 probability sill_probability a sill (a thin sheet with pointed ends along a
//                 gently tilted axis, its top raised into lobes and its base sagging into keels),
//                 otherwise a diapir rising from the bottom (lobes side by side parted by deep
//                 valleys, one tall and narrow, the others lower and broader). A body spans
//                 salt_width_min to salt_width_max of the model's width about its middle and has
//                 salt_lobes lobes (one fewer or one more with probability salt_lobes_spread),
//                 hence as many summits, and covers a fraction drawn around dome_fraction_median
//                 or sill_fraction_median (lognormal, 32 %), within [salt_fraction_min,
//                 salt_fraction_max].
//   seg-like      SEG/EAGE-style salt slices (their salt and sea-floor statistics within 15 %):
//                 1500 m/s water 2 to 4 cells thick over a sea floor with water_roughness cells
//                 of rugosity, finely layered sediments whose velocity grows with depth, folded
//                 and cut by faults, and a salt massif at 4482 m/s: a nearly flat base, a top
//                 rising into salt_lobes lobes (as above), blunt ends and a ragged rim of
//                 salt_rim_roughness cells.
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
