// vmb-eval: a checkpoint and a dataset in; metrics (JSON, CSV), predictions and pictures out.
//
//   vmb-eval --checkpoint runs/finetune/checkpoint.pt --data seg_test/ --out eval/seg

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "cli.hpp"
#include "driver.hpp"
#include "options.hpp"
#include "vmb/network/evaluate.hpp"
#include "vmb/network/train.hpp"

namespace {

namespace po = vmb::cli::po;

std::vector<std::int64_t> parse_list(const std::string& text) {
  std::vector<std::int64_t> out;
  for (const auto& item : vmb::cli::comma_separated(text)) {
    std::size_t used = 0;
    long long n = -1;
    try {
      n = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || n < 0)
      throw vmb::cli::UsageError(
          "--panels wants sample numbers (0, 1, ...) separated by commas, "
          "not '" +
          text + "'");
    if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  }
  return out;
}

class Eval {
 public:
  static po::options_description options() {
    po::options_description o("Evaluation");
    o.add_options()("checkpoint", po::value<std::string>()->required(),
                    "trained network (vmb-train)")("data", po::value<std::string>()->required(),
                                                   "dataset folder (vmb-datagen)")(
        "out", po::value<std::string>()->required(), "output folder")(
        "name", po::value<std::string>()->default_value(""), "label for the pictures")(
        "panels", po::value<std::string>()->default_value("0,1,2"),
        "samples to draw, comma-separated")("quiet", po::bool_switch(), "no progress on stderr");
    o.add(vmb::cli::network_options(
              "the architecture expected in --checkpoint; empty: the one it holds"))
        .add(vmb::cli::batch_options(4))
        .add(vmb::cli::device_options());
    return o;
  }

  explicit Eval(const po::variables_map& vm) : vm_(vm) {}

  void run() {
    vmb::network::EvalConfig c;
    c.checkpoint = vm_["checkpoint"].as<std::string>();
    c.network = vm_["network"].as<std::string>();
    c.data = vm_["data"].as<std::string>();
    c.out = vm_["out"].as<std::string>();
    c.name = vm_["name"].as<std::string>();
    c.panels = parse_list(vm_["panels"].as<std::string>());
    c.device = vm_["device"].as<std::string>();
    c.precision = vm_["precision"].as<std::string>();
    c.batch_size = vm_["batch-size"].as<int>();
    c.quiet = vm_["quiet"].as<bool>();
    const auto r = vmb::network::evaluate(c);
    if (!c.quiet)
      std::fprintf(stderr,
                   "vmb-eval: %zu samples: network SSIM %.4f, MAE %.1f m/s, paper PSNR %.2f dB; "
                   "mean model SSIM %.4f, MAE %.1f m/s, paper PSNR %.2f dB\n",
                   r.indices.size(), r.network_mean.ssim, r.network_mean.mae,
                   r.network_mean.paper_psnr, r.baseline_mean.ssim, r.baseline_mean.mae,
                   r.baseline_mean.paper_psnr);
  }

 private:
  const po::variables_map& vm_;
};

}  // namespace

int main(int argc, char** argv) {
  return vmb::cli::run_tool<Eval>(argc, argv, "vmb-eval", "--checkpoint FILE --data DIR --out DIR",
                                  vmb::network::set_threads);
}
