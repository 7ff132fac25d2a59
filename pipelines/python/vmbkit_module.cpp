// The Python module `vmbkit`: the solver, its gradient, the wavelets, the model generators, the
// model and gathers files, and vmb-datagen datasets, with NumPy arrays in and out.
//
// Layouts, as everywhere in vmbkit: velocity models [nz, nx] in m/s (x fastest), gathers
// [nshots, nt, nrec], positions [n, 2] as (x, z) in metres. Arrays come back float32 (the
// gradient float64) in C order, owning the library's own buffers (no copy); arrays going in are
// converted to float32 C order where they are not already, and copied into the library's model.
// Errors keep the library's one-line messages: ValueError for bad values, OSError for files.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vmb/datagen/dataset.hpp"
#include "vmb/datagen/error.hpp"
#include "vmb/datagen/generators.hpp"
#include "vmb/io/error.hpp"
#include "vmb/io/gathers_io.hpp"
#include "vmb/io/model_io.hpp"
#include "vmb/modeling/error.hpp"
#include "vmb/modeling/gradient.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/modeling/survey.hpp"
#include "vmb/modeling/wavelet.hpp"

namespace py = pybind11;

namespace {

using FloatArray = py::array_t<float, py::array::c_style | py::array::forcecast>;
using PositionArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

[[noreturn]] void bad_value(const std::string& what) { throw py::value_error(what); }

// A NumPy array that owns `values` (moved, not copied), of the given shape.
template <class T>
py::array_t<T> owning_array(std::vector<T>&& values, std::vector<py::ssize_t> shape) {
  auto* owned = new std::vector<T>(std::move(values));
  py::capsule free_when_done(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(std::move(shape), owned->data(), free_when_done);
}

vmb::VelocityModel model_of(const FloatArray& velocity, double dx, std::optional<double> dz) {
  if (velocity.ndim() != 2)
    bad_value("velocity must be a 2D array [nz, nx], not " + std::to_string(velocity.ndim()) + "D");
  vmb::VelocityModel model;
  model.nz = static_cast<int>(velocity.shape(0));
  model.nx = static_cast<int>(velocity.shape(1));
  model.dx = dx;
  model.dz = dz.value_or(dx);
  model.velocity.assign(velocity.data(), velocity.data() + velocity.size());
  vmb::validate(model);
  return model;
}

std::vector<vmb::Position> positions_of(const PositionArray& xz, const char* what) {
  if (xz.ndim() != 2 || xz.shape(1) != 2)
    bad_value(std::string(what) + " must be an array [n, 2] of (x, z) in metres");
  std::vector<vmb::Position> out(static_cast<std::size_t>(xz.shape(0)));
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = {xz.at(i, 0), xz.at(i, 1)};
  return out;
}

vmb::Survey survey_of(const PositionArray& sources, const PositionArray& receivers) {
  return {positions_of(sources, "sources"), positions_of(receivers, "receivers")};
}

// Gathers [nshots, nt, nrec] sampled every dt s from a 3D array; `what` names it in errors.
vmb::Gathers gathers_of(const FloatArray& traces, double dt, const char* what) {
  if (traces.ndim() != 3)
    bad_value(std::string(what) + " must be a 3D array [nshots, nt, nrec], not " +
              std::to_string(traces.ndim()) + "D");
  vmb::Gathers g;
  g.nshots = static_cast<int>(traces.shape(0));
  g.nt = static_cast<int>(traces.shape(1));
  g.nrec = static_cast<int>(traces.shape(2));
  g.dt = dt;
  g.internal_dt = dt;
  g.data.assign(traces.data(), traces.data() + traces.size());
  return g;
}

py::array_t<double> positions_array(const std::vector<vmb::Position>& positions) {
  std::vector<double> xz;
  for (const auto& p : positions) xz.insert(xz.end(), {p.x, p.z});
  return owning_array(std::move(xz), {py::ssize_t(positions.size()), 2});
}

// The wavelet given, or the Ricker of vmb-simulate for f0.
std::vector<float> wavelet_of(const std::optional<FloatArray>& wavelet, double f0, int nt,
                              double dt) {
  if (!wavelet) return vmb::ricker(f0, nt, dt);
  if (wavelet->ndim() != 1 || wavelet->shape(0) != nt)
    bad_value("wavelet must be a 1D array of nt = " + std::to_string(nt) + " samples");
  return {wavelet->data(), wavelet->data() + wavelet->size()};
}

vmb::SolverOptions solver_options(int order, int pml, bool free_surface, int threads) {
  vmb::SolverOptions options;
  options.order = order;
  options.pml_width = pml;
  options.free_surface = free_surface;
  options.threads = threads;
  return options;
}

py::array_t<float> simulate(const FloatArray& velocity, double dx, const PositionArray& sources,
                            const PositionArray& receivers, int nt, double dt, double f0,
                            const std::optional<FloatArray>& wavelet, int order, int pml,
                            bool free_surface, std::optional<double> dz, int threads) {
  const auto model = model_of(velocity, dx, dz);
  const auto survey = survey_of(sources, receivers);
  const auto w = wavelet_of(wavelet, f0, nt, dt);
  const auto options = solver_options(order, pml, free_surface, threads);
  vmb::Gathers gathers;
  {
    py::gil_scoped_release release;
    gathers = vmb::simulate(model, survey, w, {nt, dt}, options);
  }
  return owning_array(std::move(gathers.data), {gathers.nshots, gathers.nt, gathers.nrec});
}

py::tuple misfit_gradient(const FloatArray& velocity, double dx, const PositionArray& sources,
                          const PositionArray& receivers, const FloatArray& observed, double dt,
                          double f0, const std::optional<FloatArray>& wavelet, int order, int pml,
                          bool free_surface, std::optional<double> dz, double max_velocity,
                          int threads) {
  const auto model = model_of(velocity, dx, dz);
  const auto survey = survey_of(sources, receivers);
  const auto data = gathers_of(observed, dt, "observed");
  const auto w = wavelet_of(wavelet, f0, data.nt, dt);
  auto options = solver_options(order, pml, free_surface, threads);
  options.max_velocity = max_velocity;
  vmb::MisfitGradient result;
  {
    py::gil_scoped_release release;
    result = vmb::misfit_gradient(model, survey, w, {data.nt, dt}, data, options);
  }
  return py::make_tuple(result.misfit,
                        owning_array(std::move(result.gradient), {model.nz, model.nx}));
}

py::array_t<float> generate(const std::string& name, std::int64_t count, std::uint64_t seed,
                            std::int64_t first, int nz, int nx, double spacing,
                            const py::kwargs& parameters) {
  if (count < 0) bad_value("count must not be negative");
  if (first < 0) bad_value("first must not be negative");
  vmb::datagen::GeneratorConfig config;
  config.name = name;
  config.nz = nz;
  config.nx = nx;
  config.spacing = spacing;
  for (const auto& [key, value] : parameters)
    config.parameters[py::cast<std::string>(key)] = py::cast<double>(value);
  config = vmb::datagen::resolve(config);
  std::vector<float> models;
  {
    py::gil_scoped_release release;
    for (std::int64_t i = 0; i < count; ++i) {
      const auto m = vmb::datagen::generate(config, seed, first + i);
      models.insert(models.end(), m.velocity.begin(), m.velocity.end());
    }
  }
  return owning_array(std::move(models), {py::ssize_t(count), config.nz, config.nx});
}

vmb::io::ModelFileOptions file_options(const std::optional<std::string>& format, int nz, int nx,
                                       double dx, double dz, bool x_fastest, bool big_endian,
                                       double velocity_scale, const std::string& variable) {
  vmb::io::ModelFileOptions o;
  if (format) o.format = vmb::io::model_format_from_name(*format);
  o.nz = nz;
  o.nx = nx;
  o.dx = dx;
  o.dz = dz;
  o.x_fastest = x_fastest;
  o.big_endian = big_endian;
  o.velocity_scale = velocity_scale;
  o.variable = variable;
  return o;
}

py::tuple read_model(const std::filesystem::path& path, const std::optional<std::string>& format,
                     int nz, int nx, double dx, double dz, bool x_fastest, bool big_endian,
                     double velocity_scale, const std::string& variable,
                     std::optional<long> sample) {
  auto options =
      file_options(format, nz, nx, dx, dz, x_fastest, big_endian, velocity_scale, variable);
  options.sample = sample;
  auto model = vmb::io::read_model(path.string(), options);
  const double mdx = model.dx, mdz = model.dz;
  const int mnz = model.nz, mnx = model.nx;
  return py::make_tuple(owning_array(std::move(model.velocity), {mnz, mnx}), mdx, mdz);
}

void write_model(const std::filesystem::path& path, const FloatArray& velocity, double dx,
                 std::optional<double> dz, const std::optional<std::string>& format,
                 const std::string& variable) {
  const auto model = model_of(velocity, dx, dz);
  vmb::io::write_model(path.string(), model,
                       file_options(format, 0, 0, 0.0, 0.0, true, false, 1.0, variable));
}

py::dict read_gathers(const std::filesystem::path& path) {
  auto r = vmb::io::read_gathers(path.string());
  py::dict out;
  const auto& g = r.gathers;
  out["dt"] = g.dt;
  out["f0"] = r.f0;
  out["order"] = r.order;
  out["pml"] = r.pml;
  out["free_surface"] = r.free_surface;
  out["dx"] = r.model.dx;
  out["dz"] = r.model.dz;
  out["sources"] = positions_array(r.survey.sources);
  out["receivers"] = positions_array(r.survey.receivers);
  const py::ssize_t nt = g.nt, nshots = g.nshots, nrec = g.nrec;
  const py::ssize_t nz = r.model.nz, nx = r.model.nx;
  out["wavelet"] = owning_array(std::move(r.wavelet), {nt});
  out["velocity"] = owning_array(std::move(r.model.velocity), {nz, nx});
  out["gathers"] = owning_array(std::move(r.gathers.data), {nshots, nt, nrec});
  return out;
}

void write_gathers(const std::filesystem::path& path, const FloatArray& gathers, double dt,
                   const FloatArray& velocity, double dx, const PositionArray& sources,
                   const PositionArray& receivers, double f0,
                   const std::optional<FloatArray>& wavelet, int order, int pml, bool free_surface,
                   std::optional<double> dz) {
  vmb::io::SimulationRecord r;
  r.model = model_of(velocity, dx, dz);
  r.survey = survey_of(sources, receivers);
  if (!(dt > 0)) bad_value("dt must be positive");
  r.gathers = gathers_of(gathers, dt, "gathers");
  const auto& g = r.gathers;
  if (g.nshots != int(r.survey.sources.size()) || g.nrec != int(r.survey.receivers.size()))
    bad_value("gathers are [" + std::to_string(g.nshots) + ", " + std::to_string(g.nt) + ", " +
              std::to_string(g.nrec) + "] but the survey has " +
              std::to_string(r.survey.sources.size()) + " sources and " +
              std::to_string(r.survey.receivers.size()) + " receivers");
  r.wavelet = wavelet_of(wavelet, f0, g.nt, dt);
  r.f0 = f0;
  r.order = order;
  r.pml = pml;
  r.free_surface = free_surface;
  vmb::io::write_gathers(path.string(), r);
}

// vmb.datagen's DatasetReader as a PyTorch map-style dataset.
class Dataset {
 public:
  explicit Dataset(const std::filesystem::path& folder) : reader_(open(folder)) {}
  py::ssize_t size() const { return reader_.info().samples; }
  py::tuple get(py::ssize_t i) const {
    const auto& info = reader_.info();
    if (i < 0) i += size();
    if (i < 0 || i >= size())
      throw py::index_error("sample " + std::to_string(i) + " is outside the dataset's " +
                            std::to_string(size()));
    std::vector<float> gathers, velocity;
    {
      py::gil_scoped_release release;
      reader_.read(i, gathers, velocity);
    }
    return py::make_tuple(owning_array(std::move(gathers), {info.nshots, info.nt, info.nrec}),
                          owning_array(std::move(velocity), {info.nz, info.nx}));
  }
  const vmb::datagen::DatasetInfo& info() const { return reader_.info(); }

 private:
  // A missing folder is a file problem (OSError); the reader's own checks are about content.
  static vmb::datagen::DatasetReader open(const std::filesystem::path& folder) {
    if (!std::filesystem::is_directory(folder))
      throw vmb::IoError("dataset folder '" + folder.string() + "' does not exist");
    return vmb::datagen::DatasetReader(folder.string());
  }
  vmb::datagen::DatasetReader reader_;
};

}  // namespace

PYBIND11_MODULE(vmbkit, m) {
  m.doc() =
      "vmbkit: 2D acoustic finite-difference modelling, its FWI gradient, random velocity models "
      "and datasets. Models [nz, nx] in m/s, gathers [nshots, nt, nrec], positions [n, 2] as "
      "(x, z) in metres.";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const vmb::IoError& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    } catch (const vmb::ModelingError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const vmb::DatagenError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });
  m.attr("__version__") = vmb::io::version();

  m.def("simulate", &simulate, py::arg("velocity"), py::arg("dx"), py::arg("sources"),
        py::arg("receivers"), py::arg("nt"), py::arg("dt"), py::arg("f0") = 15.0,
        py::arg("wavelet") = py::none(), py::arg("order") = 8, py::arg("pml") = 20,
        py::arg("free_surface") = false, py::arg("dz") = py::none(), py::arg("threads") = 0,
        "Shot gathers [nshots, nt, nrec] (float32) of velocity [nz, nx] (m/s, spacing dx and dz "
        "m) for sources and receivers [n, 2] (x, z in m), nt samples of dt s. The wavelet is "
        "vmb-simulate's Ricker of peak f0 Hz unless given ([nt]). Same inputs, bitwise the same "
        "gathers as vmb-simulate. The GIL is released while it runs.");
  m.def("misfit_gradient", &misfit_gradient, py::arg("velocity"), py::arg("dx"), py::arg("sources"),
        py::arg("receivers"), py::arg("observed"), py::arg("dt"), py::arg("f0") = 15.0,
        py::arg("wavelet") = py::none(), py::arg("order") = 8, py::arg("pml") = 20,
        py::arg("free_surface") = false, py::arg("dz") = py::none(), py::arg("max_velocity") = 0.0,
        py::arg("threads") = 0,
        "(misfit, gradient): J = 1/2 ||simulate(velocity) - observed||^2 and dJ/dv [nz, nx] "
        "(float64, per m/s) by the adjoint-state method; observed [nshots, nt, nrec]. "
        "max_velocity (m/s) fixes the time step and absorbing layers while the model changes.");
  m.def(
      "survey",
      [](int nx, double dx, int nshots, std::optional<int> nrec, std::optional<double> sx0,
         std::optional<double> sx1, std::optional<double> sz, std::optional<double> rx0,
         std::optional<double> rx1, std::optional<double> rz, std::optional<double> dz) {
        vmb::SurveyLayout layout;
        layout.nshots = nshots;
        layout.nrec = nrec;
        layout.sx0 = sx0;
        layout.sx1 = sx1;
        layout.sz = sz;
        layout.rx0 = rx0;
        layout.rx1 = rx1;
        layout.rz = rz;
        const auto s = vmb::make_survey(layout, nx, dx, dz.value_or(dx));
        return py::make_tuple(positions_array(s.sources), positions_array(s.receivers));
      },
      py::arg("nx"), py::arg("dx"), py::arg("nshots") = 29, py::arg("nrec") = py::none(),
      py::arg("sx0") = py::none(), py::arg("sx1") = py::none(), py::arg("sz") = py::none(),
      py::arg("rx0") = py::none(), py::arg("rx1") = py::none(), py::arg("rz") = py::none(),
      py::arg("dz") = py::none(),
      "(sources, receivers) [n, 2] of vmb-simulate's surface survey over nx columns spaced dx m "
      "(same options, same defaults: the whole width at depth dz, one receiver per column).");
  m.def(
      "acquisition_preset",
      [](const std::string& name) {
        const auto p = vmb::acquisition_preset(name);
        py::dict d;
        d["nshots"] = p.layout.nshots;
        d["nrec"] = p.layout.nrec ? py::cast(*p.layout.nrec) : py::none();
        d["nt"] = p.nt;
        d["dt"] = p.dt;
        d["f0"] = p.f0;
        return d;
      },
      py::arg("name"),
      "The tools' --survey presets as a dict (nshots, nrec (None: one per column), nt, dt s, "
      "f0 Hz): 'fcnvmb' (the defaults) or 'openfwi' (5 shots, 70 receivers, 1000 x 1 ms, "
      "15 Hz).");
  m.def(
      "ricker",
      [](double f0, int nt, double dt, std::optional<double> delay) {
        return owning_array(vmb::ricker(f0, nt, dt, delay.value_or(vmb::ricker_delay(f0))), {nt});
      },
      py::arg("f0"), py::arg("nt"), py::arg("dt"), py::arg("delay") = py::none(),
      "Ricker wavelet [nt] of peak frequency f0 Hz sampled every dt s, peak 1 at `delay` s "
      "(default 1.5 / f0).");
  m.def("generators", &vmb::datagen::generator_names, "Names of the model generators.");
  m.def("default_parameters", &vmb::datagen::default_parameters, py::arg("name"),
        "A generator's parameters and their defaults (m/s, cells).");
  m.def("generate", &generate, py::arg("name"), py::arg("count"), py::arg("seed"),
        py::arg("first") = 0, py::arg("nz") = 0, py::arg("nx") = 0, py::arg("spacing") = 0.0,
        "Models first .. first + count - 1 of a generator, [count, nz, nx] m/s; keyword "
        "arguments override its parameters. Each model depends only on (name, parameters, "
        "seed, index), as in vmb-genmodels.");
  m.def("read_model", &read_model, py::arg("path"), py::arg("format") = py::none(),
        py::arg("nz") = 0, py::arg("nx") = 0, py::arg("dx") = 0.0, py::arg("dz") = 0.0,
        py::arg("x_fastest") = true, py::arg("big_endian") = false, py::arg("velocity_scale") = 1.0,
        py::arg("variable") = "", py::arg("sample") = py::none(),
        "(velocity [nz, nx], dx, dz) from any model file vmb-simulate reads (h5, bin, segy, "
        "mat, npy; format from the extension unless given). sample picks one model of an .npy "
        "stack [n, 1, nz, nx] (OpenFWI's model files).");
  m.def("write_model", &write_model, py::arg("path"), py::arg("velocity"), py::arg("dx"),
        py::arg("dz") = py::none(), py::arg("format") = py::none(), py::arg("variable") = "",
        "Writes velocity [nz, nx] (m/s) as a model file, atomically.");
  m.def("read_gathers", &read_gathers, py::arg("path"),
        "A vmb-simulate gathers file as a dict: gathers, dt, sources, receivers, wavelet, f0, "
        "order, pml, free_surface, velocity, dx, dz.");
  m.def("write_gathers", &write_gathers, py::arg("path"), py::arg("gathers"), py::arg("dt"),
        py::arg("velocity"), py::arg("dx"), py::arg("sources"), py::arg("receivers"),
        py::arg("f0") = 15.0, py::arg("wavelet") = py::none(), py::arg("order") = 8,
        py::arg("pml") = 20, py::arg("free_surface") = false, py::arg("dz") = py::none(),
        "Writes a gathers file in vmb-simulate's layout, atomically.");

  py::class_<Dataset>(m, "Dataset",
                      "A vmb-datagen dataset folder: len(), and [i] -> (gathers [nshots, nt, "
                      "nrec], velocity [nz, nx]), a PyTorch map-style dataset.")
      .def(py::init<const std::filesystem::path&>(), py::arg("folder"))
      .def("__len__", &Dataset::size)
      .def("__getitem__", &Dataset::get, py::arg("index"))
      .def_property_readonly("nshots", [](const Dataset& d) { return d.info().nshots; })
      .def_property_readonly("nt", [](const Dataset& d) { return d.info().nt; })
      .def_property_readonly("nrec", [](const Dataset& d) { return d.info().nrec; })
      .def_property_readonly("nz", [](const Dataset& d) { return d.info().nz; })
      .def_property_readonly("nx", [](const Dataset& d) { return d.info().nx; })
      .def_property_readonly("dx", [](const Dataset& d) { return d.info().dx; })
      .def_property_readonly("dz", [](const Dataset& d) { return d.info().dz; })
      .def_property_readonly("dt", [](const Dataset& d) { return d.info().dt; });
}
