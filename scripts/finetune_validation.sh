#!/usr/bin/env bash
# Scores a pipeline run's fine-tuned network on validation sets generated here (never on a test
# set): 40 seg-like and 40 salt-basin models drawn with seed 101 (the pipeline's sets use seeds
# run.seed + 0..3), on the quick preset's grid and survey, so that settings such as
# finetune.generators are chosen without looking at any test set (docs/geology.md).
#   scripts/finetune_validation.sh RUN_FOLDER [BUILD]
set -euo pipefail
run="${1:?usage: scripts/finetune_validation.sh RUN_FOLDER [BUILD]}"
build="${2:-build}"
out="$run/validation"
mkdir -p "$out"
grid=(--nz 51 --nx 77 --dx 40 --supersample 4)
"$build/pipelines/vmb-genmodels" --quiet --generator seg-like --count 40 --seed 101 "${grid[@]}" \
  --water-min 1 --water-max 1 --layers-min 8 --layers-max 15 --fold-relief-max 8 \
  --fault-throw-max 4 --roughness-length 1.25 --water-roughness 0.0625 \
  --salt-rim-roughness 0.175 --out "$out/seg-like.h5"
"$build/pipelines/vmb-genmodels" --quiet --generator salt-basin --count 40 --seed 101 "${grid[@]}" \
  --out "$out/salt-basin.h5"
for set in seg-like salt-basin; do
  rm -rf "$out/data-$set" "$out/eval-$set"
  "$build/pipelines/vmb-datagen" --quiet --models "$out/$set.h5" --out "$out/data-$set" \
    --nshots 16 --nt 500 --dt 0.004 --f0 4 --order 8 --pml 20 --decimation fcnvmb \
    --decimation-factor 5 --decimation-offset 2
  "$build/pipelines/vmb-eval" --quiet --checkpoint "$run/train/finetune/checkpoint.pt" \
    --data "$out/data-$set" --out "$out/eval-$set" --name "validation $set" > /dev/null
  python3 - "$out/eval-$set/metrics.csv" "$set" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
mean = lambda k: statistics.fmean(float(r[k]) for r in rows)
print(f"{sys.argv[2]:>10}: SSIM {mean('ssim'):.3f} (mean model {mean('baseline_ssim'):.3f}), "
      f"MAE {mean('mae'):.0f} m/s (mean model {mean('baseline_mae'):.0f})")
PY
done
