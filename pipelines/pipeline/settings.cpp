#include "settings.hpp"

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "vmb/io/gathers_io.hpp"

namespace vmb::pipeline {
namespace {

namespace po = cli::po;
using Preset = std::map<std::string, std::string>;

// Keys and values of each preset. quick is the paper scaled down: models of 51 x 77 at 40 m
// (a quarter of the paper's grid at four times its spacing), 16 shots, 2 s at 4 ms, f0 4 Hz
// (3.75 points per wavelength in the 1500 m/s water at 2.5 f0), a network of width 12.
const std::map<std::string, Preset>& presets() {
  static const std::map<std::string, Preset> p = {
      {"tiny",
       {{"run.folder", "runs/tiny"}, {"run.seed", "1"}, {"run.threads", "0"},
        {"grid.nz", "24"}, {"grid.nx", "33"}, {"grid.dx", "10"},
        {"survey.nshots", "3"}, {"survey.nt", "200"}, {"survey.dt", "0.001"}, {"survey.f0", "20"},
        {"survey.order", "8"}, {"survey.pml", "10"}, {"survey.decimation", "5"},
        {"pretrain.models", "12"}, {"pretrain.epochs", "3"}, {"pretrain.batch_size", "4"},
        {"pretrain.lr", "0.001"}, {"pretrain.relief_median", "2"}, {"pretrain.relief_max", "6"},
        {"finetune.models", "6"}, {"finetune.epochs", "2"}, {"finetune.batch_size", "3"},
        {"finetune.lr", "0.001"}, {"finetune.water_min", "2"}, {"finetune.water_max", "3"},
        {"finetune.layers_min", "4"}, {"finetune.layers_max", "8"}, {"finetune.fold_relief_max", "4"},
        {"finetune.fault_throw_max", "3"}, {"test.simulated", "4"}, {"test.seg", "3"},
        {"network.width", "4"}, {"network.scale_labels", "true"}, {"network.standardise_data", "true"},
        {"data.fcnvmb", ""}}},
      {"quick",
       {{"run.folder", "runs/quick"}, {"run.seed", "1"}, {"run.threads", "0"},
        {"grid.nz", "51"}, {"grid.nx", "77"}, {"grid.dx", "40"},
        {"survey.nshots", "16"}, {"survey.nt", "500"}, {"survey.dt", "0.004"}, {"survey.f0", "4"},
        {"survey.order", "8"}, {"survey.pml", "20"}, {"survey.decimation", "5"},
        {"pretrain.models", "320"}, {"pretrain.epochs", "30"}, {"pretrain.batch_size", "8"},
        {"pretrain.lr", "0.001"}, {"pretrain.relief_median", "4"}, {"pretrain.relief_max", "13"},
        {"finetune.models", "100"}, {"finetune.epochs", "25"}, {"finetune.batch_size", "8"},
        {"finetune.lr", "0.001"}, {"finetune.water_min", "1"}, {"finetune.water_max", "1"},
        {"finetune.layers_min", "8"}, {"finetune.layers_max", "15"}, {"finetune.fold_relief_max", "8"},
        {"finetune.fault_throw_max", "4"}, {"test.simulated", "40"}, {"test.seg", "20"},
        {"network.width", "12"}, {"network.scale_labels", "true"}, {"network.standardise_data", "true"},
        {"data.fcnvmb", ""}}},
      {"paper",
       {{"run.folder", "runs/paper"}, {"run.seed", "1"}, {"run.threads", "0"},
        {"grid.nz", "201"}, {"grid.nx", "301"}, {"grid.dx", "10"},
        {"survey.nshots", "29"}, {"survey.nt", "2000"}, {"survey.dt", "0.001"}, {"survey.f0", "15"},
        {"survey.order", "8"}, {"survey.pml", "20"}, {"survey.decimation", "5"},
        {"pretrain.models", "1600"}, {"pretrain.epochs", "100"}, {"pretrain.batch_size", "10"},
        {"pretrain.lr", "0.001"}, {"pretrain.relief_median", "14"}, {"pretrain.relief_max", "51"},
        {"finetune.models", "130"}, {"finetune.epochs", "50"}, {"finetune.batch_size", "10"},
        {"finetune.lr", "0.001"}, {"finetune.water_min", "2"}, {"finetune.water_max", "4"},
        {"finetune.layers_min", "15"}, {"finetune.layers_max", "30"}, {"finetune.fold_relief_max", "30"},
        {"finetune.fault_throw_max", "15"}, {"test.simulated", "100"}, {"test.seg", "10"},
        {"network.width", "64"}, {"network.scale_labels", "false"}, {"network.standardise_data", "false"},
        {"data.fcnvmb", ""}}}};
  return p;
}

std::string valid_keys() {
  std::string keys;
  for (const auto& [k, v] : presets().at("quick")) keys += (keys.empty() ? "" : ", ") + k;
  return keys;
}

}  // namespace

bool Settings::parse(int argc, char** argv) {
  // The preset sets the defaults of every other key, so it is resolved first: from the command
  // line, else from the INI file's top-level `preset = ...`, else quick.
  {
    po::options_description first;
    first.add_options()("preset", po::value<std::string>())("config", po::value<std::string>());
    po::variables_map vm;
    try {
      po::store(po::command_line_parser(argc, argv).options(first).allow_unregistered().run(), vm);
    } catch (const po::error& e) {
      throw cli::UsageError(e.what());
    }
    if (vm.count("preset")) {
      preset_ = vm["preset"].as<std::string>();
    } else if (vm.count("config")) {
      const std::string path = cli::config_path(vm);
      std::ifstream file(path);
      po::options_description in_file;
      in_file.add_options()("preset", po::value<std::string>());
      po::variables_map from_file;
      try {
        po::store(po::parse_config_file(file, in_file, /*allow_unregistered=*/true), from_file);
      } catch (const po::error& e) {
        throw cli::UsageError("config file '" + path + "': " + e.what());
      }
      if (from_file.count("preset")) preset_ = from_file["preset"].as<std::string>();
    }
  }
  if (!presets().count(preset_))
    throw cli::UsageError("unknown preset '" + preset_ + "' (tiny, quick or paper)");
  po::options_description keys("Settings (defaults: the preset's; INI sections [run], [grid], ... give run.*, grid.*)");
  for (const auto& [key, value] : presets().at(preset_))
    keys.add_options()(key.c_str(), po::value<std::string>()->default_value(value), "");
  po::options_description general("Pipeline");
  general.add_options()
    ("preset", po::value<std::string>()->default_value(preset_), "tiny | quick | paper (also `preset = ...` in the INI file)")
    ("fcnvmb-data", po::value<std::string>(), "the FCNVMB release folder: use its models (same as data.fcnvmb)")
    ("dry-run", po::bool_switch(), "print the settings, the stages and their estimated cost, and exit")
    ("quiet", po::bool_switch(), "no progress on stderr");
  po::options_description all;
  all.add(general).add(keys);
  po::variables_map vm;
  try {
    if (!cli::parse(argc, argv, all, vm, "vmb-pipeline", "[--preset tiny|quick|paper] [--config FILE.ini] [--KEY VALUE ...]"))
      return false;
  } catch (const cli::UsageError& e) {
    const std::string what = e.what();
    if (what.find("unrecognised option") != std::string::npos)
      throw cli::UsageError(what + "; valid keys: " + valid_keys());
    throw;
  }
  for (const auto& [key, value] : presets().at(preset_)) values_[key] = vm[key].as<std::string>();
  if (vm.count("fcnvmb-data")) values_["data.fcnvmb"] = vm["fcnvmb-data"].as<std::string>();
  dry_run_ = vm["dry-run"].as<bool>();
  quiet_ = vm["quiet"].as<bool>();
  return true;
}

std::string Settings::text(const std::string& key) const { return values_.at(key); }

int Settings::integer(const std::string& key) const {
  const std::string& v = values_.at(key);
  char* end = nullptr;
  const long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0') throw cli::UsageError(key + " must be a whole number, not '" + v + "'");
  return static_cast<int>(n);
}

double Settings::number(const std::string& key) const {
  const std::string& v = values_.at(key);
  char* end = nullptr;
  const double x = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0') throw cli::UsageError(key + " must be a number, not '" + v + "'");
  return x;
}

bool Settings::flag(const std::string& key) const {
  const std::string& v = values_.at(key);
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  throw cli::UsageError(key + " must be true or false, not '" + v + "'");
}

}  // namespace vmb::pipeline
