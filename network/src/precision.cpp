#include "vmb/network/precision.hpp"

#include <ATen/autocast_mode.h>
#include <dlfcn.h>
#include <malloc.h>
#include <torch/version.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "vmb/network/error.hpp"

#ifdef VMB_WITH_DNNL
#include <oneapi/dnnl/dnnl.h>
#include <oneapi/dnnl/dnnl_debug.h>
#endif

namespace vmb::network {
namespace {

// LibTorch 2.4 replaced the per-device autocast functions by ones taking the device type.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool autocast_enabled(torch::DeviceType d) { return at::autocast::is_autocast_enabled(d); }
void set_autocast(torch::DeviceType d, bool on) { at::autocast::set_autocast_enabled(d, on); }
void set_autocast_dtype(torch::DeviceType d, at::ScalarType t) {
  at::autocast::set_autocast_dtype(d, t);
}
#else
bool autocast_enabled(torch::DeviceType d) {
  return d == torch::kCUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
}
void set_autocast(torch::DeviceType d, bool on) {
  d == torch::kCUDA ? at::autocast::set_enabled(on) : at::autocast::set_cpu_enabled(on);
}
void set_autocast_dtype(torch::DeviceType d, at::ScalarType t) {
  d == torch::kCUDA ? at::autocast::set_autocast_gpu_dtype(t)
                    : at::autocast::set_autocast_cpu_dtype(t);
}
#endif

// The file a symbol was loaded from, with links resolved (Debian's BLAS is chosen by
// update-alternatives through /lib/.../libblas.so.3); empty if the symbol is absent.
std::string library_of(const char* symbol) {
  void* address = dlsym(RTLD_DEFAULT, symbol);
  Dl_info info{};
  if (!address || !dladdr(address, &info) || !info.dli_fname) return {};
  std::error_code ec;
  const auto path = std::filesystem::canonical(info.dli_fname, ec);
  return ec ? std::string(info.dli_fname) : path.string();
}

std::string blas_description() {
  const std::string file = library_of("sgemm_");
  if (file.empty()) return "none found";
  using Config = const char* (*)();
  if (auto config = reinterpret_cast<Config>(dlsym(RTLD_DEFAULT, "openblas_get_config")))
    return std::string("OpenBLAS (") + config() + ") from " + file;
  if (file.find("/blas/") != std::string::npos)
    return "the reference BLAS (slow: install libopenblas0-openmp) from " + file;
  return file;
}

}  // namespace

bool cpu_has_bf16() {
#if defined(__x86_64__) || defined(__i386__)
  return __builtin_cpu_supports("avx512bf16") || __builtin_cpu_supports("amx-bf16");
#else
  return false;
#endif
}

Precision choose_precision(const std::string& name, torch::Device device) {
  const bool cuda = device.is_cuda();
  if (name == "fp32") return Precision::kFp32;
  if (name == "auto") return cuda || cpu_has_bf16() ? Precision::kBf16 : Precision::kFp32;
  if (name == "fp16") {
    if (!cuda) throw NetworkError("--precision fp16 needs CUDA; on a CPU use bf16 or fp32");
    return Precision::kFp16;
  }
  if (name == "bf16") {
    if (!cuda && !cpu_has_bf16())
      throw NetworkError(
          "--precision bf16: this CPU has no bfloat16 units (AMX or AVX512-BF16); use fp32");
    return Precision::kBf16;
  }
  throw NetworkError("precision '" + name + "' is not fp32, bf16, fp16 or auto");
}

const char* precision_name(Precision precision) {
  switch (precision) {
    case Precision::kBf16:
      return "bf16";
    case Precision::kFp16:
      return "fp16";
    case Precision::kFp32:
      break;
  }
  return "fp32";
}

Autocast::Autocast(Precision precision, torch::Device device) : device_(device.type()) {
  if (precision == Precision::kFp32) return;
  active_ = true;
  was_enabled_ = autocast_enabled(device_);
  set_autocast_dtype(device_, precision == Precision::kFp16 ? at::kHalf : at::kBFloat16);
  set_autocast(device_, true);
  at::autocast::increment_nesting();
}

Autocast::~Autocast() {
  if (!active_) return;
  set_autocast(device_, was_enabled_);
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
}

void keep_freed_memory() {
#ifdef __GLIBC__
  mallopt(M_MMAP_MAX, 0);                                      // large blocks from the heap too
  mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());  // and the heap never shrunk
#endif
}

bool reset_peak_memory() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.close();
  return bool(clear) && peak_memory_bytes() > 0;
}

std::int64_t peak_memory_bytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::int64_t(std::stoll(line.substr(6))) * 1024;
  return 0;
}

void to_channels_last(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (auto& p : module.parameters())
    if (p.dim() == 4) p.set_data(p.contiguous(torch::MemoryFormat::ChannelsLast));
}

std::string backend_summary() {
  std::ostringstream s;
  s << "LibTorch " << TORCH_VERSION << ", " << torch::get_num_threads() << " CPU threads\n"
    << "BLAS: " << blas_description() << "\n";
#ifdef VMB_WITH_DNNL
  const dnnl_version_t* v = dnnl_version();
  s << "oneDNN " << v->major << '.' << v->minor << '.' << v->patch
    << ", instruction set: " << dnnl_cpu_isa2str(dnnl_get_effective_cpu_isa()) << "\n";
#else
  s << "oneDNN: not queried (built without its headers)\n";
#endif
  s << "bf16 units: " << (cpu_has_bf16() ? "yes" : "no")
    << "; CUDA: " << (torch::cuda::is_available() ? "yes" : "no")
    << "; --precision auto: " << precision_name(choose_precision("auto", torch::kCPU))
    << " on the CPU\n";
  return s.str();
}

}  // namespace vmb::network
