#include "vmb/io/picture.hpp"

#include <stb_easy_font.h>
#include <stb_image_write.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "vmb/io/atomic_file.hpp"
#include "vmb/io/error.hpp"

namespace vmb::io {
namespace {

// Viridis, sampled at 9 points and interpolated linearly.
Rgb viridis(double t) {
  static const std::array<std::array<double, 3>, 9> anchors = {{{68, 1, 84},
                                                                {71, 44, 122},
                                                                {59, 81, 139},
                                                                {44, 113, 142},
                                                                {33, 144, 141},
                                                                {39, 173, 129},
                                                                {92, 200, 99},
                                                                {170, 220, 50},
                                                                {253, 231, 37}}};
  t = std::clamp(t, 0.0, 1.0) * (anchors.size() - 1);
  const std::size_t i = std::min<std::size_t>(static_cast<std::size_t>(t), anchors.size() - 2);
  const double f = t - i;
  auto mix = [&](int c) {
    return static_cast<std::uint8_t>(std::lround(anchors[i][c] * (1 - f) + anchors[i + 1][c] * f));
  };
  return {mix(0), mix(1), mix(2)};
}

// Blue (negative) through white to red (positive); t in [-1, 1].
Rgb seismic(double t) {
  t = std::clamp(t, -1.0, 1.0);
  const auto u = static_cast<std::uint8_t>(std::lround(255 * (1 - std::abs(t))));
  return t < 0 ? Rgb{u, u, 255} : Rgb{255, u, u};
}

std::string format_number(double v) {
  char buf[32];
  if (std::abs(v) >= 100 || v == std::round(v))
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

// Round tick spacing near range / 5; 1 for a range that is zero, negative or not finite (a
// single row or column), so that tick loops always advance.
double tick_step(double range) {
  if (!(range > 0) || !std::isfinite(range)) return 1.0;
  const double raw = range / 5.0;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

// Pixel scale: enlarge small grids, shrink large ones, to about 600 to 900 pixels across.
double plot_scale(int cols) { return std::clamp(800.0 / cols, 0.25, 4.0); }

struct Frame {
  int left = 80, top = 40, right = 110, bottom = 50;
};

// Axes with ticks along the plot's left and bottom edges.
void draw_axes(Image& im, int x0, int y0, int w, int h, double row_max, double col_min,
               double col_max, const std::string& row_label, const std::string& col_label) {
  const Rgb black{0, 0, 0};
  im.fill(x0 - 1, y0 - 1, x0 + w + 1, y0, black);
  im.fill(x0 - 1, y0 + h, x0 + w + 1, y0 + h + 1, black);
  im.fill(x0 - 1, y0, x0, y0 + h, black);
  im.fill(x0 + w, y0, x0 + w + 1, y0 + h, black);
  // A single row or column spans no distance: one tick at its start.
  const double rs = tick_step(row_max);
  for (double v = 0; v <= row_max * (1 + 1e-9); v += rs) {
    const int y = y0 + (row_max > 0 ? static_cast<int>(std::lround(v / row_max * (h - 1))) : 0);
    im.fill(x0 - 6, y, x0, y + 1, black);
    const std::string s = format_number(v);
    im.text(x0 - 9 - Image::text_width(s), y - 6, s);
  }
  const double span = col_max - col_min;
  const double cs = tick_step(span);
  const double first = span > 0 ? std::ceil(col_min / cs) * cs : col_min;
  const double last = span > 0 ? col_max * (1 + 1e-9) : col_min;
  for (double v = first; v <= last; v += cs) {
    const int x =
        x0 + (span > 0 ? static_cast<int>(std::lround((v - col_min) / span * (w - 1))) : 0);
    im.fill(x, y0 + h, x + 1, y0 + h + 6, black);
    const std::string s = format_number(v);
    im.text(x - Image::text_width(s) / 2, y0 + h + 9, s);
  }
  im.text(x0 + w / 2 - Image::text_width(col_label) / 2, y0 + h + 30, col_label);
  im.text(4, y0 - 28, row_label);
}

void draw_colour_bar(Image& im, int x0, int y0, int h, double vmin, double vmax, Rgb (*map)(double),
                     bool symmetric) {
  for (int y = 0; y < h; ++y) {
    const double t = 1.0 - double(y) / (h - 1);
    im.fill(x0, y0 + y, x0 + 20, y0 + y + 1, map(symmetric ? 2 * t - 1 : t));
  }
  const std::string top = format_number(vmax), bottom = format_number(vmin);
  im.text(x0 + 26, y0, top);
  im.text(x0 + 26, y0 + h - 12, bottom);
}

}  // namespace

Image::Image(int w, int h, Rgb background) : width(w), height(h), rgb(std::size_t(w) * h * 3) {
  for (std::size_t i = 0; i < rgb.size(); i += 3) {
    rgb[i] = background.r;
    rgb[i + 1] = background.g;
    rgb[i + 2] = background.b;
  }
}

void Image::set(int x, int y, Rgb c) {
  if (x < 0 || y < 0 || x >= width || y >= height) return;
  std::uint8_t* p = &rgb[(std::size_t(y) * width + x) * 3];
  p[0] = c.r;
  p[1] = c.g;
  p[2] = c.b;
}

void Image::fill(int x0, int y0, int x1, int y1, Rgb c) {
  for (int y = std::max(0, y0); y < std::min(height, y1); ++y)
    for (int x = std::max(0, x0); x < std::min(width, x1); ++x) set(x, y, c);
}

int Image::text(int x, int y, const std::string& s, Rgb c, int scale) {
  // stb_easy_font emits axis-aligned quads (4 vertices of 16 bytes) in font units.
  static thread_local std::vector<char> buffer(1 << 16);
  std::vector<char> text(s.begin(), s.end());
  text.push_back('\0');
  unsigned char colour[4] = {c.r, c.g, c.b, 255};
  const int quads = stb_easy_font_print(0, 0, text.data(), colour, buffer.data(),
                                        static_cast<int>(buffer.size()));
  for (int q = 0; q < quads; ++q) {
    const float* v = reinterpret_cast<const float*>(buffer.data() + q * 64);
    const float qx0 = v[0], qy0 = v[1], qx1 = v[8], qy1 = v[9];
    fill(x + int(qx0 * scale), y + int(qy0 * scale), x + int(qx1 * scale), y + int(qy1 * scale), c);
  }
  return text_width(s, scale);
}

int Image::text_width(const std::string& s, int scale) {
  std::vector<char> text(s.begin(), s.end());
  text.push_back('\0');
  return stb_easy_font_width(text.data()) * scale;
}

void write_png(const std::string& path, const Image& image) {
  AtomicFile out(path);
  if (!stbi_write_png(out.temp_path().c_str(), image.width, image.height, 3, image.rgb.data(),
                      image.width * 3))
    throw IoError("'" + path + "': cannot write PNG");
  out.commit();
}

float abs_percentile(const float* values, std::size_t n, double percentile) {
  if (n == 0) return 0.0f;
  std::vector<float> a(values, values + n);
  for (float& v : a) v = std::abs(v);
  const std::size_t k = std::min(n - 1, static_cast<std::size_t>(percentile / 100.0 * (n - 1)));
  std::nth_element(a.begin(), a.begin() + k, a.end());
  return a[k];
}

Image velocity_picture(const VelocityModel& model, const Survey* survey, const std::string& title) {
  const double scale = plot_scale(model.nx);
  const double aspect = model.dz / model.dx;
  const int w = std::max(1, int(std::lround(model.nx * scale)));
  const int h = std::max(1, int(std::lround(model.nz * scale * aspect)));
  const Frame f;
  Image im(f.left + w + f.right, f.top + h + f.bottom);
  const double vmin = model.min_velocity(), vmax = model.max_velocity();
  const double range = vmax > vmin ? vmax - vmin : 1.0;
  for (int y = 0; y < h; ++y) {
    const int iz = std::min(model.nz - 1, int(y / (scale * aspect)));
    for (int x = 0; x < w; ++x) {
      const int ix = std::min(model.nx - 1, int(x / scale));
      im.set(f.left + x, f.top + y, viridis((model.at(iz, ix) - vmin) / range));
    }
  }
  draw_axes(im, f.left, f.top, w, h, model.depth_m(), 0.0, model.width_m(), "z (m)", "x (m)");
  draw_colour_bar(im, f.left + w + 20, f.top, h, vmin, vmax, viridis, false);
  im.text(f.left, 8, title);
  if (survey) {
    auto pixel = [&](const Position& p) {
      return std::pair{f.left + int(std::lround(p.x / std::max(model.width_m(), 1e-9) * (w - 1))),
                       f.top + int(std::lround(p.z / std::max(model.depth_m(), 1e-9) * (h - 1)))};
    };
    for (const auto& r : survey->receivers) {
      const auto [x, y] = pixel(r);
      im.fill(x, y, x + 1, y + 2, {255, 255, 255});
    }
    for (const auto& s : survey->sources) {
      const auto [x, y] = pixel(s);
      im.fill(x - 2, y - 2, x + 3, y + 3, {220, 20, 20});
    }
  }
  return im;
}

Image field_picture(const float* field, int rows, int cols, const FieldAxes& axes,
                    double clip_percentile) {
  const double xscale = plot_scale(cols);
  const int w = std::max(1, int(std::lround(cols * xscale)));
  const int h = axes.equal_aspect
                    ? std::max(1, int(std::lround(rows * xscale * axes.row_step / axes.col_step)))
                    : std::clamp(rows, 200, 800);
  const Frame f;
  Image im(f.left + w + f.right, f.top + h + f.bottom);
  float clip = abs_percentile(field, std::size_t(rows) * cols, clip_percentile);
  if (!(clip > 0)) clip = 1.0f;
  for (int y = 0; y < h; ++y) {
    const int row = std::min(rows - 1, int(double(y) * rows / h));
    for (int x = 0; x < w; ++x) {
      const int col = std::min(cols - 1, int(x / xscale));
      im.set(f.left + x, f.top + y, seismic(field[std::size_t(row) * cols + col] / clip));
    }
  }
  draw_axes(im, f.left, f.top, w, h, (rows - 1) * axes.row_step, axes.col_origin,
            axes.col_origin + (cols - 1) * axes.col_step, axes.row_label, axes.col_label);
  draw_colour_bar(im, f.left + w + 20, f.top, h, -clip, clip, seismic, true);
  im.text(f.left, 8, axes.title);
  return im;
}

Image curves_picture(const std::vector<Curve>& curves, const std::string& title,
                     const std::string& x_label, bool log_y) {
  const Frame f{110};  // room for loss values such as 0.00832
  const int w = 640, h = 400;
  Image im(f.left + w + 160, f.top + h + f.bottom);
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  for (const auto& c : curves)
    for (std::size_t i = 0; i < c.x.size(); ++i) {
      if (!std::isfinite(c.y[i])) continue;
      log_y &= c.y[i] > 0;
      x0 = std::min(x0, c.x[i]);
      x1 = std::max(x1, c.x[i]);
    }
  auto ty = [&](double y) { return log_y ? std::log10(y) : y; };
  for (const auto& c : curves)
    for (double y : c.y)
      if (std::isfinite(y)) {
        y0 = std::min(y0, ty(y));
        y1 = std::max(y1, ty(y));
      }
  if (!(x1 > x0)) x1 = x0 + 1;
  if (!(y1 > y0)) y1 = y0 + 1;
  const Rgb black{0, 0, 0};
  im.fill(f.left - 1, f.top + h, f.left + w + 1, f.top + h + 1, black);
  im.fill(f.left - 1, f.top, f.left, f.top + h, black);
  for (int k = 0; k <= 4; ++k) {
    const double yv = y0 + (y1 - y0) * k / 4;
    const int y = f.top + h - 1 - int(std::lround(double(k) / 4 * (h - 1)));
    const std::string s = format_number(log_y ? std::pow(10.0, yv) : yv);
    im.fill(f.left - 6, y, f.left, y + 1, black);
    im.text(f.left - 9 - Image::text_width(s), y - 6, s);
    const double xv = x0 + (x1 - x0) * k / 4;
    const int x = f.left + int(std::lround(double(k) / 4 * (w - 1)));
    im.fill(x, f.top + h, x + 1, f.top + h + 6, black);
    const std::string sx = format_number(xv);
    im.text(x - Image::text_width(sx) / 2, f.top + h + 9, sx);
  }
  im.text(f.left + w / 2 - Image::text_width(x_label) / 2, f.top + h + 30, x_label);
  im.text(f.left, 8, title + (log_y ? " (log scale)" : ""));
  const Rgb colours[] = {{31, 119, 180}, {214, 39, 40}, {44, 160, 44}, {148, 103, 189}};
  for (std::size_t c = 0; c < curves.size(); ++c) {
    const Rgb colour = colours[c % 4];
    auto px = [&](std::size_t i) {
      return std::pair{f.left + (curves[c].x[i] - x0) / (x1 - x0) * (w - 1),
                       f.top + h - 1 - (ty(curves[c].y[i]) - y0) / (y1 - y0) * (h - 1)};
    };
    for (std::size_t i = 0; i < curves[c].x.size(); ++i) {
      if (!std::isfinite(curves[c].y[i])) continue;
      const auto [xa, ya] = px(i);
      im.fill(int(xa) - 2, int(ya) - 2, int(xa) + 3, int(ya) + 3, colour);
      if (i + 1 < curves[c].x.size() && std::isfinite(curves[c].y[i + 1])) {
        const auto [xb, yb] = px(i + 1);
        const int steps = int(std::max(std::abs(xb - xa), std::abs(yb - ya))) + 1;
        for (int k = 0; k <= steps; ++k)
          im.fill(int(xa + (xb - xa) * k / steps), int(ya + (yb - ya) * k / steps),
                  int(xa + (xb - xa) * k / steps) + 2, int(ya + (yb - ya) * k / steps) + 2, colour);
      }
    }
    im.fill(f.left + w + 16, f.top + 10 + 20 * int(c), f.left + w + 36, f.top + 14 + 20 * int(c),
            colour);
    im.text(f.left + w + 42, f.top + 6 + 20 * int(c), curves[c].label);
  }
  return im;
}

Image comparison_picture(const float* truth, const float* prediction, int nz, int nx, double dx,
                         double vmin, double vmax, const std::string& title,
                         const std::string& prediction_label) {
  const double scale = std::clamp(300.0 / nx, 0.5, 4.0);
  const int w = std::max(1, int(std::lround(nx * scale))),
            h = std::max(1, int(std::lround(nz * scale)));
  const int gap = 30, left = 20, top = 52;
  // Wide enough for the panels and for the whole title.
  Image im(std::max(left + 3 * w + 2 * gap + 110, left + Image::text_width(title) + 10),
           top + h + 60);
  std::vector<float> diff(std::size_t(nz) * nx);
  float largest = 0.0f;
  for (std::size_t i = 0; i < diff.size(); ++i) {
    diff[i] = prediction[i] - truth[i];
    largest = std::max(largest, std::abs(diff[i]));
  }
  if (!(largest > 0)) largest = 1.0f;
  const double range = vmax > vmin ? vmax - vmin : 1.0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const std::size_t i =
          std::size_t(std::min(nz - 1, int(y / scale))) * nx + std::min(nx - 1, int(x / scale));
      im.set(left + x, top + y, viridis((truth[i] - vmin) / range));
      im.set(left + w + gap + x, top + y, viridis((prediction[i] - vmin) / range));
      im.set(left + 2 * (w + gap) + x, top + y, seismic(diff[i] / largest));
    }
  im.text(left, 8, title);
  im.text(left, top - 18, "truth");
  im.text(left + w + gap, top - 18, prediction_label);
  im.text(left + 2 * (w + gap), top - 18, "difference");
  const std::string span = format_number(vmin) + " to " + format_number(vmax) + " m/s, " +
                           format_number((nx - 1) * dx) + " m wide";
  im.text(left, top + h + 10, span);
  im.text(left + 2 * (w + gap), top + h + 10, "+-" + format_number(largest) + " m/s");
  return im;
}

Image models_picture(const std::vector<ModelPanel>& panels, int nz, int nx, double dx, double vmin,
                     double vmax, const std::string& title) {
  const double scale = std::clamp(300.0 / nx, 0.5, 4.0);
  const int w = std::max(1, int(std::lround(nx * scale))),
            h = std::max(1, int(std::lround(nz * scale)));
  const int gap = 30, left = 20, top = 52, n = int(panels.size());
  Image im(std::max(left + n * w + (n - 1) * gap + 110, left + Image::text_width(title) + 10),
           top + h + 60);
  const double range = vmax > vmin ? vmax - vmin : 1.0;
  for (int k = 0; k < n; ++k) {
    const int x0 = left + k * (w + gap);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const std::size_t i =
            std::size_t(std::min(nz - 1, int(y / scale))) * nx + std::min(nx - 1, int(x / scale));
        im.set(x0 + x, top + y, viridis((panels[k].velocity[i] - vmin) / range));
      }
    im.text(x0, top - 18, panels[k].label);
  }
  im.text(left, 8, title);
  im.text(left, top + h + 10,
          format_number(vmin) + " to " + format_number(vmax) + " m/s, " +
              format_number((nx - 1) * dx) + " m wide");
  return im;
}

}  // namespace vmb::io
