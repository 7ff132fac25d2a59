#pragma once
// The one exception type of vmb::network: data, checkpoints or settings that do not fit. One line
// naming the problem.

#include <stdexcept>
#include <string>

namespace vmb {

class NetworkError : public std::runtime_error {
 public:
  explicit NetworkError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace vmb
