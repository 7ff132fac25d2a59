#pragma once
// Writing a file so that it never looks finished before it is: write to a temporary name beside
// the final one (".NAME.tmp-PID"), then rename (atomic on POSIX file systems). If the writer is
// destroyed before commit(), the temporary file is removed; if the process is stopped by SIGINT,
// SIGTERM or SIGHUP once remove_temporaries_on_signal() has run, the handler removes every
// temporary file still open. A SIGKILL leaves them: remove_stale_temporaries() sweeps them up.

#include <string>
#include <vector>

namespace vmb::io {

class AtomicFile {
 public:
  // Checks that the folder of final_path exists and is writable; throws IoError otherwise.
  explicit AtomicFile(std::string final_path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  const std::string& temp_path() const { return temp_; }
  const std::string& final_path() const { return final_; }
  // Renames the temporary file to the final name; throws IoError if that fails.
  void commit();

 private:
  std::string final_;
  std::string temp_;
  int slot_ = -1;  // in the signal handler's list of open temporaries; -1: not listed
  bool committed_ = false;
};

// Installs handlers for SIGINT, SIGTERM and SIGHUP that remove the open temporary files, then
// let the signal end the process as it would have. Every tool calls it once, at start.
void remove_temporaries_on_signal();

// Removes the temporary files that processes no longer running left in folder (and, with
// recursive, its subfolders): names ".NAME.tmp-PID" whose PID is not alive on this machine.
// Returns the paths removed.
std::vector<std::string> remove_stale_temporaries(const std::string& folder, bool recursive);

// Writes text to path atomically; throws IoError if it cannot.
void write_text_file(const std::string& path, const std::string& text);

}  // namespace vmb::io
