// vmb-predict: a checkpoint and a gathers file from vmb-simulate in, a velocity model out.
//
//   vmb-predict --checkpoint runs/finetune/checkpoint.pt --gathers gathers.h5 --out model.h5 --png
//   model.png

#include <torch/torch.h>

#include "cli.hpp"
#include "driver.hpp"
#include "options.hpp"
#include "vmb/datagen/dataset.hpp"
#include "vmb/io/check.hpp"
#include "vmb/io/gathers_io.hpp"
#include "vmb/io/model_io.hpp"
#include "vmb/io/picture.hpp"
#include "vmb/network/train.hpp"

namespace {

namespace po = vmb::cli::po;

class Predict {
 public:
  static po::options_description options() {
    po::options_description o("Prediction");
    o.add_options()("checkpoint", po::value<std::string>()->required(),
                    "trained network (vmb-train)")("gathers", po::value<std::string>()->required(),
                                                   "gathers file (vmb-simulate)")(
        "out", po::value<std::string>()->required(),
        "velocity model file: .h5, .bin, .segy or .mat")("png", po::value<std::string>(),
                                                         "picture of the predicted model");
    o.add(vmb::cli::network_options(
              "the architecture expected in --checkpoint; empty: the one it holds"))
        .add(vmb::cli::device_options());
    return o;
  }

  explicit Predict(const po::variables_map& vm) : vm_(vm) {}

  void run() {
    vmb::cli::check_output_files(vm_, {"out", "png"}, {"gathers", "checkpoint"});
    vmb::io::guess_model_format(vm_["out"].as<std::string>());  // a format it can write
    auto checkpoint = vmb::network::load_checkpoint(vm_["checkpoint"].as<std::string>(),
                                                    vm_["network"].as<std::string>());
    const torch::Device device = vmb::network::choose_device(vm_["device"].as<std::string>());
    const auto precision =
        vmb::network::choose_precision(vm_["precision"].as<std::string>(), device);
    checkpoint.net->to(device);
    auto record = vmb::io::read_gathers(vm_["gathers"].as<std::string>());
    const auto& g = record.gathers;
    const auto& time = checkpoint.time;
    std::vector<float> selected = vmb::datagen::select_samples(g.data.data(), g.nshots, g.nt,
                                                               g.nrec, time.factor, time.offset);
    const std::int64_t kept = vmb::datagen::selected_samples(g.nt, time.factor, time.offset);
    const auto shots = torch::from_blob(selected.data(), {g.nshots, kept, g.nrec}, torch::kFloat32);
    const std::vector<std::int64_t> shape{shots.size(0), shots.size(1), shots.size(2)};
    if (shape != checkpoint.input_shape)
      throw vmb::NetworkError("the gathers are " + std::to_string(shape[0]) + " x " +
                              std::to_string(shape[1]) + " x " + std::to_string(shape[2]) +
                              " after the time selection; the network takes " +
                              std::to_string(checkpoint.input_shape[0]) + " x " +
                              std::to_string(checkpoint.input_shape[1]) + " x " +
                              std::to_string(checkpoint.input_shape[2]));
    const auto velocity =
        vmb::network::predict(checkpoint, shots.unsqueeze(0), precision)[0].contiguous();
    vmb::io::check_finite(velocity.data_ptr<float>(),
                          {std::size_t(velocity.size(0)), std::size_t(velocity.size(1))},
                          {"row", "column"}, "the network's prediction");
    vmb::VelocityModel model;
    model.nz = int(velocity.size(0));
    model.nx = int(velocity.size(1));
    model.dx = record.model.dx;
    model.dz = record.model.dz;
    model.velocity.assign(velocity.data_ptr<float>(),
                          velocity.data_ptr<float>() + velocity.numel());
    vmb::io::write_model(vm_["out"].as<std::string>(), model);
    if (vm_.count("png"))
      vmb::io::write_png(vm_["png"].as<std::string>(),
                         vmb::io::velocity_picture(model, nullptr, "predicted velocity (m/s)"));
  }

 private:
  const po::variables_map& vm_;
};

}  // namespace

int main(int argc, char** argv) {
  return vmb::cli::run_tool<Predict>(argc, argv, "vmb-predict",
                                     "--checkpoint FILE --gathers FILE --out FILE",
                                     vmb::network::set_threads);
}
