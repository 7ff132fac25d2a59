#pragma once
// Random curves shared by the generators: smooth folds and small-scale rugosity, both in cells.

#include <vector>

#include "vmb/datagen/rng.hpp"

namespace vmb::datagen {

// A smooth random curve over n points, scaled to peak-to-peak 1 (values in [-0.5, 0.5]): a few
// sinusoids whose wavelengths are at least min_wavelength points.
std::vector<double> smooth_curve(Rng& rng, int n, int modes, double min_wavelength);

// Small-scale rugosity of an interface: white noise smoothed twice by a running mean of
// `length` points, scaled to an RMS of `rms` cells.
std::vector<double> rugosity(Rng& rng, int n, double length, double rms);

}  // namespace vmb::datagen
