#pragma once
// Checks a tool makes before any work starts: outputs that can be written and are none of its
// inputs, room on the disk, and inputs that hold only finite numbers. Each throws IoError with a
// one-line message.

#include <cstddef>
#include <string>
#include <vector>

namespace vmb::io {

// A file to be written, and the option or role that names it in messages ("--out").
struct NamedPath {
  std::string label;
  std::string path;
};

// Every output file's folder exists and is writable, no output is a folder, no two outputs are
// the same file, and no output is the same file as an input (by path, or by inode where both
// exist).
void check_outputs(const std::vector<NamedPath>& outputs, const std::vector<NamedPath>& inputs);

// Creates the folder (and its parents) if missing; throws unless it then is a writable folder.
void prepare_output_folder(const NamedPath& folder);

// Throws unless the file system that will hold path (a file or a folder, existing or not) has
// at least bytes free; what says what would be written.
void check_free_space(const std::string& path, double bytes, const std::string& what);

// Throws unless every value is finite, naming what and the 0-based position of the first value
// that is not: dims and axes give the shape, slowest first, e.g. {nshots, nt, nrec} and
// {"shot", "time sample", "receiver"}.
void check_finite(const float* data, const std::vector<std::size_t>& dims,
                  const std::vector<std::string>& axes, const std::string& what);

}  // namespace vmb::io
