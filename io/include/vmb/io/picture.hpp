#pragma once
// Pictures a person would rather look at, drawn with PLplot (its cairo driver: anti-aliased
// lines, DejaVu text) into memory and written as PNG (stb_image_write): velocity models with depth
// and distance axes, a labelled colour bar and the survey; gathers and wavefields in a seismic
// colour map; model comparisons on a shared velocity scale; loss curves. Drawing is serialised
// (PLplot keeps global state); any thread may call these.

#include <cstdint>
#include <string>
#include <vector>

#include "vmb/modeling/model.hpp"
#include "vmb/modeling/survey.hpp"

namespace vmb::io {

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
};

// A plot area of a picture, in pixels: columns [x0, x1), rows [y0, y1) from the top left.
struct PixelRect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

struct Image {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgb;  // [height][width][3]
  std::vector<PixelRect> panels;  // where each plot area lies, in drawing order

  Image(int w, int h, Rgb background = {255, 255, 255});
};

// Writes a PNG atomically; throws IoError if it cannot.
void write_png(const std::string& path, const Image& image);

// The velocity model in viridis with a colour bar (m/s), depth and distance axes (m), and, when
// given, sources (red) and receivers (white) at their positions. One panel.
Image velocity_picture(const VelocityModel& model, const Survey* survey = nullptr,
                       const std::string& title = "velocity (m/s)");

// A 2D field (rows x cols, row-major) in a blue-white-red map, symmetric about zero and clipped
// at the given percentile of |value|, with its colour bar. Rows run down, row_step apart (e.g.
// time in s), columns across, col_step apart from col_origin. One panel.
struct FieldAxes {
  double row_step = 1.0, col_step = 1.0, col_origin = 0.0;
  std::string row_label = "t (s)", col_label = "x (m)", title;
  bool equal_aspect = false;  // true for maps (both axes in m); false: rows fill 200-800 px
};
Image field_picture(const float* field, int rows, int cols, const FieldAxes& axes,
                    double clip_percentile = 99.0);

// Curves y(x) on shared axes (a log10 y axis when log_y and all values are positive), each in its
// own colour (blue, red, green, purple) with a legend to the right; non-finite values leave gaps:
// loss curves. One panel.
struct Curve {
  std::string label;
  std::vector<double> x, y;
};
Image curves_picture(const std::vector<Curve>& curves, const std::string& title,
                     const std::string& x_label, bool log_y);

// Truth | prediction | difference of one velocity model, each with depth and distance axes: the
// first two on the viridis scale of [vmin, vmax] with its colour bar, the difference in
// blue-white-red clipped at its largest magnitude with its own. Three panels.
Image comparison_picture(const float* truth, const float* prediction, int nz, int nx, double dx,
                         double vmin, double vmax, const std::string& title,
                         const std::string& prediction_label = "prediction");

// Velocity models side by side on one viridis scale of [vmin, vmax] with one colour bar, each
// [nz][nx] with its label above it: the FWI comparison's truth | network | FWI ... panels.
struct ModelPanel {
  std::string label;
  const float* velocity = nullptr;
};
Image models_picture(const std::vector<ModelPanel>& panels, int nz, int nx, double dx, double vmin,
                     double vmax, const std::string& title);

// The value below which `percentile` % of |values| fall.
float abs_percentile(const float* values, std::size_t n, double percentile);

}  // namespace vmb::io
