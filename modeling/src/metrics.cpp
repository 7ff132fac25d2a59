#include "vmb/modeling/metrics.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

namespace vmb {
namespace {

// Convolution with the separable, normalised Gaussian window, zero padded to the same size.
std::vector<double> blur(const std::vector<double>& image, int rows, int cols) {
  double g[kSsimWindow], sum = 0.0;
  for (int i = 0; i < kSsimWindow; ++i) {
    const double d = i - kSsimWindow / 2;
    sum += g[i] = std::exp(-d * d / (2 * kSsimSigma * kSsimSigma));
  }
  for (double& v : g) v /= sum;
  std::vector<double> tmp(image.size(), 0.0), out(image.size(), 0.0);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      double acc = 0.0;
      for (int k = 0; k < kSsimWindow; ++k) {
        const int cc = c + k - kSsimWindow / 2;
        if (cc >= 0 && cc < cols) acc += g[k] * image[std::size_t(r) * cols + cc];
      }
      tmp[std::size_t(r) * cols + c] = acc;
    }
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      double acc = 0.0;
      for (int k = 0; k < kSsimWindow; ++k) {
        const int rr = r + k - kSsimWindow / 2;
        if (rr >= 0 && rr < rows) acc += g[k] * tmp[std::size_t(rr) * cols + c];
      }
      out[std::size_t(r) * cols + c] = acc;
    }
  return out;
}

double psnr_from(double peak_squared, double mse) {
  return mse > 0 ? 10.0 * std::log10(peak_squared / mse) : std::numeric_limits<double>::infinity();
}

}  // namespace

double ssim(const float* a, const float* b, int rows, int cols, double dynamic_range) {
  const std::size_t n = std::size_t(rows) * cols;
  std::vector<double> x(a, a + n), y(b, b + n), xx(n), yy(n), xy(n);
  for (std::size_t i = 0; i < n; ++i) {
    xx[i] = x[i] * x[i];
    yy[i] = y[i] * y[i];
    xy[i] = x[i] * y[i];
  }
  const auto mx = blur(x, rows, cols), my = blur(y, rows, cols);
  const auto sxx = blur(xx, rows, cols), syy = blur(yy, rows, cols), sxy = blur(xy, rows, cols);
  const double c1 = std::pow(0.01 * dynamic_range, 2), c2 = std::pow(0.03 * dynamic_range, 2);
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double vx = sxx[i] - mx[i] * mx[i], vy = syy[i] - my[i] * my[i],
                 cxy = sxy[i] - mx[i] * my[i];
    total += ((2 * mx[i] * my[i] + c1) * (2 * cxy + c2)) /
             ((mx[i] * mx[i] + my[i] * my[i] + c1) * (vx + vy + c2));
  }
  return total / n;
}

Metrics compare(const float* truth, const float* prediction, int nz, int nx, double vmin,
                double vmax) {
  const std::size_t n = std::size_t(nz) * nx;
  double se = 0.0, ae = 0.0, power = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = double(prediction[i]) - truth[i];
    se += d * d;
    ae += std::abs(d);
    power += double(truth[i]) * truth[i];
  }
  const double mse = se / n, range = vmax > vmin ? vmax - vmin : 1.0;
  Metrics m;
  m.paper_psnr = psnr_from(power / n, mse);
  m.paper_ssim = ssim(truth, prediction, nz, nx, 255.0);
  m.mae = ae / n;
  m.rmse = std::sqrt(mse);
  std::vector<float> ts(n), ps(n);
  for (std::size_t i = 0; i < n; ++i) {
    ts[i] = static_cast<float>((truth[i] - vmin) / range);
    ps[i] = static_cast<float>((prediction[i] - vmin) / range);
  }
  m.ssim = ssim(ts.data(), ps.data(), nz, nx, 1.0);
  m.psnr = psnr_from(range * range, mse);
  return m;
}

Metrics mean(const std::vector<Metrics>& all) {
  Metrics m;
  if (all.empty()) return m;
  for (const auto& x : all) {
    m.paper_psnr += x.paper_psnr;
    m.paper_ssim += x.paper_ssim;
    m.mae += x.mae;
    m.rmse += x.rmse;
    m.ssim += x.ssim;
    m.psnr += x.psnr;
  }
  const double n = double(all.size());
  for (double* v : {&m.paper_psnr, &m.paper_ssim, &m.mae, &m.rmse, &m.ssim, &m.psnr}) *v /= n;
  return m;
}

std::string metric_text(double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", value);
  return buf;
}

}  // namespace vmb
