#pragma once
// vmb-pipeline's settings: every key with the value of the chosen preset (tiny: seconds, for
// tests; quick: the default, minutes; paper), overridden by an INI file (sections such as [grid]
// give grid.nz) and then the command line (--grid.nz 51).

#include <map>
#include <string>
#include <vector>

#include "cli.hpp"

namespace vmb::pipeline {

class Settings {
 public:
  // Parses the command line; returns false when --help or --version was handled.
  bool parse(int argc, char** argv);

  const std::string& preset() const { return preset_; }
  bool dry_run() const { return dry_run_; }
  bool quiet() const { return quiet_; }
  const std::map<std::string, std::string>& values() const { return values_; }

  std::string text(const std::string& key) const;
  int integer(const std::string& key) const;
  double number(const std::string& key) const;
  bool flag(const std::string& key) const;

 private:
  std::string preset_ = "quick";
  bool dry_run_ = false, quiet_ = false;
  std::map<std::string, std::string> values_;
};

}  // namespace vmb::pipeline
