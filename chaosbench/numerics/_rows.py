"""The row: one typed result row, made by one factory.

A row is one (system, forecaster, task, seed) cell. It is a :class:`Row` of six groups,
made by :func:`make_row`, the one factory the runner, external scoring and the tests call:

- identity (:class:`Identity`): ``run_id``, ``system``, ``forecaster``, ``task``,
  ``seed``, the versions (``system_version``, ``forecaster_version``,
  ``protocol_version``), ``hyperparameters`` (JSON of every forecaster field), the scoring
  facts ``dt`` and ``max_lyapunov``, and ``external`` (true for rows scored from
  forecasts made outside chaosbench);
- status (:class:`Status`): ``status`` (``ok``; ``refused``: the forecaster cannot take
  the task, all scores NaN, never retried; or a failure: ``error``, ``timeout``,
  ``oom``), ``error`` (the message, or the refusal's reason), ``long_run``: the long
  free run's state,
  ``on_attractor`` (bounded, and its state-space divergence within
  ``ON_ATTRACTOR_FACTOR`` times the truth floor), ``off_attractor`` (bounded but
  elsewhere: a fixed point, a cycle, persistence) or ``diverged`` (blew up); empty for
  failures. Rows of protocol ≤ 4 say ``stable`` (bounded, not judged further);
- timing (:class:`Timing`): ``fit_seconds``, ``forecast_seconds``, ``compile_seconds``;
- metrics: one column per registered metric (``Metric.column``), taken from the registry,
  and for a metric with a truth floor its normalised value (``Metric.normalised_column``,
  ``<column>_norm``). Only these are scores: the leaderboard aggregates exactly these
  (:func:`metric_columns`);
- diagnostics: what a row carries beside its scores and nobody aggregates as a score:
  ``lyap`` (the forecaster's own raw λ̂, which metrics of kind ``"lyapunov"`` score
  against λ_max), ``traceback`` (on the first row of a failed group), ``horizon_lyap``
  (the test windows' horizon in Lyapunov times: horizon steps × Δ × λ_max) and, for the
  headline metric, ``<column>_windows`` (its value on each test window, a JSON list: the
  bootstrap intervals resample seeds, then windows) and ``<column>_censored`` (how many
  windows score as a perfect forecast would: for the VPT, the error never crossed the
  threshold, so the window's VPT is only known to be at least the horizon). Failed rows
  and rows of protocol ≤ 4 have none of the last three. Rows scored by the runner also
  carry their dataset's independence check (``independence_ratio``,
  ``independence_below``, ``independent``: :mod:`chaosbench.catalogue._independence`)
  and the resolved task (``task_train_steps``, ``task_train_lyap``, ``task_noise``,
  ``task_observed``, ``task_context_steps``, ``task_context_periods``:
  :meth:`chaosbench.numerics._task.ResolvedTask.columns`) and ``n_parameters``, the
  stored numbers of the fitted state
  (:func:`chaosbench.numerics._evaluate.n_parameters`: a function of the run id, so not
  volatile; NaN where unknown: external rows, failures, rows written before it existed).
  A tuned cell's row (``tuned(<spec>)``) also carries ``tuning``, the tuner's record
  (JSON: the choice, the space, the budget, the split and every trial, without wall
  times: a function of the run id) and ``tuning_seconds``, the search's wall time
  (included in ``fit_seconds``; volatile, like the timings);
- stamp: what produced the row (package version, git commit, suite, versions, device),
  added when it is written (:meth:`Row.stamped`).

On disk a row is the flat mapping of its columns (:meth:`Row.columns`; one JSON file per
cell, one line of ``runs.csv``), under the names above; a :class:`Row` reads as that
mapping too (``row["status"]``), and :meth:`Row.from_columns` reads a stored one back.

The core names no metric: which one is the headline, which stand beside it as long-term
scores and what they are called come from the registry (:func:`headline_metric`,
:func:`long_term_metrics`, :func:`per_system_metrics`; see :class:`chaosbench.Metric`).

Rows that differ only in timing (``tuning_seconds`` included), stamp and traceback are
the same result (:func:`same_result`); everything else is a pure function of the run id.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ..base._api import metrics as _metrics
from ..base._metric import Metric
from ._task import TASK_COLUMNS

OK = "ok"
FAILURES = ("error", "timeout", "oom")
REFUSED = "refused"  # the forecaster cannot take the task (``error`` says why): done, unscored
ON_ATTRACTOR, OFF_ATTRACTOR, DIVERGED = "on_attractor", "off_attractor", "diverged"
STABLE = "stable"  # protocol ≤ 4: bounded, not judged on or off the attractor
LONG_RUN_STATES = (ON_ATTRACTOR, OFF_ATTRACTOR, DIVERGED)
BOUNDED = (ON_ATTRACTOR, OFF_ATTRACTOR, STABLE)
NAN = float("nan")


def version_of(id_: str) -> int:
    # a spec's label: esn-v2[size=800], tuned(esn-v2[size=800])
    return int(id_.removeprefix("tuned(").split("[", 1)[0].rstrip(")").rsplit("-v", 1)[1])


@dataclasses.dataclass(frozen=True)
class Identity:
    """Which cell a row is, and what decided its numbers (see :func:`make_row`)."""

    run_id: str
    system: str
    forecaster: str
    task: str
    seed: int
    system_version: int
    forecaster_version: int
    protocol_version: int
    hyperparameters: str  # JSON, keys sorted
    dt: float
    max_lyapunov: float
    external: bool = False


@dataclasses.dataclass(frozen=True)
class Status:
    """``ok`` or a failure (with its message), and the long free run's state."""

    status: str
    error: str = ""
    long_run: str = ""

    def __post_init__(self):
        if self.status not in (OK, REFUSED, *FAILURES):
            raise ValueError(
                f"a row's status is {OK!r}, {REFUSED!r} or one of {FAILURES}, not {self.status!r}"
            )
        if self.long_run not in ("", STABLE, *LONG_RUN_STATES):
            raise ValueError(
                f"long_run is one of {LONG_RUN_STATES} (or {STABLE!r} in rows of protocol "
                f"≤ 4, or empty for a failure), not {self.long_run!r}"
            )


