#pragma once
// vmb-pipeline's settings: one typed table of every key (its type, its default in each preset,
// its valid range, a line of documentation, and the stages whose result it shapes). The program
// options, the INI sections ([grid] nz = 51 is grid.nz), the --dry-run listing, the stage hashes
// and the key table of docs/pipeline.md (--settings-table) all follow from it.
//
// Each key's value is the chosen preset's (tiny: seconds, for tests; quick: the default, minutes;
// medium: the paper's geometry within an hour on a CPU; paper), overridden by an INI file and then
// by the command line (--grid.nz 51).

#include <array>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "cli.hpp"

namespace vmb::pipeline {

// A setting's value, typed once when it is parsed.
using Value = std::variant<bool, int, double, std::string>;

enum class Range { kAny, kPositive, kNonNegative };

struct Key {
  std::string name;               // section.key
  std::array<Value, 4> defaults;  // tiny, quick, medium, paper (the type of the key)
  Range range = Range::kAny;
  std::string doc;                  // one line, units included
  std::vector<std::string> stages;  // the stages whose result it shapes (empty: none)
};

// The presets, in the order of Key::defaults.
constexpr std::array<const char*, 4> kPresets = {"tiny", "quick", "medium", "paper"};

// Every key, grouped by section.
const std::vector<Key>& keys();

// A value as text: the shortest spelling that reads back as the same value.
std::string to_text(const Value& value);

// The key table of docs/pipeline.md (Markdown): key, type, each preset's default, meaning, stages.
std::string markdown_table();

class Settings {
 public:
  // Every key as an option, its default the preset's: the preset comes from the command line,
  // else from the INI file named by --config (`preset = ...`), else quick. UsageError for an
  // unknown preset or an unreadable INI file.
  static cli::po::options_description options(int argc, char** argv);
  // What an unknown option's message adds: the valid keys.
  static std::string unknown_option_hint();
  // The settings of the parsed options (cli::parse over options()); UsageError naming a key
  // whose value has the wrong type or lies out of its range.
  explicit Settings(const cli::po::variables_map& vm);

  const std::string& preset() const { return preset_; }
  bool dry_run() const { return dry_run_; }
  bool quiet() const { return quiet_; }
  // --settings-table: print the key table instead of running.
  bool settings_table() const { return settings_table_; }
  const std::map<std::string, Value>& values() const { return values_; }

  const std::string& text(const std::string& key) const;
  int integer(const std::string& key) const;
  double number(const std::string& key) const;
  bool flag(const std::string& key) const;

 private:
  std::string preset_;
  bool dry_run_ = false, quiet_ = false, settings_table_ = false;
  std::map<std::string, Value> values_;
};

}  // namespace vmb::pipeline
