#pragma once
// The one exception type of vmb::io: a file that cannot be read or written, or holds what it
// should not. The message is one line naming the file and the problem.

#include <stdexcept>
#include <string>

namespace vmb {

class IoError : public std::runtime_error {
 public:
  explicit IoError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace vmb
