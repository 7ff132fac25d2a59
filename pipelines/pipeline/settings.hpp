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
  // Parses the command line; returns false when --help, --version or --settings-table was
  // handled.
  bool parse(int argc, char** argv);

  const std::string& preset() const { return preset_; }
  bool dry_run() const { return dry_run_; }
  bool quiet() const { return quiet_; }
  const std::map<std::string, Value>& values() const { return values_; }

  const std::string& text(const std::string& key) const;
  int integer(const std::string& key) const;
  double number(const std::string& key) const;
  bool flag(const std::string& key) const;

 private:
  std::string preset_ = "quick";
  bool dry_run_ = false, quiet_ = false;
  std::map<std::string, Value> values_;
};

}  // namespace vmb::pipeline
