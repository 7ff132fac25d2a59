"""Example 4: vmbkit from Python. Random salt models, their shot gathers, and one gather drawn.

    PYTHONPATH=build/python python3 examples/ex4_python.py [OUT_DIR] [small]

Writes into OUT_DIR (default ex4_python) the first model (model_0.h5) and its gathers
(gathers.h5), files every vmbkit tool reads, and gather.png when matplotlib is installed. `small`
runs a quarter-size version (the smoke test)."""

import os
import sys
import time

import numpy as np

import vmbkit

out = sys.argv[1] if len(sys.argv) > 1 else "ex4_python"
small = len(sys.argv) > 2 and sys.argv[2] == "small"
os.makedirs(out, exist_ok=True)

# 1. Three random salt models of the FCNVMB kind: model i depends on (seed, i) only.
nz, nx, dx = (51, 76, 40.0) if small else (201, 301, 10.0)
models = vmbkit.generate("fcnvmb-salt", 3, seed=7, nz=nz, nx=nx, spacing=dx)
print(f"1. models {models.shape} (m/s), {models.min():.0f} to {models.max():.0f}")

# 2. The survey vmb-simulate lays out by default: shots and receivers along the surface.
sources, receivers = vmbkit.survey(nx, dx, nshots=5 if small else 29)
print(f"2. {len(sources)} shots, {len(receivers)} receivers")

# 3. Simulate each model: gathers [nshots, nt, nrec], float32. The same inputs give bitwise the
# same gathers as vmb-simulate.
nt, dt = (500, 4e-3) if small else (2000, 1e-3)
f0 = 4.0 if small else 15.0
start = time.time()
gathers = [vmbkit.simulate(v, dx, sources, receivers, nt, dt, f0=f0) for v in models]
print(f"3. gathers {gathers[0].shape} per model in {(time.time() - start) / len(models):.2f} s")

# 4. Files the command-line tools read: the first model and its gathers.
vmbkit.write_model(os.path.join(out, "model_0.h5"), models[0], dx)
vmbkit.write_gathers(os.path.join(out, "gathers.h5"), gathers[0], dt, models[0], dx, sources,
                     receivers, f0=f0)
print(f"4. wrote {out}/model_0.h5 and {out}/gathers.h5")

# 5. The middle shot of the first model, drawn when matplotlib is installed.
try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("5. matplotlib is not installed: no picture")
    sys.exit(0)
shot = len(sources) // 2
g = gathers[0][shot]
clip = np.percentile(np.abs(g), 99)
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
image = left.imshow(models[0] / 1000, cmap="viridis", aspect="auto",
                    extent=[0, (nx - 1) * dx / 1000, (nz - 1) * dx / 1000, 0])
left.plot(sources[:, 0] / 1000, sources[:, 1] / 1000, "rv", markersize=4)
left.set(xlabel="distance (km)", ylabel="depth (km)", title="velocity model")
fig.colorbar(image, ax=left, label="velocity (km/s)")
right.imshow(g, cmap="gray", vmin=-clip, vmax=clip, aspect="auto",
             extent=[receivers[0, 0] / 1000, receivers[-1, 0] / 1000, (nt - 1) * dt, 0])
right.set(xlabel="receiver x (km)", ylabel="time (s)",
          title=f"shot {shot + 1} at x = {sources[shot, 0] / 1000:.2f} km")
fig.savefig(os.path.join(out, "gather.png"), dpi=100)
print(f"5. wrote {out}/gather.png")
