"""The Python module vmbkit against the command-line tools that share its library: the same
inputs give bitwise the same gathers as vmb-simulate, the same models as vmb-genmodels, and
Dataset reads what vmb-datagen wrote (checked against h5py reading the shards directly). Bad
input raises ValueError or OSError with the library's one-line message.

Run by ctest with PYTHONPATH at the built module and VMB_TOOLS at the built binaries."""

import os
import subprocess

import numpy as np
import pytest

import vmbkit

TOOLS = os.environ.get("VMB_TOOLS", "build/pipelines")


def tool(name, *args):
    subprocess.run([os.path.join(TOOLS, name), *map(str, args)], check=True,
                   stdout=subprocess.DEVNULL)


def small_model():
    """A 40 x 60 model at 10 m: two layers and a faster lens."""
    v = np.full((40, 60), 1800.0, dtype=np.float32)
    v[20:, :] = 2600.0
    z, x = np.mgrid[0:40, 0:60]
    v[(z - 28) ** 2 + (x - 35) ** 2 < 36] = 3200.0
    return v


def test_simulate_matches_vmb_simulate_bitwise(tmp_path):
    velocity = small_model()
    vmbkit.write_model(tmp_path / "model.h5", velocity, 10.0)
    tool("vmb-simulate", "--model", tmp_path / "model.h5", "--out", tmp_path / "g.h5",
         "--nshots", 3, "--nrec", 25, "--nt", 300, "--dt", 1e-3, "--f0", 20, "--order", 6,
         "--pml", 15, "--quiet")
    record = vmbkit.read_gathers(tmp_path / "g.h5")
    assert record["gathers"].shape == (3, 300, 25)
    assert record["dt"] == 1e-3 and record["f0"] == 20 and record["order"] == 6
    np.testing.assert_array_equal(record["velocity"], velocity)
    # The file keeps positions in float32; the survey itself is vmb-simulate's, in float64.
    sources, receivers = vmbkit.survey(60, 10.0, nshots=3, nrec=25)
    np.testing.assert_allclose(record["sources"], sources, rtol=1e-7)
    np.testing.assert_allclose(record["receivers"], receivers, rtol=1e-7)
    for threads in (1, 2):
        gathers = vmbkit.simulate(velocity, 10.0, sources, receivers, 300, 1e-3, f0=20.0,
                                  order=6, pml=15, threads=threads)
        assert gathers.dtype == np.float32 and gathers.flags["C_CONTIGUOUS"]
        assert np.array_equal(gathers, record["gathers"]), threads
    # The wavelet given explicitly is vmb-simulate's Ricker: the same gathers again.
    same = vmbkit.simulate(velocity, 10.0, sources, receivers, 300, 1e-3,
                           wavelet=vmbkit.ricker(20.0, 300, 1e-3), order=6, pml=15)
    assert np.array_equal(same, record["gathers"])
    np.testing.assert_array_equal(record["wavelet"], vmbkit.ricker(20.0, 300, 1e-3))


def test_gathers_and_models_round_trip(tmp_path):
    velocity = small_model()
    sources = np.array([[100.0, 10.0], [450.0, 10.0]])
    receivers = np.stack([np.linspace(0, 590, 12), np.full(12, 10.0)], axis=1)
    gathers = vmbkit.simulate(velocity, 10.0, sources, receivers, 200, 1e-3)
    vmbkit.write_gathers(tmp_path / "g.h5", gathers, 1e-3, velocity, 10.0, sources, receivers)
    back = vmbkit.read_gathers(tmp_path / "g.h5")
    assert np.array_equal(back["gathers"], gathers)
    np.testing.assert_allclose(back["sources"], sources, rtol=1e-7)  # float32 in the file
    np.testing.assert_allclose(back["receivers"], receivers, rtol=1e-7)
    for name in ("model.h5", "model.segy", "model.mat"):
        vmbkit.write_model(tmp_path / name, velocity, 10.0)
        v, dx, dz = vmbkit.read_model(tmp_path / name, dx=10.0 if name.endswith(".mat") else 0.0)
        assert np.array_equal(v, velocity) and (dx, dz) == (10.0, 10.0), name


def test_generate_matches_vmb_genmodels(tmp_path):
    tool("vmb-genmodels", "--generator", "curved", "--count", 4, "--seed", 11, "--nz", 30,
         "--nx", 40, "--out", tmp_path / "models.h5", "--quiet")
    h5py = pytest.importorskip("h5py")
    with h5py.File(tmp_path / "models.h5", "r") as f:
        stored = f["velocity"][...]
    models = vmbkit.generate("curved", 4, 11, nz=30, nx=40)
    assert models.shape == (4, 30, 40) and models.dtype == np.float32
    assert np.array_equal(models, stored)
    # Model i depends on (seed, i) only.
    assert np.array_equal(vmbkit.generate("curved", 1, 11, first=2, nz=30, nx=40)[0], models[2])
    assert "vmin" in vmbkit.default_parameters("curved")


