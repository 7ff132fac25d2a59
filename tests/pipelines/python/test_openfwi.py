"""OpenFWI compatibility: numpy.load reads what vmb-datagen --export-openfwi writes, in OpenFWI's
shapes and in sample order, and vmb-simulate and vmb-genmodels read the models numpy.save writes.

Run by ctest with VMB_TOOLS at the built binaries (and PYTHONPATH at the built module)."""

import glob
import os
import subprocess

import h5py
import numpy as np

import vmbkit

TOOLS = os.environ.get("VMB_TOOLS", "build/pipelines")


def tool(name, *args):
    return subprocess.run([os.path.join(TOOLS, name), *map(str, args)], check=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout


def test_export_is_what_numpy_load_reads(tmp_path):
    tool("vmb-genmodels", "--generator", "curved-fault", "--count", 5, "--seed", 9, "--quiet",
         "--out", tmp_path / "models.h5")
    tool("vmb-datagen", "--models", tmp_path / "models.h5", "--out", tmp_path / "ds",
         "--survey", "openfwi", "--shard-size", 2, "--quiet", "--export-openfwi",
         tmp_path / "openfwi", "--openfwi-file-size", 3)
    assert sorted(os.listdir(tmp_path / "openfwi")) == [
        "data1.npy", "data2.npy", "model1.npy", "model2.npy"]
    data = [np.load(tmp_path / "openfwi" / f"data{k}.npy") for k in (1, 2)]
    models = [np.load(tmp_path / "openfwi" / f"model{k}.npy", mmap_mode="r") for k in (1, 2)]
    assert [d.shape for d in data] == [(3, 5, 1000, 70), (2, 5, 1000, 70)]
    assert [m.shape for m in models] == [(3, 1, 70, 70), (2, 1, 70, 70)]
    assert all(a.dtype == np.float32 for a in data + models)
    shots, velocity = [], []
    for shard in sorted(glob.glob(str(tmp_path / "ds" / "shard_*.h5"))):
        with h5py.File(shard, "r") as f:
            shots.append(f["shots"][:])
            velocity.append(f["velocity"][:])
    np.testing.assert_array_equal(np.concatenate(data), np.concatenate(shots))
    np.testing.assert_array_equal(np.concatenate(models)[:, 0], np.concatenate(velocity))


def test_tools_read_numpy_models(tmp_path):
    rng = np.random.default_rng(3)
    stack = np.empty((4, 1, 70, 70), dtype=np.float32)
    for k in range(4):
        stack[k, 0] = np.linspace(1500, 4000, 70)[:, None] + rng.uniform(0, 50, (1, 70))
    np.save(tmp_path / "model1.npy", stack)
    np.save(tmp_path / "one.npy", stack[2, 0].astype(np.float64))  # float64 is read too
    for model, extra in (("model1.npy", ["--sample", 2]), ("one.npy", [])):
        tool("vmb-simulate", "--model", tmp_path / model, *extra, "--survey", "openfwi",
             "--nt", 400, "--quiet", "--out", tmp_path / "g.h5")
        record = vmbkit.read_gathers(tmp_path / "g.h5")
        np.testing.assert_array_equal(record["velocity"], stack[2, 0])
        assert record["gathers"].shape == (5, 400, 70)
        openfwi = vmbkit.acquisition_preset("openfwi")
        assert (openfwi["nshots"], openfwi["nrec"], openfwi["nt"]) == (5, 70, 1000)
        sources, receivers = vmbkit.survey(70, 10.0, nshots=openfwi["nshots"],
                                           nrec=openfwi["nrec"])
        expected = vmbkit.simulate(stack[2, 0], 10.0, sources, receivers, 400, openfwi["dt"],
                                   f0=openfwi["f0"])
        assert np.array_equal(record["gathers"], expected), model
    velocity, dx, _ = vmbkit.read_model(tmp_path / "model1.npy", dx=10.0, sample=3)
    np.testing.assert_array_equal(velocity, stack[3, 0])
    assert dx == 10.0
    tool("vmb-genmodels", "--import", tmp_path / "model1.npy", "--quiet", "--out",
         tmp_path / "set.h5")
    with h5py.File(tmp_path / "set.h5", "r") as f:
        np.testing.assert_array_equal(f["velocity"][:], stack[:, 0])
    # A stack without a sample is an error naming the file and what to do.
    result = subprocess.run([os.path.join(TOOLS, "vmb-simulate"), "--model",
                             str(tmp_path / "model1.npy"), "--out", str(tmp_path / "x.h5")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert result.returncode == 1
    assert result.stdout.strip().endswith("holds 4 models of 70 x 70; choose one (--sample)")
