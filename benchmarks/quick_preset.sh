#!/usr/bin/env bash
# The quick preset end to end: wall time and the metrics of the fine-tuned network against the
# mean-model baseline on both test sets (from report.json).
#   benchmarks/quick_preset.sh [build folder]
set -euo pipefail
build=${1:-build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$(date +%s.%N)
"$build/pipelines/vmb-pipeline" --run.folder "$work/run" --quiet
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" 'BEGIN { printf "quick preset: %.0f s wall time\n", b - a }'
python3 - "$work/run/report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
for name, m in report["metrics"].items():
    n, b = m["network"], m["baseline"]
    print(f"{name}: SSIM {n['ssim']:.4f} vs mean model {b['ssim']:.4f} (margin {n['ssim'] - b['ssim']:+.4f}); "
          f"MAE {n['mae']:.0f} vs {b['mae']:.0f} m/s; paper PSNR {n['paper_psnr']:.2f} vs {b['paper_psnr']:.2f} dB; "
          f"paper SSIM {n['paper_ssim']:.4f} vs {b['paper_ssim']:.4f}")
for stage, seconds in report["stage_seconds"].items():
    print(f"  {stage:22s} {seconds:8.1f} s")
PY
