#pragma once
// Training and fine-tuning a network (any of architectures()), and prediction with a trained
// network.
//
// A run folder holds checkpoint.pt (checkpoint.hpp; written atomically every k epochs and at the
// end), loss.csv (epoch, train and validation MSE on the normalised labels, seconds) and loss.png.

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "vmb/network/architecture.hpp"
#include "vmb/network/checkpoint.hpp"
#include "vmb/network/data.hpp"
#include "vmb/network/precision.hpp"

namespace vmb::network {

struct TrainConfig {
  std::string train_data;       // dataset folder
  std::string validation_data;  // dataset folder; empty: none
  std::string run;              // run folder (created)
  int epochs = 100;
  int batch_size = 10;
  double learning_rate = 1e-3;
  // Learning rate per epoch e of E (0-based): "constant"; "cosine", from learning_rate down to
  // learning_rate / 100 at the last epoch; "step", times lr_gamma every lr_step epochs (0: E / 3).
  std::string lr_schedule = "constant";
  int lr_step = 0;
  double lr_gamma = 0.1;
  // The loss: MSE + ssim_weight * (1 - SSIM) + l1_weight * mean |error| of the labels
  // (ssim_tensor, its dynamic range the labels' span, Normalisation::label_span; the L1 term, as
  // OpenFWI trains InversionNet, pulls toward the median error, what MAE measures). The MSE alone
  // is what the history records, so losses compare across weights.
  double ssim_weight = 0.0;
  double l1_weight = 0.0;
  // Mirror augmentation: each epoch shows each sample mirrored with probability 1/2
  // (mirror_choices), the model's columns and the gathers' shots and receivers reversed. The
  // mirrored gathers are exact, so this doubles the data without simulating; NetworkError unless
  // the training data's survey mirrors onto itself.
  bool mirror = false;
  int checkpoint_every = 1;
  std::uint64_t seed = 1;
  std::string device = "auto";     // auto | cpu | cuda
  std::string precision = "auto";  // fp32 | bf16 | fp16 | auto (see precision.hpp)
  // The architecture (architectures()); empty: fcnvmb for a new run, the checkpoint's for init
  // and resume, where another name is an error.
  std::string network;
  int width = 64;
  TimeSelection time;
  bool standardise_data = false;
  bool scale_labels = false;
  std::string init;  // checkpoint to start from (fine-tuning); its normalisation is kept
  bool resume = false;
  bool quiet = false;
};

// The learning rate of epoch `epoch` (0-based) under the config's schedule; throws NetworkError
// for an unknown schedule or a gamma outside (0, 1].
double learning_rate(const TrainConfig& config, int epoch);

// Trains (or, with config.resume, continues the run in config.run; with config.init, fine-tunes
// from that checkpoint). Throws NetworkError on bad input, on a resume whose settings differ
// from the checkpoint's (naming each difference), and when the loss becomes NaN or infinite,
// leaving the last good checkpoint in place.
std::vector<EpochLoss> train(const TrainConfig& config);

// The size of the smallest batch an epoch of `samples` in batches of `batch_size` makes: the last.
inline std::int64_t smallest_batch(std::int64_t samples, std::int64_t batch_size) {
  return samples % batch_size == 0 ? batch_size : samples % batch_size;
}

// Throws NetworkError, in one line, before any training, if the network cannot map gathers of
// input_shape (nshots, nt, nrec) to its model, or cannot train on a batch of smallest_batch
// samples (a batch normalisation that then sees one value per channel, as at InversionNet's
// 1 x 1 bottleneck with one sample). Leaves the network's weights and statistics as they were.
void check_trainable(VelocityNet& net, const std::vector<std::int64_t>& input_shape,
                     std::int64_t smallest_batch);

// Throws NetworkError, naming `what` and both shapes, unless the dataset's gathers and models are
// what the checkpoint's network takes and makes.
void check_fits(const Checkpoint& checkpoint, const ShardDataset& data, const std::string& what);

// Velocity models (m/s) [B, nz, nx] for raw gathers [B, nshots, nt, nrec] (CPU tensors), the
// network computing in the given precision.
torch::Tensor predict(Checkpoint& checkpoint, const torch::Tensor& gathers,
                      Precision precision = Precision::kFp32);

// The network's output, float32 [B, 1, nz, nx], for inputs [B, nshots, nt, nrec] moved to the
// network's device (and to its memory format), computed in the given precision. Training,
// validation, evaluation and prediction all go through it.
torch::Tensor forward(VelocityNet& net, const torch::Tensor& inputs, Precision precision);

// The device for "auto", "cpu" or "cuda"; throws NetworkError for CUDA without a GPU.
torch::Device choose_device(const std::string& name);

// Sets the CPU thread count of LibTorch and OpenMP together: LibTorch's CPU kernels run on OpenMP
// and reset its count on first use unless told. 0: OMP_NUM_THREADS, else every core.
void set_threads(int threads);

}  // namespace vmb::network
