#pragma once
// Option groups shared by the binaries, so that a survey, a time axis or a model file is spelled
// the same way everywhere; range-checked option values; their translation into library
// structures.

#include <cmath>
#include <limits>
#include <optional>
#include <sstream>
#include <string>

#include "cli.hpp"
#include "vmb/io/model_io.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/survey.hpp"

namespace vmb::cli {

// The one range check of the toolkit's settings: UsageError "NAME V is out of range: it must ..."
// unless v lies in [lo, hi] (finite for floating point). name is how the user spells the setting
// (--dx for an option, grid.dx for a pipeline key).
template <typename T>
void check_range(const std::string& name, T v, T lo, T hi) {
  bool ok = v >= lo && v <= hi;
  if constexpr (std::is_floating_point_v<T>) ok = ok && std::isfinite(v);
  if (ok) return;
  std::ostringstream msg;
  msg << name << " " << v << " is out of range: ";
  if (hi == std::numeric_limits<T>::max())
    msg << (lo == T(0) ? "it must not be negative"
                       : (lo == T(1) && std::is_integral_v<T> ? "it must be at least 1"
                                                              : "it must be positive"));
  else
    msg << "it must lie in " << lo << " .. " << hi;
  throw UsageError(msg.str());
}

// The bounds of a positive value (at least 1 for whole numbers) and of a non-negative one.
template <typename T>
constexpr T positive_min() {
  return std::is_integral_v<T> ? T(1) : std::numeric_limits<T>::min();
}

// A value that must lie in [lo, hi]; anything else is a UsageError naming the option
// (check_range), raised while the options are parsed, before any work.
template <typename T>
po::typed_value<T>* bounded(const std::string& name, T lo, T hi) {
  return po::value<T>()->notifier(
      [name, lo, hi](const T& v) { check_range("--" + name, v, lo, hi); });
}

// > 0 (at least 1 for whole numbers).
template <typename T>
po::typed_value<T>* positive(const std::string& name) {
  return bounded<T>(name, positive_min<T>(), std::numeric_limits<T>::max());
}

// >= 0.
template <typename T>
po::typed_value<T>* non_negative(const std::string& name) {
  return bounded<T>(name, T(0), std::numeric_limits<T>::max());
}

// --survey --nshots --sx0 --sx1 --sz --nrec --rx0 --rx1 --rz
po::options_description survey_options();
// --survey NAME (vmb::acquisition_preset) gives the options that were left at their defaults
// (--nshots, --nrec, and with physics_options --nt, --dt, --f0) the preset's values; cli::parse
// calls it after reading the command line and the INI file.
void apply_survey_preset(const po::options_description& options, po::variables_map& vm);
SurveyLayout survey_layout(const po::variables_map& vm);

// --nt --dt --f0 --order --pml --free-surface
po::options_description physics_options();
// Their translation: the solver's settings (with --threads where the tool has it) and the time
// axis.
SolverOptions solver_options(const po::variables_map& vm);
TimeAxis time_axis(const po::variables_map& vm);

// --threads: CPU threads (0: the OpenMP default, OMP_NUM_THREADS or every core); run_tool sets it.
po::options_description threads_options();

// What every LibTorch tool shares: --device auto|cpu|cuda, --precision fp32|bf16|fp16|auto and
// --threads.
po::options_description device_options();

// --network NAME (fcnvmb | inversionnet | unet | unetpp | unet-wide, default none), with what an
// empty value means for the tool.
po::options_description network_options(const std::string& when_empty);

// --batch-size, samples per batch (default given).
po::options_description batch_options(int batch_size);

// How to read a model file: --format --axis-order --endian --units --dz --mat-variable, and with
// grid also --nz --nx --dx (a tool that has its own grid options leaves them out).
po::options_description model_file_options(bool grid);
// The options as read_model takes them; files that carry no spacing get 10 m (the FCNVMB grid).
io::ModelFileOptions model_file_settings(const po::variables_map& vm);

// The non-empty items of a comma-separated list ("3,5,8" -> "3", "5", "8").
std::vector<std::string> comma_separated(const std::string& list);

// A comma-separated list of positive frequencies in Hz ("3,5,8"); UsageError naming `what` for
// an item that is not one. An empty list comes back empty.
std::vector<double> frequencies(const std::string& list, const std::string& what);

// The value of an option that may be absent.
template <typename T>
std::optional<T> optional(const po::variables_map& vm, const char* key) {
  return vm.count(key) ? std::optional<T>(vm[key].as<T>()) : std::nullopt;
}

// The output files named by the given options (those present) are writable, are not folders and
// are none of the input files named by the other options; IoError otherwise. Made before work.
void check_output_files(const po::variables_map& vm, const std::vector<std::string>& outputs,
                        const std::vector<std::string>& inputs);

}  // namespace vmb::cli
