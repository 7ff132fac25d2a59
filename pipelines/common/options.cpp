#include "options.hpp"

namespace vmb::cli {

po::options_description survey_options() {
  po::options_description survey("Survey (positions in m; x from the left edge, z down from the top row)");
  survey.add_options()
    ("nshots", po::value<int>()->default_value(29), "number of shots")
    ("sx0", po::value<double>(), "first source x (default 0)")
    ("sx1", po::value<double>(), "last source x (default: the model width)")
    ("sz", po::value<double>(), "source depth (default: dz, the first interior row)")
    ("nrec", po::value<int>(), "number of receivers (default: one per column)")
    ("rx0", po::value<double>(), "first receiver x (default 0)")
    ("rx1", po::value<double>(), "last receiver x (default: the model width)")
    ("rz", po::value<double>(), "receiver depth (default: dz)");
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

po::options_description physics_options() {
  po::options_description physics("Time and physics");
  physics.add_options()
    ("nt", po::value<int>()->default_value(2000), "output samples")
    ("dt", po::value<double>()->default_value(1e-3), "output sample interval, s")
    ("f0", po::value<double>()->default_value(15.0), "Ricker peak frequency, Hz (peak at 1.5 / f0)")
    ("order", po::value<int>()->default_value(8), "spatial order: 2, 4, 6 or 8")
    ("pml", po::value<int>()->default_value(20), "CPML width, cells per side")
    ("free-surface", po::bool_switch(), "top side p = 0 instead of absorbing")
    ("threads", po::value<int>()->default_value(0), "OpenMP threads (0: all)");
  return physics;
}

}  // namespace vmb::cli
