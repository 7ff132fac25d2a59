#include <cmath>

#include "point_weights.hpp"
#include "vmb/modeling/error.hpp"
#include "vmb/modeling/survey.hpp"

namespace vmb {

std::vector<Position> evenly_spaced(int n, double x0, double x1, double z) {
  if (n <= 0) throw ModelingError("number of positions must be positive");
  std::vector<Position> out(n);
  for (int i = 0; i < n; ++i) out[i] = {n == 1 ? x0 : x0 + (x1 - x0) * i / (n - 1), z};
  return out;
}

Survey make_survey(const SurveyLayout& layout, int nx, double dx, double dz) {
  const double width = (nx - 1) * dx;
  const int nrec = layout.nrec.value_or(nx);
  if (layout.nshots <= 0) throw ModelingError("the number of shots must be positive");
  if (nrec <= 0) throw ModelingError("the number of receivers must be positive");
  return {evenly_spaced(layout.nshots, layout.sx0.value_or(0.0), layout.sx1.value_or(width),
                        layout.sz.value_or(dz)),
          evenly_spaced(nrec, layout.rx0.value_or(0.0), layout.rx1.value_or(width),
                        layout.rz.value_or(dz))};
}

AcquisitionPreset acquisition_preset(const std::string& name) {
  AcquisitionPreset p;
  p.dt = 1e-3;
  p.f0 = 15.0;
  if (name == "fcnvmb") {
    p.layout.nshots = 29;
    p.nt = 2000;
  } else if (name == "openfwi") {
    p.layout.nshots = 5;
    p.layout.nrec = 70;
    p.nt = 1000;
  } else {
    throw ModelingError("unknown survey '" + name + "' (known: fcnvmb, openfwi)");
  }
  return p;
}

namespace detail {
namespace {
constexpr int kHalfWidth = 4;
constexpr double kKaiserB = 4.14;

// Nodes and 1D weights for fractional grid coordinate u (in cells).
void weights_1d(double u, std::vector<int>& nodes, std::vector<double>& weights) {
  nodes.clear();
  weights.clear();
  const double nearest = std::round(u);
  if (std::abs(u - nearest) < 1e-6) {
    nodes.push_back(static_cast<int>(nearest));
    weights.push_back(1.0);
    return;
  }
  const int base = static_cast<int>(std::floor(u));
  const double i0b = std::cyl_bessel_i(0.0, kKaiserB);
  for (int k = base - kHalfWidth + 1; k <= base + kHalfWidth; ++k) {
    const double d = u - k;
    const double sinc = std::sin(M_PI * d) / (M_PI * d);
    const double r = d / kHalfWidth;
    const double window =
        std::cyl_bessel_i(0.0, kKaiserB * std::sqrt(std::max(0.0, 1.0 - r * r))) / i0b;
    nodes.push_back(k);
    weights.push_back(sinc * window);
  }
}
}  // namespace

std::vector<NodeWeight> point_weights(double x_m, double z_m, double dx_m, double dz_m) {
  std::vector<int> xs, zs;
  std::vector<double> wx, wz;
  weights_1d(x_m / dx_m, xs, wx);
  weights_1d(z_m / dz_m, zs, wz);
  std::vector<NodeWeight> out;
  for (std::size_t a = 0; a < zs.size(); ++a)
    for (std::size_t b = 0; b < xs.size(); ++b)
      out.push_back({zs[a], xs[b], static_cast<float>(wz[a] * wx[b])});
  return out;
}

}  // namespace detail
}  // namespace vmb
