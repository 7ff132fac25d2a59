#pragma once
// The solver's only platform-specific code: the float vector its kernels are written in, and
// flushing of subnormal floats.
//
// The kernels are templates over a vector type V with the operations below. Two are provided:
//   Vec:    the widest native vector through GCC / Clang vector extensions (AVX-512: 16 floats,
//           AVX: 8, SSE or NEON: 4); plain float with other compilers or -DVMB_GENERIC_KERNELS;
//   float:  the generic kernel, plain C++, one node at a time (tests run it against Vec).

#include <cstdint>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

namespace vmb::detail {

// Floats per vector of V.
template <class V>
struct Lanes {
  static constexpr int value = sizeof(V) / sizeof(float);
};

#if (defined(__GNUC__) || defined(__clang__)) && !defined(VMB_GENERIC_KERNELS)
#if defined(__AVX512F__)
constexpr int kNativeLanes = 16;
#elif defined(__AVX__)
constexpr int kNativeLanes = 8;
#else
constexpr int kNativeLanes = 4;
#endif
typedef float Vec __attribute__((vector_size(kNativeLanes * sizeof(float))));
#define VMB_ASSUME_ALIGNED(p, n) __builtin_assume_aligned(p, n)
#else
using Vec = float;
#define VMB_ASSUME_ALIGNED(p, n) (p)
#endif

// Loads from a vector-aligned address, loads from any float address, stores to an aligned one.
// Copies through memcpy (one vector move once compiled) read and write the float arrays without
// breaking the aliasing rules.
template <class V>
inline V load(const float* a) {
  V v;
  std::memcpy(&v, VMB_ASSUME_ALIGNED(a, sizeof(V)), sizeof(V));
  return v;
}
template <class V>
inline V loadu(const float* a) {
  V v;
  std::memcpy(&v, a, sizeof(V));
  return v;
}
template <class V>
inline void store(float* a, V v) {
  std::memcpy(VMB_ASSUME_ALIGNED(a, sizeof(V)), &v, sizeof(V));
}

// High-order stencils smear the wavefront ahead of itself in values that decay into the float32
// subnormal range, where each operation costs a hundred cycles or more. Flushing them to zero while
// an object of this class lives (FTZ and DAZ on x86, FZ on aarch64; the previous mode restored
// after) changes results only below 1e-38. Elsewhere it does nothing. It acts on the calling
// thread: each OpenMP thread of a shot holds one.
class FlushDenormals {
 public:
  FlushDenormals() {
#if defined(__x86_64__) || defined(__i386__)
    saved_ = _mm_getcsr();
    _mm_setcsr(static_cast<unsigned>(saved_) | 0x8040u);
#elif defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
    __asm__ __volatile__("mrs %0, fpcr" : "=r"(saved_));
    const std::uint64_t flushed = saved_ | (std::uint64_t{1} << 24);
    __asm__ __volatile__("msr fpcr, %0" : : "r"(flushed));
#endif
  }
  ~FlushDenormals() {
#if defined(__x86_64__) || defined(__i386__)
    _mm_setcsr(static_cast<unsigned>(saved_));
#elif defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
    __asm__ __volatile__("msr fpcr, %0" : : "r"(saved_));
#endif
  }
  FlushDenormals(const FlushDenormals&) = delete;
  FlushDenormals& operator=(const FlushDenormals&) = delete;

 private:
  std::uint64_t saved_ = 0;
};

}  // namespace vmb::detail
