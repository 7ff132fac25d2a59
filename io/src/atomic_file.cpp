#include "vmb/io/atomic_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

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

}  // namespace vmb::io
