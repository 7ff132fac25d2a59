#include "vmb/io/picture.hpp"

#include <plplot.h>
#include <stb_image_write.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <mutex>

#include "vmb/io/atomic_file.hpp"
#include "vmb/io/error.hpp"

namespace vmb::io {
namespace {

// Pixels per character of the text at the size used here, at most (a capital M is 16): the
// scratch room text is measured in.
constexpr int kCharWidth = 17;

// Viridis at 9 points, interpolated linearly by PLplot.
constexpr std::array<std::array<double, 3>, 9> kViridis = {{{68, 1, 84},
                                                            {71, 44, 122},
                                                            {59, 81, 139},
                                                            {44, 113, 142},
                                                            {33, 144, 141},
                                                            {39, 173, 129},
                                                            {92, 200, 99},
                                                            {170, 220, 50},
                                                            {253, 231, 37}}};

// Colour map 0 entries: 0 background, 1 text and axes, then the curve colours, the grid, the
// sources' red and the receivers' white.
enum Colour { kBlack = 1, kCurve0 = 2, kGrid = 6, kRed = 7, kWhite = 8 };
constexpr std::array<Rgb, 4> kCurveColours = {
    {{31, 119, 180}, {214, 39, 40}, {44, 160, 44}, {148, 103, 189}}};

std::mutex& plplot_mutex() {
  static std::mutex m;
  return m;
}

// The first message PLplot aborted an operation with while the current picture was drawn.
std::string& plplot_abort() {
  static std::string message;
  return message;
}

void record_abort(const char* message) {
  if (plplot_abort().empty()) plplot_abort() = message ? message : "unknown error";
}

// PLplot asks on the terminal for a device it does not know: make sure it knows memcairo first.
bool has_memcairo() {
  int n = 64;
  std::vector<const char*> menu(n), names(n);
  const char** menu_p = menu.data();
  const char** names_p = names.data();
  plgDevs(&menu_p, &names_p, &n);
  for (int i = 0; i < n; ++i)
    if (names_p[i] && std::string(names_p[i]) == "memcairo") return true;
  return false;
}

// One picture being drawn: a PLplot stream rendering into memory, held under the lock. Sizes
// and rectangles are in pixels from the top left.
class Plot {
 public:
  Plot(int width, int height)
      : lock_(plplot_mutex()), image_(std::max(width, 1), std::max(height, 1)) {
    static const bool known = has_memcairo();  // asked once, under the lock
    if (!known) throw IoError("pictures need PLplot's cairo driver (Debian: plplot-driver-cairo)");
    rgba_.assign(std::size_t(image_.width) * image_.height * 4, 255);
    plplot_abort().clear();
    plsabort(record_abort);
    plmkstrm(&stream_);
    plsdev("memcairo");
    // A fixed 90 dots per inch: text and ticks keep their size in pixels whatever the picture's.
    plspage(90.0, 90.0, image_.width, image_.height, 0, 0);
    plsmema(image_.width, image_.height, rgba_.data());
    plscolbg(255, 255, 255);
    plscol0(kBlack, 0, 0, 0);
    for (std::size_t k = 0; k < kCurveColours.size(); ++k)
      plscol0(kCurve0 + int(k), kCurveColours[k].r, kCurveColours[k].g, kCurveColours[k].b);
    plscol0(kGrid, 210, 210, 210);
    plscol0(kRed, 220, 20, 20);
    plscol0(kWhite, 255, 255, 255);
    plinit();
    // Characters of a fixed size in pixels: PLplot's default grows with the page.
    plschr(5.0, 1.0);
    // Values such as 4500 m/s or 3000 m written out, not as 4.5 (x10^3).
    plsxax(6, 0);
    plsyax(6, 0);
    pladv(0);
    plcol0(kBlack);
  }
  ~Plot() {
    if (stream_ < 0) return;
    plsstrm(stream_);
    plend1();
  }
  Plot(const Plot&) = delete;
  Plot& operator=(const Plot&) = delete;

  // A plot area with world coordinates x from x0 (left) to x1, y from y_top to y_bottom.
  void area(const PixelRect& r, double x0, double x1, double y_top, double y_bottom) {
    const double w = image_.width, h = image_.height;
    plvpor(r.x0 / w, r.x1 / w, 1.0 - r.y1 / h, 1.0 - r.y0 / h);
    plwind(x0, x1, y_bottom, y_top);
    image_.panels.push_back(r);
  }

