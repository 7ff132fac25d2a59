#include "vmb/network/checkpoint.hpp"

#include <cmath>
#include <filesystem>

#include "vmb/io/atomic_file.hpp"
#include "vmb/network/architecture.hpp"
#include "vmb/network/error.hpp"

namespace vmb::network {
namespace {

namespace fs = std::filesystem;

torch::Tensor int_tensor(const std::vector<std::int64_t>& v) {
  return torch::tensor(v, torch::kInt64);
}

std::vector<std::int64_t> int_vector(const torch::Tensor& t) {
  const auto c = t.contiguous();
  return std::vector<std::int64_t>(c.data_ptr<std::int64_t>(),
                                   c.data_ptr<std::int64_t>() + c.numel());
}

}  // namespace

void save_checkpoint(const std::string& path, Checkpoint& c, torch::optim::Adam& optimiser) {
  torch::serialize::OutputArchive archive, model, state;
  const torch::Device device = c.net->parameters().front().device();
  c.net->to(torch::kCPU);
  c.net->save(model);
  c.net->to(device);
  optimiser.save(state);
  archive.write("model", model);
  archive.write("optimiser", state);
  const auto& nc = c.net->config();
  archive.write("network", int_tensor({nc.shots, nc.width, nc.nz, nc.nx}));
  archive.write("architecture", c10::IValue(nc.arch));
  archive.write("epoch", int_tensor({c.epoch}));
  archive.write("seed", int_tensor({std::int64_t(c.seed)}));
  archive.write("time", int_tensor({c.time.factor, c.time.offset}));
  archive.write("input_shape", int_tensor(c.input_shape));
  archive.write("normalisation",
                torch::tensor({double(c.norm.standardise_data), double(c.norm.scale_labels),
                               c.norm.vmin, c.norm.vmax, c.norm.low},
                              torch::kFloat64));
  archive.write("mean_model", c.mean_model);
  std::vector<double> h;
  for (const auto& e : c.history)
    h.insert(h.end(), {double(e.epoch), e.train, e.validation, e.seconds});
  archive.write("history", torch::tensor(h, torch::kFloat64).reshape({-1, 4}));
  archive.write("settings", c10::IValue(c.settings));
  io::AtomicFile out(path);
  archive.save_to(out.temp_path());
  out.commit();
}

Checkpoint load_checkpoint(const std::string& path, const std::string& network) {
  if (!fs::exists(path)) throw NetworkError("checkpoint '" + path + "' does not exist");
  torch::serialize::InputArchive archive, model;
  try {
    archive.load_from(path);
  } catch (const c10::Error&) {
    throw NetworkError("cannot read checkpoint '" + path +
                       "': not a vmbkit checkpoint, or damaged");
  }
  auto bad = [&](const std::string& what) {
    return NetworkError("checkpoint '" + path + "' is damaged: " + what);
  };
  // A field of the given type and shape (-1: any size along that axis).
  auto field = [&](const char* key, torch::ScalarType type, std::vector<std::int64_t> shape) {
    torch::Tensor t;
    try {
      if (!archive.try_read(key, t)) throw bad(std::string("field '") + key + "' is missing");
    } catch (const c10::Error&) {
      throw bad(std::string("field '") + key + "' cannot be read");
    }
    bool fits = t.defined() && t.scalar_type() == type && t.dim() == std::int64_t(shape.size());
    for (std::size_t k = 0; fits && k < shape.size(); ++k)
      fits = shape[k] < 0 || t.size(std::int64_t(k)) == shape[k];
    if (!fits) throw bad(std::string("field '") + key + "' has the wrong type or shape");
    return t.contiguous();
  };
  Checkpoint c;
  const auto n = int_vector(field("network", torch::kInt64, {4}));
  for (std::int64_t v : n)
    if (v < 1 || v > 100000) throw bad("the network's sizes are out of range");
  c.input_shape = int_vector(field("input_shape", torch::kInt64, {3}));
  if (c.input_shape[0] != n[0] || c.input_shape[1] < 1 || c.input_shape[2] < 1)
    throw bad("the input shape does not fit the network");
  c10::IValue architecture("fcnvmb");  // all vmbkit had before 0.4
  if (archive.try_read("architecture", architecture) && !architecture.isString())
    throw bad("field 'architecture' is not text");
  const NetworkConfig config{architecture.toStringRef(),
                             int(n[0]),
                             int(c.input_shape[1]),
                             int(c.input_shape[2]),
                             int(n[2]),
                             int(n[3]),
                             int(n[1])};
  try {
    check_architecture(config.arch);
  } catch (const NetworkError& e) {
    throw bad(std::string("it holds an ") + e.what());
  }
  if (!network.empty() && network != config.arch)
    throw NetworkError("checkpoint '" + path + "' holds a " + config.arch + " network, not the " +
                       network + " asked for");
  c.net = make_network(config);
  // Module::load replaces each tensor whatever its shape, so the shapes are compared after it.
  std::vector<std::vector<std::int64_t>> shapes;
  for (const auto& t : c.net->parameters()) shapes.push_back(t.sizes().vec());
  for (const auto& t : c.net->buffers()) shapes.push_back(t.sizes().vec());
  try {
    if (!archive.try_read("model", model)) throw bad("field 'model' is missing");
    c.net->load(model);
  } catch (const c10::Error&) {
    throw bad("its weights do not fit its network");
  }
  std::size_t k = 0;
  for (const auto& t : c.net->parameters())
    if (t.sizes().vec() != shapes[k++]) throw bad("its weights do not fit its network");
  for (const auto& t : c.net->buffers())
    if (t.sizes().vec() != shapes[k++]) throw bad("its weights do not fit its network");
  c.epoch = int(int_vector(field("epoch", torch::kInt64, {1}))[0]);
  if (c.epoch < 0) throw bad("negative epoch");
  c.seed = std::uint64_t(int_vector(field("seed", torch::kInt64, {1}))[0]);
  const auto time = int_vector(field("time", torch::kInt64, {2}));
  if (time[0] < 1 || time[1] < 0 || time[1] >= time[0]) throw bad("the time selection is invalid");
  c.time = {int(time[0]), int(time[1])};
  // Four fields before vmbkit 0.5, whose scaled labels all started at 0.
  const auto norm = field("normalisation", torch::kFloat64, {-1});
  if (norm.numel() != 4 && norm.numel() != 5) throw bad("the normalisation is invalid");
  const double* v = norm.data_ptr<double>();
  const double low = norm.numel() == 5 ? v[4] : 0.0;
  if (!std::isfinite(v[2]) || !std::isfinite(v[3]) || (v[1] != 0 && !(v[3] > v[2])) ||
      !(low == 0.0 || low == -1.0))
    throw bad("the normalisation is invalid");
  c.norm = {v[0] != 0, v[1] != 0, v[2], v[3], low};
  c.mean_model = field("mean_model", torch::kFloat32, {n[2], n[3]});
  if (!torch::isfinite(c.mean_model).all().item<bool>()) throw bad("the mean model is not finite");
  const auto h = field("history", torch::kFloat64, {-1, 4});
  if (h.size(0) > c.epoch) throw bad("the loss history is longer than the epochs trained");
  for (std::int64_t i = 0; i < h.size(0); ++i) {
    const double* r = h.data_ptr<double>() + 4 * i;
    c.history.push_back({int(r[0]), r[1], r[2], r[3]});
  }
  c10::IValue settings;
  if (archive.try_read("settings", settings)) {
    if (!settings.isString()) throw bad("field 'settings' is not text");
    c.settings = settings.toStringRef();
  }
  return c;
}

}  // namespace vmb::network
