#pragma once
// Source wavelets, sampled at the output time step.

#include <vector>

namespace vmb {

// Default delay of the Ricker peak: 1.5 / f0, so the wavelet starts at 1e-8 of its peak.
double ricker_delay(double f0_hz);

// The fraction of a Ricker wavelet's energy (its spectrum squared) above f_hz.
double ricker_energy_above(double f0_hz, double f_hz);
// f0 / Nyquist at which half a Ricker wavelet's energy lies above the Nyquist frequency.
constexpr double kRickerNyquistRatio = 0.9588;

// Ricker wavelet s(t) = (1 - 2 (pi f0 (t - delay))^2) exp(-(pi f0 (t - delay))^2) at t = i dt,
// i = 0 .. nt-1; peak value 1 at t = delay_s. Throws ModelingError for non-positive f0, nt or dt,
// and for an f0 that puts most of the wavelet's energy above the Nyquist frequency of dt (it
// would be aliased into near-zero, meaningless samples).
std::vector<float> ricker(double f0_hz, int nt, double dt_s, double delay_s);
inline std::vector<float> ricker(double f0_hz, int nt, double dt_s) {
  return ricker(f0_hz, nt, dt_s, ricker_delay(f0_hz));
}

// Frequency (Hz) of the amplitude-spectrum peak of a wavelet sampled at dt_s.
double peak_frequency(const std::vector<float>& wavelet, double dt_s);
// Highest frequency (Hz) whose amplitude is at least 3 % of the spectral peak; 2.5 f0 for a Ricker.
double max_frequency(const std::vector<float>& wavelet, double dt_s);

}  // namespace vmb