@dataclasses.dataclass(frozen=True)
class Timing:
    """Wall seconds of the fit and the forecasts, and a share of the group's compile time."""

    fit_seconds: float = NAN
    forecast_seconds: float = NAN
    compile_seconds: float = NAN


def _names(group: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(group))


IDENTITY_COLUMNS = _names(Identity)
STATUS_COLUMNS = _names(Status)
TIMING_COLUMNS = _names(Timing)
STAMP_COLUMNS = (
    "chaosbench_version",
    "git_commit",
    "suite",
    "suite_hash",
    "jax_version",
    "device",
    "python",
    "stack",
    "cpu",
)
# Diagnostics every row may carry (a plug-in's scorer may add others): never aggregated.
DIAGNOSTIC_COLUMNS = (
    "lyap",
    "traceback",
    "horizon_lyap",
    "independence_ratio",
    "independence_below",
    "independent",
    "n_parameters",
    "tuning",
    "tuning_seconds",
    *TASK_COLUMNS,
)
# The headline metric's per-window diagnostics: ``<column>_windows``, ``<column>_censored``.
WINDOW_SUFFIXES = ("_windows", "_censored")
# Columns that do not decide the result: two rows differing only here are the same.
VOLATILE_COLUMNS = frozenset(TIMING_COLUMNS + STAMP_COLUMNS + ("traceback", "tuning_seconds"))
# What a stored row written before a column existed means by its absence.
COLUMN_DEFAULTS = {"external": False}


@dataclasses.dataclass(frozen=True)
class Row(Mapping[str, Any]):
    """One result row, in its groups; it reads as the flat mapping of its columns.

    Make one with :func:`make_row`; ``row.columns()`` (or ``dict(row)``) is what a cell
    file holds, in the order identity, status, timing, metrics, diagnostics, stamp.
    """

    identity: Identity
    status: Status
    timing: Timing
    metrics: Mapping[str, float]
    diagnostics: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    stamp: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def columns(self) -> dict[str, Any]:
        """The flat columns, under the names a cell file and ``runs.csv`` use."""
        return {
            **dataclasses.asdict(self.identity),
            **dataclasses.asdict(self.status),
            **dataclasses.asdict(self.timing),
            **self.metrics,
            **self.diagnostics,
            **self.stamp,
        }

    def __getitem__(self, column: str) -> Any:
        return self.columns()[column]

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns())

    def __len__(self) -> int:
        return len(self.columns())

    def stamped(self, stamp: Mapping[str, str]) -> Row:
        """This row with ``stamp`` (what produced it) added to its stamp."""
        return dataclasses.replace(self, stamp={**self.stamp, **stamp})

    @classmethod
    def from_columns(cls, columns: Mapping[str, Any]) -> Row:
        """A stored row (a cell file's mapping) back in its groups. Columns written before
        they existed take their defaults (``external``: false); a registered metric's
        column is a metric, a stamp column is stamp, any other column a diagnostic."""
        columns = {**COLUMN_DEFAULTS, **columns}
        missing = [c for c in IDENTITY_COLUMNS + ("status",) if c not in columns]
        if missing:
            raise ValueError(f"a row needs the columns {', '.join(missing)}")
        grouped = set(IDENTITY_COLUMNS + STATUS_COLUMNS + TIMING_COLUMNS + STAMP_COLUMNS)
        scores = metric_columns(list(columns))
        return cls(
            identity=Identity(**{c: columns[c] for c in IDENTITY_COLUMNS}),
            status=Status(**{c: columns[c] for c in STATUS_COLUMNS if c in columns}),
            timing=Timing(**{c: columns[c] for c in TIMING_COLUMNS if c in columns}),
            metrics={c: columns[c] for c in scores},
            diagnostics={c: v for c, v in columns.items() if c not in grouped | set(scores)},
            stamp={c: columns[c] for c in STAMP_COLUMNS if c in columns},
        )


