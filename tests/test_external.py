"""Forecasts made outside chaosbench are exported for, scored and ranked.

Export → a numpy-only NVAR (``examples/foreign_forecast/nvar_numpy.py``) → score →
leaderboard, on the tiny suite. Every damaged input (a missing, truncated or corrupt
archive, wrong array names, dtype or shape, NaN, a missing or damaged manifest) exits 2
with one line naming the file and the fix; scoring again under a name replaces its rows.
"""

import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import reliability_helpers
from reliability_helpers import SUITES

from chaosbench.cli._cli import main
from chaosbench.harness import _external
from chaosbench.reporting import _leaderboard

plugins = pytest.fixture(scope="module")(reliability_helpers.plugins)
EXAMPLE = Path(__file__).parents[1] / "examples" / "foreign_forecast" / "nvar_numpy.py"


def example():
    spec = importlib.util.spec_from_file_location("nvar_numpy_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def exported(plugins, tmp_path_factory):
    directory = tmp_path_factory.mktemp("export")
    assert main(["export", "--suite", "tiny", "--out", str(directory)]) == 0
    return directory


def test_export_writes_the_documented_layout(exported):
    top = json.loads((exported / "manifest.json").read_text())
    assert [e["path"] for e in top["entries"]] == ["lorenz63-v1/limited"]
    where = exported / "lorenz63-v1" / "limited"
    manifest = json.loads((where / "manifest.json").read_text())
    trains = []
    for seed, exported_seed in enumerate(manifest["datasets"]):
        assert exported_seed["seed"] == seed and exported_seed["file"] == f"data_seed{seed}.npz"
        with np.load(where / exported_seed["file"]) as data:
            assert data["train"].shape == (1000, 3)
            assert data["contexts_z"].shape == (manifest["n_test"], manifest["context"], 3)
            mean, std = np.asarray(exported_seed["mean"]), np.asarray(exported_seed["std"])
            np.testing.assert_allclose(data["train_z"], (data["train"] - mean) / std)
            np.testing.assert_allclose(data["train_z"].mean(axis=0), 0, atol=1e-12)
            trains.append(data["train"])
    assert len(trains) == SUITES["tiny"].seeds  # a dataset per seed (protocol v5)
    assert not np.array_equal(trains[0], trains[1])
    assert manifest["protocol_version"] == SUITES["tiny"].protocol.version
    assert manifest["dt"] > 0 and manifest["max_lyapunov"] == pytest.approx(0.902, abs=0.01)


def test_export_predict_score_leaderboard(exported, tmp_path, capsys):
    assert example().forecast_export(exported) == SUITES["tiny"].seeds
    out = tmp_path / "results"
    assert main(["run", "--suite", "tiny", "--out", str(out), "--no-progress"]) == 0
    code = main(
        [
            "score",
            str(exported),
            "--name",
            "nvar_numpy",
            "--out",
            str(out),
            "--description",
            "numpy NVAR",
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert main(["leaderboard", "--out", str(out)]) == 0
    board = pd.read_csv(out / "leaderboard.csv").set_index("forecaster")
    assert {"nvar_numpy-v1", "persistence-v1", "climatology-v1"} <= set(board.index)
    rows = _leaderboard.load_rows(out)
    external = rows[rows["forecaster"] == "nvar_numpy-v1"]
    assert len(external) == 2 and external["external"].all()
    assert json.loads(external["hyperparameters"].iloc[0])["description"] == "numpy NVAR"
    # a model of the right kind beats persistence on the windows
    assert (
        board.loc["nvar_numpy-v1", "vpt_lyap_median"]
        > board.loc["persistence-v1", "vpt_lyap_median"]
    )


def _forecast_copy(exported, tmp_path):
    """A copy of the export with the example's forecasts written into it."""
    copy = tmp_path / "export"
    shutil.copytree(exported, copy)
    example().forecast_export(copy)
    return copy


FORECAST = Path("lorenz63-v1", "limited", "forecast_seed1.npz")


def _damage(copy: Path, damage: str) -> Path:
    """Damage the export ``copy`` as ``damage`` says; returns the file the message names."""
    path = copy / FORECAST
    raw = path.read_bytes()
    with np.load(path) as npz:
        windows, long = npz["windows"], npz["long"]
    if damage == "missing":
        path.unlink()
    elif damage == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif damage == "corrupt":  # a zip whose member's bytes were overwritten
        middle = len(raw) // 2
        path.write_bytes(raw[:middle] + bytes(64) + raw[middle + 64 :])
    elif damage == "not_an_archive":
        path.write_text("windows, long\n1, 2\n")
    elif damage == "names":
        np.savez(path, forecast=windows, long=long)
    elif damage == "dtype":
        np.savez(path, windows=windows.astype(np.int64), long=long)
    elif damage == "complex":
        np.savez(path, windows=windows + 0j, long=long)
    elif damage == "shape":
        np.savez(path, windows=windows[:, :-1], long=long)
    elif damage == "nan":
        windows = windows.copy()
        windows[0, 3, 1] = np.nan
        np.savez(path, windows=windows, long=long)
    elif damage == "no_manifest":
        path = copy / "lorenz63-v1" / "limited" / "manifest.json"
        path.unlink()
    elif damage == "bad_manifest":
        path = copy / "lorenz63-v1" / "limited" / "manifest.json"
        path.write_text(path.read_text()[:40])
    elif damage == "manifest_keys":
        path = copy / "lorenz63-v1" / "limited" / "manifest.json"
        manifest = json.loads(path.read_text())
        del manifest["horizon"]
        path.write_text(json.dumps(manifest))
    elif damage == "no_top_manifest":
        path = copy / "manifest.json"
        path.unlink()
    return path


@pytest.mark.parametrize(
    "damage, message",
    [
        ("missing", "missing forecast file"),
        ("truncated", "not an .npz archive"),
        ("corrupt", "damaged .npz archive"),
        ("not_an_archive", "not an .npz archive"),
        ("names", "holds the arrays ['forecast', 'long']; it needs the arrays windows and long"),
        ("dtype", "windows has dtype int64; write floating-point states"),
        ("complex", "windows has dtype complex128"),
        ("shape", "windows has shape"),
        ("nan", "contains NaN"),
        ("no_manifest", "missing manifest"),
        ("bad_manifest", "not a readable manifest"),
        ("manifest_keys", "lacks horizon"),
        ("no_top_manifest", "missing manifest"),
    ],
)
def test_bad_forecast_files_exit_2_with_one_line_naming_the_file_and_the_fix(
    exported, tmp_path, capsys, damage, message
):
    copy = _forecast_copy(exported, tmp_path)
    path = _damage(copy, damage)
    capsys.readouterr()
    out = tmp_path / "out"
    assert main(["score", str(copy), "--name", "broken", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err  # one line
    assert err.startswith("chaosbench: ") and str(path) in err and message in err, err
    fix = ("np.savez", "chaosbench export", "write ±inf", "write floating", "(n_test, horizon")
    assert any(f in err for f in fix), err
    assert not (out / "cells").exists()  # nothing written
    # the API raises the same message as ExternalForecastError
    with pytest.raises(_external.ExternalForecastError) as caught:
        _external.score_directory(copy, "broken", out)
    assert f"chaosbench: {caught.value}\n" == err


def test_scoring_again_replaces_the_earlier_rows(exported, tmp_path, capsys):
    copy = _forecast_copy(exported, tmp_path)
    out = tmp_path / "results"
    assert main(["run", "--suite", "tiny", "--out", str(out), "--no-progress"]) == 0
    assert main(["score", str(copy), "--name", "nvar_numpy", "--out", str(out)]) == 0
    first = {p.name for p in (out / "cells").glob("*.json")}
    # the same forecasts again: the same run ids, nothing moved
    assert main(["score", str(copy), "--name", "nvar_numpy", "--out", str(out)]) == 0
    assert {p.name for p in (out / "cells").glob("*.json")} == first
    assert "moved" not in capsys.readouterr().out
    # new forecasts under the same name: the two old rows move to superseded/
    for seed in range(SUITES["tiny"].seeds):
        path = copy / "lorenz63-v1" / "limited" / f"forecast_seed{seed}.npz"
        with np.load(path) as npz:
            np.savez(path, windows=npz["windows"][:, ::-1], long=npz["long"])
    assert main(["score", str(copy), "--name", "nvar_numpy", "--out", str(out)]) == 0
    assert "moved 2 rows of an earlier scoring of nvar_numpy-v1" in capsys.readouterr().out
    assert len(list((out / "superseded").glob("*.json"))) == 2
    rows = _leaderboard.load_rows(out)  # no duplicate rows refused
    external = rows[rows["forecaster"] == "nvar_numpy-v1"]
    assert len(external) == 2 and external["external"].all()
    assert not set(external["run_id"] + ".json") & first
    assert main(["leaderboard", "--out", str(out)]) == 0


@pytest.mark.parametrize("name", ["persistence", "esn-v1", "Not A Name"])
def test_a_name_that_is_taken_or_malformed_is_refused(exported, tmp_path, capsys, name):
    assert main(["score", str(exported), "--name", name, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ("registered forecaster" in err or "malformed id" in err)
