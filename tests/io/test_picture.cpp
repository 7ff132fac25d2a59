// Pictures decode as PNG with the sizes they were drawn at, and show what they should.

#include <gtest/gtest.h>
#include <stb_image.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "run.hpp"
#include "vmb/io/picture.hpp"

namespace {

struct Decoded {
  int width = 0, height = 0;
  std::vector<unsigned char> rgb;
};

Decoded decode(const std::string& path) {
  Decoded d;
  int channels = 0;
  unsigned char* data = stbi_load(path.c_str(), &d.width, &d.height, &channels, 3);
  if (data) {
    d.rgb.assign(data, data + std::size_t(d.width) * d.height * 3);
    stbi_image_free(data);
  }
  return d;
}

}  // namespace

TEST(Picture, VelocityModelDecodesWithItsSize) {
  vmb::test::TempDir dir;
  const auto model = vmb::demo_model(51, 76, 10.0);
  const vmb::Survey survey{vmb::evenly_spaced(3, 0.0, 750.0, 10.0),
                           vmb::evenly_spaced(76, 0.0, 750.0, 10.0)};
  const auto image = vmb::io::velocity_picture(model, &survey);
  vmb::io::write_png(dir / "v.png", image);
  const auto d = decode(dir / "v.png");
  ASSERT_EQ(d.width, image.width);
  ASSERT_EQ(d.height, image.height);
  EXPECT_EQ(d.rgb, image.rgb);
  EXPECT_GT(image.width, 76 * 4);  // small models are enlarged
}

TEST(Picture, FieldIsSymmetricAndClipped) {
  // Left half negative, right half positive: blue and red, white where zero.
  std::vector<float> field(100 * 40, 0.0f);
  for (int r = 0; r < 100; ++r)
    for (int c = 0; c < 40; ++c) field[r * 40 + c] = c < 15 ? -1.0f : c >= 25 ? 1.0f : 0.0f;
  vmb::io::FieldAxes axes;
  axes.row_step = 1e-3;
  axes.col_step = 10.0;
  const auto image = vmb::io::field_picture(field.data(), 100, 40, axes);
  vmb::test::TempDir dir;
  vmb::io::write_png(dir / "f.png", image);
  const auto d = decode(dir / "f.png");
  ASSERT_EQ(d.width, image.width);
  ASSERT_EQ(d.height, image.height);
  ASSERT_EQ(image.panels.size(), 1u);
  const vmb::io::PixelRect& plot = image.panels[0];
  auto pixel = [&](double fx, double fy) {
    const int x = plot.x0 + int(fx * (plot.x1 - plot.x0));
    const int y = plot.y0 + int(fy * (plot.y1 - plot.y0));
    const unsigned char* p = &d.rgb[(std::size_t(y) * d.width + x) * 3];
    return std::array<int, 3>{p[0], p[1], p[2]};
  };
  EXPECT_EQ(pixel(0.1, 0.5), (std::array<int, 3>{0, 0, 255}));
  EXPECT_EQ(pixel(0.9, 0.5), (std::array<int, 3>{255, 0, 0}));
  EXPECT_EQ(pixel(0.5, 0.5), (std::array<int, 3>{255, 255, 255}));
}

TEST(Picture, AbsPercentile) {
  std::vector<float> v;
  for (int i = 1; i <= 101; ++i) v.push_back(i % 2 ? float(i) : -float(i));
  EXPECT_FLOAT_EQ(vmb::io::abs_percentile(v.data(), v.size(), 50.0), 51.0f);
  EXPECT_FLOAT_EQ(vmb::io::abs_percentile(v.data(), v.size(), 100.0), 101.0f);
}

