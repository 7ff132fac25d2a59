// Bad input gets a ModelingError with a one-line message naming the problem.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "vmb/modeling/error.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace {

vmb::Survey one_shot() {
  vmb::Survey survey;
  survey.sources.push_back({100.0, 50.0});
  survey.receivers.push_back({200.0, 50.0});
  return survey;
}

struct Inputs {
  vmb::VelocityModel model{20, 30, 10.0, 10.0, 2000.0f};
  vmb::Survey survey = one_shot();
  std::vector<float> wavelet = vmb::ricker(10.0, 100, 1e-3);
  vmb::TimeAxis time{100, 1e-3};
  vmb::SolverOptions options;
};

// Runs the solver and returns the message it fails with ("" if it does not fail).
std::string failure(const Inputs& s) {
  try {
    vmb::simulate(s.model, s.survey, s.wavelet, s.time, s.options);
  } catch (const vmb::ModelingError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    return msg;
  }
  return "";
}

}  // namespace

TEST(BadInput, Velocities) {
  for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                    0.0f, -1500.0f}) {
    Inputs s;
    s.model.at(7, 11) = bad;
    const std::string msg = failure(s);
    EXPECT_NE(msg.find("velocity"), std::string::npos) << msg;
    EXPECT_NE(msg.find("iz 7, ix 11"), std::string::npos) << msg;
  }
}

TEST(BadInput, EmptyModel) {
  Inputs s;
  s.model = vmb::VelocityModel();
  EXPECT_NE(failure(s).find("empty"), std::string::npos);
  EXPECT_THROW(vmb::VelocityModel(0, 10, 1.0, 1.0), vmb::ModelingError);
}

TEST(BadInput, PositionsOutsideTheModel) {
  Inputs s;
  s.survey.sources[0].x = 291.0;
  EXPECT_NE(failure(s).find("source 0"), std::string::npos);
  Inputs r;
  r.survey.receivers[0].z = -1.0;
  EXPECT_NE(failure(r).find("receiver 0"), std::string::npos);
  Inputs n;
  n.survey.receivers[0].x = std::nan("");
  EXPECT_NE(failure(n).find("receiver 0"), std::string::npos);
}

TEST(BadInput, TimeAndFrequency) {
  Inputs a;
  a.time.nt = 0;
  EXPECT_NE(failure(a).find("nt"), std::string::npos);
  Inputs b;
  b.time.dt = -1e-3;
  EXPECT_NE(failure(b).find("dt"), std::string::npos);
  EXPECT_THROW(vmb::ricker(0.0, 100, 1e-3), vmb::ModelingError);
  EXPECT_THROW(vmb::ricker(10.0, -5, 1e-3), vmb::ModelingError);
  EXPECT_THROW(vmb::ricker(10.0, 100, 0.0), vmb::ModelingError);
}

TEST(BadInput, OrderAndPml) {
  for (int order : {0, 3, 10}) {
    Inputs s;
    s.options.order = order;
    EXPECT_NE(failure(s).find("order"), std::string::npos);
  }
  Inputs p;
  p.options.pml_width = -1;
  EXPECT_NE(failure(p).find("PML"), std::string::npos);
}

// Each size check fires with its own message before anything is allocated.
TEST(BadInput, PaddedGridBeyondIndexRange) {
  Inputs s;
  s.options.pml_width = 1 << 28;  // 2^29 padded rows and columns
  const std::string msg = failure(s);
  EXPECT_NE(msg.find("grid too large to allocate"), std::string::npos) << msg;
}

TEST(BadInput, GridBeyondMemory) {
  Inputs s;
  s.options.pml_width = 400000;  // an 800k x 800k padded grid: 2.4 TiB per wavefield
  const std::string msg = failure(s);
  EXPECT_NE(msg.find("grid too large: the simulation needs"), std::string::npos) << msg;
  EXPECT_NE(msg.find("GiB, this machine has"), std::string::npos) << msg;
}

TEST(BadInput, ModelSizeAndValuesDisagree) {
  Inputs s;
  s.model.nz = s.model.nx = 2000000;  // sizes alone must not make the solver allocate
  s.model.velocity.assign(1, 2000.0f);
  const std::string msg = failure(s);
  EXPECT_NE(msg.find("samples, not nz * nx"), std::string::npos) << msg;
}

TEST(BadInput, SpacingAndWavelet) {
  Inputs s;
  s.model.dx = 0.0;
  EXPECT_NE(failure(s).find("spacing"), std::string::npos);
  Inputs w;
  w.wavelet[3] = std::numeric_limits<float>::infinity();
  EXPECT_NE(failure(w).find("wavelet"), std::string::npos);
}
