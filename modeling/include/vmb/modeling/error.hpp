#pragma once
// The one exception type of vmb::modeling: bad input or an impossible request. Its message is a
// single line naming the problem, so command-line tools can print it as it is.

#include <stdexcept>
#include <string>

namespace vmb {

class ModelingError : public std::runtime_error {
 public:
  explicit ModelingError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace vmb
