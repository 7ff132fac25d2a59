#pragma once
// Reference solutions for the solver tests.

#include <vector>

namespace vmb::test {

// The trace p(t) = (wavelet * G)(t), G(r, t) = H(t - r/v) / (2 pi sqrt(t^2 - r^2 / v^2)), the 2D
// Green's function of (1/v^2) p_tt - lap(p) = f delta, at t = i dt, i = 0 .. nt-1. Computed in the
// frequency domain, G(w) = -(Y0(w r / v) + i J0(w r / v)) / 4 for FFTW's e^{-iwt} forward sign, on
// a time axis padded to 16 nt so the wrap-around of the slowly decaying 2D tail stays negligible.
std::vector<double> green_trace(const std::vector<float>& wavelet, double dt, int nt, double r,
                                double v);

// Relative L2 difference ||a - b|| / ||b||.
double relative_l2(const std::vector<double>& a, const std::vector<double>& b);

// Index of the largest absolute value.
int peak_index(const std::vector<double>& trace);

}  // namespace vmb::test
