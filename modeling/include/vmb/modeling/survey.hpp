#pragma once
// Acquisition geometry: source and receiver positions in metres, x from the left edge of the model
// and z down from its top row. Every shot records at the same receivers.

#include <optional>
#include <string>
#include <vector>

namespace vmb {

struct Position {
  double x = 0.0;  // m
  double z = 0.0;  // m
};

struct Survey {
  std::vector<Position> sources;    // one per shot
  std::vector<Position> receivers;  // shared by all shots
};

// n positions evenly spaced from x0 to x1 (m) at depth z (m); one position at x0 when n == 1.
std::vector<Position> evenly_spaced(int n, double x0, double x1, double z);

// A surface survey: sources and receivers evenly spaced along lines. Unset values default to the
// whole width of the model (x0 = 0, x1 = width) at the first interior row (z = dz), and to one
// receiver per column.
struct SurveyLayout {
  int nshots = 29;
  std::optional<double> sx0, sx1, sz;  // m
  std::optional<int> nrec;
  std::optional<double> rx0, rx1, rz;  // m
};

// The survey over a model of nx columns spaced dx, rows spaced dz (m). Throws ModelingError for
// non-positive counts.
Survey make_survey(const SurveyLayout& layout, int nx, double dx, double dz);

// A published acquisition: its layout, time axis and Ricker wavelet.
struct AcquisitionPreset {
  SurveyLayout layout;
  int nt = 0;       // samples
  double dt = 0.0;  // s
  double f0 = 0.0;  // Hz, Ricker peak frequency
};

// "fcnvmb" (Yang and Ma, 2019; the tools' defaults): 29 shots and one receiver per column across
// the model, 2000 samples of 1 ms, 15 Hz. "openfwi" (Deng et al., 2022, OpenFWI): 5 shots and 70
// receivers across the model, 1000 samples of 1 ms, 15 Hz; over OpenFWI's 70 x 70 models at 10 m
// the gathers are [5][1000][70], the shape of OpenFWI's data files. Shots and receivers lie on
// the first interior row, x from 0 to the model's width. ModelingError for any other name.
AcquisitionPreset acquisition_preset(const std::string& name);

}  // namespace vmb