def test_dataset_reads_what_vmb_datagen_wrote(tmp_path):
    tool("vmb-genmodels", "--generator", "flat", "--count", 5, "--seed", 3, "--nz", 24,
         "--nx", 32, "--out", tmp_path / "models.h5", "--quiet")
    tool("vmb-datagen", "--models", tmp_path / "models.h5", "--out", tmp_path / "data",
         "--shard-size", 2, "--nshots", 2, "--nt", 150, "--quiet")
    data = vmbkit.Dataset(str(tmp_path / "data"))
    assert len(data) == 5
    assert (data.nshots, data.nt, data.nrec, data.nz, data.nx) == (2, 150, 32, 24, 32)
    h5py = pytest.importorskip("h5py")
    models = vmbkit.generate("flat", 5, 3, nz=24, nx=32)
    for i in range(5):
        gathers, velocity = data[i]
        assert gathers.shape == (2, 150, 32) and velocity.shape == (24, 32)
        assert np.array_equal(velocity, models[i])
        with h5py.File(tmp_path / "data" / ("shard_%05d.h5" % (i // 2)), "r") as f:
            assert np.array_equal(gathers, f["shots"][i % 2])
    assert np.array_equal(data[-1][1], data[4][1])
    with pytest.raises(IndexError):
        data[5]
    torch = pytest.importorskip("torch")
    loader = torch.utils.data.DataLoader(data, batch_size=2)
    shots, velocities = next(iter(loader))
    assert tuple(shots.shape) == (2, 2, 150, 32) and tuple(velocities.shape) == (2, 24, 32)


def test_gradient_is_the_misfits_derivative():
    truth = small_model()
    start = truth.copy()
    start[(np.mgrid[0:40, 0:60][0] - 28) ** 2 + (np.mgrid[0:40, 0:60][1] - 35) ** 2 < 36] = 2600
    sources = np.array([[150.0, 10.0], [450.0, 10.0]])
    receivers = np.stack([np.linspace(0, 590, 30), np.full(30, 10.0)], axis=1)
    kw = dict(f0=15.0, pml=12, max_velocity=3300.0)
    observed = vmbkit.simulate(truth, 10.0, sources, receivers, 400, 1e-3, f0=15.0, pml=12)
    # At the true model the misfit is zero but for rounding (a fixed max_velocity damps the
    # absorbing layers a little differently from simulate's own).
    zero, _ = vmbkit.misfit_gradient(truth, 10.0, sources, receivers, observed, 1e-3, **kw)
    assert zero < 1e-9 * np.sum(observed.astype(np.float64) ** 2)
    misfit, gradient = vmbkit.misfit_gradient(start, 10.0, sources, receivers, observed, 1e-3,
                                              **kw)
    assert gradient.shape == (40, 60) and gradient.dtype == np.float64 and misfit > 0
    # Along the steepest descent, J changes at the rate the gradient says (central differences).
    direction = np.round(-100.0 * gradient / np.abs(gradient).max()).astype(np.float32)
    h = 0.05
    ahead, _ = vmbkit.misfit_gradient(start + h * direction, 10.0, sources, receivers, observed,
                                      1e-3, **kw)
    behind, _ = vmbkit.misfit_gradient(start - h * direction, 10.0, sources, receivers, observed,
                                       1e-3, **kw)
    predicted = h * np.sum(gradient * direction)
    assert predicted < 0
    assert abs((ahead - behind) / 2 - predicted) < 0.01 * abs(predicted)


def test_bad_input_raises_with_one_line():
    v = small_model()
    src = np.array([[100.0, 10.0]])
    rec = np.array([[200.0, 10.0], [300.0, 10.0]])
    cases = [
        (ValueError, lambda: vmbkit.simulate(v[0], 10.0, src, rec, 100, 1e-3)),
        (ValueError, lambda: vmbkit.simulate(v, -10.0, src, rec, 100, 1e-3)),
        (ValueError, lambda: vmbkit.simulate(np.where(v > 3000, np.nan, v), 10.0, src, rec, 100,
                                             1e-3)),
        (ValueError, lambda: vmbkit.simulate(v, 10.0, src[:, :1], rec, 100, 1e-3)),
        (ValueError, lambda: vmbkit.simulate(v, 10.0, src, rec, 100, 1e-3, order=5)),
        (ValueError, lambda: vmbkit.simulate(v, 10.0, src, rec, 100, 1e-3,
                                             wavelet=np.ones(99, np.float32))),
        (ValueError, lambda: vmbkit.simulate(v, 10.0, np.array([[9000.0, 10.0]]), rec, 100,
                                             1e-3)),
        (ValueError, lambda: vmbkit.misfit_gradient(v, 10.0, src, rec, np.zeros((1, 100, 3)),
                                                    1e-3)),
        (ValueError, lambda: vmbkit.generate("no-such-generator", 1, 1)),
        (ValueError, lambda: vmbkit.generate("flat", 1, 1, no_such_parameter=1.0)),
        (ValueError, lambda: vmbkit.generate("flat", -1, 1)),
        (OSError, lambda: vmbkit.read_model("/no/such/model.h5")),
        (OSError, lambda: vmbkit.read_gathers("/no/such/gathers.h5")),
        (OSError, lambda: vmbkit.Dataset("/no/such/dataset")),
    ]
    for kind, call in cases:
        with pytest.raises(kind) as info:
            call()
        message = str(info.value)
        assert message and "\n" not in message, message