  // values [rows][cols] on the current area, node (i, j) at (x0 + j dx, y0 + i dy), clipped to
  // [vmin, vmax] of the current colour map 1.
  void raster(const float* values, int rows, int cols, double x0, double dx, double y0, double dy,
              double vmin, double vmax) {
    PLFLT** z = nullptr;
    plAlloc2dGrid(&z, cols, rows);
    for (int j = 0; j < cols; ++j)
      for (int i = 0; i < rows; ++i)
        z[j][i] = std::clamp(double(values[std::size_t(i) * cols + j]), vmin, vmax);
    const double xa = x0 - dx / 2, xb = x0 + (cols - 0.5) * dx;
    const double ya = y0 - dy / 2, yb = y0 + (rows - 0.5) * dy;
    // plimagefr, not plimage: plimage spreads the colour map over the data's own range.
    plimagefr(z, cols, rows, xa, xb, ya, yb, vmin, vmax, vmin, vmax, nullptr, nullptr);
    plFree2dGrid(z, cols, rows);
  }

  // Frame, ticks and labels of the current area; without y_numbers the y axis has ticks only
  // (a panel beside one that is labelled).
  void axes(const std::string& x_label, const std::string& y_label, bool y_numbers = true) {
    plcol0(kBlack);
    plbox("bcnst", 0, 0, y_numbers ? "bcnstv" : "bcst", 0, 0);
    pllab(x_label.c_str(), y_numbers ? y_label.c_str() : "", "");
  }

  // A vertical colour bar of colour map 1 over [vmin, vmax], right of the current area.
  void colour_bar(double vmin, double vmax, const std::string& label) {
    PLFLT width = 0, height = 0;
    const char* labels[] = {label.c_str()};
    PLINT label_opts[] = {PL_COLORBAR_LABEL_RIGHT};
    const char* axis_opts[] = {"bcvtm"};
    PLFLT ticks[] = {0.0};
    PLINT sub_ticks[] = {0};
    PLINT n_values[] = {2};
    PLFLT range[] = {vmin, vmax};
    const PLFLT* values[] = {range};
    plcol0(kBlack);
    plcolorbar(&width, &height, PL_COLORBAR_GRADIENT, PL_POSITION_RIGHT | PL_POSITION_OUTSIDE, 0.03,
               0.0, 0.04, 1.0, 0, 1, 1, 0, 0, 0, 0, 1, label_opts, labels, 1, axis_opts, ticks,
               sub_ticks, n_values, values);
  }

  // Text centred above the pixel rectangle's top edge, `lines` lines up.
  void title(const PixelRect& r, const std::string& text, double lines = 1.2) {
    const double w = image_.width, h = image_.height;
    plvpor(r.x0 / w, r.x1 / w, 1.0 - r.y1 / h, 1.0 - r.y0 / h);
    plcol0(kBlack);
    plmtex("t", lines, 0.5, 0.5, text.c_str());
  }

  // Finishes the picture; throws IoError if PLplot refused an operation.
  Image finish() {
    plsstrm(stream_);
    plend1();
    stream_ = -1;
    if (!plplot_abort().empty()) throw IoError("picture: PLplot: " + plplot_abort());
    for (std::size_t i = 0; i < std::size_t(image_.width) * image_.height; ++i)
      for (int c = 0; c < 3; ++c) image_.rgb[3 * i + c] = rgba_[4 * i + c];
    return std::move(image_);
  }

