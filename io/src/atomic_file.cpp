#include "vmb/io/atomic_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "vmb/io/error.hpp"

namespace vmb::io {

AtomicFile::AtomicFile(std::string final_path) : final_(std::move(final_path)) {
  namespace fs = std::filesystem;
  const fs::path target(final_);
  if (target.filename().empty()) throw IoError("output path '" + final_ + "' names no file");
  const fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    throw IoError("cannot write '" + final_ + "': folder '" + folder.string() + "' does not exist");
  if (access(folder.c_str(), W_OK) != 0)
    throw IoError("cannot write '" + final_ + "': folder '" + folder.string() + "' is not writable");
  if (fs::is_directory(target, ec)) throw IoError("cannot write '" + final_ + "': it is a folder");
  temp_ = (folder / ("." + target.filename().string() + ".tmp-" + std::to_string(getpid()))).string();
}

AtomicFile::~AtomicFile() {
  if (!committed_) std::remove(temp_.c_str());
}

void AtomicFile::commit() {
  if (std::rename(temp_.c_str(), final_.c_str()) != 0)
    throw IoError("cannot rename '" + temp_ + "' to '" + final_ + "': " + std::strerror(errno));
  committed_ = true;
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

std::string fingerprint(const std::string& text) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char ch : text) {
    h ^= ch;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace vmb::io
