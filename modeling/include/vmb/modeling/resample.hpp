#pragma once
// Band-limited resampling of time series with FFTW.

#include <vector>

namespace vmb {

// Interpolates a series sampled at dt onto dt / factor by zero-padding its spectrum, so the result
// holds no energy above the original Nyquist frequency and passes through the original samples
// (result[i * factor] == signal[i] to round-off). The series is zero-padded in time to twice its
// length first, so a series that decays to zero (a wavelet) suffers no wrap-around.
std::vector<float> upsample(const std::vector<float>& signal, int factor);

}  // namespace vmb
