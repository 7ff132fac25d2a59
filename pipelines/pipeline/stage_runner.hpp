#pragma once
// The stage runner of vmb-pipeline: stages, their settings hashes and the run folder's
// manifest.tsv. It knows only stage bodies: which settings shape a stage comes in as text, and a
// stage's work is a function it calls.
//
// Each stage writes into the run folder and records its hash in manifest.tsv ("name hash seconds
// state", state "done" or "started"): running again skips finished stages, resumes an
// interrupted one under the same hash, and re-runs a stage whose hash changed (removing its
// outputs first) and, through the hash chain, every stage that depends on it.

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace vmb::pipeline {

// What manifest.tsv records of a stage: the settings hash it started (or finished) under.
struct StageRecord {
  std::string hash;
  double seconds = 0.0;
  bool done = false;
};

struct Stage {
  std::string name;
  std::vector<std::string> depends_on;  // earlier stages
  std::vector<std::string> outputs;     // paths under the run folder, removed when it re-runs
  std::function<void()> run;
  std::string hash = {};
};

class StageRunner {
 public:
  // say prints one line of progress (or nothing when quiet).
  StageRunner(std::filesystem::path run_folder, std::function<void(const std::string&)> say);

  // The stages in order, each hashed from settings[name] (the text of the settings that shape
  // it; a name missing from settings is shaped by none) chained with its dependencies' hashes.
  void define(std::vector<Stage> stages, const std::map<std::string, std::string>& settings);

  // Runs every stage not finished under its hash, in order, recording each in manifest.tsv.
  void run();

  const std::vector<Stage>& stages() const { return stages_; }
  const Stage& stage(const std::string& name) const;
  // The records of the last run() (empty before).
  const std::map<std::string, StageRecord>& manifest() const { return manifest_; }
  // The records manifest.tsv holds now (for --dry-run, which runs nothing).
  std::map<std::string, StageRecord> recorded() const;

 private:
  void save_manifest() const;

  std::filesystem::path run_;
  std::function<void(const std::string&)> say_;
  std::vector<Stage> stages_;
  std::map<std::string, StageRecord> manifest_;
};

}  // namespace vmb::pipeline
