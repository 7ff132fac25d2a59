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
//   salt-basin    salt basins as geology describes them, in metres and fractions of the section
//                 (so the same on any grid): a sea floor water_depth_min to water_depth_max deep
//                 with up to seafloor_relief_max of slope and undulation; one to packages_max
//                 sediment packages parted by angular unconformities, each tilted (older ones up
//                 to dip_max degrees), folded (up to fold_relief_max of the depth), thickening
//                 across the section (growth_max), in layers layer_thickness_min to _max thick;
//                 velocity from a compaction trend (mudline velocity plus a gradient in 1/s times
//                 the depth below the sea floor, at most sediment_vmax), plus each layer's
//                 deviation (RMS layer_contrast) and each older package's burial bonus (up to
//                 unconformity_bonus_max); up to faults_max normal faults dipping 45 to 70 degrees
//                 with throws of fault_throw_min to _max m, each dying upwards at an
//                 unconformity; a low-velocity wedge pinching out (wedge_probability); and, with
//                 salt_probability, up to salt_bodies_max salt bodies at salt_velocity: diapirs
//                 (tilted stems from below the section crowned by bulbs that overhang them,
//                 sometimes shedding a tongue), sheets (canopies, often fed from below, often
//                 leaving the section) and flanks of massifs beyond a side, with sediment rafts
//                 inside (inclusion_probability) and strata dragged up along them (up to drag_max
//                 m). Calibrated on the real models of ../shared/data/real-models other than the
//                 SEAM salt section (docs/geology.md), never on the SEG/EAGE slices.
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

// A mixture of generators, so that a training set holds several families: sample `index` is
// drawn by part k with probability weight_k / (sum of the weights), the choice a function of
// (seed, index) alone, and then made by that part as generate(part, seed, index) would.
struct GeneratorPart {
  GeneratorConfig config;
  double weight = 1.0;
};

// Every part resolved; throws DatagenError when there are none, a weight is not positive, or the
// parts' grids differ.
std::vector<GeneratorPart> resolve(const std::vector<GeneratorPart>& parts);

// Sample `index` of a resolved mixture.
VelocityModel generate(const std::vector<GeneratorPart>& parts, std::uint64_t seed,
                       std::int64_t index);

// "name:weight,name:weight" (a bare name weighs 1) as parts on one grid.
std::vector<GeneratorPart> parse_mixture(const std::string& text, int nz, int nx, double spacing);

}  // namespace vmb::datagen
