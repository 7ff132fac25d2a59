#include "vmb/io/checksum.hpp"

#include <xxhash.h>

#include <cstdio>
#include <new>

namespace vmb::io {
namespace {

std::string hex64(XXH64_hash_t h) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

std::string fingerprint(const std::string& text) {
  return hex64(XXH3_64bits(text.data(), text.size()));
}

Checksum::Checksum() : state_(XXH3_createState()) {
  if (!state_) throw std::bad_alloc();
  XXH3_64bits_reset(state_);
}

Checksum::~Checksum() { XXH3_freeState(state_); }

void Checksum::update(const void* data, std::size_t bytes) {
  XXH3_64bits_update(state_, data, bytes);
}

std::string Checksum::hex() const { return hex64(XXH3_64bits_digest(state_)); }

}  // namespace vmb::io
