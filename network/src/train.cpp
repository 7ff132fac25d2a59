#include "vmb/network/train.hpp"

#include <omp.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "vmb/io/atomic_file.hpp"
#include "vmb/io/check.hpp"
#include "vmb/io/picture.hpp"
#include "vmb/io/progress.hpp"
#include "vmb/network/metrics.hpp"

namespace vmb::network {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

void write_losses(const std::string& run, const std::vector<EpochLoss>& history) {
  std::ostringstream csv;
  csv << "epoch,train_mse,validation_mse,seconds\n";
  for (const auto& e : history)
    csv << e.epoch << ',' << e.train << ','
        << (std::isnan(e.validation) ? std::string() : std::to_string(e.validation)) << ','
        << e.seconds << '\n';
  io::write_text_file((fs::path(run) / "loss.csv").string(), csv.str());
  io::Curve train{"train", {}, {}}, validation{"validation", {}, {}};
  for (const auto& e : history) {
    train.x.push_back(e.epoch);
    train.y.push_back(e.train);
    if (!std::isnan(e.validation)) {
      validation.x.push_back(e.epoch);
      validation.y.push_back(e.validation);
    }
  }
  std::vector<io::Curve> curves{train};
  if (!validation.x.empty()) curves.push_back(validation);
  io::write_png((fs::path(run) / "loss.png").string(),
                io::curves_picture(curves, "MSE loss per epoch", "epoch", true));
}

double validation_loss(VelocityNet& net, const ShardDataset& data, const Normalisation& norm,
                       int batch_size, Precision precision) {
  torch::NoGradGuard no_grad;
  net->eval();
  std::vector<std::int64_t> order(data.size());
  for (std::int64_t i = 0; i < data.size(); ++i) order[i] = i;
  BatchLoader loader(data, order, batch_size, norm);
  double sum = 0.0;
  while (auto b = loader.next()) {
    const auto out = forward(net, b->inputs, precision);
    sum += torch::mse_loss(out, b->labels.to(out.device())).item<double>() * b->inputs.size(0);
  }
  net->train();
  return sum / double(data.size());
}

// Refuses to resume a run under other settings, naming each one that differs.
void refuse_changed_settings(const std::string& recorded, const std::string& given) {
  auto old = nlohmann::json::parse(recorded);
  const auto now = nlohmann::json::parse(given);
  if (!old.contains("precision")) old["precision"] = "fp32";  // all vmbkit had before 0.3
  std::string differences;
  for (const auto& [key, value] : now.items()) {
    const nlohmann::json before = old.contains(key) ? old[key] : nlohmann::json();
    if (before == value) continue;
    if (!differences.empty()) differences += ", ";
    if (key == "train" || key == "validation")
      differences += "the " + key + (key == "train" ? "ing" : "") + " data (another dataset)";
    else
      differences += "--" + key + " " + value.dump() + " (the checkpoint's: " + before.dump() + ")";
  }
  for (const auto& [key, value] : old.items())
    if (!now.contains(key)) differences += (differences.empty() ? "" : ", ") + key + " (given up)";
  if (!differences.empty())
    throw NetworkError("cannot resume: settings differ from the checkpoint's: " + differences +
                       "; resume with the same settings, or train into a new run folder");
}

}  // namespace

void check_trainable(VelocityNet& net, const std::vector<std::int64_t>& input_shape,
                     std::int64_t smallest_batch) {
  torch::NoGradGuard no_grad;
  const bool training = net->is_training();
  const auto one_line = [](const c10::Error& e) {
    const std::string what = e.what_without_backtrace();
    return what.substr(0, what.find('\n'));
  };
  const torch::Tensor empty =
      torch::zeros({1, input_shape.at(0), input_shape.at(1), input_shape.at(2)});
  net->eval();
  try {
    net->forward(empty);
  } catch (const c10::Error& e) {
    throw NetworkError("the network cannot map gathers of " + std::to_string(input_shape[1]) +
                       " x " + std::to_string(input_shape[2]) + " to the model: " + one_line(e));
  }
  net->train();
  if (smallest_batch == 1) {
    // The pass in training mode moves batch normalisation's running statistics: put them back.
    std::vector<torch::Tensor> buffers;
    for (const auto& b : net->buffers()) buffers.push_back(b.clone());
    try {
      net->forward(empty);
    } catch (const c10::Error& e) {
      throw NetworkError(net->config().arch +
                         " cannot train on a batch of 1 sample, which these settings make "
                         "(choose a batch size that leaves no single sample over): " +
                         one_line(e));
    }
    auto now = net->buffers();
    for (std::size_t i = 0; i < buffers.size(); ++i) now[i].copy_(buffers[i]);
  }
  net->train(training);
}

