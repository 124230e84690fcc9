"""Tuned specs in runs: ``tuned(<spec>)`` in the API, the CLI and suite files.

A tuned spec is a forecaster of its own in the rows: each cell tunes the spec's
forecaster on its training trajectory with the one tuner, then fits and scores the
choice as a plain cell. Its row stores the chosen hyperparameters and the tuner's record;
its fit seconds include the search; its run id hashes the tuner's version, the budget and
the search space. A forecaster without a search space, or an override of a searched
hyperparameter, is refused.

The test-only forecaster is persistence plus an offset (cheap: nothing to fit); its
default offset (1.0) is not the best one (0.0), so a row that carried the defaults would
show.
"""

from __future__ import annotations

import dataclasses
import json
import time

import jax.numpy as jnp
import pytest
from reliability_helpers import TINY_PROTOCOL, registered, tiny_suite

import chaosbench as cb
from chaosbench.base._spec import short_label
from chaosbench.cli._cli import main
from chaosbench.harness import _plan, _runner, _store, _suite, _tuned
from chaosbench.harness._verify import verify
from chaosbench.numerics._rows import same_result, version_of
from chaosbench.reporting import _leaderboard

SHIFTED = "test_shifted-v1"
PLAIN = "test_plain_offset-v1"
SLOW = "test_slow_shifted-v1"


class Shifted(cb.AbstractForecaster):
    """Persistence plus a constant offset (in z-units), tuned over the offset."""

    offset: float = 1.0
    scale: float = 1.0
    search_space = cb.SearchSpace({"offset": (0.0, 0.5, 1.0, 2.0)})

    def fit(self, key, train):
        del key, train
        return ()

    def forecast(self, fitted, context, steps: int):
        del fitted
        last = self.scale * context[-1] + self.offset
        return jnp.broadcast_to(last, (steps, context.shape[-1]))


class PlainOffset(cb.AbstractForecaster):
    """The same forecaster without a search space: it cannot be tuned."""

    offset: float = 0.0

    def fit(self, key, train):
        del key, train
        return ()

    def forecast(self, fitted, context, steps: int):
        del fitted
        return jnp.broadcast_to(context[-1] + self.offset, (steps, context.shape[-1]))


class SlowShifted(cb.AbstractForecaster):
    """:class:`Shifted` whose fit takes 0.4 s per candidate (while traced)."""

    offset: float = 1.0
    search_space = cb.SearchSpace({"offset": (0.0, 0.5, 1.0, 2.0)})

    def fit(self, key, train):
        del key, train
        time.sleep(0.4)
        return ()

    def forecast(self, fitted, context, steps: int):
        del fitted
        return jnp.broadcast_to(context[-1] + self.offset, (steps, context.shape[-1]))


@pytest.fixture(scope="module")
def plugins():
    with (
        registered("forecaster", SHIFTED, Shifted),
        registered("forecaster", PLAIN, PlainOffset),
        registered("forecaster", SLOW, SlowShifted),
    ):
        yield


def _rows(out) -> list[dict]:
    return [_store.read_row(p) for p in sorted((out / "cells").glob("*.json"))]


def test_a_tuned_spec_parses_round_trips_and_labels():
    spec = cb.ForecasterSpec.parse("tuned(linear_ar)")
    assert spec.tuned and str(spec) == "tuned(linear_ar)" and spec.label == "tuned(linear_ar-v2)"
    assert spec == cb.ForecasterSpec("linear_ar").as_tuned() and spec.base == cb.ForecasterSpec(
        "linear_ar"
    )
    assert spec != spec.base and hash(spec) != hash(spec.base)
    for text in ("tuned(linear_ar)", " tuned( linear_ar-v2 ) ", "tuned(linear_ar-v2)"):
        resolved = cb.ForecasterSpec.parse(text).resolve()
        assert cb.ForecasterSpec.parse(str(resolved)) == resolved == spec.resolve()
    # overrides outside the space are kept, in either written form and in a suite table
    esn = cb.ForecasterSpec.parse("tuned(esn:size=1000)")
    assert str(esn) == "tuned(esn[size=1000])" and esn.label == "tuned(esn-v4[size=1000])"
    assert cb.ForecasterSpec.parse({"id": "tuned(esn)", "size": 1000}) == esn
    assert cb.ForecasterSpec.parse(esn.label).resolve() == esn.resolve()
    # tables' short names and the row's version
    assert short_label("tuned(esn-v3[size=1000])") == "tuned(esn[size=1000])"
    assert short_label("tuned(linear_ar-v2)") == "tuned(linear_ar)"
    assert version_of("tuned(esn-v3[size=1000])") == 3 and version_of("tuned(linear_ar-v2)") == 2
    suite = _suite.Suite("s", systems=["lorenz63"], forecasters=["linear_ar", spec, "tuned(esn)"])
    assert suite.forecasters == ("linear_ar", "tuned(linear_ar)", "tuned(esn)")
    with pytest.raises(cb.SpecError, match="write it once"):
        cb.ForecasterSpec.parse("tuned(tuned(esn))")


