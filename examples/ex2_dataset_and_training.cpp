// vmbkit example 2: from random models to a trained network, through the library.
//
// Shows the dataset and network APIs a user calls instead of the binaries: generate a model set,
// simulate it into a sharded dataset, train a narrow FCNVMB on it, predict one model and compare
// it with the truth. Small enough to run in seconds.
//
// Run:  build/examples/ex2_dataset_and_training [folder]      (default: a fresh temporary folder)
//
// Steps:
//   1. 16 OpenFWI-style "flat" models of 24 x 32 at 10 m (vmb::datagen::generate_model_set).
//   2. Simulate them: 3 shots, 33 receivers, 200 samples of 1 ms kept as 40 by the FCNVMB rule
//      (vmb::datagen::produce_dataset), 8 samples per shard.
//   3. Train a width-8 network for 40 epochs, labels scaled by the velocity range
//      (vmb::network::train); the loss falls about twentyfold.
//   4. Predict sample 0 from its gathers (vmb::network::predict) and compare it with the truth
//      (vmb::network::compare).

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "vmb/datagen/dataset.hpp"
#include "vmb/datagen/model_set.hpp"
#include "vmb/network/metrics.hpp"
#include "vmb/network/train.hpp"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  try {
    const fs::path folder =
        argc > 1 ? fs::path(argv[1])
                 : fs::temp_directory_path() / ("vmbkit-ex2-" + std::to_string(getpid()));
    fs::create_directories(folder);

    // 1. Models: pure functions of (generator settings, seed, index).
    vmb::datagen::GeneratorConfig generator;
    generator.name = "flat";
    generator.nz = 24;
    generator.nx = 32;
    const std::string models = (folder / "models.h5").string();
    vmb::datagen::generate_model_set(models, generator, /*seed=*/7, /*count=*/16);

    // 2. The dataset: shards written atomically; running this again would skip them.
    vmb::datagen::DatasetConfig survey;
    survey.survey.nshots = 3;
    survey.survey.nrec = 33;  // the decoder needs at least nx + 1 columns
    survey.nt = 200;
    survey.f0 = 20.0;
    survey.decimation = vmb::datagen::Decimation::kFcnvmb;
    survey.decimation_factor = 5;
    survey.shard_size = 8;
    const auto made = vmb::datagen::produce_dataset(models, (folder / "data").string(), survey);
    std::printf("dataset: %d shards, %lld samples simulated in %.2f s\n", made.shards,
                static_cast<long long>(made.samples), made.seconds);

    // 3. Training.
    vmb::network::TrainConfig training;
    training.train_data = (folder / "data").string();
    training.run = (folder / "run").string();
    training.epochs = 40;
    training.batch_size = 4;
    training.width = 8;
    training.scale_labels = true;
    training.standardise_data = true;
    training.device = "cpu";
    training.quiet = true;
    const auto history = vmb::network::train(training);
    std::printf("training: MSE %.4g after epoch 1, %.4g after epoch %d\n", history.front().train,
                history.back().train, history.back().epoch);

    // 4. Prediction of sample 0 against its truth, and against the mean training model.
    auto checkpoint = vmb::network::load_checkpoint((folder / "run/checkpoint.pt").string());
    const vmb::network::ShardDataset data((folder / "data").string(), checkpoint.time);
    const auto [gathers, truth] = data.sample(0);
    const auto predicted = vmb::network::predict(checkpoint, gathers.unsqueeze(0))[0].contiguous();
    const auto [vmin, vmax] = data.velocity_range();
    const auto network = vmb::network::compare(truth.data_ptr<float>(), predicted.data_ptr<float>(),
                                               data.nz(), data.nx(), vmin, vmax);
    const auto baseline = vmb::network::compare(
        truth.data_ptr<float>(), checkpoint.mean_model.contiguous().data_ptr<float>(), data.nz(),
        data.nx(), vmin, vmax);
    std::printf("sample 0: SSIM %.3f, MAE %.0f m/s (mean model: SSIM %.3f, MAE %.0f m/s)\n",
                network.ssim, network.mae, baseline.ssim, baseline.mae);
    if (argc <= 1) fs::remove_all(folder);
    return 0;
  } catch (const std::exception& e) {
    const std::string what = e.what();
    std::fprintf(stderr, "ex2_dataset_and_training: %s\n", what.substr(0, what.find('\n')).c_str());
    return 1;
  }
}
