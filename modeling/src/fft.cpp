#include "fft.hpp"

#include <fftw3.h>

#include <mutex>

namespace vmb::detail {
namespace {
std::mutex& planner_mutex() {
  static std::mutex m;
  return m;
}
}  // namespace

std::vector<std::complex<float>> rfft(const std::vector<float>& signal) {
  const int n = static_cast<int>(signal.size());
  std::vector<float> in(signal);
  std::vector<std::complex<float>> out(n / 2 + 1);
  fftwf_plan plan;
  {
    std::lock_guard<std::mutex> lock(planner_mutex());
    plan = fftwf_plan_dft_r2c_1d(n, in.data(), reinterpret_cast<fftwf_complex*>(out.data()),
                                 FFTW_ESTIMATE);
  }
  fftwf_execute(plan);
  std::lock_guard<std::mutex> lock(planner_mutex());
  fftwf_destroy_plan(plan);
  return out;
}

std::vector<float> irfft(const std::vector<std::complex<float>>& spectrum, int n) {
  std::vector<std::complex<float>> in(spectrum);
  in.resize(n / 2 + 1);
  std::vector<float> out(n);
  fftwf_plan plan;
  {
    std::lock_guard<std::mutex> lock(planner_mutex());
    plan = fftwf_plan_dft_c2r_1d(n, reinterpret_cast<fftwf_complex*>(in.data()), out.data(),
                                 FFTW_ESTIMATE);
  }
  fftwf_execute(plan);
  {
    std::lock_guard<std::mutex> lock(planner_mutex());
    fftwf_destroy_plan(plan);
  }
  for (float& v : out) v /= static_cast<float>(n);
  return out;
}

}  // namespace vmb::detail
