#pragma once
// Content hashes through xxHash (XXH3, 64 bits), written as 16 hex digits: fingerprints of
// settings and checksums of data, to tell whether two things are the same (not for security).

#include <cstddef>
#include <string>

struct XXH3_state_s;

namespace vmb::io {

// The hash of text.
std::string fingerprint(const std::string& text);

// The hash of a byte stream given piece by piece.
class Checksum {
 public:
  Checksum();
  ~Checksum();
  Checksum(const Checksum&) = delete;
  Checksum& operator=(const Checksum&) = delete;
  void update(const void* data, std::size_t bytes);
  std::string hex() const;

 private:
  XXH3_state_s* state_;
};

}  // namespace vmb::io