void check_fits(const Checkpoint& c, const ShardDataset& data, const std::string& what) {
  const std::vector<std::int64_t> shape{data.nshots(), data.nt(), data.nrec()};
  const auto& nc = c.net->config();
  if (shape != c.input_shape || data.nz() != nc.nz || data.nx() != nc.nx) {
    std::ostringstream msg;
    msg << what << " '" << data.folder() << "' has gathers " << shape[0] << " x " << shape[1]
        << " x " << shape[2] << " and models " << data.nz() << " x " << data.nx()
        << ", the checkpoint's network takes " << c.input_shape[0] << " x " << c.input_shape[1]
        << " x " << c.input_shape[2] << " and makes " << nc.nz << " x " << nc.nx;
    throw NetworkError(msg.str());
  }
}

torch::Tensor forward(VelocityNet& net, const torch::Tensor& inputs, Precision precision) {
  const torch::Tensor weight = net->parameters().front();  // a copy: parameters() is a temporary
  torch::Tensor x = inputs.to(weight.device());
  if (weight.dim() == 4 && !weight.is_contiguous() &&
      weight.is_contiguous(torch::MemoryFormat::ChannelsLast))
    x = x.contiguous(torch::MemoryFormat::ChannelsLast);
  const Autocast autocast(precision, weight.device());
  return net->forward(x).to(torch::kFloat).contiguous();
}

void set_threads(int threads) {
  const int n = threads > 0 ? threads : omp_get_max_threads();
  omp_set_num_threads(n);
  torch::set_num_threads(n);
}

torch::Device choose_device(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  if (name == "cuda") {
    if (!torch::cuda::is_available())
      throw NetworkError("--device cuda: this LibTorch has no CUDA or no GPU is present");
    return torch::kCUDA;
  }
  if (name == "auto") return torch::cuda::is_available() ? torch::kCUDA : torch::kCPU;
  throw NetworkError("device '" + name + "' is not auto, cpu or cuda");
}

namespace {

// Checkpoint::settings for this configuration.
std::string training_settings(const TrainConfig& config, const std::string& network,
                              Precision precision, const std::string& train_hash,
                              const std::string& validation_hash) {
  nlohmann::json j;
  j["precision"] = precision_name(precision);
  j["train"] = train_hash;
  j["validation"] = validation_hash;
  if (network != "fcnvmb") j["network"] = network;  // runs from before the choice resume unchanged
  if (config.init.empty()) {
    j["width"] = config.width;
    j["time-factor"] = config.time.factor;
    j["time-offset"] = config.time.offset;
    j["standardise-data"] = config.standardise_data;
    j["scale-labels"] = config.scale_labels;
  } else {
    j["init"] = fs::absolute(config.init).lexically_normal().string();
  }
  j["lr"] = config.learning_rate;
  if (config.lr_schedule != "constant") {  // runs from before schedules existed resume unchanged
    j["lr-schedule"] = config.lr_schedule;
    j["lr-step"] = config.lr_step;
    j["lr-gamma"] = config.lr_gamma;
  }
  if (config.ssim_weight != 0.0) j["ssim-weight"] = config.ssim_weight;
  if (config.l1_weight != 0.0) j["l1-weight"] = config.l1_weight;
  if (config.mirror) j["mirror"] = true;
  j["batch-size"] = config.batch_size;
  j["seed"] = config.seed;
  return j.dump();
}

}  // namespace

double learning_rate(const TrainConfig& config, int epoch) {
  const double lr = config.learning_rate;
  if (config.lr_schedule == "constant") return lr;
  if (config.lr_schedule == "cosine") {
    if (config.epochs < 2) return lr;
    const double progress = double(epoch) / double(config.epochs - 1);
    const double floor = lr / 100.0;
    return floor + 0.5 * (lr - floor) * (1.0 + std::cos(progress * 3.141592653589793));
  }
  if (config.lr_schedule == "step") {
    if (!(config.lr_gamma > 0.0 && config.lr_gamma <= 1.0))
      throw NetworkError("the learning-rate gamma must lie in (0, 1]");
    const int step = config.lr_step > 0 ? config.lr_step : std::max(1, config.epochs / 3);
    return lr * std::pow(config.lr_gamma, epoch / step);
  }
  throw NetworkError("learning-rate schedule '" + config.lr_schedule +
                     "' is not constant, cosine or step");
}

