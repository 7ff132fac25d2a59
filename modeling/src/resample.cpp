#include "vmb/modeling/resample.hpp"

#include "fft.hpp"
#include "vmb/modeling/error.hpp"

namespace vmb {

std::vector<float> upsample(const std::vector<float>& signal, int factor) {
  if (factor < 1) throw ModelingError("upsampling factor must be at least 1");
  if (factor == 1 || signal.empty()) return signal;
  const int n = static_cast<int>(signal.size());
  // Padding to an even length 2n keeps the spectrum free of a split Nyquist bin question: the
  // padded series' Nyquist bin is halved so the interpolant is real and symmetric.
  const int padded = 2 * n;
  std::vector<float> work(signal);
  work.resize(padded, 0.0f);
  std::vector<std::complex<float>> spectrum = detail::rfft(work);
  spectrum.back() *= 0.5f;
  const int fine = padded * factor;
  std::vector<float> fine_series = detail::irfft(spectrum, fine);
  for (float& v : fine_series) v *= static_cast<float>(factor);
  fine_series.resize(static_cast<std::size_t>(n) * factor);
  return fine_series;
}

}  // namespace vmb
