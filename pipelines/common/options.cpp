#include "options.hpp"

#include <sstream>

#include "vmb/io/check.hpp"
#include "vmb/modeling/error.hpp"

namespace vmb::cli {

po::options_description survey_options() {
  po::options_description survey(
      "Survey (positions in m; x from the left edge, z down from the top row)");
  survey.add_options()("survey", po::value<std::string>()->default_value("fcnvmb"),
                       "fcnvmb | openfwi: the published acquisition whose shots, receivers, "
                       "samples, interval and f0 are the defaults (openfwi: 5 shots, 70 "
                       "receivers, 1000 x 1 ms, 15 Hz)")(
      "nshots", positive<int>("nshots")->default_value(29), "number of shots")(
      "sx0", po::value<double>(), "first source x (default 0)")(
      "sx1", po::value<double>(), "last source x (default: the model width)")(
      "sz", po::value<double>(), "source depth (default: dz, the first interior row)")(
      "nrec", positive<int>("nrec"), "number of receivers (default: one per column)")(
      "rx0", po::value<double>(), "first receiver x (default 0)")(
      "rx1", po::value<double>(), "last receiver x (default: the model width)")(
      "rz", po::value<double>(), "receiver depth (default: dz)");
  return survey;
}

SurveyLayout survey_layout(const po::variables_map& vm) {
  SurveyLayout layout;
  layout.nshots = vm["nshots"].as<int>();
  layout.sx0 = optional<double>(vm, "sx0");
  layout.sx1 = optional<double>(vm, "sx1");
  layout.sz = optional<double>(vm, "sz");
  layout.nrec = optional<int>(vm, "nrec");
  layout.rx0 = optional<double>(vm, "rx0");
  layout.rx1 = optional<double>(vm, "rx1");
  layout.rz = optional<double>(vm, "rz");
  return layout;
}

void apply_survey_preset(const po::options_description& options, po::variables_map& vm) {
  AcquisitionPreset preset;
  try {
    preset = acquisition_preset(vm["survey"].as<std::string>());
  } catch (const ModelingError& e) {
    throw UsageError(std::string("--survey: ") + e.what());
  }
  auto fill = [&](const std::string& key, const boost::any& value) {
    if (!options.find_nothrow(key, false)) return;
    const auto it = vm.find(key);
    if (it == vm.end())
      vm.insert({key, po::variable_value(value, true)});
    else if (it->second.defaulted())
      it->second = po::variable_value(value, true);
  };
  fill("nshots", preset.layout.nshots);
  if (preset.layout.nrec) fill("nrec", *preset.layout.nrec);
  fill("nt", preset.nt);
  fill("dt", preset.dt);
  fill("f0", preset.f0);
}

po::options_description physics_options() {
  po::options_description physics("Time and physics");
  physics.add_options()("nt", positive<int>("nt")->default_value(2000), "output samples")(
      "dt", positive<double>("dt")->default_value(1e-3), "output sample interval, s")(
      "f0", positive<double>("f0")->default_value(15.0),
      "Ricker peak frequency, Hz (peak at 1.5 / f0)")(
      "order", bounded<int>("order", 2, 8)->default_value(8), "spatial order: 2, 4, 6 or 8")(
      "pml", non_negative<int>("pml")->default_value(20), "CPML width, cells per side")(
      "free-surface", po::bool_switch(), "top side p = 0 instead of absorbing");
  return physics;
}

std::vector<std::string> comma_separated(const std::string& list) {
  std::vector<std::string> items;
  std::stringstream s(list);
  for (std::string item; std::getline(s, item, ',');)
    if (!item.empty()) items.push_back(item);
  return items;
}

std::vector<double> frequencies(const std::string& list, const std::string& what) {
  std::vector<double> out;
  for (const auto& item : comma_separated(list)) {
    std::size_t used = 0;
    double f = 0;
    try {
      f = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || !(f > 0) || !std::isfinite(f))
      throw UsageError(what + " wants frequencies in Hz separated by commas, not '" + list + "'");
    out.push_back(f);
  }
  return out;
}

SolverOptions solver_options(const po::variables_map& vm) {
  SolverOptions options;
  options.order = vm["order"].as<int>();
  options.pml_width = vm["pml"].as<int>();
  options.free_surface = vm["free-surface"].as<bool>();
  if (vm.count("threads")) options.threads = vm["threads"].as<int>();
  return options;
}

TimeAxis time_axis(const po::variables_map& vm) {
  return {vm["nt"].as<int>(), vm["dt"].as<double>()};
}

po::options_description threads_options() {
  po::options_description threads("Threads");
  threads.add_options()("threads", non_negative<int>("threads")->default_value(0),
                        "CPU threads (0: OMP_NUM_THREADS, else every core)");
  return threads;
}

po::options_description device_options() {
  po::options_description device("Device");
  device.add_options()("device", po::value<std::string>()->default_value("auto"),
                       "auto | cpu | cuda")(
      "precision", po::value<std::string>()->default_value("auto"),
      "fp32 | bf16 | fp16 | auto: the network's arithmetic (bf16 on CPUs with AMX or "
      "AVX512-BF16 and on CUDA, fp16 on CUDA; auto: the fastest the device supports)");
  device.add(threads_options());
  return device;
}

po::options_description network_options(const std::string& when_empty) {
  po::options_description network("Network");
  network.add_options()(
      "network", po::value<std::string>()->default_value(""),
      ("fcnvmb | inversionnet | unet | unetpp | unet-wide (see vmb-train --summary); " + when_empty)
          .c_str());
  return network;
}

po::options_description batch_options(int batch_size) {
  po::options_description batch("Batches");
  batch.add_options()("batch-size", positive<int>("batch-size")->default_value(batch_size),
                      "samples per batch");
  return batch;
}

po::options_description model_file_options(bool grid) {
  po::options_description model("Model file");
  model.add_options()("format", po::value<std::string>(),
                      "h5 | bin | segy | mat | npy (default: from the extension)")(
      "axis-order", po::value<std::string>()->default_value("zx"),
      "raw binary: zx (x fastest) | xz")(
      "endian", po::value<std::string>()->default_value("little"), "raw binary: little | big")(
      "units", po::value<std::string>()->default_value("m/s"),
      "velocity units in the file: m/s | km/s")("dz", positive<double>("dz"),
                                                "row spacing, m (default: from the file, else dx)")(
      "mat-variable", po::value<std::string>(),
      ".mat variable (default: vmodel, svmodel or the only one)")(
      "sample", non_negative<long>("sample"),
      ".npy stack [n, 1, nz, nx] or [n, nz, nx] (OpenFWI's model files) or HDF5 model set "
      "(vmb-genmodels): the model to read, 0-based");
  if (grid)
    model.add_options()("nz", positive<int>("nz"), "rows (depth) of a raw binary model")(
        "nx", positive<int>("nx"), "columns (x) of a raw binary model")(
        "dx", positive<double>("dx"), "column spacing, m (default: from the file, else 10)");
  return model;
}

io::ModelFileOptions model_file_settings(const po::variables_map& vm) {
  io::ModelFileOptions o;
  if (auto f = optional<std::string>(vm, "format")) o.format = io::model_format_from_name(*f);
  o.nz = optional<int>(vm, "nz").value_or(0);
  o.nx = optional<int>(vm, "nx").value_or(0);
  const auto axis = vm["axis-order"].as<std::string>();
  if (axis != "zx" && axis != "xz") throw UsageError("--axis-order must be zx or xz");
  o.x_fastest = axis == "zx";
  const auto endian = vm["endian"].as<std::string>();
  if (endian != "little" && endian != "big") throw UsageError("--endian must be little or big");
  o.big_endian = endian == "big";
  const auto units = vm["units"].as<std::string>();
  if (units != "m/s" && units != "km/s") throw UsageError("--units must be m/s or km/s");
  o.velocity_scale = units == "km/s" ? 1000.0 : 1.0;
  o.variable = optional<std::string>(vm, "mat-variable").value_or("");
  o.sample = optional<long>(vm, "sample");
  o.dx = optional<double>(vm, "dx").value_or(0.0);
  o.dz = optional<double>(vm, "dz").value_or(0.0);
  o.default_dx = 10.0;
  return o;
}

void check_output_files(const po::variables_map& vm, const std::vector<std::string>& outputs,
                        const std::vector<std::string>& inputs) {
  auto named = [&](const std::vector<std::string>& keys) {
    std::vector<io::NamedPath> paths;
    for (const auto& key : keys) {
      if (!vm.count(key)) continue;
      const auto& value = vm[key].value();
      if (const auto* one = boost::any_cast<std::string>(&value))
        paths.push_back({"--" + key, *one});
      else if (const auto* many = boost::any_cast<std::vector<std::string>>(&value))
        for (const auto& path : *many) paths.push_back({"--" + key, path});
    }
    return paths;
  };
  io::check_outputs(named(outputs), named(inputs));
}

}  // namespace vmb::cli
