#pragma once
// The constants of vmb-pipeline's --dry-run cost model, as `benchmarks/cost_constants.sh`
// measured them on 2026-12-06 on a 2-core AMD EPYC (Zen 4, AVX512-BF16, no AMX), Debian 12,
// LibTorch 1.13 (docs/results/cost-constants.md). The script prints them in this form: run it on
// another machine and paste its output here to re-calibrate.

namespace vmb::pipeline::cost {

// The solver, FCNVMB geometry (bench_solver --case fcnvmb): grid-point updates per second,
// counting the padded grid and the internal sub-steps.
constexpr double kSolverUpdatesPerSecond = 2.21e9;

// Drawing one generated model of 201 x 301 cells (vmb-genmodels, fcnvmb-salt and salt-basin
// alike), seconds; other grids scale with the cells drawn (the grid's times supersample^2).
constexpr double kModelSeconds201x301 = 0.002;

// One training step of FCNVMB on the paper's input [29, 400, 301] (bench_train, batch 4), seconds
// per sample: a part that does not depend on the width (element-wise work on the input and the
// output) plus a part growing as (width / 64)^2 (the convolutions). Other inputs scale with their
// area (time samples x receivers).
constexpr double kTrainFixedSecondsFp32 = 0.059;
constexpr double kTrainWidth64SecondsFp32 = 1.791;
constexpr double kTrainFixedSecondsBf16 = 0.053;
constexpr double kTrainWidth64SecondsBf16 = 1.163;

// Per sample and step, whatever the network: loading and the optimiser's bookkeeping, seconds.
constexpr double kStepOverheadSeconds = 0.002;

// Evaluation runs the forward pass only: about a third of a training step (the backward pass
// costs twice the forward).
constexpr double kEvaluationShareOfStep = 1.0 / 3.0;

}  // namespace vmb::pipeline::cost
