#include "vmb/modeling/wavelet.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

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

double ricker_energy_above(double f0_hz, double f_hz) {
  // Energy density of the spectrum, |S(f)|^2 ~ u^4 exp(-2 u^2) with u = f / f0, integrated with
  // Simpson's rule; beyond u = 8 it is below 1e-50 of the peak.
  auto integral = [](double a, double b) {
    if (!(b > a)) return 0.0;
    const int n = 4000;
    const double h = (b - a) / n;
    double sum = 0.0;
    for (int i = 0; i <= n; ++i) {
      const double u = a + i * h;
      sum += (i == 0 || i == n ? 1 : (i % 2 ? 4 : 2)) * u * u * u * u * std::exp(-2 * u * u);
    }
    return sum * h / 3;
  };
  const double u = std::max(0.0, f_hz / f0_hz);
  return integral(std::min(u, 8.0), 8.0) / integral(0.0, 8.0);
}

std::vector<float> ricker(double f0_hz, int nt, double dt_s, double delay_s) {
  if (!(f0_hz > 0) || !std::isfinite(f0_hz)) throw ModelingError("f0 must be positive and finite");
  if (nt <= 0) throw ModelingError("nt must be positive");
  if (!(dt_s > 0) || !std::isfinite(dt_s)) throw ModelingError("dt must be positive and finite");
  const double nyquist = 0.5 / dt_s;
  const double above = ricker_energy_above(f0_hz, nyquist);
  if (above > 0.5) {
    std::ostringstream msg;
    msg.precision(3);
    msg << "a Ricker wavelet of f0 " << f0_hz << " Hz has " << 100 * above
        << " % of its energy above the Nyquist frequency " << nyquist << " Hz of dt " << dt_s
        << " s: it would be aliased away; lower f0 (at most " << kRickerNyquistRatio * nyquist
        << " Hz here) or the time step";
    throw ModelingError(msg.str());
  }
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