 private:
  std::lock_guard<std::mutex> lock_;
  Image image_;
  std::vector<std::uint8_t> rgba_;
  PLINT stream_ = -1;
};

// The width in pixels of `text` drawn at character scale `scale` (1: the axes' text): drawn once,
// left-justified, into a scratch picture and measured there, as PLplot's public interface
// measures no text.
int text_width(const std::string& text, double scale = 1.0) {
  if (text.empty()) return 0;
  const Image probe = [&] {
    Plot plot(kCharWidth * int(text.size()) + 20, 60);
    plschr(0.0, scale);
    plvpor(0.0, 1.0, 0.0, 1.0);
    plmtex("t", -2.0, 0.0, 0.0, text.c_str());
    return plot.finish();
  }();
  for (int x = probe.width - 1; x >= 0; --x)
    for (int y = 0; y < probe.height; ++y)
      if (probe.rgb[(std::size_t(y) * probe.width + x) * 3] < 255) return x + 1;
  return 0;
}

void set_viridis() {
  std::array<PLFLT, kViridis.size()> pos{}, r{}, g{}, b{};
  for (std::size_t k = 0; k < kViridis.size(); ++k) {
    pos[k] = double(k) / (kViridis.size() - 1);
    r[k] = kViridis[k][0] / 255.0;
    g[k] = kViridis[k][1] / 255.0;
    b[k] = kViridis[k][2] / 255.0;
  }
  plscmap1n(256);
  plscmap1l(1, PLINT(kViridis.size()), pos.data(), r.data(), g.data(), b.data(), nullptr);
}

// Blue through white to red; an odd number of colours puts pure white at zero.
void set_seismic() {
  PLFLT pos[] = {0.0, 0.5, 1.0}, r[] = {0.0, 1.0, 1.0}, g[] = {0.0, 1.0, 0.0},
        b[] = {1.0, 1.0, 0.0};
  plscmap1n(257);
  plscmap1l(1, 3, pos, r, g, b, nullptr);
}

// Plot-area pixels for n cells of `step` world units: enlarge small grids, shrink large ones, to
// about `target` pixels.
double pixels_per_cell(int n, double target) { return std::clamp(target / n, 0.25, 4.0); }

// The velocity range shown: [vmin, vmax], widened when it is empty.
std::pair<double, double> shown_range(double vmin, double vmax) {
  if (!(vmax > vmin)) return {vmin - 1.0, vmin + 1.0};
  return {vmin, vmax};
}

}  // namespace

Image::Image(int w, int h, Rgb background) : width(w), height(h), rgb(std::size_t(w) * h * 3) {
  for (std::size_t i = 0; i < rgb.size(); i += 3) {
    rgb[i] = background.r;
    rgb[i + 1] = background.g;
    rgb[i + 2] = background.b;
  }
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
  const double scale = pixels_per_cell(model.nx, 800.0);
  const int w = std::max(60, int(std::lround(model.nx * scale)));
  const int h = std::max(60, int(std::lround(model.nz * scale * model.dz / model.dx)));
  const PixelRect r{100, 50, 100 + w, 50 + h};
  Plot plot(std::max(r.x1 + 200, r.x0 + text_width(title) + 20), r.y1 + 70);
  const auto [vmin, vmax] = shown_range(model.min_velocity(), model.max_velocity());
  plot.area(r, -model.dx / 2, model.width_m() + model.dx / 2, -model.dz / 2,
            model.depth_m() + model.dz / 2);
  set_viridis();
  plot.raster(model.velocity.data(), model.nz, model.nx, 0.0, model.dx, 0.0, model.dz, vmin, vmax);
  if (survey) {
    auto draw = [](const std::vector<Position>& points, int colour, int symbol, double size) {
      std::vector<PLFLT> x, z;
      for (const auto& p : points) {
        x.push_back(p.x);
        z.push_back(p.z);
      }
      plcol0(colour);
      plssym(0.0, size);
      plpoin(PLINT(x.size()), x.data(), z.data(), symbol);
    };
    draw(survey->receivers, kWhite, 1, 0.5);
    draw(survey->sources, kRed, 17, 1.0);
  }
  plot.axes("distance (m)", "depth (m)");
  plot.colour_bar(vmin, vmax, "velocity (m/s)");
  plot.title(r, title);
  return plot.finish();
}

Image field_picture(const float* field, int rows, int cols, const FieldAxes& axes,
                    double clip_percentile) {
  const double scale = pixels_per_cell(cols, 800.0);
  const int w = std::max(60, int(std::lround(cols * scale)));
  const int h = axes.equal_aspect
                    ? std::max(60, int(std::lround(rows * scale * axes.row_step / axes.col_step)))
                    : std::clamp(rows, 200, 800);
  const PixelRect r{100, 50, 100 + w, 50 + h};
  Plot plot(std::max(r.x1 + 200, r.x0 + text_width(axes.title) + 20), r.y1 + 70);
  float clip = abs_percentile(field, std::size_t(rows) * cols, clip_percentile);
  if (!(clip > 0)) clip = 1.0f;
  plot.area(r, axes.col_origin - axes.col_step / 2, axes.col_origin + (cols - 0.5) * axes.col_step,
            -axes.row_step / 2, (rows - 0.5) * axes.row_step);
  set_seismic();
  plot.raster(field, rows, cols, axes.col_origin, axes.col_step, 0.0, axes.row_step, -clip, clip);
  plot.axes(axes.col_label, axes.row_label);
  // Labelled in units of a power of ten of the clip value, so the bar's numbers need no exponent.
  const int exponent = int(std::floor(std::log10(clip)));
  const double unit = std::pow(10.0, exponent);
  plot.colour_bar(-clip / unit, clip / unit,
                  exponent == 0 ? "amplitude" : "amplitude (x 1e" + std::to_string(exponent) + ")");
  plot.title(r, axes.title);
  return plot.finish();
}

Image curves_picture(const std::vector<Curve>& curves, const std::string& title,
                     const std::string& x_label, bool log_y) {
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  for (const auto& c : curves)
    for (std::size_t i = 0; i < c.x.size(); ++i)
      if (std::isfinite(c.y[i])) log_y &= c.y[i] > 0;
  auto ty = [&](double y) { return log_y ? std::log10(y) : y; };
  for (const auto& c : curves)
    for (std::size_t i = 0; i < c.x.size(); ++i)
      if (std::isfinite(c.y[i]) && std::isfinite(c.x[i])) {
        x0 = std::min(x0, c.x[i]);
        x1 = std::max(x1, c.x[i]);
        y0 = std::min(y0, ty(c.y[i]));
        y1 = std::max(y1, ty(c.y[i]));
      }
  if (!(x1 >= x0)) x0 = 0, x1 = 1;
  if (!(y1 >= y0)) y0 = 0, y1 = 1;
  if (x1 == x0) x0 -= 0.5, x1 += 0.5;
  // A margin of 5 % above and below the values; on a log axis at least a decade in all.
  const double pad = std::max((y1 - y0) * 0.05, log_y ? 0.5 - (y1 - y0) / 2 : 0.0);
  if (y1 == y0 && !log_y) y0 -= 0.5, y1 += 0.5;
  y0 -= pad;
  y1 += pad;
  const std::string heading = title + (log_y ? " (log scale)" : "");
  const PixelRect r{100, 40, 740, 440};
  Plot plot(std::max(r.x1 + 240, r.x0 + text_width(heading) + 20), r.y1 + 70);
  plot.area(r, x0, x1, y1, y0);
  plcol0(kGrid);
  plbox("g", 0, 0, log_y ? "gl" : "g", 0, 0);
  plwidth(2.5);
  std::vector<PLINT> opts, colours, styles;
  std::vector<PLFLT> widths;
  std::vector<const char*> labels;
  for (std::size_t c = 0; c < curves.size(); ++c) {
    const int colour = kCurve0 + int(c % kCurveColours.size());
    plcol0(colour);
    // Each finite stretch as one line; a lone finite value as a point.
    std::vector<PLFLT> xs, ys;
    auto flush = [&] {
      if (xs.size() > 1) plline(PLINT(xs.size()), xs.data(), ys.data());
      if (xs.size() == 1) plpoin(1, xs.data(), ys.data(), 17);
      xs.clear();
      ys.clear();
    };
    for (std::size_t i = 0; i < curves[c].x.size(); ++i) {
      if (!std::isfinite(curves[c].y[i]) || !std::isfinite(curves[c].x[i])) {
        flush();
        continue;
      }
      xs.push_back(curves[c].x[i]);
      ys.push_back(ty(curves[c].y[i]));
    }
    flush();
    opts.push_back(PL_LEGEND_LINE);
    colours.push_back(colour);
    styles.push_back(1);
    widths.push_back(2.5);
    labels.push_back(curves[c].label.c_str());
  }
  plwidth(1.0);
  plcol0(kBlack);
  plbox("bcnst", 0, 0, log_y ? "bcnstlv" : "bcnstv", 0, 0);
  pllab(x_label.c_str(), "", "");
  if (!curves.empty()) {
    PLFLT legend_width = 0, legend_height = 0;
    const std::vector<PLINT> zeros(curves.size(), 0);
    const std::vector<PLFLT> zeros_f(curves.size(), 0.0);
    const std::vector<const char*> none(curves.size(), "");
    const std::vector<PLINT> black(curves.size(), kBlack);
    plcol0(kBlack);
    pllegend(&legend_width, &legend_height, PL_LEGEND_NONE, PL_POSITION_RIGHT | PL_POSITION_OUTSIDE,
             0.02, 0.0, 0.1, 0, 0, 1, 0, 0, PLINT(curves.size()), opts.data(), 1.0, 1.0, 2.0, 0.0,
             black.data(), labels.data(), zeros.data(), zeros.data(), zeros_f.data(),
             zeros_f.data(), colours.data(), styles.data(), widths.data(), zeros.data(),
             zeros_f.data(), zeros.data(), none.data());
  }
  plot.title(r, heading);
  return plot.finish();
}

namespace {

// Panel size for a model of nz x nx cells in a row of several panels: about 300 pixels across.
std::pair<int, int> panel_size(int nz, int nx) {
  const double scale = pixels_per_cell(nx, 300.0);
  return {std::max(40, int(std::lround(nx * scale))), std::max(30, int(std::lround(nz * scale)))};
}

// Rows of panels: the left margin, the top (title, then the panels' labels), the space between
// panels (ticks only on the y axes after the first) and beside a colour bar.
constexpr int kLeft = 100, kTop = 70, kGap = 35, kBarSpace = 125;
// Their text, the title's included, at this scale of the axes' text.
constexpr double kPanelText = 0.85;

// One model panel: raster on the current colour map, axes, and its label above.
void model_panel(Plot& plot, const PixelRect& r, const float* v, int nz, int nx, double dx,
                 double vmin, double vmax, const std::string& label, bool first) {
  plot.area(r, -dx / 2, (nx - 0.5) * dx, -dx / 2, (nz - 0.5) * dx);
  plot.raster(v, nz, nx, 0.0, dx, 0.0, dx, vmin, vmax);
  plot.axes("distance (m)", "depth (m)", first);
  plot.title(r, label, 0.8);
}

// Smaller characters where several panels share the picture.
void panel_text() { plschr(0.0, kPanelText); }

}  // namespace

Image comparison_picture(const float* truth, const float* prediction, int nz, int nx, double dx,
                         double vmin, double vmax, const std::string& title,
                         const std::string& prediction_label) {
  const auto [w, h] = panel_size(nz, nx);
  std::vector<float> diff(std::size_t(nz) * nx);
  float largest = 0.0f;
  for (std::size_t i = 0; i < diff.size(); ++i) {
    diff[i] = prediction[i] - truth[i];
    largest = std::max(largest, std::abs(diff[i]));
  }
  if (!(largest > 0)) largest = 1.0f;
  const PixelRect a{kLeft, kTop, kLeft + w, kTop + h};
  const PixelRect b{a.x1 + kGap, kTop, a.x1 + kGap + w, kTop + h};
  const PixelRect c{b.x1 + kBarSpace, kTop, b.x1 + kBarSpace + w, kTop + h};
  const int width = std::max(c.x1 + kBarSpace, kLeft + text_width(title, kPanelText) + 20);
  Plot plot(width, kTop + h + 60);
  panel_text();
  const auto [lo, hi] = shown_range(vmin, vmax);
  set_viridis();
  model_panel(plot, a, truth, nz, nx, dx, lo, hi, "truth", true);
  model_panel(plot, b, prediction, nz, nx, dx, lo, hi, prediction_label, false);
  plot.colour_bar(lo, hi, "velocity (m/s)");
  set_seismic();
  model_panel(plot, c, diff.data(), nz, nx, dx, -largest, largest, "difference", false);
  plot.colour_bar(-largest, largest, "m/s");
  plot.title({kLeft, 0, width - 20, 30}, title, -1.5);
  return plot.finish();
}

Image models_picture(const std::vector<ModelPanel>& panels, int nz, int nx, double dx, double vmin,
                     double vmax, const std::string& title) {
  const auto [w, h] = panel_size(nz, nx);
  const int n = int(panels.size());
  const int right = kLeft + n * w + std::max(n - 1, 0) * kGap;
  const int width = std::max(right + kBarSpace, kLeft + text_width(title, kPanelText) + 20);
  Plot plot(width, kTop + h + 60);
  panel_text();
  const auto [lo, hi] = shown_range(vmin, vmax);
  set_viridis();
  for (int k = 0; k < n; ++k) {
    const int x0 = kLeft + k * (w + kGap);
    model_panel(plot, {x0, kTop, x0 + w, kTop + h}, panels[k].velocity, nz, nx, dx, lo, hi,
                panels[k].label, k == 0);
  }
  if (n > 0) plot.colour_bar(lo, hi, "velocity (m/s)");
  plot.title({kLeft, 0, width - 20, 30}, title, -1.5);
  return plot.finish();
}

}  // namespace vmb::io
