// Pictures decode as PNG with the sizes they were drawn at, and show what they should.

#include <gtest/gtest.h>
#include <stb_image.h>

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
  auto pixel = [&](double fx, double fy) {
    // Inside the plot area: 80 px left frame, 40 px top frame.
    const int plot_w = image.width - 80 - 110, plot_h = image.height - 40 - 50;
    const int x = 80 + int(fx * plot_w), y = 40 + int(fy * plot_h);
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
