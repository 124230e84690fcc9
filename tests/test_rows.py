"""The typed row: one factory, groups by column, the same flat columns on disk."""

import json
import math

import pytest

from chaosbench.numerics import _rows
from helpers import make_row


def _row(**result):
    return make_row(
        "lorenz63-v1",
        "esn-v2",
        1,
        run_id="abc",
        hyperparameters={"width": 8, "alpha": 0.5},
        stamp={"git_commit": "abc123"},
        long_run="stable",
        fit_seconds=1.5,
        forecast_seconds=0.25,
        vpt_lyap=2.0,
        d_stsp=0.5,
        lyap=0.8,
        **result,
    )


def test_columns_fall_into_their_groups():
    row = _row()
    assert row.identity.system_version == 1 and row.identity.forecaster_version == 2
    assert row.identity.hyperparameters == '{"alpha": 0.5, "width": 8}'  # sorted JSON
    assert row.identity.external is False
    assert (row.status.status, row.status.error, row.status.long_run) == ("ok", "", "stable")
    assert row.timing.fit_seconds == 1.5 and math.isnan(row.timing.compile_seconds)
    assert row.metrics == {"vpt_lyap": 2.0, "d_stsp": 0.5}  # registered metrics only
    assert row.diagnostics == {"lyap": 0.8}  # the raw λ̂: carried, not a score
    assert row.stamp == {"git_commit": "abc123"}


def test_a_row_reads_as_its_flat_columns_and_round_trips():
    row = _row()
    columns = row.columns()
    assert dict(row) == columns and row["status"] == "ok" and row.get("missing") is None
    assert list(columns)[: len(_rows.IDENTITY_COLUMNS)] == list(_rows.IDENTITY_COLUMNS)
    assert {"run_id", "external", "status", "long_run", "compile_seconds", "lyap"} <= set(row)
    stored = json.loads(json.dumps(columns))
    back = _rows.Row.from_columns(stored)
    assert back.metrics == row.metrics and back.diagnostics == row.diagnostics
    assert back.identity == row.identity and back.stamp == row.stamp
    assert _rows.same_result(back.columns(), columns)


def test_stamped_and_same_result_ignore_timing_stamp_and_traceback():
    row = _row()
    other = _row(traceback="Traceback ...").stamped({"git_commit": "def456"})
    assert other.stamp == {"git_commit": "def456"}
    assert _rows.same_result(dict(row), dict(other))
    assert not _rows.same_result(dict(row), dict(row) | {"lyap": 1.0})  # a diagnostic counts
    # a row written before `external` existed counts as native
    old = {k: v for k, v in row.columns().items() if k != "external"}
    assert _rows.same_result(old, row.columns())
    assert _rows.Row.from_columns(old).identity.external is False


def test_the_factory_refuses_what_is_not_a_scoring_result():
    identity = dict(
        run_id="x",
        system="lorenz63-v1",
        forecaster="esn-v2",
        task="rich",
        seed=0,
        protocol_version=4,
        hyperparameters={},
        dt=0.01,
        max_lyapunov=0.9,
    )
    with pytest.raises(ValueError, match="status"):
        _rows.make_row(**identity, result={"status": "fine"})
    with pytest.raises(ValueError, match="seed 3 given for seed 0"):
        _rows.make_row(**identity, result={"status": "ok", "seed": 3})
    with pytest.raises(ValueError, match="no system column"):
        _rows.make_row(**identity, result={"status": "ok", "system": "rossler-v1"})


def test_failure_rows_score_every_metric_at_its_failure_value():
    metrics = _rows.registered_metrics()
    result = _rows.failure_result("timeout", "ran too long", metrics, seed=0)
    row = make_row("lorenz63-v1", "esn-v2", run_id="x", **result)
    assert _rows.is_failure(row) and row.status.error == "ran too long"
    floored = {m.normalised_column: m.failure for m in metrics if m.floor}
    assert row.metrics == {m.column: m.failure for m in metrics} | floored
    assert math.isnan(row.timing.fit_seconds) and row.diagnostics == {}
