#pragma once
// The gathers file of vmb-simulate, and SEG-Y shot gathers.
//
// HDF5 layout (readable by h5py as it is):
//   /shots      float32 [nshots, nt, nrec]   pressure, chunked one shot per chunk
//   /wavelet    float32 [nt]                 source time function actually used, at dt
//   /sources    float32 [nshots, 2]          (x, z) in m
//   /receivers  float32 [nrec, 2]            (x, z) in m
//   /velocity   float32 [nz, nx]             m/s
//   /snapshots  float32 [nshots, nsnap, nz, nx]  only when snapshots were asked for
//   root attributes: dt (s), dx, dz (m), f0 (Hz), order, pml, free_surface (0/1),
//   snapshot_every (output samples; 0 without snapshots), version (string).

#include <string>
#include <vector>

#include "vmb/modeling/model.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/survey.hpp"

namespace vmb::io {

// The toolkit's version, as written into files.
std::string version();

// Everything a simulation produced and was run with.
struct SimulationRecord {
  VelocityModel model;
  Survey survey;
  std::vector<float> wavelet;  // [nt] at gathers.dt
  Gathers gathers;             // traces and snapshots; dt, nt
  double f0 = 0.0;             // Hz
  int order = 8;
  int pml = 20;
  bool free_surface = false;
};

// Writes the HDF5 gathers file atomically (temporary name, renamed when complete).
void write_gathers(const std::string& path, const SimulationRecord& record);
// Reads it back; throws IoError if the file lacks a dataset or its shapes disagree.
SimulationRecord read_gathers(const std::string& path);

// One SEG-Y file holding shot `shot`: a trace per receiver, IEEE float samples, the sample
// interval (us) and count in the binary header, and per trace the source and receiver x and
// depth (cm precision), offset, field record (shot + 1) and channel (receiver + 1).
void write_segy_shot(const std::string& path, const SimulationRecord& record, int shot);

}  // namespace vmb::io
