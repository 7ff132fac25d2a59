#pragma once
// Band-limited resampling of time series with FFTW.

#include <vector>

namespace vmb {

// Interpolates a series sampled at dt onto dt / factor by zero-padding its spectrum, so the result
// holds no energy above the original Nyquist frequency and passes through the original samples
// (result[i * factor] == signal[i] to round-off). The series is zero-padded in time to twice its
// length first, so a series that decays to zero (a wavelet) suffers no wrap-around.
std::vector<float> upsample(const std::vector<float>& signal, int factor);

// Keeps every factor-th sample (sample 0 first) after removing, with FFTW, all energy above the
// new Nyquist frequency. The filter runs on the series' even (mirror) extension, which is
// continuous where the FFT wraps it around. A series that ends in strong energy above the new
// Nyquist frequency still rings within a few output samples of its ends, as any filter would on
// a finite record; seismic traces, band-limited by their wavelet, come through to round-off.
std::vector<float> decimate(const std::vector<float>& signal, int factor);

// Causal low-pass filter of a series sampled at dt_s: a 6th-order Butterworth filter (three
// biquad sections by the bilinear transform, prewarped so that the gain is 1/sqrt(2) at the
// corner and 1 / sqrt(1 + r^12) with r = tan(pi f dt) / tan(pi corner dt)), run forward from rest.
// Being causal and time-invariant it commutes with the solver: filtering a wavelet and filtering
// the traces it makes give the same traces, which FWI's frequency bands rely on (a zero-phase
// filter leaks each series' start into negative time and does not commute). A corner at or above
// the Nyquist frequency leaves the series as it is. Throws ModelingError for a corner that is not
// positive.
std::vector<float> lowpass(const std::vector<float>& signal, double dt_s, double corner_hz);

}  // namespace vmb