// Every picture finishes for any size of at least 1: a single row, column or sample once made
// the axis tick step 0 and the tick loop endless (ctest's timeout turns a hang into a failure).
TEST(Picture, DegenerateSizesFinish) {
  vmb::test::TempDir dir;
  for (const auto& [nz, nx] : std::vector<std::pair<int, int>>{{1, 1}, {1, 30}, {30, 1}, {2, 2}}) {
    vmb::VelocityModel model(nz, nx, 10.0, 10.0, 2000.0f);
    const vmb::Survey survey{{{0.0, 0.0}}, {{0.0, 0.0}}};
    const auto v = vmb::io::velocity_picture(model, &survey);
    EXPECT_GT(v.width, 0);
    vmb::io::write_png(dir / "v.png", v);
    EXPECT_EQ(decode(dir / "v.png").width, v.width);
    std::vector<float> field(std::size_t(nz) * nx, 1.0f);
    const vmb::io::FieldAxes axes{1e-3, 10.0, 0.0, "t (s)", "x (m)", "field", false};
    const auto f = vmb::io::field_picture(field.data(), nz, nx, axes);
    vmb::io::write_png(dir / "f.png", f);
    EXPECT_EQ(decode(dir / "f.png").height, f.height);
    const auto c =
        vmb::io::comparison_picture(field.data(), field.data(), nz, nx, 10.0, 1.0, 1.0, "");
    EXPECT_GT(c.width, 0);
  }
  const auto curves = vmb::io::curves_picture({{"one", {1.0}, {0.5}}}, "one point", "epoch", true);
  EXPECT_GT(curves.width, 0);
}

namespace {

// Where pixels of one colour lie: how many, and their mean row in the left and right halves.
struct ColourSpread {
  int count = 0;
  double mean_row_left = 0.0, mean_row_right = 0.0;
};

ColourSpread spread(const vmb::io::Image& image, vmb::io::Rgb c, const vmb::io::PixelRect& r) {
  ColourSpread s;
  int left = 0, right = 0;
  const int middle = (r.x0 + r.x1) / 2;
  for (int y = r.y0; y < r.y1; ++y)
    for (int x = r.x0; x < r.x1; ++x) {
      const std::uint8_t* p = &image.rgb[(std::size_t(y) * image.width + x) * 3];
      if (p[0] != c.r || p[1] != c.g || p[2] != c.b) continue;
      ++s.count;
      (x < middle ? (++left, s.mean_row_left) : (++right, s.mean_row_right)) += y;
    }
  if (left) s.mean_row_left /= left;
  if (right) s.mean_row_right /= right;
  return s;
}

}  // namespace

// A falling training loss is drawn falling (rows grow downwards) and a flat validation loss
// flat, each in its own colour; a NaN (a diverged epoch) leaves a gap instead of a broken axis.
TEST(Picture, LossCurvesFollowTheirValues) {
  std::vector<double> epochs, train, valid;
  for (int e = 1; e <= 20; ++e) {
    epochs.push_back(e);
    train.push_back(std::pow(0.7, e));
    valid.push_back(e == 7 ? std::nan("") : 0.05);
  }
  const auto image = vmb::io::curves_picture(
      {{"training", epochs, train}, {"validation", epochs, valid}}, "loss", "epoch", true);
  const vmb::io::Rgb first{31, 119, 180}, second{214, 39, 40};
  // The plot area only: the legend sits to its right.
  ASSERT_EQ(image.panels.size(), 1u);
  const auto a = spread(image, first, image.panels[0]), b = spread(image, second, image.panels[0]);
  ASSERT_GT(a.count, 100);
  ASSERT_GT(b.count, 100);
  EXPECT_GT(a.mean_row_right - a.mean_row_left, 100.0);  // falls by decades on a log axis
  EXPECT_NEAR(b.mean_row_right, b.mean_row_left, 2.0);   // flat stays flat
  vmb::test::TempDir dir;
  vmb::io::write_png(dir / "loss.png", image);
  EXPECT_EQ(decode(dir / "loss.png").rgb, image.rgb);
}

