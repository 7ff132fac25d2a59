// vmb-eval: a checkpoint and a dataset in; metrics (JSON, CSV), predictions and pictures out.
//
//   vmb-eval --checkpoint runs/finetune/checkpoint.pt --data seg_test/ --out eval/seg

#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <thread>

#include "cli.hpp"
#include "options.hpp"
#include "vmb/network/evaluate.hpp"

namespace {

namespace po = vmb::cli::po;

po::options_description options() {
  po::options_description o("Evaluation");
  o.add_options()
    ("checkpoint", po::value<std::string>()->required(), "trained network (vmb-train)")
    ("data", po::value<std::string>()->required(), "dataset folder (vmb-datagen)")
    ("out", po::value<std::string>()->required(), "output folder")
    ("name", po::value<std::string>()->default_value(""), "label for the pictures")
    ("panels", po::value<std::string>()->default_value("0,1,2"), "samples to draw, comma-separated")
    ("device", po::value<std::string>()->default_value("auto"), "auto | cpu | cuda")
    ("batch-size", vmb::cli::positive<int>("batch-size")->default_value(4), "samples per batch")
    ("threads", vmb::cli::non_negative<int>("threads")->default_value(0), "CPU threads (0: all)")
    ("quiet", po::bool_switch(), "no progress on stderr");
  return o;
}

std::vector<std::int64_t> parse_list(const std::string& text) {
  std::vector<std::int64_t> out;
  std::stringstream s(text);
  std::string item;
  while (std::getline(s, item, ','))
    if (!item.empty()) {
      std::size_t used = 0;
      long long n = -1;
      try {
        n = std::stoll(item, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != item.size() || n < 0)
        throw vmb::cli::UsageError("--panels wants sample numbers (0, 1, ...) separated by commas, "
                                   "not '" + text + "'");
      if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
    }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  return vmb::cli::guarded_main("vmb-eval", [&] {
    po::variables_map vm;
    if (!vmb::cli::parse(argc, argv, options(), vm, "vmb-eval", "--checkpoint FILE --data DIR --out DIR"))
      return 0;
    const int threads = vm["threads"].as<int>();
    torch::set_num_threads(threads > 0 ? threads : int(std::thread::hardware_concurrency()));
    vmb::network::EvalConfig c;
    c.checkpoint = vm["checkpoint"].as<std::string>();
    c.data = vm["data"].as<std::string>();
    c.out = vm["out"].as<std::string>();
    c.name = vm["name"].as<std::string>();
    c.panels = parse_list(vm["panels"].as<std::string>());
    c.device = vm["device"].as<std::string>();
    c.batch_size = vm["batch-size"].as<int>();
    c.quiet = vm["quiet"].as<bool>();
    const auto r = vmb::network::evaluate(c);
    if (!c.quiet)
      std::fprintf(stderr,
                   "vmb-eval: %zu samples: network SSIM %.4f, MAE %.1f m/s, paper PSNR %.2f dB; "
                   "mean model SSIM %.4f, MAE %.1f m/s, paper PSNR %.2f dB\n",
                   r.indices.size(), r.network_mean.ssim, r.network_mean.mae,
                   r.network_mean.paper_psnr, r.baseline_mean.ssim, r.baseline_mean.mae,
                   r.baseline_mean.paper_psnr);
    return 0;
  });
}
