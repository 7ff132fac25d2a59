#pragma once
// The salt-basin generator (see generators.hpp): its defaults, its parameter checks and a model.

#include <functional>
#include <map>
#include <string>

#include "vmb/datagen/generators.hpp"
#include "vmb/datagen/rng.hpp"

namespace vmb::datagen {

std::map<std::string, double> salt_basin_defaults();

// Calls fail with a message for parameters that cannot hold together (min above max, ...).
void check_salt_basin(const std::map<std::string, double>& parameters,
                      const std::function<void(const std::string&)>& fail);

VelocityModel salt_basin(const GeneratorConfig& config, Rng& rng);

}  // namespace vmb::datagen
