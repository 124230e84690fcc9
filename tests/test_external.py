"""Forecasts made outside chaosbench are exported for, scored and ranked.

Export → a numpy-only NVAR (``examples/foreign_forecast/nvar_numpy.py``) → score →
leaderboard, on the tiny suite; a missing file, a wrong shape and NaN are named.
"""

import importlib.util
import json
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
    with np.load(where / "data.npz") as data:
        assert data["train"].shape == (1000, 3)
        assert data["contexts_z"].shape == (manifest["n_test"], manifest["context"], 3)
        z = (data["train"] - np.asarray(manifest["mean"])) / np.asarray(manifest["std"])
        np.testing.assert_allclose(data["train_z"], z)
        np.testing.assert_allclose(data["train_z"].mean(axis=0), 0, atol=1e-12)
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
        board.loc["nvar_numpy-v1", "median_vpt_lyap"]
        > board.loc["persistence-v1", "median_vpt_lyap"]
    )


@pytest.mark.parametrize(
    "damage, message",
    [
        ("missing", "missing forecast file"),
        ("shape", "windows has shape"),
        ("nan", "contains NaN"),
    ],
)
def test_bad_forecast_files_are_named(exported, tmp_path, damage, message):
    import shutil

    copy = tmp_path / "export"
    shutil.copytree(exported, copy)
    example().forecast_export(copy)
    path = copy / "lorenz63-v1" / "limited" / "forecast_seed1.npz"
    with np.load(path) as npz:
        windows, long = npz["windows"], npz["long"]
    if damage == "missing":
        path.unlink()
    elif damage == "shape":
        np.savez(path, windows=windows[:, :-1], long=long)
    else:
        windows = windows.copy()
        windows[0, 3, 1] = np.nan
        np.savez(path, windows=windows, long=long)
    with pytest.raises(_external.ExternalForecastError, match=message) as caught:
        _external.score_directory(copy, "broken", tmp_path / "out")
    assert str(path) in str(caught.value)
    assert not (tmp_path / "out" / "cells").exists()  # nothing written