// Truth, prediction and difference: a prediction wrong in one block changes the prediction and
// difference panels there and nowhere else; the truth panel and the shared scale stay as they
// are, and a perfect prediction has a blank difference panel.
TEST(Picture, ComparisonShowsWhereThePredictionIsWrong) {
  const int nz = 40, nx = 60;
  std::vector<float> truth(nz * nx), wrong(nz * nx);
  for (int iz = 0; iz < nz; ++iz)
    for (int ix = 0; ix < nx; ++ix) {
      truth[iz * nx + ix] = 1500.0f + 75.0f * iz;
      wrong[iz * nx + ix] = truth[iz * nx + ix] + (iz >= 30 && ix >= 45 ? 300.0f : 0.0f);
    }
  const auto perfect =
      vmb::io::comparison_picture(truth.data(), truth.data(), nz, nx, 10.0, 1500, 4500, "m");
  const auto image =
      vmb::io::comparison_picture(truth.data(), wrong.data(), nz, nx, 10.0, 1500, 4500, "m");
  ASSERT_EQ(image.width, perfect.width);
  ASSERT_EQ(image.height, perfect.height);
  // Columns and rows at which the two pictures differ.
  int x_min = image.width, x_max = -1, panel_rows_min = image.height;
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x) {
      const std::size_t i = (std::size_t(y) * image.width + x) * 3;
      if (std::equal(&image.rgb[i], &image.rgb[i] + 3, &perfect.rgb[i])) continue;
      x_min = std::min(x_min, x);
      x_max = std::max(x_max, x);
      panel_rows_min = std::min(panel_rows_min, y);
    }
  ASSERT_GE(x_max, 0);
  ASSERT_EQ(image.panels.size(), 3u);
  const vmb::io::PixelRect &truth_panel = image.panels[0], &difference = image.panels[2];
  EXPECT_GE(x_min, truth_panel.x1);  // the truth panel is untouched
  EXPECT_GE(x_max, difference.x0);   // the difference panel shows the error
  // Within the prediction panel only the wrong block (the lower quarter) changes.
  const vmb::io::PixelRect& predicted = image.panels[1];
  for (int y = predicted.y0; y < predicted.y1; ++y)
    for (int x = predicted.x0; x < predicted.x1; ++x) {
      const std::size_t i = (std::size_t(y) * image.width + x) * 3;
      if (!std::equal(&image.rgb[i], &image.rgb[i] + 3, &perfect.rgb[i])) {
        ASSERT_GT(y, predicted.y0 + (predicted.y1 - predicted.y0) / 2) << x;
        ASSERT_GT(x, predicted.x0 + (predicted.x1 - predicted.x0) / 2) << y;
      }
    }
  // The perfect prediction's difference panel is white: its reddest pixel has no colour.
  const auto red = spread(perfect, {255, 0, 0}, perfect.panels[2]);
  EXPECT_EQ(red.count, 0);
  const auto red_wrong = spread(image, {255, 0, 0}, difference);
  EXPECT_GT(red_wrong.count, 100);  // +300 m/s, the largest difference: full red
}

// A title longer than the three panels widens the picture instead of being cut off: its band
// at the top holds dark pixels further right than the panels reach, and none at the very edge.
TEST(Picture, ComparisonTitleIsNeverCut) {
  std::vector<float> v(20 * 30, 2000.0f);
  const std::string title(120, 'M');
  const auto image =
      vmb::io::comparison_picture(v.data(), v.data(), 20, 30, 10.0, 1500, 4500, title);
  const auto plain = vmb::io::comparison_picture(v.data(), v.data(), 20, 30, 10.0, 1500, 4500, "");
  EXPECT_GT(image.width, plain.width);
  int rightmost = -1;
  for (int y = 0; y < image.panels[0].y0 - 25; ++y)
    for (int x = 0; x < image.width; ++x)
      if (image.rgb[(std::size_t(y) * image.width + x) * 3] < 128)
        rightmost = std::max(rightmost, x);
  EXPECT_GT(rightmost, plain.width);
  EXPECT_LT(rightmost, image.width - 5);
  // Nor does it leave empty canvas: the picture is as wide as its measured title needs.
  EXPECT_GT(rightmost, image.width - 40);
}
