#include "vmb/modeling/wavelet.hpp"

#include <algorithm>
#include <cmath>

#include "fft.hpp"
#include "vmb/modeling/error.hpp"

namespace vmb {
namespace {
// Amplitude spectrum of the wavelet zero-padded to at least 4096 samples, for a fine frequency
// grid; returns the amplitudes and sets df to the bin spacing (Hz).
std::vector<float> amplitude_spectrum(const std::vector<float>& wavelet, double dt_s, double& df) {
  if (wavelet.empty() || !(dt_s > 0)) throw ModelingError("wavelet is empty or dt not positive");
  std::vector<float> padded(wavelet);
  padded.resize(std::max<std::size_t>(4096, 2 * wavelet.size()), 0.0f);
  df = 1.0 / (padded.size() * dt_s);
  const auto spectrum = detail::rfft(padded);
  std::vector<float> amplitude(spectrum.size());
  for (std::size_t i = 0; i < spectrum.size(); ++i) amplitude[i] = std::abs(spectrum[i]);
  return amplitude;
}
}  // namespace

double ricker_delay(double f0_hz) { return 1.5 / f0_hz; }

std::vector<float> ricker(double f0_hz, int nt, double dt_s, double delay_s) {
  if (!(f0_hz > 0) || !std::isfinite(f0_hz)) throw ModelingError("f0 must be positive and finite");
  if (nt <= 0) throw ModelingError("nt must be positive");
  if (!(dt_s > 0) || !std::isfinite(dt_s)) throw ModelingError("dt must be positive and finite");
  std::vector<float> w(nt);
  for (int i = 0; i < nt; ++i) {
    const double a = M_PI * f0_hz * (i * dt_s - delay_s);
    w[i] = static_cast<float>((1.0 - 2.0 * a * a) * std::exp(-a * a));
  }
  return w;
}

double peak_frequency(const std::vector<float>& wavelet, double dt_s) {
  double df = 0.0;
  const auto amplitude = amplitude_spectrum(wavelet, dt_s, df);
  return df * (std::max_element(amplitude.begin(), amplitude.end()) - amplitude.begin());
}

double max_frequency(const std::vector<float>& wavelet, double dt_s) {
  double df = 0.0;
  const auto amplitude = amplitude_spectrum(wavelet, dt_s, df);
  const float threshold = 0.03f * *std::max_element(amplitude.begin(), amplitude.end());
  std::size_t last = 0;
  for (std::size_t i = 0; i < amplitude.size(); ++i)
    if (amplitude[i] >= threshold) last = i;
  return df * last;
}

}  // namespace vmb
