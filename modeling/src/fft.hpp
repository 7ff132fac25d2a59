#pragma once
// Real-to-complex FFTs for the modeling library. FFTW's planner is not thread-safe, so plans are
// made and destroyed under one process-wide lock; executing them is safe in parallel.

#include <complex>
#include <vector>

namespace vmb::detail {

// Forward transform of n real samples: n / 2 + 1 complex bins, unnormalised.
std::vector<std::complex<float>> rfft(const std::vector<float>& signal);
// Inverse of rfft for a series of n samples, normalised so irfft(rfft(x), n) == x.
std::vector<float> irfft(const std::vector<std::complex<float>>& spectrum, int n);

}  // namespace vmb::detail
