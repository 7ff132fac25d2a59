#pragma once
// Shape statistics of velocity models, for telling whether generated models look like real ones
// (vmb-genmodels --stats). Sizes are in cells; a model is [nz][nx], row 0 at the surface.
//
// Salt is every cell at or above salt_velocity. Per model:
//   salt_fraction      salt cells / all cells
//   salt_top_peaks     peaks of the top of salt: in each run of columns holding salt, the height
//                      of the first salt cell (nz minus its row) smoothed by a centred running
//                      mean of 9 columns (shorter at the run's ends), and its local maxima that
//                      stand at least 3 cells above the lowest point between them and the next
//                      higher one on each side (a run's end counts as a drop of any size)
//   salt_shape         salt perimeter / sqrt(salt area): the length of the salt's outline traced
//                      by marching squares on the salt indicator (the model surrounded by
//                      non-salt) over the square root of the salt cell count: 3.76 for a disc
//                      (2 sqrt(pi) = 3.54 by 6 % of staircase), more for elongated or ragged
//                      bodies
//   interface_roughness  the first interface (in each column the first row whose velocity
//                      differs from the surface cell's by more than 1 m/s, columns where it is
//                      salt left out): the RMS of its depth minus its centred 31-column running
//                      mean, over the columns with a whole window; NaN under 31 such columns
//   edge_curl          how far the first interface (as above) curls at the model's sides: on
//                      each side the mean depth of its outermost 3 columns minus that of the 3
//                      columns centred edge_window columns in, absolute, averaged over both
//                      sides; NaN where one of those columns is salt or the model is too narrow
//   largest_relief     the largest spread (deepest minus shallowest row) across the columns of a
//                      layer boundary: the cells where the velocity steps down a column from one
//                      sediment (non-salt) velocity to the next higher one the model holds
//   flank_dip          the salt flanks' steepness, degrees from horizontal: in each row the
//                      outermost salt cell on each side, and the median over rows and sides of
//                      the angle its position moves through over 3 rows (90 for vertical walls,
//                      45 for a 1:1 slope), edges at the model's sides left out
//   overhang           how far, in columns, the outermost salt of a row reaches beyond the
//                      outermost salt of every deeper row that holds salt, the largest over rows
//                      and sides: 0 for bodies that widen downwards, a bulb's reach beyond its
//                      stem, and for a lens the rounding of its underside
//   dip_median, dip_p90  the dips of sediment layer boundaries, degrees from horizontal: the
//                      orientation of the structure tensor (5 x 5 window) of log-velocity smoothed
//                      over 5 x 5 cells, at cells whose 5 x 5 window changes by more than 2 % and
//                      with no salt within 5 cells; per model
//                      the median and the 90th percentile (dips above about 60 degrees read as
//                      faults and are missed)
//   fault_count, fault_throw  breaks of horizons: a velocity step (>= 30 m/s, sediment) that
//                      goes on from the column before (a like step, within 20 % or 20 m/s, within
//                      a row) but not into the next column, where the nearest like step that goes
//                      on into the column after is 2 to nz/6 rows away; breaks within 4 columns
//                      and 12 rows chain into a fault of at least 3 breaks; the count of faults
//                      and the median break (rows) over them (NaN without faults)
// Salt statistics are NaN for a model without salt; summaries count models with salt only, as the
// release's statistics are quoted, except the sediment ones (dips and faults), over all models.

#include <cstdint>
#include <string>
#include <vector>

#include "vmb/modeling/model.hpp"

namespace vmb::datagen {

struct MorphologyOptions {
  double salt_velocity = 4400.0;  // m/s: salt is at or above it (4500 in FCNVMB's, 4482 in SEG)
  int smoothing = 9;              // columns of the salt top's running mean
  double peak_height = 3.0;       // cells a peak must stand above its surroundings
  int roughness_window = 31;      // columns of the first interface's running mean
  int edge_window = 20;           // columns from a side to where the edge curl is measured from
};

struct Morphology {
  double salt_fraction = 0.0;
  double salt_top_peaks = 0.0;
  double salt_shape = 0.0;
  double interface_roughness = 0.0;
  double largest_relief = 0.0;
  double edge_curl = 0.0;
  double flank_dip = 0.0, overhang = 0.0;
  double dip_median = 0.0, dip_p90 = 0.0;
  double fault_count = 0.0, fault_throw = 0.0;
};

Morphology morphology(const VelocityModel& model, const MorphologyOptions& options = {});

// One statistic over a set of models: median and 90th percentile (nearest rank) of the models
// where it is defined, and how many those are.
struct Spread {
  double median = 0.0, p90 = 0.0;
  std::int64_t count = 0;
};

struct MorphologySummary {
  std::int64_t models = 0, with_salt = 0;
  Spread salt_fraction, salt_top_peaks, salt_shape, interface_roughness, largest_relief, edge_curl;
  Spread flank_dip, overhang, dip_median, dip_p90, fault_count, fault_throw;
};

MorphologySummary summarise(const std::vector<Morphology>& models);

// The summary as a text table: statistic, median, 90th percentile, models counted.
std::string to_text(const MorphologySummary& summary);

}  // namespace vmb::datagen
