#include "vmb/io/check.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "vmb/io/error.hpp"

namespace vmb::io {
namespace {

namespace fs = std::filesystem;

std::string describe(const NamedPath& p) {
  return (p.label.empty() ? "" : p.label + " ") + "'" + p.path + "'";
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  if (fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec) && !ec) return true;
  return fs::exists(a, ec) && fs::exists(b, ec) && fs::equivalent(a, b, ec);
}

// The nearest existing folder at or above path: what a new file or folder there lands in.
fs::path existing_ancestor(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::absolute(path, ec);
  while (!p.empty() && !fs::exists(p, ec)) p = p.parent_path();
  return p.empty() ? fs::path("/") : p;
}

}  // namespace

void check_outputs(const std::vector<NamedPath>& outputs, const std::vector<NamedPath>& inputs) {
  std::error_code ec;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const NamedPath& out = outputs[i];
    const fs::path target(out.path);
    if (out.path.empty() || target.filename().empty())
      throw IoError(describe(out) + " names no file");
    if (fs::is_directory(target, ec)) throw IoError(describe(out) + " is a folder, not a file");
    const fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    if (!fs::is_directory(folder, ec))
      throw IoError(describe(out) + ": folder '" + folder.string() + "' does not exist");
    if (access(folder.c_str(), W_OK) != 0)
      throw IoError(describe(out) + ": folder '" + folder.string() + "' is not writable");
    if (fs::exists(target, ec) && access(target.c_str(), W_OK) != 0)
      throw IoError(describe(out) + " exists and is not writable");
    for (const NamedPath& in : inputs)
      if (!in.path.empty() && same_file(out.path, in.path))
        throw IoError(describe(out) + " is the input " + describe(in) +
                      ": writing it would destroy the input; choose another output");
    for (std::size_t j = 0; j < i; ++j)
      if (same_file(out.path, outputs[j].path))
        throw IoError(describe(out) + " and " + describe(outputs[j]) + " are the same file");
  }
}

void prepare_output_folder(const NamedPath& folder) {
  if (folder.path.empty()) throw IoError(describe(folder) + " names no folder");
  std::error_code ec;
  if (fs::exists(folder.path, ec) && !fs::is_directory(folder.path, ec))
    throw IoError(describe(folder) + " is a file, not a folder");
  fs::create_directories(folder.path, ec);
  if (!fs::is_directory(folder.path, ec))
    throw IoError("cannot create " + describe(folder) + (ec ? ": " + ec.message() : std::string()));
  if (access(folder.path.c_str(), W_OK) != 0) throw IoError(describe(folder) + " is not writable");
}

void check_free_space(const std::string& path, double bytes, const std::string& what) {
  std::error_code ec;
  const fs::space_info space = fs::space(existing_ancestor(path), ec);
  if (ec) return;  // a file system that cannot tell: the write itself reports a full disk
  if (bytes > double(space.available)) {
    char text[160];
    std::snprintf(text, sizeof text, "%s needs %.3g GB but only %.3g GB are free at '%s'",
                  what.c_str(), bytes / 1e9, double(space.available) / 1e9, path.c_str());
    throw IoError(text);
  }
}

void check_finite(const float* data, const std::vector<std::size_t>& dims,
                  const std::vector<std::string>& axes, const std::string& what) {
  std::size_t n = 1;
  for (std::size_t d : dims) n *= d;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isfinite(data[i])) continue;
    std::vector<std::size_t> at(dims.size());
    std::size_t rest = i;
    for (std::size_t k = dims.size(); k-- > 0;) {
      at[k] = rest % dims[k];
      rest /= dims[k];
    }
    std::string where;
    for (std::size_t k = 0; k < dims.size(); ++k)
      where += (k ? ", " : "") + (k < axes.size() ? axes[k] : "axis " + std::to_string(k)) + " " +
               std::to_string(at[k]);
    throw IoError(what + " holds " + (std::isnan(data[i]) ? "NaN" : "an infinite value") + " at " +
                  where);
  }
}

}  // namespace vmb::io
