#include "stage_runner.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "vmb/io/atomic_file.hpp"
#include "vmb/io/checksum.hpp"

namespace vmb::pipeline {

namespace fs = std::filesystem;

StageRunner::StageRunner(fs::path run_folder, std::function<void(const std::string&)> say)
    : run_(std::move(run_folder)), say_(std::move(say)) {}

void StageRunner::define(std::vector<Stage> stages,
                         const std::map<std::string, std::string>& settings) {
  stages_ = std::move(stages);
  std::map<std::string, std::string> hashes;
  for (auto& stage : stages_) {
    const auto it = settings.find(stage.name);
    std::string text = stage.name + (it == settings.end() ? "" : it->second);
    for (const auto& dep : stage.depends_on) {
      if (!hashes.count(dep))
        throw std::logic_error("stage " + stage.name + " depends on " + dep +
                               ", which does not come before it");
      text += "|" + dep + ":" + hashes.at(dep);
    }
    stage.hash = hashes[stage.name] = vmb::io::fingerprint(text);
  }
}

const Stage& StageRunner::stage(const std::string& name) const {
  const auto it =
      std::find_if(stages_.begin(), stages_.end(), [&](const Stage& s) { return s.name == name; });
  if (it == stages_.end()) throw std::logic_error("vmb-pipeline has no stage " + name);
  return *it;
}

void StageRunner::run() {
  using Clock = std::chrono::steady_clock;
  manifest_ = recorded();
  int k = 0;
  for (auto& stage : stages_) {
    const std::string step =
        "[" + std::to_string(++k) + "/" + std::to_string(stages_.size()) + "] ";
    const auto entry = manifest_.find(stage.name);
    const bool same = entry != manifest_.end() && entry->second.hash == stage.hash;
    if (same && entry->second.done) {
      say_(step + stage.name + ": done before, skipped");
      continue;
    }
    if (same) {
      say_(step + stage.name + ": resuming the interrupted run");
    } else {
      // Anything there was made under other settings (or none recorded): it goes, so that a
      // partial output is resumed only under the settings it was started with.
      for (const auto& out : stage.outputs) fs::remove_all(run_ / out);
      if (entry != manifest_.end())
        say_(step + stage.name + ": settings changed since it " +
             (entry->second.done ? "ran" : "started") + ", running it afresh");
      else
        say_(step + stage.name);
      manifest_[stage.name] = {stage.hash, 0.0, false};
      save_manifest();
    }
    const auto t0 = Clock::now();
    stage.run();
    manifest_[stage.name] = {stage.hash, std::chrono::duration<double>(Clock::now() - t0).count(),
                             true};
    save_manifest();
  }
}

std::map<std::string, StageRecord> StageRunner::recorded() const {
  std::map<std::string, StageRecord> records;
  std::ifstream in(run_ / "manifest.tsv");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::string name, hash, state;
    double seconds = 0;
    if (row >> name >> hash >> seconds >> state) records[name] = {hash, seconds, state == "done"};
  }
  return records;
}

void StageRunner::save_manifest() const {
  std::ostringstream t;
  for (const auto& stage : stages_) {
    const auto it = manifest_.find(stage.name);
    if (it != manifest_.end())
      t << stage.name << '\t' << it->second.hash << '\t' << it->second.seconds << '\t'
        << (it->second.done ? "done" : "started") << '\n';
  }
  vmb::io::write_text_file((run_ / "manifest.tsv").string(), t.str());
}

}  // namespace vmb::pipeline
