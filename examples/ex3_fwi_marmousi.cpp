// vmbkit example 3: full-waveform inversion of a Marmousi2 section from a smoothed start.
//
// Shows the FWI API: read a real model, resample a section of it, simulate the "observed" data,
// smooth the model into a starting guess, and invert band by band, watching the misfit and the
// model error fall. The pictures go to the output folder.
//
// Run:  build/examples/ex3_fwi_marmousi MARMOUSI2.bin [OUT_DIR] [small]
//       MARMOUSI2.bin: ../shared/data/real-models/marmousi2_devito_nz401_nx1601_f32le.bin
//       small: the smoke test's size (seconds instead of minutes)
//
// Steps:
//   1. Read Marmousi2 (401 x 1601 at 7.5 m, raw float32) and resample the 3 km x 2 km section
//      from x = 5 km to a 20 m grid (40 m when small), block means (vmb::resample).
//   2. A surface survey: shots every 250 m (500 m), a receiver at every column, 20 m deep.
//   3. "Observed" data from the true section: a 5 Hz (4 Hz) Ricker wavelet, 2.5 s.
//   4. The start: the section smoothed by a 200 m Gaussian below the water, which FWI keeps.
//   5. FWI: bands 2, 3.5 and 5 Hz (2 and 4 Hz), 10 (3) L-BFGS iterations each.
//   6. Print the model error after each band and write truth | start | result pictures.

#include <cstdio>
#include <filesystem>
#include <string>

#include "vmb/io/model_io.hpp"
#include "vmb/io/picture.hpp"
#include "vmb/modeling/error.hpp"
#include "vmb/modeling/fwi.hpp"
#include "vmb/modeling/metrics.hpp"
#include "vmb/modeling/model.hpp"
#include "vmb/modeling/wavelet.hpp"

int main(int argc, char** argv) {
  try {
    if (argc < 2)
      throw vmb::ModelingError("usage: ex3_fwi_marmousi MARMOUSI2.bin [OUT_DIR] [small]");
    const std::string out = argc > 2 ? argv[2] : "ex3_fwi";
    const bool small = argc > 3 && std::string(argv[3]) == "small";
    std::filesystem::create_directories(out);

    // 1. The model and its section, [nz][nx] in m/s.
    vmb::io::ModelFileOptions file;
    file.format = vmb::io::ModelFormat::kBinary;
    file.nz = 401;
    file.nx = 1601;
    file.dx = file.dz = 7.5;
    const vmb::VelocityModel marmousi = vmb::io::read_model(argv[1], file);
    vmb::VelocityModel window(267, 401, 7.5, 7.5);  // 2 km deep, 3 km wide, from x = 5 km
    for (int iz = 0; iz < window.nz; ++iz)
      for (int ix = 0; ix < window.nx; ++ix) window.at(iz, ix) = marmousi.at(iz, ix + 667);
    const double dx = small ? 40.0 : 20.0;
    const vmb::VelocityModel truth =
        vmb::resample(window, int(2000 / dx) + 1, int(3000 / dx) + 1, dx, dx);
    std::printf("section: %d x %d at %.0f m, %.0f to %.0f m/s\n", truth.nz, truth.nx, dx,
                truth.min_velocity(), truth.max_velocity());

    // 2. The survey.
    const int nshots = small ? 7 : 13;
    const vmb::Survey survey{vmb::evenly_spaced(nshots, 0.0, truth.width_m(), 20.0),
                             vmb::evenly_spaced(truth.nx, 0.0, truth.width_m(), 20.0)};

    // 3. The observed data; the solver steps every model FWI tries with the same time step.
    const vmb::TimeAxis time{small ? 625 : 1250, small ? 4e-3 : 2e-3};
    const auto wavelet = vmb::ricker(small ? 4.0 : 5.0, time.nt, time.dt);
    vmb::FwiSettings settings;
    settings.vmin = 1000.0;
    settings.vmax = 5000.0;
    vmb::SolverOptions options;
    options.max_velocity = settings.vmax;
    const vmb::Gathers observed = vmb::simulate(truth, survey, wavelet, time, options);

    // 4. The start: smooth below the water (the top rows at the section's slowest velocity).
    while (settings.fix_top < truth.nz) {
      bool water = true;
      for (int ix = 0; ix < truth.nx; ++ix)
        water = water && truth.at(settings.fix_top, ix) < 1.01f * truth.min_velocity();
      if (!water) break;
      ++settings.fix_top;
    }
    const vmb::VelocityModel start = vmb::smoothed(truth, 200.0, settings.fix_top);

    // 5. FWI.
    settings.bands_hz = small ? std::vector<double>{2.0, 4.0} : std::vector<double>{2.0, 3.5, 5.0};
    settings.iterations = small ? 3 : 10;
    auto report = [&](const char* stage, const vmb::VelocityModel& m) {
      const auto r = vmb::compare(truth.velocity.data(), m.velocity.data(), truth.nz, truth.nx,
                                  truth.min_velocity(), truth.max_velocity());
      std::printf("%-10s MAE %6.1f m/s  RMSE %6.1f m/s  SSIM %.3f\n", stage, r.mae, r.rmse, r.ssim);
    };
    report("start", start);
    vmb::FwiCallbacks callbacks;
    callbacks.on_iteration = [](const vmb::FwiIteration& it, const vmb::VelocityModel&) {
      std::printf("  band %d (%.1f Hz) iteration %2d: relative misfit %.3g (%.0f s)\n", it.band + 1,
                  it.band_hz, it.iteration, it.relative, it.seconds);
    };
    callbacks.on_band = [&](int band, const vmb::VelocityModel& m) {
      report(("band " + std::to_string(band + 1)).c_str(), m);
    };
    const vmb::VelocityModel result =
        vmb::fwi(start, survey, wavelet, time, observed, options, settings, callbacks);

    // 6. Pictures on the true section's scale.
    vmb::io::write_png(
        out + "/fwi_marmousi.png",
        vmb::io::models_picture({{"truth", truth.velocity.data()},
                                 {"start (smoothed)", start.velocity.data()},
                                 {"FWI", result.velocity.data()}},
                                truth.nz, truth.nx, truth.dx, truth.min_velocity(),
                                truth.max_velocity(), "Marmousi2 section, x 5 to 8 km"));
    std::printf("pictures: %s/fwi_marmousi.png\n", out.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ex3_fwi_marmousi: %s\n", e.what());
    return 1;
  }
}