def test_what_cannot_be_tuned_is_refused_by_name(plugins, capsys):
    with pytest.raises(cb.SpecError, match="persistence-v1 declares no search space") as error:
        cb.ForecasterSpec.parse("tuned(persistence)").resolve()
    assert "linear_ar-v2" in str(error.value) and SHIFTED in str(error.value)
    with pytest.raises(cb.SpecError, match="declares no search space"):
        cb.ForecasterSpec.parse("tuned(test_plain_offset)").resolve()
    # an override of a searched name is refused, even at its default
    with pytest.raises(cb.SpecError, match="overrides 'lags', which the tuner searches"):
        cb.ForecasterSpec.parse("tuned(linear_ar:lags=4)").resolve()
    assert cb.ForecasterSpec.parse("tuned(test_shifted:scale=0.5)").label == (
        f"tuned({SHIFTED}[scale=0.5])"
    )
    # a tuned spec names no one forecaster
    with pytest.raises(cb.SpecError, match="chosen per cell by the tuner"):
        cb.ForecasterSpec.parse("tuned(linear_ar)").build()
    # the CLI refuses it before anything runs
    command = ["run", "--suite", "smoke", "--forecasters", "tuned(persistence)", "--no-progress"]
    assert main(command) == 2
    assert "declares no search space" in capsys.readouterr().err


def test_the_tuned_run_id_hashes_the_tuning(plugins, monkeypatch):
    specs = ("linear_ar", "tuned(linear_ar)", "test_shifted", "tuned(test_shifted)")
    cells = _plan.plan(tiny_suite("ids", forecasters=specs, seeds=1))
    ids = {c.forecaster_id: c.run_id for c in cells}
    assert list(ids) == ["linear_ar-v2", "tuned(linear_ar-v2)", SHIFTED, f"tuned({SHIFTED})"]
    assert len(set(ids.values())) == 4  # tuned and plain never share a run id
    tuned = _plan.forecaster_identity("tuned(test_shifted)")
    plain = _plan.forecaster_identity("test_shifted")
    assert {k: v for k, v in tuned.items() if k != "tuning"} == plain  # base, code
    assert tuned["tuning"]["budget"] == _tuned.TUNING_BUDGET.as_dict()
    assert _plan.forecaster_identity("tuned(test_shifted)", cb.Budget(candidates=3)) != tuned
    assert _plan.forecaster_identity("tuned(test_shifted:scale=0.5)") != tuned
    monkeypatch.setattr(Shifted, "search_space", cb.SearchSpace({"offset": (0.0, 1.0)}))
    assert _plan.forecaster_identity("tuned(test_shifted)") != tuned
    assert _plan.forecaster_identity("test_shifted") == plain


def test_tuned_rows_carry_the_choice_and_the_search(plugins, tmp_path):
    suite = tiny_suite("tiny-tuned", forecasters=("tuned(test_shifted)",), seeds=1)
    quiet = dict(log=lambda *_: None, progress=False)
    _runner.run(suite, tmp_path / "a", **quiet)
    _runner.run(suite, tmp_path / "b", **quiet)
    (row,), (again,) = _rows(tmp_path / "a"), _rows(tmp_path / "b")
    assert row["status"] == "ok" and row["forecaster"] == f"tuned({SHIFTED})"
    assert row["forecaster_version"] == 1
    record = json.loads(row["tuning"])
    chosen = json.loads(row["hyperparameters"])
    assert record["best"] == {"offset": 0.0} and chosen == {"offset": 0.0, "scale": 1.0}
    assert record["space"] == Shifted.search_space.as_dict()
    assert record["budget"] == _tuned.TUNING_BUDGET.as_dict()
    assert len(record["trials"]) >= 4 and "seconds" not in record  # a function of the run id
    assert row["fit_seconds"] >= row["tuning_seconds"] > 0
    assert same_result(row, again) and row["run_id"] == again["run_id"]
    # verify re-plans the tuned row from its label and recomputes it
    report = verify(tmp_path / "a", sample=1, suite=suite, scratch=tmp_path / "s", log=quiet["log"])
    assert report.ok, report.comparisons


def test_a_suite_file_naming_tuned_linear_ar_runs(tmp_path):
    path = tmp_path / "tuned.toml"
    path.write_text(
        'name = "tuned"\nsystems = ["lorenz63"]\nforecasters = ["linear_ar", "tuned(linear_ar)"]\n'
        'tasks = ["limited"]\nseeds = 1\n'
    )
    suite = cb.load_suite(path)
    assert suite.forecasters == ("linear_ar", "tuned(linear_ar)")
    suite = dataclasses.replace(suite, protocol=TINY_PROTOCOL)
    out = tmp_path / "results"
    summary = _runner.run(suite, out, log=lambda *_: None, progress=False)
    assert summary.errors == 0
    rows = {r["forecaster"]: r for r in _rows(out)}
    assert set(rows) == {"linear_ar-v2", "tuned(linear_ar-v2)"}
    tuned, plain = rows["tuned(linear_ar-v2)"], rows["linear_ar-v2"]
    best = json.loads(tuned["tuning"])["best"]
    chosen = json.loads(tuned["hyperparameters"])
    assert set(best) == {"lags", "ridge"} and {k: chosen[k] for k in best} == best
    assert tuned["fit_seconds"] >= tuned["tuning_seconds"] and "tuning" not in plain
    _leaderboard.write_leaderboard(out)
    assert "`tuned(linear_ar)`" in (out / "leaderboard.md").read_text()


def test_the_time_limit_ends_the_search(plugins, tmp_path):
    """The cell's limit fires during the search: the cell is a timeout, not a search that
    scores the interrupted candidate as failed and goes on past its limit."""
    suite = tiny_suite("tiny-slow", forecasters=("tuned(test_slow_shifted)",), seeds=1)
    _runner.run(suite, tmp_path, timeout=0.6, log=lambda *_: None, progress=False)
    (row,) = _rows(tmp_path)
    assert row["status"] == "timeout" and "time limit" in row["error"]
    assert "tuning" not in row
