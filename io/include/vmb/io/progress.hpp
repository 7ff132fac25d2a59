#pragma once
// Progress of a long run on stderr: done / total, rate and ETA. Redrawn in place when stderr is a
// terminal; otherwise a plain line at most every 10 s (and at the end); nothing when quiet.
// update() may be called from any thread; call finish() when the work is done (a Progress
// destroyed unfinished, by an exception, prints no final line).

#include <chrono>
#include <mutex>
#include <string>

namespace vmb::io {

class Progress {
 public:
  Progress(std::string label, long total, bool quiet = false);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void set_total(long total);
  void update(long done);
  void finish();

 private:
  void draw(long done, bool final);

  std::string label_;
  long total_;
  bool quiet_;
  bool terminal_;
  bool finished_ = false;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
  std::mutex mutex_;
};

}  // namespace vmb::io
