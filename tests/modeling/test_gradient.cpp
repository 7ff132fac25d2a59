// The adjoint-state gradient and the Born operator (gradient.hpp), proven as Devito proves its
// operators: the Born operator's adjoint passes the dot-product test in every configuration the
// solver has (orders, free surface, sub-steps, off-grid points, absorbing layers); the misfit's
// Taylor remainders fall as h and h^2; the gradient equals central finite differences of the
// misfit; results do not depend on the thread count.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>
#include <string>

#include "vmb/modeling/error.hpp"
#include "vmb/modeling/gradient.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace {

// A layered model with a fast lens, 10 m grid.
vmb::VelocityModel background(int nz = 40, int nx = 56) {
  vmb::VelocityModel model(nz, nx, 10.0, 10.0);
  for (int iz = 0; iz < nz; ++iz)
    for (int ix = 0; ix < nx; ++ix) {
      double v = 1800.0 + 25.0 * iz + 4.0 * ix;
      const double bx = ix - 0.6 * nx, bz = iz - 0.6 * nz;
      if (bx * bx + bz * bz < 36.0) v = 2900.0;
      model.at(iz, ix) = static_cast<float>(v);
    }
  return model;
}

// Off-grid shots and receivers below the surface row.
vmb::Survey survey_of(const vmb::VelocityModel& m, int nshots = 2, int nrec = 9) {
  vmb::Survey s;
  for (int i = 0; i < nshots; ++i)
    s.sources.push_back({(i + 0.5) * m.width_m() / nshots + 3.3, 23.7});
  for (int i = 0; i < nrec; ++i)
    s.receivers.push_back({5.1 + i * (m.width_m() - 10.2) / (nrec - 1), 31.4});
  return s;
}

std::vector<double> random_field(std::size_t n, unsigned seed, double scale) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0.0, scale);
  std::vector<double> f(n);
  for (auto& x : f) x = normal(rng);
  return f;
}

double dot(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) s += double(a[i]) * b[i];
  return s;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  return std::inner_product(a.begin(), a.end(), b.begin(), 0.0);
}

struct Case {
  std::string name;
  int order;
  bool free_surface;
  double dt;  // output step: 2 ms forces sub-steps
  int nt;
};

}  // namespace

TEST(Gradient, BornAdjointPassesTheDotProductTest) {
  for (const Case& c :
       {Case{"order 8, CPML", 8, false, 1e-3, 260},
        Case{"order 8, free surface", 8, true, 1e-3, 260},
        Case{"order 4, sub-steps", 4, false, 2e-3, 130}, Case{"order 2", 2, false, 1e-3, 260},
        Case{"order 6, free surface, sub-steps", 6, true, 2e-3, 130}}) {
    const auto model = background();
    const auto survey = survey_of(model);
    const auto wavelet = vmb::ricker(15.0, c.nt, c.dt);
    const vmb::TimeAxis time{c.nt, c.dt};
    vmb::SolverOptions options;
    options.order = c.order;
    options.free_surface = c.free_surface;
    options.pml_width = 12;
    const auto dv = random_field(model.velocity.size(), 3, 50.0);
    const auto d = vmb::born(model, dv, survey, wavelet, time, options);
    vmb::Gathers dd = d;
    const auto r = random_field(dd.data.size(), 4, 1.0);
    for (std::size_t i = 0; i < r.size(); ++i) dd.data[i] = static_cast<float>(r[i]);
    const auto adjoint = vmb::born_adjoint(model, dd, survey, wavelet, time, options);
    const double forward_side = dot(d.data, dd.data);
    const double adjoint_side = dot(dv, adjoint);
    const double mismatch =
        std::abs(forward_side - adjoint_side) / std::max(std::abs(forward_side), 1e-300);
    std::printf(
        "dot-product test, %s (%d sub-steps): <B dv, d> %.8e, <dv, B^T d> %.8e, "
        "mismatch %.1e\n",
        c.name.c_str(), d.substeps, forward_side, adjoint_side, mismatch);
    EXPECT_GT(std::abs(forward_side), 0.0) << c.name;
    EXPECT_LE(mismatch, 1e-4) << c.name;
    if (c.dt > 1e-3) {
      EXPECT_GT(d.substeps, 1) << c.name;
    }
  }
}

namespace {

// A problem with data from a true model and a start model that differs from it by a lens.
struct Inversion {
  vmb::VelocityModel truth = background();
  vmb::VelocityModel start = background();
  vmb::Survey survey;
  vmb::TimeAxis time{300, 1e-3};
  std::vector<float> wavelet;
  vmb::SolverOptions options;
  vmb::Gathers observed;

