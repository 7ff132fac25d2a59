#include "vmb/io/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace vmb::io {
namespace {
std::string clock_text(double seconds) {
  char buf[32];
  const long s = static_cast<long>(seconds + 0.5);
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  else
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  return buf;
}
}  // namespace

Progress::Progress(std::string label, long total, bool quiet)
    : label_(std::move(label)),
      total_(total),
      quiet_(quiet),
      terminal_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

// Unwinding from an error: end a line left open on a terminal, claim nothing more.
Progress::~Progress() {
  if (!quiet_ && !finished_ && terminal_ && drawn_) std::fputc('\n', stderr);
}

void Progress::set_total(long total) {
  std::lock_guard<std::mutex> lock(mutex_);
  total_ = total;
}

void Progress::update(long done) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (quiet_ || finished_) return;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_draw_).count();
  // The last line is finish()'s.
  if (done >= total_ || since < (terminal_ ? 0.2 : 10.0)) return;
  last_draw_ = now;
  drawn_ = true;
  draw(done, false);
}

void Progress::finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (quiet_ || finished_) return;
  finished_ = true;
  draw(total_, true);
}

void Progress::draw(long done, bool final) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? done / elapsed : 0.0;
  std::string eta = rate > 0 && done < total_ ? ", ETA " + clock_text((total_ - done) / rate) : "";
  std::fprintf(stderr, "%s%s: %ld/%ld (%.1f/s, %s elapsed%s)%s", terminal_ ? "\r\033[K" : "",
               label_.c_str(), done, total_, rate, clock_text(elapsed).c_str(), eta.c_str(),
               terminal_ && !final ? "" : "\n");
  std::fflush(stderr);
}

}  // namespace vmb::io
