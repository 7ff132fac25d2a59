#pragma once
// The one exception type of vmb::datagen: an impossible request (unknown generator, ranges that
// cannot hold, no samples) or a dataset that cannot be produced. One line naming the problem.

#include <stdexcept>
#include <string>

namespace vmb {

class DatagenError : public std::runtime_error {
 public:
  explicit DatagenError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace vmb
