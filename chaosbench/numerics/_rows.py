"""The row schema: one home for the columns of a result row.

A row is one (system, forecaster, task, seed) cell. Its columns, in groups:

- identity: ``run_id``, ``system``, ``forecaster``, ``task``, ``seed``, the versions
  (``system_version``, ``forecaster_version``, ``protocol_version``), ``hyperparameters``
  (JSON of every forecaster field), the scoring facts ``dt`` and ``max_lyapunov``, and
  ``external`` (true for rows scored from forecasts made outside chaosbench);
- status: ``status`` (``ok`` or a failure: ``error``, ``timeout``, ``oom``), ``error``
  (the message), ``long_run`` (``stable`` or ``diverged``: did the long free run stay
  bounded; empty for failures);
- timing: ``fit_seconds``, ``forecast_seconds``, ``compile_seconds``;
- stamp: what produced the row (package version, git commit, suite, versions, device);
- metrics: one column per registered metric (``Metric.column``), taken from the registry.

The core names no metric: which one is the headline, which stand beside it as long-term
scores and what they are called come from the registry (:func:`headline_metric`,
:func:`long_term_metrics`, :func:`per_system_metrics`; see :class:`chaosbench.Metric`).

Rows that differ only in timing and stamp columns are the same result
(:func:`same_result`); everything else is a pure function of the run id.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..base._api import metrics as _metrics
from ..base._metric import Metric

IDENTITY_COLUMNS = (
    "run_id",
    "system",
    "forecaster",
    "task",
    "seed",
    "system_version",
    "forecaster_version",
    "protocol_version",
    "hyperparameters",
    "dt",
    "max_lyapunov",
    "external",
)
STATUS_COLUMNS = ("status", "error", "long_run")
TIMING_COLUMNS = ("fit_seconds", "forecast_seconds", "compile_seconds")
STAMP_COLUMNS = (
    "chaosbench_version",
    "git_commit",
    "suite",
    "suite_hash",
    "jax_version",
    "device",
    "python",
)
# Diagnostics stored with a failure row; like the stamp, not part of the result.
DIAGNOSTIC_COLUMNS = ("traceback",)

OK = "ok"
FAILURES = ("error", "timeout", "oom")
STABLE, DIVERGED = "stable", "diverged"

NON_METRIC_COLUMNS = frozenset(
    IDENTITY_COLUMNS + STATUS_COLUMNS + TIMING_COLUMNS + STAMP_COLUMNS + DIAGNOSTIC_COLUMNS
)


def version_of(id_: str) -> int:
    return int(id_.rsplit("-v", 1)[1])


def identity(
    *,
    run_id: str,
    system: str,
    forecaster: str,
    task: str,
    seed: int,
    protocol_version: int,
    hyperparameters: dict[str, Any],
    dt: float,
    max_lyapunov: float,
) -> dict[str, Any]:
    """The identity columns of a row."""
    return {
        "run_id": run_id,
        "system": system,
        "forecaster": forecaster,
        "task": task,
        "seed": seed,
        "system_version": version_of(system),
        "forecaster_version": version_of(forecaster),
        "protocol_version": protocol_version,
        "hyperparameters": json.dumps(hyperparameters, sort_keys=True),
        "dt": dt,
        "max_lyapunov": max_lyapunov,
    }


def failure_result(
    status: str, message: str, metrics: Sequence[Metric], seed: int
) -> dict[str, Any]:
    """The result part of a failed cell: every metric at its failure score."""
    if status not in FAILURES:
        raise ValueError(f"failure status must be one of {FAILURES}, not {status!r}")
    return {
        "seed": seed,
        "status": status,
        "error": message,
        "long_run": "",
        "fit_seconds": np.nan,
        "forecast_seconds": np.nan,
        **{m.column: m.failure for m in metrics},
    }


def is_failure(row: dict[str, Any]) -> bool:
    """Whether a stored row is a failure (to be retried, never counted as done)."""
    return row.get("status") in FAILURES


def metric_columns(columns: Sequence[str]) -> list[str]:
    """The metric columns among ``columns`` (everything outside the fixed groups)."""
    return [c for c in columns if c not in NON_METRIC_COLUMNS]


def same_result(a: dict, b: dict) -> bool:
    """Rows agree on everything but timing, stamp and diagnostic columns (NaN equals NaN)."""
    ignore = set(TIMING_COLUMNS) | set(STAMP_COLUMNS) | set(DIAGNOSTIC_COLUMNS)
    for key in (set(a) | set(b)) - ignore:
        x, y = a.get(key), b.get(key)
        if isinstance(x, float) and isinstance(y, float) and np.isnan(x) and np.isnan(y):
            continue
        if x != y:
            return False
    return True


def registered_metrics() -> list[Metric]:
    """Every registered metric, in the order of registration."""
    return [_metrics.get(id_) for id_ in _metrics.ids_in_order()]


def headline_metric() -> Metric:
    """The registered headline metric: the short-term score the leaderboard orders by."""
    found = [m for m in registered_metrics() if m.headline]
    if not found:
        raise LookupError(
            "no registered metric is the headline: import the `metrics` package (or a "
            "plug-in that registers one with `register_metric(..., headline=True)`)"
        )
    return found[-1]


def long_term_metrics() -> list[Metric]:
    """The long-term metrics the leaderboard shows beside the headline, in registration
    order (free-run statistics and the Lyapunov error)."""
    return [m for m in registered_metrics() if m.long_term]


def per_system_metrics() -> list[Metric]:
    """The metrics that name each system's winner and that the breakdowns report: the
    headline, then the others marked ``per_system`` in registration order."""
    headline = headline_metric()
    return [headline] + [m for m in registered_metrics() if m.per_system and m is not headline]
