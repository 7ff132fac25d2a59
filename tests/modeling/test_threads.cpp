// Test 7: results are identical, bit for bit, with 1 and 2 threads, both when shots run in
// parallel and when one shot runs parallel over grid rows.

#include <gtest/gtest.h>

#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace {

vmb::Gathers run(int threads, int nshots, bool free_surface) {
  vmb::VelocityModel model(50, 70, 10.0, 10.0, 2000.0f);
  for (int iz = 25; iz < model.nz; ++iz)
    for (int ix = 0; ix < model.nx; ++ix) model.at(iz, ix) = 3000.0f + 10.0f * ix;
  vmb::Survey survey{vmb::evenly_spaced(nshots, 55.0, 633.0, 12.5),
                     vmb::evenly_spaced(35, 0.0, 690.0, 10.0)};
  vmb::SolverOptions options;
  options.threads = threads;
  options.free_surface = free_surface;
  options.snapshot_every = 50;
  const int nt = 400;
  return vmb::simulate(model, survey, vmb::ricker(20.0, nt, 1e-3), {nt, 1e-3}, options);
}

}  // namespace

TEST(Threads, ShotParallelResultsDoNotDependOnThreads) {
  const auto one = run(1, 5, false), two = run(2, 5, false);
  EXPECT_EQ(one.threads, 1);
  ASSERT_EQ(two.threads, 2) << "both threads ran shots";
  EXPECT_EQ(one.data, two.data);
  EXPECT_EQ(one.snapshots, two.snapshots);
}

TEST(Threads, RowParallelResultsDoNotDependOnThreads) {
  const auto one = run(1, 1, true), two = run(2, 1, true);
  EXPECT_EQ(one.threads, 1);
  ASSERT_EQ(two.threads, 2) << "both threads shared the shot";
  EXPECT_EQ(one.data, two.data);
  EXPECT_EQ(one.snapshots, two.snapshots);
}