  Inversion() {
    for (int iz = 0; iz < start.nz; ++iz)
      for (int ix = 0; ix < start.nx; ++ix) {
        const double bx = ix - 0.3 * start.nx, bz = iz - 0.4 * start.nz;
        if (bx * bx + bz * bz < 30.0) truth.at(iz, ix) += 150.0f;
      }
    survey = survey_of(start, 3, 12);
    wavelet = vmb::ricker(15.0, time.nt, time.dt);
    options.pml_width = 12;
    options.max_velocity = 3200.0;  // fixed, as an inversion fixes it
    observed = vmb::simulate(truth, survey, wavelet, time, options);
  }
  double misfit(const vmb::VelocityModel& m) const {
    return vmb::misfit_gradient(m, survey, wavelet, time, observed, options).misfit;
  }
};

vmb::VelocityModel moved(const vmb::VelocityModel& m, const std::vector<double>& dv, double h) {
  vmb::VelocityModel out = m;
  for (std::size_t i = 0; i < dv.size(); ++i) out.velocity[i] += static_cast<float>(h * dv[i]);
  return out;
}

double slope(const std::vector<double>& h, const std::vector<double>& r) {
  // Least-squares slope of log r against log h.
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < h.size(); ++i) mx += std::log(h[i]), my += std::log(r[i]);
  mx /= h.size();
  my /= h.size();
  double num = 0, den = 0;
  for (std::size_t i = 0; i < h.size(); ++i) {
    num += (std::log(h[i]) - mx) * (std::log(r[i]) - my);
    den += (std::log(h[i]) - mx) * (std::log(h[i]) - mx);
  }
  return num / den;
}

}  // namespace

TEST(Gradient, TaylorRemaindersFallAsHAndHSquared) {
  const Inversion p;
  const auto at = vmb::misfit_gradient(p.start, p.survey, p.wavelet, p.time, p.observed, p.options);
  ASSERT_GT(at.misfit, 0.0);
  // The steepest-descent direction below the top 100 m (where the shots' own neighbourhood
  // makes the misfit strongly curved), 100 m/s at its largest, in whole m/s: with h a power of
  // two v + h dv is then exact in float32 (velocities below 4096 m/s have steps of 2^-13 m/s), so
  // the remainders are free of the rounding of the model.
  const std::size_t top = 10 * std::size_t(p.start.nx);
  double largest = 0.0;
  for (std::size_t i = top; i < at.gradient.size(); ++i)
    largest = std::max(largest, std::abs(at.gradient[i]));
  std::vector<double> dv(at.gradient.size(), 0.0);
  for (std::size_t i = top; i < dv.size(); ++i)
    dv[i] = std::round(-100.0 * at.gradient[i] / largest);
  const double directional = dot(at.gradient, dv);
  std::printf("Taylor: J(v) %.6e, g.dv %.6e\n", at.misfit, directional);
  std::vector<double> hs, first, second;
  // h from 2^-3 to 2^-7: small enough that the first-order term dominates the first remainder.
  for (double h = 1.0 / 8; h > 1.0 / 256; h /= 2) {
    const double j = p.misfit(moved(p.start, dv, h));
    hs.push_back(h);
    first.push_back(std::abs(j - at.misfit));
    second.push_back(std::abs(j - at.misfit - h * directional));
    std::printf("Taylor: h %.4f  |J(v+h dv) - J(v)| %.6e  |... - h g.dv| %.6e\n", h, first.back(),
                second.back());
  }
  const double s1 = slope(hs, first), s2 = slope(hs, second);
  std::printf("Taylor: fitted slopes %.3f (first order) and %.3f (second order)\n", s1, s2);
  EXPECT_NEAR(s1, 1.0, 0.1);
  EXPECT_NEAR(s2, 2.0, 0.2);
}

// Imaging a few steps (the default: a quarter of the period of the wavelet's highest frequency, 6
// of the 1 ms steps for this 15 Hz Ricker) against imaging every step: a relative difference
// of 1.6e-4, ten times below what the finite-difference test resolves.
TEST(Gradient, ImagingFewStepsMatchesImagingEveryStep) {
  Inversion p;
  const auto few =
      vmb::misfit_gradient(p.start, p.survey, p.wavelet, p.time, p.observed, p.options);
  p.options.imaging_every = 1;
  const auto every =
      vmb::misfit_gradient(p.start, p.survey, p.wavelet, p.time, p.observed, p.options);
  double diff = 0.0, norm = 0.0;
  for (std::size_t i = 0; i < every.gradient.size(); ++i) {
    diff += (few.gradient[i] - every.gradient[i]) * (few.gradient[i] - every.gradient[i]);
    norm += every.gradient[i] * every.gradient[i];
  }
  const double rel = std::sqrt(diff / norm);
  std::printf("imaging a few steps against every step: relative L2 difference %.1e\n", rel);
  EXPECT_NE(few.gradient, every.gradient);  // the default images fewer steps
  EXPECT_LE(rel, 1e-3);
  EXPECT_EQ(few.misfit, every.misfit);  // the same forward run, bitwise
  p.options.imaging_every = -1;
  EXPECT_THROW(vmb::misfit_gradient(p.start, p.survey, p.wavelet, p.time, p.observed, p.options),
               vmb::ModelingError);
}

