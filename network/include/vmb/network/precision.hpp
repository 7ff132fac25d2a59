#pragma once
// Arithmetic precision of the network's convolutions, and what LibTorch computes with.
//
// Mixed precision is autocast: inside an Autocast region LibTorch runs convolutions and matrix
// products in bfloat16 or float16 and the rest (batch normalisation statistics, the loss) in
// float32. Weights, gradients, the optimiser state and checkpoints stay float32 whatever the
// precision, so a checkpoint trained in one precision is evaluated or fine-tuned in any other.
//
//   fp32  everything in float32
//   bf16  bfloat16 autocast: on a CPU with AMX or AVX512-BF16 (oneDNN's bf16 kernels), or CUDA
//   fp16  float16 autocast: CUDA only
//   auto  the fastest the device supports: bf16 on such a CPU or on CUDA, else fp32

#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace vmb::network {

enum class Precision { kFp32, kBf16, kFp16 };

// The precision for "fp32", "bf16", "fp16" or "auto" on the device; throws NetworkError for an
// unknown name or one the device cannot run (fp16 on a CPU, bf16 on a CPU without bf16 units).
Precision choose_precision(const std::string& name, torch::Device device);

const char* precision_name(Precision precision);

// Whether this CPU has bfloat16 arithmetic units (AMX-BF16 or AVX512-BF16).
bool cpu_has_bf16();

// Autocast in the given precision for the lifetime of the object (nothing for fp32); the cast
// weights it caches are dropped when the outermost region ends, so an optimiser step between two
// regions is always seen.
class Autocast {
 public:
  Autocast(Precision precision, torch::Device device);
  ~Autocast();
  Autocast(const Autocast&) = delete;
  Autocast& operator=(const Autocast&) = delete;

 private:
  bool active_ = false;
  bool was_enabled_ = false;
  torch::DeviceType device_ = torch::kCPU;
};

// Moves the module's 4-D weights to channels-last memory (NHWC), oneDNN's native CPU layout;
// forward() then feeds such a network channels-last inputs. Values are unchanged. Training keeps
// NCHW: channels-last gained nothing here (bench_train --layouts nchw,channels-last).
void to_channels_last(torch::nn::Module& module);

// Makes the C library keep freed memory for reuse instead of returning it to the system. A
// training step allocates and frees activations of hundreds of MB; glibc serves each from fresh
// mmap'd pages that the kernel must zero, which cost a third of a batch-10 step (measured with
// bench_train: 2.8 s per sample before, 1.8 s after). The process keeps its peak heap instead.
// Nothing on other C libraries.
void keep_freed_memory();

// The process's peak resident memory, for telling what one piece of work needed (Linux; the C
// library keeps freed memory, see above). reset_peak_memory() returns the free memory the C
// library holds to the system and sets the peak to the resident size now (false where the system
// cannot: then peak_memory_bytes() keeps counting from the start); peak_memory_bytes() is the peak
// since, 0 where unknown.
bool reset_peak_memory();
std::int64_t peak_memory_bytes();

// One paragraph on what LibTorch computes with here: its version, the BLAS library loaded (by
// file and, for OpenBLAS, its build), oneDNN's version and instruction set, the CPU threads and
// whether bf16 units and CUDA are present.
std::string backend_summary();

}  // namespace vmb::network