def make_row(
    *,
    run_id: str,
    system: str,
    forecaster: str,
    task: str,
    seed: int,
    protocol_version: int,
    hyperparameters: Mapping[str, Any],
    dt: float,
    max_lyapunov: float,
    result: Mapping[str, Any],
    compile_seconds: float = NAN,
    external: bool = False,
    stamp: Mapping[str, str] | None = None,
) -> Row:
    """The one factory of rows: the runner, external scoring and the tests all call it.

    **Arguments:**

    - `run_id` … `max_lyapunov`: the identity (the versions come from the ids;
      `hyperparameters` is stored as JSON with sorted keys).
    - `result`: what scoring gave (:func:`chaosbench.numerics._evaluate.score`,
      :func:`~chaosbench.numerics._evaluate.score_forecasts` or :func:`failure_result`):
      its status and timing columns go to their groups, a registered metric's column is a
      metric, anything else (``lyap``, ``traceback``) a diagnostic. A ``seed`` in it must
      be `seed`.
    - `compile_seconds`: this row's share of its group's compile time.
    - `external`: scored from forecasts made outside chaosbench.
    - `stamp`: what produced the row, if known now (else :meth:`Row.stamped` on writing).

    **Returns:** the :class:`Row`.
    """
    rest = dict(result)
    if rest.pop("seed", seed) != seed:
        raise ValueError(f"the result of seed {result['seed']} given for seed {seed}")
    clash = sorted(set(rest) & set(IDENTITY_COLUMNS + STAMP_COLUMNS + ("compile_seconds",)))
    if clash:
        raise ValueError(f"a scoring result has no {', '.join(clash)} column (identity, stamp)")
    status = Status(**{c: rest.pop(c) for c in STATUS_COLUMNS if c in rest})
    timing = Timing(
        fit_seconds=rest.pop("fit_seconds", NAN),
        forecast_seconds=rest.pop("forecast_seconds", NAN),
        compile_seconds=compile_seconds,
    )
    scores = metric_columns(list(rest))
    identity = Identity(
        run_id=run_id,
        system=system,
        forecaster=forecaster,
        task=task,
        seed=seed,
        system_version=version_of(system),
        forecaster_version=version_of(forecaster),
        protocol_version=protocol_version,
        hyperparameters=json.dumps(dict(hyperparameters), sort_keys=True),
        dt=dt,
        max_lyapunov=max_lyapunov,
        external=external,
    )
    return Row(
        identity=identity,
        status=status,
        timing=timing,
        metrics={c: float(rest.pop(c)) for c in scores},
        diagnostics=rest,
        stamp=dict(stamp or {}),
    )


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
        "fit_seconds": NAN,
        "forecast_seconds": NAN,
        **{m.column: m.failure for m in metrics},
        **{m.normalised_column: m.failure for m in metrics if m.floor},
    }


def refused_result(message: str, metrics: Sequence[Metric], seed: int) -> dict[str, Any]:
    """The result part of a cell whose forecaster cannot take its task (``message`` says
    why, :func:`chaosbench.numerics._task.refusal`): finished, never retried, every metric
    NaN (no score at all: the tables leave it out and list the refusal)."""
    return {
        "seed": seed,
        "status": REFUSED,
        "error": message,
        "long_run": "",
        **{m.column: NAN for m in metrics},
        **{m.normalised_column: NAN for m in metrics if m.floor},
    }


def is_failure(row: Mapping[str, Any]) -> bool:
    """Whether a stored row is a failure (to be retried, never counted as done)."""
    return row.get("status") in FAILURES


def metric_columns(columns: Sequence[str]) -> list[str]:
    """The metric columns among ``columns``, in their order: those of registered metrics
    (``Metric.column``, and ``Metric.normalised_column`` for a metric with a truth floor).
    Every other column (identity, status, timing, stamp, and diagnostics such as the raw
    λ̂ ``lyap``) is carried, never aggregated as a score."""
    registered = set()
    for m in registered_metrics():
        registered |= {m.column, m.normalised_column} - {None}
    return [c for c in columns if c in registered]


def same_result(a: Mapping, b: Mapping) -> bool:
    """Rows agree on everything but timing, stamp and traceback (NaN equals NaN; a column
    written before it existed counts at its default; the resolved task's columns, functions
    of the run id that rows written before the task grid lack, are compared where both
    rows have them)."""
    a, b = {**COLUMN_DEFAULTS, **a}, {**COLUMN_DEFAULTS, **b}
    lacking = {c for c in TASK_COLUMNS if c not in a or c not in b}
    for key in (set(a) | set(b)) - VOLATILE_COLUMNS - lacking:
        x, y = a.get(key), b.get(key)
        if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
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
