#include "vmb/modeling/resample.hpp"

#include <cmath>

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

std::vector<float> decimate(const std::vector<float>& signal, int factor) {
  if (factor < 1) throw ModelingError("decimation factor must be at least 1");
  if (factor == 1 || signal.empty()) return signal;
  const int n = static_cast<int>(signal.size());
  // The even extension x0 .. x(n-1), x(n-1) .. x0 is continuous where the FFT wraps it around.
  std::vector<float> work(signal);
  work.insert(work.end(), signal.rbegin(), signal.rend());
  auto spectrum = detail::rfft(work);
  // Bins at or above the new Nyquist frequency, (2 n) / (2 factor) bins, go.
  for (std::size_t k = static_cast<std::size_t>(n / factor); k < spectrum.size(); ++k)
    spectrum[k] = 0.0f;
  const std::vector<float> filtered = detail::irfft(spectrum, 2 * n);
  std::vector<float> out;
  for (int i = 0; i < n; i += factor) out.push_back(filtered[i]);
  return out;
}

std::vector<float> lowpass(const std::vector<float>& signal, double dt_s, double corner_hz) {
  if (!(corner_hz > 0) || !std::isfinite(corner_hz))
    throw ModelingError("low-pass corner frequency must be positive");
  const double w0 = 2.0 * M_PI * corner_hz * dt_s;
  if (w0 >= M_PI) return signal;
  std::vector<double> x(signal.begin(), signal.end()), y(x.size());
  // Butterworth order 6: pole pairs at 15, 45 and 75 degrees from the negative real axis.
  for (const double angle_deg : {15.0, 45.0, 75.0}) {
    const double q = 1.0 / (2.0 * std::cos(angle_deg * M_PI / 180.0));
    const double alpha = std::sin(w0) / (2.0 * q), c = std::cos(w0);
    const double a0 = 1.0 + alpha, b0 = (1.0 - c) / 2.0 / a0, b1 = (1.0 - c) / a0, b2 = b0;
    const double a1 = -2.0 * c / a0, a2 = (1.0 - alpha) / a0;
    double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      y[i] = b0 * x[i] + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
      x2 = x1;
      x1 = x[i];
      y2 = y1;
      y1 = y[i];
    }
    x.swap(y);
  }
  return std::vector<float>(x.begin(), x.end());
}

}  // namespace vmb
