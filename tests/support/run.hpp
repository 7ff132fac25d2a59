#pragma once
// Running the toolkit's binaries from tests.

#include <functional>
#include <string>

namespace vmb::test {

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs a shell command line, capturing its output.
RunResult run(const std::string& command);

// The message of the exception f throws, or "no error".
std::string error_of(const std::function<void()>& f);

// The bytes of a file (empty if it cannot be read).
std::string file_bytes(const std::string& path);

// A fresh empty folder under the system's temporary folder, removed with the object.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace vmb::test
