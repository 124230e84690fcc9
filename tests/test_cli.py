"""The command line: list, describe, run and leaderboard, end to end on a tiny suite."""

import json

import pandas as pd
import pytest
import reliability_helpers

from chaosbench.cli._cli import main
from chaosbench.harness import _suite


def test_list_names_the_registered_systems_forecasters_and_metrics(capsys):
    assert main(["list", "systems"]) == 0
    ids = capsys.readouterr().out.split()
    assert "lorenz63-v1" in ids and "rossler-v1" in ids
    assert main(["list", "forecasters"]) == 0
    assert "esn-v4" in capsys.readouterr().out.split()
    assert main(["list", "metrics"]) == 0
    assert "vpt_lyap-v1" in capsys.readouterr().out.split()


def test_list_systems_of_a_family(capsys):
    assert main(["list", "systems", "--family", "rossler_like"]) == 0
    assert capsys.readouterr().out.split() == ["hyper_rossler-v1", "rossler-v1"]
    assert main(["list", "systems", "--family", "lorenz"]) == 2
    assert "known families: cell_biology" in capsys.readouterr().err


def test_describe_json_gives_the_systems_facts(capsys):
    assert main(["describe", "Lorenz", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    for key in (
        "id",
        "aliases",
        "family",
        "dimension",
        "parameters",
        "lyapunov_spectrum",
        "max_lyapunov",
        "lyapunov_time",
        "period",
        "dt",
    ):
        assert key in info
    assert info["id"] == "lorenz63-v1" and info["dimension"] == 3
    assert info["family"] == "lorenz_like"
    assert info["max_lyapunov"] == pytest.approx(0.9056, rel=0.01)
    assert info["dt"] == pytest.approx(info["period"] / 100)


def test_unknown_ids_exit_nonzero(capsys):
    assert main(["describe", "lorenz36"]) == 2
    assert "lorenz63" in capsys.readouterr().err
    assert main(["run", "--suite", "nope"]) == 2
    assert "known suites" in capsys.readouterr().err
    assert main(["run", "--suite", "smoke", "--seeds", "-1"]) == 2


@pytest.fixture
def tiny_suite(monkeypatch):
    suite = reliability_helpers.tiny_suite()  # the one tiny suite the tests share
    monkeypatch.setitem(_suite.SUITES, "tiny", suite)
    return suite


def test_run_writes_every_cell_leaderboard_ranks_them_rerun_skips_them(
    tmp_path, tiny_suite, capsys
):
    out = tmp_path / "results"
    assert main(["run", "--suite", "tiny", "--out", str(out), "--no-progress"]) == 0
    assert len(list((out / "cells").glob("*.json"))) == 4
    assert main(["leaderboard", "--out", str(out)]) == 0
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 4
    for column in (
        "system",
        "forecaster",
        "system_version",
        "forecaster_version",
        "seed",
        "task",
        "vpt_lyap",
        "nrmse_h1",
        "smape_h1",
        "d_stsp",
        "d_h",
        "fit_seconds",
        "forecast_seconds",
        "status",
        "git_commit",
        "suite_hash",
    ):
        assert column in runs.columns, column
    board = pd.read_csv(out / "leaderboard.csv")
    assert set(board.forecaster) == {"persistence-v1", "climatology-v1"}
    by_system = pd.read_csv(out / "by_system.csv")
    assert (by_system.seeds == 2).all()
    # a second run skips every finished cell
    assert main(["run", "--suite", "tiny", "--out", str(out), "--no-progress"]) == 0
    assert "skipping 4 finished cells" in capsys.readouterr().out


def test_failing_forecaster_is_recorded_and_run_goes_on(tmp_path, tiny_suite, monkeypatch):
    import chaosbench as cb
    from chaosbench.forecasters._baselines import Persistence

    def broken_fit(self, key, train):
        raise RuntimeError("boom")

    monkeypatch.setattr(Persistence, "fit", broken_fit)
    out = tmp_path / "results"
    assert main(["run", "--suite", "tiny", "--out", str(out), "--no-progress"]) == 1
    main(["leaderboard", "--out", str(out)])
    runs = pd.read_csv(out / "runs.csv")
    failed = runs[runs.forecaster == "persistence-v1"]
    assert (failed.status == "error").all() and failed.error.str.contains("boom").all()
    assert (failed.vpt_lyap == 0).all()
    assert (runs[runs.forecaster == "climatology-v1"].status == "ok").all()
    del cb
