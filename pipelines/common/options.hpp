#pragma once
// Option groups shared by the binaries, so that a survey or a time axis is spelled the same way
// everywhere, and their translation into library structures.

#include "cli.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/survey.hpp"

namespace vmb::cli {

// --nshots --sx0 --sx1 --sz --nrec --rx0 --rx1 --rz
po::options_description survey_options();
SurveyLayout survey_layout(const po::variables_map& vm);

// --nt --dt --f0 --order --pml --free-surface --threads
po::options_description physics_options();

// The value of an option that may be absent.
template <typename T>
std::optional<T> optional(const po::variables_map& vm, const char* key) {
  return vm.count(key) ? std::optional<T>(vm[key].as<T>()) : std::nullopt;
}

}  // namespace vmb::cli
