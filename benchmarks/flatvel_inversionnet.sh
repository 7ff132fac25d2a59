#!/usr/bin/env bash
# InversionNet on an OpenFWI FlatVel-A-style dataset made by the toolkit: `flat` models (70 x 70
# at 10 m, 2 to 5 layers, 1500 to 4500 m/s) simulated with OpenFWI's survey (5 shots, 70
# receivers, 1000 samples of 1 ms, 15 Hz), InversionNet at OpenFWI's width (32) trained on TRAIN
# models (seed 1) and evaluated on TEST others (seed 2). Prints wall times and the metrics in m/s
# and in OpenFWI's units: MAE and RMSE of velocities scaled to [-1, 1] by 1500 to 4500 m/s (the
# m/s figures over 1500), SSIM of velocities scaled to [0, 1].
#   benchmarks/flatvel_inversionnet.sh [build] [train models] [test models] [epochs] [work folder]
#                                      [batch size]
# The defaults (1000, 200, 10, batch 16) are the run of docs/results/networks-side-by-side.md.
# Without a work folder a temporary one is used and removed; with one, finished steps are kept.
set -euo pipefail
build=${1:-build}
train=${2:-1000}
test=${3:-200}
epochs=${4:-10}
work=${5:-}
batch=${6:-16}
if [ -z "$work" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
bin=$build/pipelines
timed() {  # timed LABEL COMMAND...: runs COMMAND and prints its wall time
  local label=$1 start end
  shift
  start=$(date +%s.%N)
  "$@"
  end=$(date +%s.%N)
  awk -v l="$label" -v a="$start" -v b="$end" 'BEGIN { printf "%-10s %7.0f s\n", l, b - a }'
}
for part in train test; do
  count=$train seed=1
  [ "$part" = test ] && count=$test seed=2
  if [ ! -d "$work/$part" ]; then
    "$bin/vmb-genmodels" --generator flat --count "$count" --seed "$seed" --out "$work/$part.h5"
    timed "simulate $part" "$bin/vmb-datagen" --models "$work/$part.h5" --out "$work/$part" \
      --survey openfwi --quiet
  fi
done
timed train "$bin/vmb-train" --network inversionnet --width 32 --train "$work/train" \
  --run "$work/run" --epochs "$epochs" --batch-size "$batch" --lr-schedule cosine --scale-labels \
  --standardise-data --quiet $([ -f "$work/run/checkpoint.pt" ] && echo --resume)
timed evaluate "$bin/vmb-eval" --checkpoint "$work/run/checkpoint.pt" --data "$work/test" \
  --out "$work/eval" --name flat --quiet
python3 - "$work/eval/metrics.json" "$train" "$test" "$epochs" "$batch" <<'PY'
import json, sys
metrics = json.load(open(sys.argv[1]))["mean"]
print(f"InversionNet (width 32), {sys.argv[2]} training models, {sys.argv[4]} epochs at batch "
      f"{sys.argv[5]}, {sys.argv[3]} test models:")
for name in ("network", "baseline"):
    m = metrics[name]
    label = "InversionNet" if name == "network" else "mean training model"
    print(f"  {label:20s} MAE {m['mae']:6.1f} m/s ({m['mae'] / 1500:.4f}), "
          f"RMSE {m['rmse']:6.1f} m/s ({m['rmse'] / 1500:.4f}), SSIM {m['ssim']:.4f}")
PY
