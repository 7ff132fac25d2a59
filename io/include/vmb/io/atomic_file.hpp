#pragma once
// Writing a file so that it never looks finished before it is: write to a temporary name beside
// the final one, then rename (atomic on POSIX file systems). If the writer is destroyed before
// commit(), the temporary file is removed.

#include <string>

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
  bool committed_ = false;
};

// Writes text to path atomically; throws IoError if it cannot.
void write_text_file(const std::string& path, const std::string& text);

// A 64-bit FNV-1a hash of text as 16 hex digits: settings fingerprints, not security.
std::string fingerprint(const std::string& text);

}  // namespace vmb::io
