#pragma once
// Checkpoints: everything a trained network needs to be used again. A checkpoint holds the
// weights, the Adam state, the epoch, the loss history, the architecture, its width and input and
// output shapes, the time selection, the normalisation and the mean training model (for the
// baseline), so evaluation and prediction apply exactly what training did. Written through
// LibTorch's archives, atomically (under a temporary name, renamed when complete).

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "vmb/network/data.hpp"
#include "vmb/network/velocity_net.hpp"

namespace vmb::network {

struct EpochLoss {
  int epoch = 0;  // 1-based
  double train = 0.0, validation = 0.0, seconds = 0.0;
};

// Everything a trained network needs to be used again.
struct Checkpoint {
  VelocityNet net{nullptr};
  std::vector<EpochLoss> history;
  int epoch = 0;
  TimeSelection time;
  Normalisation norm;
  std::vector<std::int64_t> input_shape;  // nshots, nt, nrec after the time selection
  torch::Tensor mean_model;               // [nz, nx], m/s
  std::uint64_t seed = 0;
  // The settings that shaped the run, as JSON text: the data (by their datasets' settings
  // hashes), the network, the normalisation and the optimisation, not the number of epochs (a
  // run may be resumed to train further). A resumed run must match them. Empty in checkpoints
  // written before vmbkit 0.2.
  std::string settings;
};

// Writes the checkpoint and the optimiser's state to path; the weights are written from the CPU,
// so that a checkpoint trained on a GPU loads anywhere.
void save_checkpoint(const std::string& path, Checkpoint& checkpoint,
                     torch::optim::Adam& optimiser);

// Loads a checkpoint, rebuilding its architecture (fcnvmb in checkpoints that name none) and
// checking every field's type, shape and range; throws NetworkError if it is missing, damaged or
// not a vmbkit checkpoint, or if `network` names another architecture than it holds (empty:
// any).
Checkpoint load_checkpoint(const std::string& path, const std::string& network = "");

}  // namespace vmb::network
