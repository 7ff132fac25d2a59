#include "vmb/io/gathers_io.hpp"

#include <cmath>

#include "segy_util.hpp"
#include "vmb/io/atomic_file.hpp"
#include "vmb/io/check.hpp"
#include "vmb/io/error.hpp"
#include "vmb/io/hdf5.hpp"

namespace vmb::io {
namespace {

std::vector<float> positions(const std::vector<Position>& list) {
  std::vector<float> out;
  for (const auto& p : list) {
    out.push_back(static_cast<float>(p.x));
    out.push_back(static_cast<float>(p.z));
  }
  return out;
}

std::vector<Position> positions(const std::vector<float>& flat) {
  std::vector<Position> out;
  for (std::size_t i = 0; i + 1 < flat.size(); i += 2) out.push_back({flat[i], flat[i + 1]});
  return out;
}

}  // namespace

std::string version() { return VMB_VERSION; }

void write_gathers(const std::string& path, const SimulationRecord& r) {
  const Gathers& g = r.gathers;
  const auto ns = Extent(g.nshots), nt = Extent(g.nt), nr = Extent(g.nrec);
  if (g.data.size() != ns * nt * nr || r.survey.sources.size() != ns ||
      r.survey.receivers.size() != nr || r.wavelet.size() != nt)
    throw IoError("'" + path + "': simulation record sizes disagree");
  AtomicFile out(path);
  {
    H5File file(out.temp_path(), H5File::Mode::kCreate);
    file.write("/shots", {ns, nt, nr}, g.data.data(), {{1, nt, nr}, 0});
    file.write("/wavelet", {nt}, r.wavelet.data());
    file.write("/sources", {ns, 2}, positions(r.survey.sources).data());
    file.write("/receivers", {nr, 2}, positions(r.survey.receivers).data());
    file.write("/velocity", {Extent(r.model.nz), Extent(r.model.nx)}, r.model.velocity.data());
    if (g.nsnapshots > 0)
      file.write("/snapshots", {ns, Extent(g.nsnapshots), Extent(r.model.nz), Extent(r.model.nx)},
                 g.snapshots.data(), {{1, 1, Extent(r.model.nz), Extent(r.model.nx)}, 0});
    file.set_attribute("dt", g.dt);
    file.set_attribute("dx", r.model.dx);
    file.set_attribute("dz", r.model.dz);
    file.set_attribute("f0", r.f0);
    file.set_attribute("order", std::int64_t{r.order});
    file.set_attribute("pml", std::int64_t{r.pml});
    file.set_attribute("free_surface", std::int64_t{r.free_surface ? 1 : 0});
    file.set_attribute("snapshot_every", std::int64_t{g.nsnapshots > 0 ? g.snapshot_every : 0});
    file.set_attribute("version", version());
  }
  out.commit();
}

SimulationRecord read_gathers(const std::string& path) {
  H5File file(path, H5File::Mode::kRead);
  SimulationRecord r;
  const auto shape = file.dims("/shots");
  if (shape.size() != 3) throw IoError("'" + path + "': /shots is not [nshots, nt, nrec]");
  Gathers& g = r.gathers;
  g.nshots = int(shape[0]);
  g.nt = int(shape[1]);
  g.nrec = int(shape[2]);
  g.data = file.read("/shots");
  check_finite(g.data.data(), {shape[0], shape[1], shape[2]}, {"shot", "time sample", "receiver"},
               "'" + path + "' /shots");
  g.dt = file.attribute_double("dt");
  r.wavelet = file.read("/wavelet");
  r.survey.sources = positions(file.read("/sources"));
  r.survey.receivers = positions(file.read("/receivers"));
  const auto vdims = file.dims("/velocity");
  if (vdims.size() != 2) throw IoError("'" + path + "': /velocity is not [nz, nx]");
  r.model.nz = int(vdims[0]);
  r.model.nx = int(vdims[1]);
  r.model.velocity = file.read("/velocity");
  check_finite(r.model.velocity.data(), {vdims[0], vdims[1]}, {"row", "column"},
               "'" + path + "' /velocity");
  r.model.dx = file.attribute_double("dx");
  r.model.dz = file.attribute_double("dz");
  r.f0 = file.attribute_double("f0");
  r.order = int(file.attribute_int("order"));
  r.pml = int(file.attribute_int("pml"));
  r.free_surface = file.attribute_int("free_surface") != 0;
  if (file.has("/snapshots")) {
    const auto sd = file.dims("/snapshots");
    g.nsnapshots = int(sd[1]);
    g.snapshot_every = int(file.attribute_int("snapshot_every"));
    g.snapshots = file.read("/snapshots");
  }
  if (r.wavelet.size() != std::size_t(g.nt) || r.survey.sources.size() != std::size_t(g.nshots) ||
      r.survey.receivers.size() != std::size_t(g.nrec))
    throw IoError("'" + path + "': dataset shapes disagree with /shots");
  return r;
}

void write_segy_shot(const std::string& path, const SimulationRecord& r, int shot) {
  const Gathers& g = r.gathers;
  if (shot < 0 || shot >= g.nshots)
    throw IoError("'" + path + "': no shot " + std::to_string(shot));
  const double interval_us = g.dt * 1e6;
  if (std::abs(interval_us - std::lround(interval_us)) > 1e-6 * interval_us || interval_us > 65535)
    throw IoError("'" + path + "': SEG-Y needs dt as a whole number of microseconds up to 65535");
  const Position src = r.survey.sources[shot];
  AtomicFile out(path);
  {
    SegyWriter w(out.temp_path(), g.nt, interval_us,
                 "vmbkit shot gather " + std::to_string(shot + 1) + " of " +
                     std::to_string(g.nshots) + ": pressure, one trace per receiver");
    std::vector<float> trace(g.nt);
    for (int ir = 0; ir < g.nrec; ++ir) {
      for (int it = 0; it < g.nt; ++it) trace[it] = g(shot, it, ir);
      const Position rec = r.survey.receivers[ir];
      SegyTraceHeader h;
      h.set(SEGY_TR_SEQ_LINE, ir + 1);
      h.set(SEGY_TR_SEQ_FILE, ir + 1);
      h.set(SEGY_TR_FIELD_RECORD, shot + 1);
      h.set(SEGY_TR_NUMBER_ORIG_FIELD, ir + 1);
      h.set(SEGY_TR_ENERGY_SOURCE_POINT, shot + 1);
      h.set(SEGY_TR_NUM_IN_ENSEMBLE, ir + 1);
      h.set(SEGY_TR_OFFSET, static_cast<int>(std::lround(rec.x - src.x)));
      h.set(SEGY_TR_COORD_UNITS, 1);  // length (m)
      h.set_coordinate(SEGY_TR_SOURCE_X, src.x);
      h.set_coordinate(SEGY_TR_GROUP_X, rec.x);
      h.set_coordinate(SEGY_TR_CDP_X, 0.5 * (src.x + rec.x));
      h.set_elevation(SEGY_TR_SOURCE_DEPTH, src.z);
      h.set_elevation(SEGY_TR_RECV_GROUP_ELEV, -rec.z);
      w.write(ir, h, trace);
    }
    w.finish(g.nrec);
  }
  out.commit();
}

}  // namespace vmb::io
