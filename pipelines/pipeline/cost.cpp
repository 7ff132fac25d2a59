#include "cost.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

#include "pipeline.hpp"
#include "vmb/datagen/generators.hpp"
#include "vmb/modeling/solver.hpp"
#include "vmb/network/precision.hpp"
#include "vmb/network/train.hpp"

namespace vmb::pipeline {

// The fastest velocity the pipeline's models can hold: what sets the solver's time step.
double Pipeline::max_velocity() const {
  double vmax = released() ? 4500.0 : 0.0;
  auto parts = mixture(s_.text("finetune.generators"));
  for (const char* name : {"fcnvmb-salt", "seg-like"}) parts.push_back({generator(name), 1.0});
  for (const auto& part : vmb::datagen::resolve(parts))
    for (const auto& [key, value] : part.config.parameters)
      if (key.find("velocity") != std::string::npos || key.find("vmax") != std::string::npos)
        vmax = std::max(vmax, value);
  return vmax;
}

// Estimates for --dry-run from the measured constants of cost.hpp: the solver counting its
// internal sub-steps, a training step per sample scaled by the width and the input's area.
void Pipeline::dry_run() const {
  std::printf("preset %s, resolved settings:\n", s_.preset().c_str());
  for (const auto& key : vmb::pipeline::keys())
    std::printf("  %-40s # %s\n",
                (key.name + " = " + vmb::pipeline::to_text(s_.values().at(key.name))).c_str(),
                key.doc.c_str());
  const auto done = runner_.recorded();
  const int nz = s_.integer("grid.nz"), nx = s_.integer("grid.nx"), pml = s_.integer("survey.pml");
  const int nshots = s_.integer("survey.nshots"), nt = s_.integer("survey.nt");
  const int stored = nt / s_.integer("survey.decimation");
  const double dx = s_.number("grid.dx");
  const int substeps =
      vmb::substeps_for(s_.number("survey.dt"), s_.integer("survey.order"), max_velocity(), dx, dx);
  const double per_sample_s = double(nz + 2 * pml) * (nx + 2 * pml) * nshots * double(nt) *
                              substeps / cost::kSolverUpdatesPerSecond;
  const double per_sample_b = 4.0 * nshots * stored * nx;
  const double w = s_.integer("network.width") / 64.0;
  const bool fp32 = vmb::network::choose_precision(s_.text("network.precision"),
                                                   vmb::network::choose_device("auto")) ==
                    vmb::network::Precision::kFp32;
  const double fixed = fp32 ? cost::kTrainFixedSecondsFp32 : cost::kTrainFixedSecondsBf16;
  const double width64 = fp32 ? cost::kTrainWidth64SecondsFp32 : cost::kTrainWidth64SecondsBf16;
  const double step_s = (fixed + width64 * w * w) * (double(stored) * nx) / (400.0 * 301.0) +
                        cost::kStepOverheadSeconds;
  std::printf("stages (estimates on this 2-core machine):\n");
  double total_s = 0, total_b = 0;
  for (const auto& stage : runner_.stages()) {
    const auto it = done.find(stage.name);
    const bool skip = it != done.end() && it->second.hash == stage.hash && it->second.done;
    double secs = 0, bytes = 0;
    const std::string set = stage.name.substr(stage.name.find('.') + 1);
    if (stage.name.rfind("models.", 0) == 0) {
      const double supersample = s_.integer("grid.supersample");
      secs = cost::kModelSeconds201x301 * samples(set) * nz * nx * supersample * supersample /
             (201.0 * 301.0);
      bytes = 4.0 * samples(set) * nz * nx;
    } else if (stage.name.rfind("data.", 0) == 0) {
      secs = per_sample_s * samples(set);
      bytes = per_sample_b * samples(set);
    } else if (stage.name.rfind("train.", 0) == 0) {
      secs = step_s * samples(set) * s_.integer(set + ".epochs");
    } else if (stage.name.rfind("eval.", 0) == 0) {
      secs = step_s * cost::kEvaluationShareOfStep * samples(set);
    }
    if (!skip) {
      total_s += secs;
      total_b += bytes;
    }
    std::printf("  %-22s %-6s %10.0f s %10.1f MB\n", stage.name.c_str(), skip ? "done" : "run",
                secs, bytes / 1e6);
  }
  std::printf("solver: %d internal step%s per output sample (dt %g s, vmax %g m/s)\n", substeps,
              substeps > 1 ? "s" : "", s_.number("survey.dt"), max_velocity());
  std::printf("to run: about %.0f s and %.1f MB in %s\n", total_s, total_b / 1e6, run_.c_str());
}

}  // namespace vmb::pipeline