torch::Tensor predict(Checkpoint& c, const torch::Tensor& gathers, Precision precision) {
  torch::NoGradGuard no_grad;
  c.net->eval();
  return c.norm.velocity(forward(c.net, c.norm.inputs(gathers), precision))
      .squeeze(1)
      .to(torch::kCPU);
}

std::vector<EpochLoss> train(const TrainConfig& config) {
  if (config.epochs < 1) throw NetworkError("epochs must be at least 1");
  if (config.batch_size < 1) throw NetworkError("the batch size must be at least 1");
  if (!(config.learning_rate > 0) || !std::isfinite(config.learning_rate))
    throw NetworkError("the learning rate must be positive");
  if (config.checkpoint_every < 1) throw NetworkError("checkpoint interval must be at least 1");
  if (!(config.ssim_weight >= 0.0 && std::isfinite(config.ssim_weight)))
    throw NetworkError("the SSIM weight of the loss must be a number >= 0");
  if (!(config.l1_weight >= 0.0 && std::isfinite(config.l1_weight)))
    throw NetworkError("the L1 weight of the loss must be a number >= 0");
  if (config.run.empty()) throw NetworkError("no run folder given");
  if (config.lr_step < 0) throw NetworkError("the learning-rate step must not be negative");
  learning_rate(config, 0);  // the schedule's name and gamma, before any work
  if (!config.network.empty()) check_architecture(config.network);  // likewise
  const torch::Device device = choose_device(config.device);
  const Precision precision = choose_precision(config.precision, device);
  // Subnormal floats in the backward pass slow CPU kernels many times over; flush them.
  at::globalContext().setFlushDenormal(true);
  keep_freed_memory();
  const std::string checkpoint_path = (fs::path(config.run) / "checkpoint.pt").string();
  if (!config.resume && fs::exists(checkpoint_path))
    throw NetworkError("run folder '" + config.run +
                       "' already holds a checkpoint: resume it, or "
                       "train into another folder");
  io::prepare_output_folder({"run folder", config.run});
  io::remove_stale_temporaries(config.run, false);

  Checkpoint c;
  std::unique_ptr<ShardDataset> train_data;
  std::unique_ptr<ShardDataset> validation;
  auto open_validation = [&] {
    if (config.validation_data.empty()) return;
    validation = std::make_unique<ShardDataset>(config.validation_data, c.time);
    check_fits(c, *validation, "validation data");
  };
  if (config.resume) {
    c = load_checkpoint(checkpoint_path, config.network);
    train_data = std::make_unique<ShardDataset>(config.train_data, c.time);
    check_fits(c, *train_data, "training data");
    open_validation();
    if (c.settings.empty())
      throw NetworkError("checkpoint '" + checkpoint_path +
                         "' records no training settings "
                         "(written by an older vmbkit): it cannot be resumed safely");
    refuse_changed_settings(
        c.settings,
        training_settings(config, c.net->config().arch, precision, train_data->config_hash(),
                          validation ? validation->config_hash() : ""));
    if (c.epoch > config.epochs)
      throw NetworkError("the run has trained " + std::to_string(c.epoch) +
                         " epochs already, more "
                         "than the " +
                         std::to_string(config.epochs) + " asked for");
  } else {
    if (!config.init.empty()) {
      c = load_checkpoint(config.init, config.network);
      c.history.clear();
      c.epoch = 0;
      train_data = std::make_unique<ShardDataset>(config.train_data, c.time);
      check_fits(c, *train_data, "fine-tuning data");
    } else {
      train_data = std::make_unique<ShardDataset>(config.train_data, config.time);
      torch::manual_seed(config.seed);
      c.net = make_network({config.network.empty() ? "fcnvmb" : config.network,
                            train_data->nshots(), train_data->nt(), train_data->nrec(),
                            train_data->nz(), train_data->nx(), config.width});
      c.time = config.time;
      c.input_shape = {train_data->nshots(), train_data->nt(), train_data->nrec()};
      const auto [lo, hi] = train_data->velocity_range();
      c.norm = {config.standardise_data, config.scale_labels, lo, hi, c.net->label_low()};
    }
    c.seed = config.seed;
    c.mean_model = train_data->mean_velocity();
    open_validation();
    c.settings =
        training_settings(config, c.net->config().arch, precision, train_data->config_hash(),
                          validation ? validation->config_hash() : "");
  }
  if (output_bounded(c.net->config().arch) && !c.norm.scale_labels)
    throw NetworkError(c.net->config().arch +
                       "'s output lies in (-1, 1): train it with scaled labels (--scale-labels)");
  if (config.mirror && !train_data->survey_mirrors())
    throw NetworkError(
        "--mirror needs a survey that mirrors onto itself (shots and receivers "
        "placed symmetrically about the model's centre); '" +
        config.train_data + "' has another");
  const std::int64_t n = train_data->size();
  check_trainable(c.net, c.input_shape, smallest_batch(n, config.batch_size));
  c.net->to(device);
  torch::optim::Adam optimiser(c.net->parameters(),
                               torch::optim::AdamOptions(config.learning_rate));
  int saved_epoch = -1;  // the epoch of the checkpoint on disk; -1: none written
  if (config.resume) {
    try {
      torch::serialize::InputArchive archive, state;
      archive.load_from(checkpoint_path);
      archive.read("optimiser", state);
      optimiser.load(state);
    } catch (const c10::Error&) {
      throw NetworkError("checkpoint '" + checkpoint_path +
                         "' is damaged: its optimiser state "
                         "cannot be read");
    }
    saved_epoch = c.epoch;
  }

  const double label_range = c.norm.label_span();
  const std::int64_t batches = (n + config.batch_size - 1) / config.batch_size;
  io::Progress progress("vmb-train: batches", long(batches) * (config.epochs - c.epoch),
                        config.quiet);
  long done = 0;
  for (int epoch = c.epoch; epoch < config.epochs; ++epoch) {
    const auto start = Clock::now();
    c.net->train();
    for (auto& group : optimiser.param_groups())
      static_cast<torch::optim::AdamOptions&>(group.options()).lr(learning_rate(config, epoch));
    BatchLoader loader(*train_data, shuffled(n, c.seed, epoch), config.batch_size, c.norm,
                       config.mirror ? mirror_choices(n, c.seed, epoch) : std::vector<bool>());
    double sum = 0.0;
    int batch = 0;
    while (auto b = loader.next()) {
      optimiser.zero_grad();
      const auto out = forward(c.net, b->inputs, precision);
      const auto labels = b->labels.to(device);
      const auto mse = torch::mse_loss(out, labels);
      auto loss = mse;
      if (config.ssim_weight != 0.0)
        loss = loss + config.ssim_weight * (1.0 - ssim_tensor(out, labels, label_range));
      if (config.l1_weight != 0.0) loss = loss + config.l1_weight * torch::l1_loss(out, labels);
      const double value = mse.item<double>();
      if (!std::isfinite(value)) {
        std::ostringstream msg;
        msg << "the loss became " << value << " in epoch " << epoch + 1 << ", batch " << batch + 1
            << ": training stopped; ";
        if (saved_epoch >= 0)
          msg << "the last good checkpoint is " << checkpoint_path << " (epoch " << saved_epoch
              << ")";
        else
          msg << "no checkpoint was written (none was due yet)";
        throw NetworkError(msg.str());
      }
      loss.backward();
      optimiser.step();
      sum += value * double(b->inputs.size(0));
      ++batch;
      progress.update(++done);
    }
    EpochLoss e;
    e.epoch = epoch + 1;
    e.train = sum / double(n);
    e.validation = validation
                       ? validation_loss(c.net, *validation, c.norm, config.batch_size, precision)
                       : std::nan("");
    e.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    c.history.push_back(e);
    c.epoch = epoch + 1;
    write_losses(config.run, c.history);
    if (c.epoch % config.checkpoint_every == 0 || c.epoch == config.epochs) {
      save_checkpoint(checkpoint_path, c, optimiser);
      saved_epoch = c.epoch;
    }
  }
  progress.finish();
  return c.history;
}

}  // namespace vmb::network
