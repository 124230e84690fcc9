"""``chaosbench verify``: a sample of a results folder recomputed here agrees bit for bit
with what was committed, the folder is left alone, and a tampered or stale row fails."""

import hashlib
import json
import math
import shutil

import pandas as pd
import pytest
import reliability_helpers

from chaosbench.cli._cli import main
from chaosbench.harness import _suite, _verify, _verify_compare
from chaosbench.numerics._rows import registered_metrics
from chaosbench.reporting._leaderboard import FLOAT_FORMAT

NAME = "tiny-verify"
same = _verify_compare.same_value  # bit for bit, NaN equal to NaN


@pytest.fixture(scope="module")
def committed(tmp_path_factory):
    """A results folder of persistence and linear_ar (both exact), 2 seeds, on lorenz63,
    with its tables; the tiny suite is known by name while the module runs."""
    suite = reliability_helpers.tiny_suite(NAME, forecasters=("persistence", "linear_ar"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(_suite.SUITES, NAME, suite)
        out = tmp_path_factory.mktemp("committed") / "results"
        assert main(["run", "--suite", NAME, "--out", str(out), "--no-progress"]) == 0
        assert main(["leaderboard", "--out", str(out)]) == 0
        yield out


def _hashes(folder):
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _copy(committed, tmp_path):
    out = tmp_path / "results"
    shutil.copytree(committed, out)
    return out


def _verify_cli(out, scratch, *extra):
    return main(["verify", "--out", str(out), "--scratch", str(scratch), *extra])


def test_a_rerun_agrees_bit_for_bit_and_leaves_the_results_folder_alone(
    committed, tmp_path, capsys
):
    before = _hashes(committed)
    assert _verify_cli(committed, tmp_path / "scratch", "--sample", "4") == 0
    printed = capsys.readouterr().out
    assert "verified: every sampled row reproduces" in printed
    assert "bit for bit" in printed
    assert _hashes(committed) == before
    found = pd.read_csv(tmp_path / "scratch" / "verify.csv")
    assert found.run_id.nunique() == 4
    assert set(found.forecaster) == {"persistence-v1", "linear_ar-v2"}
    assert (found.verdict == "identical").all()
    committed_rows = reliability_helpers.read_rows(committed)
    for row in found.itertuples():  # verify.csv keeps every bit
        assert same(row.committed, committed_rows[row.run_id][row.metric])
    scores = {m.column for m in registered_metrics()}
    scores |= {m.normalised_column for m in registered_metrics() if m.floor}
    assert set(found.metric) == scores


def test_rows_read_from_runs_csv_agree_to_the_digits_it_keeps(committed, tmp_path, capsys):
    out = _copy(committed, tmp_path)
    shutil.rmtree(out / "cells")  # results/default commits runs.csv, not its cells
    assert _verify_cli(out, tmp_path / "scratch", "--sample", "2", "--seed", "3") == 0
    assert f"to the {FLOAT_FORMAT} precision runs.csv keeps" in capsys.readouterr().out
    assert _verify.CSV_FLOAT_FORMAT == FLOAT_FORMAT  # verify rounds as the leaderboard writes


def _linear_ar_seed1(out):
    (path,) = [
        p
        for p in (out / "cells").glob("*.json")
        if (row := json.loads(p.read_text()))["forecaster"] == "linear_ar-v2" and row["seed"] == 1
    ]
    return path, json.loads(path.read_text())


def test_a_tampered_metric_fails_and_names_the_cell(committed, tmp_path, capsys):
    out = _copy(committed, tmp_path)
    path, row = _linear_ar_seed1(out)
    row["nrmse_h1"] = math.nextafter(row["nrmse_h1"], math.inf)  # one bit off
    path.write_text(json.dumps(row))
    assert _verify_cli(out, tmp_path / "scratch", "--forecasters", "linear_ar") == 1
    printed = capsys.readouterr().out
    assert "NOT verified" in printed
    assert "lorenz63-v1 × linear_ar-v2 (limited, seed 1) nrmse_h1" in printed
    found = pd.read_csv(tmp_path / "scratch" / "verify.csv")
    assert set(found.forecaster) == {"linear_ar-v2"}
    beyond = found[found.verdict != "identical"]
    assert list(zip(beyond.seed, beyond.metric)) == [(1, "nrmse_h1")]


def test_a_row_not_in_todays_plan_is_stale_and_fails(committed, tmp_path, capsys):
    out = _copy(committed, tmp_path)
    path, row = _linear_ar_seed1(out)
    row["run_id"], row["git_commit"] = "0123456789abcdef", "abc123def456"
    path.unlink()
    (out / "cells" / "0123456789abcdef.json").write_text(json.dumps(row))
    assert _verify_cli(out, tmp_path / "scratch", "--sample", "4") == 1
    printed = capsys.readouterr().out
    assert (
        "lorenz63-v1 × linear_ar-v2 (limited, seed 1): stale: made by code other than this "
        "checkout's (commit abc123def456: the code of linear_ar-v2 or of lorenz63-v1 (or its "
        "facts) differs)" in printed
    )
    assert "git checkout abc123def456" in printed


def test_rows_of_a_forecaster_that_cannot_run_here_are_not_sampled_and_named(
    committed, tmp_path, capsys, monkeypatch
):
    """A pretrained model whose weights file is not on this machine (here persistence,
    told so) is not sampled and is named with the fix; the verdict is over the others.
    Asked for alone, it is refused with the reason, not reported stale."""
    from chaosbench.forecasters._baselines import Persistence

    why = "its weights file is not here; set CHAOSBENCH_X_WEIGHTS to the file"
    monkeypatch.setattr(Persistence, "unavailable", lambda self: why)
    assert _verify_cli(committed, tmp_path / "scratch", "--sample", "4") == 0
    printed = capsys.readouterr().out
    assert (
        f"Not sampled: the 2 rows of persistence-v1, which cannot run on this machine: {why}."
        in printed
    )
    assert "verified: every sampled row (of the forecasters that run here) reproduces" in printed
    found = pd.read_csv(tmp_path / "scratch" / "verify.csv")
    assert set(found.forecaster) == {"linear_ar-v2"} and found.run_id.nunique() == 2
    assert "stale:" not in printed
    scratch = tmp_path / "alone"
    assert _verify_cli(committed, scratch, "--forecasters", "persistence") == 2
    assert f"persistence-v1 cannot run on this machine: {why}" in capsys.readouterr().err


def test_the_scratch_directory_is_never_the_results_folder(committed, capsys):
    assert _verify_cli(committed, committed / "scratch") == 2
    assert "inside the results folder" in capsys.readouterr().err


# ------------------------------------------------------------------ no computation below


def _row(forecaster, seed, value, system="lorenz63-v1", **extra):
    return {
        "run_id": f"{forecaster}-{system}-{seed}",
        "task": "rich",
        "system": system,
        "forecaster": forecaster,
        "seed": seed,
        "status": "ok",
        "external": False,
        "d_stsp": value,
        **extra,
    }


def test_a_learned_forecaster_passes_within_the_seed_spread_and_fails_beyond():
    rows = [_row("s5-v2", 0, 1.0), _row("s5-v2", 1, 1.4), _row("s5-v2", 2, math.inf)]
    spreads = _verify.seed_spreads(rows, ["d_stsp"])  # finite seeds only: 1.4 − 1.0
    assert spreads[("rich", "lorenz63-v1", "s5-v2", "d_stsp")] == pytest.approx(0.4)

    def verdict(committed, new, forecaster="s5-v2"):
        old = _row(forecaster, 0, committed)
        (c,) = _verify_compare.compare(old, _row(forecaster, 0, new), spreads, ["d_stsp"], None)
        return c.verdict, c.relative

    tol = _verify_compare.TOLERANCE  # in seed spreads (here 0.4)
    assert verdict(1.0, 1.0) == ("identical", 0.0)
    assert verdict(1.0, 1.0 + 0.5 * tol * 0.4)[0] == "within"
    assert verdict(1.0, 1.0 + 0.5 * tol * 0.4)[1] == pytest.approx(0.5 * tol)
    assert verdict(1.0, 1.0 + 1.5 * tol * 0.4)[0] == "beyond"
    assert verdict(1.0, math.inf) == ("beyond", math.inf)  # a free run that diverged
    assert verdict(math.nan, math.nan) == ("identical", 0.0)
    assert verdict(math.inf, math.inf) == ("identical", 0.0)
    # no seed spread (one seed): a difference has no scale
    assert verdict(1.0, 1.0 + 1e-12, forecaster="mamba-v2") == ("beyond", math.inf)
    # an exact forecaster must agree identically, however small the difference
    spreads[("rich", "lorenz63-v1", "esn-v2", "d_stsp")] = 1.0
    assert verdict(1.0, 1.0 + 1e-12, forecaster="esn-v2")[0] == "beyond"


def test_an_exact_forecaster_made_on_another_cpu_may_differ_by_rounding_only():
    """A row of an exact forecaster made on another CPU model passes within ROUNDING seed
    spreads (the last bits of its linear algebra), never by more; on the same CPU model
    it must still agree identically."""
    rows = [_row("edmd-v4", 0, 1.0), _row("edmd-v4", 1, 1.5)]
    spreads = _verify.seed_spreads(rows, ["d_stsp"])  # 0.5

    def verdict(new, other_cpu):
        new_row = _row("edmd-v4", 0, new)
        (c,) = _verify_compare.compare(
            rows[0], new_row, spreads, ["d_stsp"], None, other_cpu=other_cpu
        )
        return c.verdict

    rounding = _verify_compare.ROUNDING * 0.5  # ROUNDING seed spreads
    assert verdict(1.0 + 1e-13, other_cpu=True) == "within"  # Intel → AMD: 2e-13 spreads
    assert verdict(1.0 + 0.9 * rounding, other_cpu=True) == "within"
    assert verdict(1.0 + 1.1 * rounding, other_cpu=True) == "beyond"
    assert verdict(1.0 + 1e-13, other_cpu=False) == "beyond"
    assert verdict(1.0 + 0.01, other_cpu=True) == "beyond"  # a real change, not rounding


def test_the_sample_is_deterministic_spread_over_forecasters_and_only_ok_native_rows():
    rows = [
        _row(f, seed, 1.0, system=s)
        for f in ("esn-v2", "s5-v2", "mamba-v2")
        for s in ("lorenz63-v1", "rossler-v1", "chen-v1")
        for seed in (0, 1)
    ]
    rows += [_row("mine", 0, 1.0, external=True), _row("esn-v2", 2, 1.0, status="error")]
    first = _verify.sample_rows(rows, 6, seed=1)
    assert first == _verify.sample_rows(list(reversed(rows)), 6, seed=1)
    assert sorted(r["forecaster"] for r in first) == sorted(["esn-v2", "s5-v2", "mamba-v2"] * 2)
    for forecaster in ("esn-v2", "s5-v2", "mamba-v2"):  # two systems each, not one twice
        assert len({r["system"] for r in first if r["forecaster"] == forecaster}) == 2
    assert all(r["status"] == "ok" and not r["external"] for r in first)
    assert len(_verify.sample_rows(rows, 100)) == 18
    only = _verify.sample_rows(rows, 4, systems=["chen"], forecasters=["s5"])
    assert {(r["system"], r["forecaster"]) for r in only} == {("chen-v1", "s5-v2")}


def test_the_report_names_what_differs_in_the_stamp_and_which_suite_is_missing():
    committed = [{"jax_version": "0.4.30", "device": "cpu:cpu", "git_commit": "abc"}]
    new = [{"jax_version": "0.10.2", "device": "cpu:cpu", "git_commit": "def", "stack": "s"}]
    assert _verify.stamp_differences(committed, new) == {
        "jax_version": ("0.4.30", "0.10.2"),
        "stack": ("not recorded", "s"),
    }
    with pytest.raises(_verify.RunOptionsError, match="--suite NAME"):
        _verify.suites_of([_row("esn-v2", 0, 1.0, suite="nightly-2019")])
