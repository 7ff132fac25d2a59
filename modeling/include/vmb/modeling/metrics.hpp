#pragma once
// Image-quality metrics between a true and a predicted velocity model, [nz][nx] in m/s: the
// network's evaluation and FWI report them alike.
//
// The paper's (the FCNVMB reference code's definitions, labelled so):
//   paper_psnr = 10 log10(mean(truth^2) / MSE), on raw m/s;
//   paper_ssim = mean SSIM map with an 11 x 11 Gaussian window (sigma 1.5), zero padding, and the
//                constants C1 = (0.01 L)^2, C2 = (0.03 L)^2 with L = 255, on raw m/s.
// Standard ones:
//   mae, rmse in m/s;
//   ssim on velocities scaled to [0, 1] by the dataset range (same window, L = 1);
//   psnr = 10 log10(range^2 / MSE) with the dataset's velocity range.
// Identical models give SSIM 1 and an infinite PSNR (+infinity, written "inf").

#include <string>
#include <vector>

namespace vmb {

struct Metrics {
  double paper_psnr = 0.0, paper_ssim = 0.0;
  double mae = 0.0, rmse = 0.0, ssim = 0.0, psnr = 0.0;
};

// The SSIM window: a separable Gaussian of kSsimWindow points, standard deviation kSsimSigma
// cells, normalised, zero padded.
constexpr int kSsimWindow = 11;
constexpr double kSsimSigma = 1.5;

// Mean SSIM of two images (rows x cols) with dynamic range L.
double ssim(const float* a, const float* b, int rows, int cols, double dynamic_range);

Metrics compare(const float* truth, const float* prediction, int nz, int nx, double vmin,
                double vmax);

// The mean of the metrics.
Metrics mean(const std::vector<Metrics>& all);

// A number as CSV text: "inf" for an infinite PSNR.
std::string metric_text(double value);

}  // namespace vmb
