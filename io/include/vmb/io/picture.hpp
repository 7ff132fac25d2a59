#pragma once
// Pictures a person would rather look at: velocity models with a colour bar and the survey,
// gathers and wavefields in a seismic colour map, written as PNG (stb_image_write).

#include <cstdint>
#include <string>
#include <vector>

#include "vmb/modeling/model.hpp"
#include "vmb/modeling/survey.hpp"

namespace vmb::io {

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
};

struct Image {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgb;  // [height][width][3]

  Image(int w, int h, Rgb background = {255, 255, 255});
  void set(int x, int y, Rgb c);
  void fill(int x0, int y0, int x1, int y1, Rgb c);  // [x0, x1) x [y0, y1), clipped
  // Text in stb_easy_font's glyphs, `scale` pixels per font unit; returns the text width.
  int text(int x, int y, const std::string& s, Rgb c = {0, 0, 0}, int scale = 2);
  static int text_width(const std::string& s, int scale = 2);
};

// Writes a PNG atomically; throws IoError if it cannot.
void write_png(const std::string& path, const Image& image);

// The velocity model in a perceptual colour map with a colour bar (m/s), depth and distance
// axes, and, when given, sources (red) and receivers (white) at their positions.
Image velocity_picture(const VelocityModel& model, const Survey* survey = nullptr,
                       const std::string& title = "velocity (m/s)");

// A 2D field (rows x cols, row-major) in a blue-white-red map, symmetric about zero and clipped
// at the given percentile of |value|. Rows run down, with row_step per row in row_unit (e.g.
// time in s), columns across with col_step per column in col_unit.
struct FieldAxes {
  double row_step = 1.0, col_step = 1.0, col_origin = 0.0;
  std::string row_label = "t (s)", col_label = "x (m)", title;
  bool equal_aspect = false;  // true for maps (both axes in m); false: rows fill 200-800 px
};
Image field_picture(const float* field, int rows, int cols, const FieldAxes& axes,
                    double clip_percentile = 99.0);

// Curves y(x) on shared axes (a log10 y axis when log_y and all values are positive), each in its
// own colour with a legend: loss curves.
struct Curve {
  std::string label;
  std::vector<double> x, y;
};
Image curves_picture(const std::vector<Curve>& curves, const std::string& title,
                     const std::string& x_label, bool log_y);

// Truth | prediction | difference of one velocity model, the first two on the viridis scale of
// [vmin, vmax], the difference in blue-white-red clipped at its largest magnitude.
Image comparison_picture(const float* truth, const float* prediction, int nz, int nx, double dx,
                         double vmin, double vmax, const std::string& title,
                         const std::string& prediction_label = "prediction");

// Velocity models side by side on one viridis scale of [vmin, vmax], each [nz][nx] with its label
// above it: the FWI comparison's truth | network | FWI ... panels.
struct ModelPanel {
  std::string label;
  const float* velocity = nullptr;
};
Image models_picture(const std::vector<ModelPanel>& panels, int nz, int nx, double dx, double vmin,
                     double vmax, const std::string& title);

// The value below which `percentile` % of |values| fall.
float abs_percentile(const float* values, std::size_t n, double percentile);

}  // namespace vmb::io
