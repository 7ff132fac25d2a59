// vmb-train: pretrain a network (FCNVMB by default, --network) on a dataset, or fine-tune a
// pretrained checkpoint (--init).
//
//   vmb-train --train train/ --validation val/ --run runs/pretrain --epochs 100 --batch-size 10
//   vmb-train --train seg/ --run runs/finetune --init runs/pretrain/checkpoint.pt --epochs 50
//   vmb-train --run runs/pretrain --train train/ --resume        (after an interruption)
//   vmb-train --summary                                          (the paper's network)
//   vmb-train --summary --network unetpp --width 16 --train train/

#include <torch/torch.h>

#include <cstdio>
#include <iostream>

#include "cli.hpp"
#include "driver.hpp"
#include "options.hpp"
#include "vmb/network/train.hpp"

namespace {

namespace po = vmb::cli::po;

class Train {
 public:
  static po::options_description options() {
    po::options_description o("Training");
    o.add_options()("train", po::value<std::string>(),
                    "training dataset folder (from vmb-datagen)")(
        "validation", po::value<std::string>(), "validation dataset folder")(
        "run", po::value<std::string>(), "run folder: checkpoint.pt, loss.csv, loss.png")(
        "epochs", vmb::cli::positive<int>("epochs")->default_value(100), "epochs")(
        "lr", vmb::cli::positive<double>("lr")->default_value(1e-3), "Adam learning rate")(
        "lr-schedule", po::value<std::string>()->default_value("constant"),
        "constant | cosine (down to lr / 100 at the last epoch) | step (times --lr-gamma every "
        "--lr-step epochs)")("lr-step", vmb::cli::non_negative<int>("lr-step")->default_value(0),
                             "epochs per step of the step schedule (0: a third of --epochs)")(
        "lr-gamma", vmb::cli::bounded<double>("lr-gamma", 1e-6, 1.0)->default_value(0.1),
        "factor of each step")("ssim-weight",
                               vmb::cli::non_negative<double>("ssim-weight")->default_value(0.0),
                               "loss = MSE + weight x (1 - SSIM) of the labels (0: MSE alone)")(
        "l1-weight", vmb::cli::non_negative<double>("l1-weight")->default_value(0.0),
        "adds weight x mean |error| of the labels to the loss (OpenFWI's InversionNet: 1)")(
        "checkpoint-every", vmb::cli::positive<int>("checkpoint-every")->default_value(1),
        "epochs between checkpoints")("seed", po::value<unsigned long>()->default_value(1),
                                      "seed of the initial weights and the shuffling")(
        "width", vmb::cli::positive<int>("width")->default_value(64),
        "filters of the first stage (64 in the paper, 32 in InversionNet's; unet-wide: the "
        "unetpp width it matches)")("time-factor",
                                    vmb::cli::positive<int>("time-factor")->default_value(1),
                                    "keep stored sample factor m + offset")(
        "time-offset", vmb::cli::non_negative<int>("time-offset")->default_value(0),
        "see --time-factor (the reference: 5 and 2 on 2000 samples)")(
        "standardise-data", po::bool_switch(), "standardise each sample's gathers")(
        "scale-labels", po::bool_switch(),
        "scale labels to [0, 1] by the training velocity range (inversionnet: [-1, 1])")(
        "mirror", po::bool_switch(),
        "mirror augmentation: each epoch shows each sample left-right mirrored with probability "
        "1/2 (exact for a survey symmetric about the model's centre; refused otherwise)")(
        "init", po::value<std::string>(), "checkpoint to fine-tune from")(
        "resume", po::bool_switch(), "continue the run in --run from its checkpoint")(
        "summary", po::bool_switch(), "print the layer table and parameter count, and exit")(
        "quiet", po::bool_switch(), "no progress on stderr");
    o.add(vmb::cli::network_options(
              "empty: fcnvmb for a new run, the checkpoint's with --init or --resume (another "
              "is refused)"))
        .add(vmb::cli::batch_options(10))
        .add(vmb::cli::device_options());
    return o;
  }

  explicit Train(const po::variables_map& vm) : vm_(vm) {}

  void run() {
    if (vm_["summary"].as<bool>()) return summary();
    for (const char* key : {"train", "run"})
      if (!vm_.count(key)) throw vmb::cli::UsageError(std::string("--") + key + " is required");
    const auto history = vmb::network::train(config());
    if (!vm_["quiet"].as<bool>() && !history.empty())
      std::fprintf(stderr, "vmb-train: epoch %d: train MSE %.6g%s\n", history.back().epoch,
                   history.back().train,
                   std::isnan(history.back().validation)
                       ? ""
                       : (", validation MSE " + std::to_string(history.back().validation)).c_str());
  }

 private:
  vmb::network::TrainConfig config() const {
    vmb::network::TrainConfig c;
    c.train_data = vm_["train"].as<std::string>();
    c.validation_data = vmb::cli::optional<std::string>(vm_, "validation").value_or("");
    c.run = vm_["run"].as<std::string>();
    c.epochs = vm_["epochs"].as<int>();
    c.batch_size = vm_["batch-size"].as<int>();
    c.learning_rate = vm_["lr"].as<double>();
    c.lr_schedule = vm_["lr-schedule"].as<std::string>();
    c.lr_step = vm_["lr-step"].as<int>();
    c.lr_gamma = vm_["lr-gamma"].as<double>();
    c.ssim_weight = vm_["ssim-weight"].as<double>();
    c.l1_weight = vm_["l1-weight"].as<double>();
    c.mirror = vm_["mirror"].as<bool>();
    c.checkpoint_every = vm_["checkpoint-every"].as<int>();
    c.seed = vm_["seed"].as<unsigned long>();
    c.device = vm_["device"].as<std::string>();
    c.precision = vm_["precision"].as<std::string>();
    c.network = vm_["network"].as<std::string>();
    c.width = vm_["width"].as<int>();
    c.time = {vm_["time-factor"].as<int>(), vm_["time-offset"].as<int>()};
    c.standardise_data = vm_["standardise-data"].as<bool>();
    c.scale_labels = vm_["scale-labels"].as<bool>();
    c.init = vmb::cli::optional<std::string>(vm_, "init").value_or("");
    c.resume = vm_["resume"].as<bool>();
    c.quiet = vm_["quiet"].as<bool>();
    return c;
  }

  // The network the options describe: the training data's shapes, or the paper's.
  void summary() const {
    vmb::network::NetworkConfig net;
    net.arch =
        vm_["network"].as<std::string>().empty() ? "fcnvmb" : vm_["network"].as<std::string>();
    net.width = vm_["width"].as<int>();
    if (vm_.count("train")) {
      const vmb::network::ShardDataset data(
          vm_["train"].as<std::string>(),
          {vm_["time-factor"].as<int>(), vm_["time-offset"].as<int>()});
      net = {net.arch, data.nshots(), data.nt(), data.nrec(), data.nz(), data.nx(), net.width};
    }
    auto model = vmb::network::make_network(net);
    std::cout << vmb::network::summary(model) << vmb::network::backend_summary();
  }

  const po::variables_map& vm_;
};

}  // namespace

int main(int argc, char** argv) {
  return vmb::cli::run_tool<Train>(argc, argv, "vmb-train", "--train DIR --run DIR [options]",
                                   vmb::network::set_threads);
}
