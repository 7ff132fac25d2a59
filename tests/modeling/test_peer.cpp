// Cross-check against a trusted peer solver: Deepwave 0.0.27 (order 8, CPU) on the shared
// five-layer 201 x 301 model, centre shot (source x = 1500 m, z = 10 m), 301 receivers at 10 m
// depth, 2000 samples of 1 ms, 15 Hz Ricker peaking at 0.1 s.
//
// Deepwave injects -v^2 dt^2 s at the source node without 1/(dx dz), so its traces are ours times
// -(dx dz). Its absorbing layer and time step (0.5 ms) differ from ours: agreement is expected to
// a few per cent, not to round-off (shared/README.md).

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace {

namespace fs = std::filesystem;

// A little-endian float32 .npy file's data.
std::vector<float> read_npy(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[8];
  in.read(magic, 8);
  unsigned char len[2];
  in.read(reinterpret_cast<char*>(len), 2);
  const std::size_t header = len[0] | (len[1] << 8);
  std::string dict(header, '\0');
  in.read(dict.data(), std::streamsize(header));
  if (std::memcmp(magic, "\x93NUMPY", 6) != 0 || dict.find("'<f4'") == std::string::npos)
    throw std::runtime_error("not a float32 .npy file: " + path.string());
  const auto bytes = fs::file_size(path) - 10 - header;
  std::vector<float> data(bytes / 4);
  in.read(reinterpret_cast<char*>(data.data()), std::streamsize(bytes));
  return data;
}

}  // namespace

TEST(Peer, AgreesWithDeepwaveOnALayeredModel) {
  const fs::path root = fs::path(VMB_SHARED_DATA) / "peer-traces";
  if (!fs::exists(root / "deepwave_shot14_acc8.npy")) GTEST_SKIP() << "no peer traces at " << root;
  vmb::VelocityModel model(201, 301, 10.0, 10.0);
  std::ifstream(root / "layered_201x301_f32le.bin", std::ios::binary)
      .read(reinterpret_cast<char*>(model.velocity.data()), std::streamsize(201 * 301 * 4));
  const auto peer = read_npy(root / "deepwave_shot14_acc8.npy");  // [2000][301]
  ASSERT_EQ(peer.size(), 2000u * 301u);

  const int nt = 2000;
  const double dt = 1e-3;
  const vmb::Survey survey{{{1500.0, 10.0}}, vmb::evenly_spaced(301, 0.0, 3000.0, 10.0)};
  const auto g = vmb::simulate(model, survey, vmb::ricker(15.0, nt, dt, 0.1), {nt, dt});
  double num = 0.0, den = 0.0, direct_num = 0.0, direct_den = 0.0;
  for (int it = 0; it < nt; ++it)
    for (int ir = 0; ir < 301; ++ir) {
      const double theirs = -peer[std::size_t(it) * 301 + ir] / (model.dx * model.dz);
      const double d = g(0, it, ir) - theirs;
      num += d * d;
      den += theirs * theirs;
      // The direct wave alone (before the first reflection returns, 0.5 s): no boundary or
      // time-step differences to speak of.
      if (it < 450) {
        direct_num += d * d;
        direct_den += theirs * theirs;
      }
    }
  const double all = std::sqrt(num / den), direct = std::sqrt(direct_num / direct_den);
  std::printf(
      "vs Deepwave: relative L2 difference %.3f %% over the gather, %.3f %% before 450 ms\n",
      100 * all, 100 * direct);
  EXPECT_LE(all, 0.03);
  EXPECT_LE(direct, 0.01);
}
