#!/usr/bin/env bash
# Measures the constants of vmb-pipeline's --dry-run cost model on this machine and prints them
# as pipelines/pipeline/cost.hpp spells them (paste them there to re-calibrate). Run it with
# nothing else running; about 3 minutes on 2 cores.
#
#   benchmarks/cost_constants.sh [BUILD]    (default build)
set -euo pipefail
build=${1:-build}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The solver at the FCNVMB geometry, best of 3 (the last field but two: "2.75 G updates/s").
updates=$("$build/benchmarks/bench_solver" --case fcnvmb --repeat 3 |
  awk '/G updates\/s/ { print $(NF - 2) }')

# Drawing models: 50 of each generator the pipeline draws most, 201 x 301.
start=$(date +%s.%N)
for generator in fcnvmb-salt salt-basin; do
  "$build/pipelines/vmb-genmodels" --generator "$generator" --count 50 --seed 1 \
    --out "$scratch/$generator.h5" 2>/dev/null
done
model_seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", (b - a) / 100 }')

# Training steps at widths 16 and 64, batch 4: seconds per sample = fixed + width64 (w / 64)^2.
step() {  # width precision
  "$build/benchmarks/bench_train" --width "$1" --precisions "$2" --batch-sizes 4 --steps 2 \
    --peer none --loader-samples 0 | awk -v p="$2" '$1 == 4 && $2 == p { print $4 }'
}
fit() {  # precision -> "fixed width64"
  local s16 s64
  s16=$(step 16 "$1")
  s64=$(step 64 "$1")
  awk -v s16="$s16" -v s64="$s64" \
    'BEGIN { wide = (s64 - s16) / (1 - 1 / 16); printf "%.3f %.3f\n", s64 - wide, wide }'
}
read -r fixed32 wide32 < <(fit fp32)
summary=$("$build/pipelines/vmb-train" --summary)
if [[ $summary == *"auto: bf16"* ]]; then
  read -r fixed_bf16 wide_bf16 < <(fit bf16)
else
  fixed_bf16=$fixed32 wide_bf16=$wide32  # no bf16 units: --precision auto trains in fp32
fi

cat <<OUT
// Measured $(date -u +%Y-%m-%d) on $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores.
constexpr double kSolverUpdatesPerSecond = ${updates}e9;
constexpr double kModelSeconds201x301 = $model_seconds;
constexpr double kTrainFixedSecondsFp32 = $fixed32;
constexpr double kTrainWidth64SecondsFp32 = $wide32;
constexpr double kTrainFixedSecondsBf16 = $fixed_bf16;
constexpr double kTrainWidth64SecondsBf16 = $wide_bf16;
OUT
