#include "vmb/io/atomic_file.hpp"

#include <signal.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "vmb/io/error.hpp"

namespace vmb::io {
namespace {

namespace fs = std::filesystem;

// The open temporary files, readable from a signal handler: fixed slots, each claimed with a
// compare-and-swap and published only once its path is complete (no allocation, no lock).
constexpr int kSlots = 64;
constexpr std::size_t kPathMax = 4096;
struct Slot {
  std::atomic<int> state{0};  // 0 free, 1 being written, 2 holds a path
  char path[kPathMax];
};
std::array<Slot, kSlots> g_slots;

int claim_slot(const std::string& path) {
  if (path.size() >= kPathMax) return -1;
  for (int i = 0; i < kSlots; ++i) {
    int expected = 0;
    if (g_slots[i].state.compare_exchange_strong(expected, 1)) {
      std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
      g_slots[i].state.store(2);
      return i;
    }
  }
  return -1;  // all taken: the file is still removed by its destructor on a normal exit
}

void release_slot(int slot) {
  if (slot >= 0) g_slots[slot].state.store(0);
}

extern "C" void remove_temporaries_and_reraise(int signal) {
  for (auto& slot : g_slots)
    if (slot.state.load() == 2) unlink(slot.path);
  ::signal(signal, SIG_DFL);
  raise(signal);
}

// The PID in a temporary name ".NAME.tmp-PID", or 0 if the name is not one.
pid_t temporary_pid(const std::string& name) {
  const auto at = name.rfind(".tmp-");
  if (name.empty() || name[0] != '.' || at == std::string::npos || at + 5 >= name.size()) return 0;
  long pid = 0;
  for (std::size_t i = at + 5; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9') return 0;
    pid = pid * 10 + (name[i] - '0');
    if (pid > 1L << 30) return 0;
  }
  return static_cast<pid_t>(pid);
}

bool process_alive(pid_t pid) { return pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH; }

}  // namespace

AtomicFile::AtomicFile(std::string final_path) : final_(std::move(final_path)) {
  const fs::path target(final_);
  if (target.filename().empty()) throw IoError("output path '" + final_ + "' names no file");
  const fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    throw IoError("cannot write '" + final_ + "': folder '" + folder.string() + "' does not exist");
  if (access(folder.c_str(), W_OK) != 0)
    throw IoError("cannot write '" + final_ + "': folder '" + folder.string() +
                  "' is not writable");
  if (fs::is_directory(target, ec)) throw IoError("cannot write '" + final_ + "': it is a folder");
  temp_ =
      (folder / ("." + target.filename().string() + ".tmp-" + std::to_string(getpid()))).string();
  slot_ = claim_slot(temp_);
}

AtomicFile::~AtomicFile() {
  if (!committed_) std::remove(temp_.c_str());
  release_slot(slot_);
}

void AtomicFile::commit() {
  if (std::rename(temp_.c_str(), final_.c_str()) != 0)
    throw IoError("cannot rename '" + temp_ + "' to '" + final_ + "': " + std::strerror(errno));
  committed_ = true;
  release_slot(slot_);
  slot_ = -1;
}

void remove_temporaries_on_signal() {
  struct sigaction action {};
  action.sa_handler = remove_temporaries_and_reraise;
  sigemptyset(&action.sa_mask);
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) sigaction(signal, &action, nullptr);
}

std::vector<std::string> remove_stale_temporaries(const std::string& folder, bool recursive) {
  std::vector<std::string> removed;
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return removed;
  auto visit = [&](const fs::directory_entry& entry) {
    if (!entry.is_regular_file(ec)) return;
    const pid_t pid = temporary_pid(entry.path().filename().string());
    if (pid > 0 && !process_alive(pid) && fs::remove(entry.path(), ec))
      removed.push_back(entry.path().string());
  };
  if (recursive) {
    for (const auto& entry : fs::recursive_directory_iterator(folder, ec)) visit(entry);
  } else {
    for (const auto& entry : fs::directory_iterator(folder, ec)) visit(entry);
  }
  return removed;
}

void write_text_file(const std::string& path, const std::string& text) {
  AtomicFile out(path);
  {
    std::ofstream f(out.temp_path());
    f << text;
    if (!f) throw IoError("cannot write '" + path + "'");
  }
  out.commit();
}

}  // namespace vmb::io
