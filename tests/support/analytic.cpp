#include "analytic.hpp"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <complex>

namespace vmb::test {

std::vector<double> green_trace(const std::vector<float>& wavelet, double dt, int nt, double r,
                                double v) {
  int n = 1;
  while (n < 16 * nt) n *= 2;
  std::vector<double> series(n, 0.0);
  std::copy_n(wavelet.begin(), std::min<std::size_t>(wavelet.size(), nt), series.begin());
  std::vector<std::complex<double>> spectrum(n / 2 + 1);
  auto* bins = reinterpret_cast<fftw_complex*>(spectrum.data());
  fftw_plan forward = fftw_plan_dft_r2c_1d(n, series.data(), bins, FFTW_ESTIMATE);
  fftw_execute(forward);
  fftw_destroy_plan(forward);
  // The DC bin of G diverges (log), but a Ricker wavelet has no DC: drop it.
  spectrum[0] = 0.0;
  for (int k = 1; k <= n / 2; ++k) {
    const double kr = 2.0 * M_PI * k / (n * dt) * r / v;
    const std::complex<double> g(-std::cyl_neumann(0.0, kr) / 4.0,
                                 -std::cyl_bessel_j(0.0, kr) / 4.0);
    spectrum[k] *= g;
  }
  fftw_plan inverse = fftw_plan_dft_c2r_1d(n, bins, series.data(), FFTW_ESTIMATE);
  fftw_execute(inverse);
  fftw_destroy_plan(inverse);
  std::vector<double> trace(nt);
  // P(w) = F(w) G(w) with F(w) = dt FFT(f), and the inverse transform carries 1 / (n dt): the dt
  // cancel, leaving FFTW's unnormalised inverse divided by n.
  for (int i = 0; i < nt; ++i) trace[i] = series[i] / n;
  return trace;
}

double relative_l2(const std::vector<double>& a, const std::vector<double>& b) {
  double num = 0.0, den = 0.0;
  for (std::size_t i = 0; i < b.size(); ++i) {
    num += (a[i] - b[i]) * (a[i] - b[i]);
    den += b[i] * b[i];
  }
  return std::sqrt(num / den);
}

int peak_index(const std::vector<double>& trace) {
  return static_cast<int>(
      std::max_element(trace.begin(), trace.end(),
                       [](double x, double y) { return std::abs(x) < std::abs(y); }) -
      trace.begin());
}

}  // namespace vmb::test