TEST(Gradient, EqualsCentralFiniteDifferences) {
  const Inversion p;
  const auto at = vmb::misfit_gradient(p.start, p.survey, p.wavelet, p.time, p.observed, p.options);
  // Three nodes: in the missing lens, beside a shot, and where the gradient below the top 100 m
  // is largest. (Where it is a hundred times smaller the misfit's change under a 5 m/s step is
  // within the float32 simulation's rounding, and finite differences measure nothing.)
  const int nx = p.start.nx;
  std::size_t deep = 10 * std::size_t(nx);
  for (std::size_t i = deep; i < at.gradient.size(); ++i)
    if (std::abs(at.gradient[i]) > std::abs(at.gradient[deep])) deep = i;
  for (const auto& [iz, ix] :
       {std::pair{16, 17}, std::pair{6, 10}, std::pair{int(deep / nx), int(deep % nx)}}) {
    const std::size_t i = std::size_t(iz) * nx + ix;
    const double eps = 5.0;  // m/s, exact in float32 at these velocities
    std::vector<double> e(p.start.velocity.size(), 0.0);
    e[i] = 1.0;
    const double fd =
        (p.misfit(moved(p.start, e, eps)) - p.misfit(moved(p.start, e, -eps))) / (2.0 * eps);
    const double rel = std::abs(fd - at.gradient[i]) / std::abs(fd);
    std::printf("finite differences at (%d, %d): adjoint %.6e, central %.6e, relative %.1e\n", iz,
                ix, at.gradient[i], fd, rel);
    EXPECT_GT(std::abs(fd), 0.0);
    EXPECT_LE(rel, 0.01) << iz << ", " << ix;
  }
}

TEST(Gradient, DoesNotDependOnTheThreadCount) {
  Inversion p;
  std::vector<std::vector<double>> gradients;
  std::vector<double> misfits;
  // 1 thread; 2 threads over 3 shots (shots in parallel); 4 threads (each shot over rows).
  for (int threads : {1, 2, 4}) {
    p.options.threads = threads;
    const auto r =
        vmb::misfit_gradient(p.start, p.survey, p.wavelet, p.time, p.observed, p.options);
    gradients.push_back(r.gradient);
    misfits.push_back(r.misfit);
  }
  for (std::size_t k = 1; k < gradients.size(); ++k) {
    EXPECT_EQ(misfits[k], misfits[0]) << k;
    EXPECT_TRUE(gradients[k] == gradients[0]) << k;
  }
}

TEST(Gradient, BadInputIsRefused) {
  const Inversion p;
  auto expect_error = [](auto&& call, const std::string& what) {
    try {
      call();
      ADD_FAILURE() << "no error; expected: " << what;
    } catch (const vmb::ModelingError& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  vmb::Gathers short_data = p.observed;
  short_data.nt -= 1;
  short_data.data.resize(std::size_t(short_data.nshots) * short_data.nt * short_data.nrec);
  expect_error(
      [&] { vmb::misfit_gradient(p.start, p.survey, p.wavelet, p.time, short_data, p.options); },
      "observed gathers are 3 x 299 x 12");
  vmb::Gathers nan_data = p.observed;
  nan_data.data[5] = std::nanf("");
  expect_error(
      [&] { vmb::misfit_gradient(p.start, p.survey, p.wavelet, p.time, nan_data, p.options); },
      "observed gathers hold a value that is not finite");
  expect_error(
      [&] {
        vmb::born(p.start, std::vector<double>(7, 0.0), p.survey, p.wavelet, p.time, p.options);
      },
      "the velocity change has 7 values");
  vmb::SolverOptions slow = p.options;
  slow.max_velocity = 2000.0;
  expect_error(
      [&] { vmb::misfit_gradient(p.start, p.survey, p.wavelet, p.time, p.observed, slow); },
      "below the model's largest");
  // The inputs are checked before the imaging interval is taken from the wavelet's spectrum.
  expect_error([&] { vmb::misfit_gradient(p.start, p.survey, {}, p.time, p.observed, p.options); },
               "wavelet is empty");
  expect_error(
      [&] {
        vmb::born(p.start, std::vector<double>(p.start.velocity.size(), 0.0), p.survey, {}, p.time,
                  p.options);
      },
      "wavelet is empty");
  expect_error([&] { vmb::born_adjoint(p.start, p.observed, p.survey, {}, p.time, p.options); },
               "wavelet is empty");
}

// A wavelet with no frequency above zero images once and still gives a finite gradient.
TEST(Gradient, ConstantWaveletImagesOnce) {
  const Inversion p;
  const std::vector<float> constant(p.time.nt, 1.0f);
  const auto r = vmb::misfit_gradient(p.start, p.survey, constant, p.time, p.observed, p.options);
  for (double g : r.gradient) ASSERT_TRUE(std::isfinite(g));
}
