"""The long free run in the tables: the counts of its states, the rows each metric's
statistics are over, and the columns that show the long-term metrics.

Each row of a (task, system, forecaster) group is one of:

- a failure (status ``error``, ``timeout`` or ``oom``; counted in ``failures``);
- ``on_attractor``, ``off_attractor`` or ``diverged`` (its ``long_run``; protocol ≥ 5);
- unjudged: an ``ok`` row whose free run was never judged on or off the attractor (rows
  of protocol ≤ 4 say ``stable``: bounded, not judged; rows of protocol ≤ 3 have no
  ``long_run``). Such rows are counted apart (``long_run_unjudged``), never as on the
  attractor, and they stand in for both bounded states: tables aggregate one protocol
  only (:func:`chaosbench.harness._store.load_rows`), so they never mix with judged
  bounded rows, and a table of old rows reads as before (statistics over bounded runs).
  Its ``on_attractor_rate`` is NaN, and its forecasters are never held back from a
  long-run winner (:func:`may_win`).

So ``failures`` + the four ``long_run_*`` counts = ``seeds``. A metric's statistics in
``by_system.csv`` are over (:func:`row_masks`): every row for a short-term metric (kind
``"short"``: failures keep their failure scores); the rows on the attractor for a metric
of the long free run (kind ``"long"``, raw and ``<column>_norm``), so that fidelity and
failure rate are not mixed; the bounded rows (on or off the attractor) for the Lyapunov
error (kind ``"lyapunov"``). Unjudged rows count for the last two.

Across systems, a long metric with a truth floor (``Metric.floor``) is only ever pooled
normalised (``<column>_norm``: 1 = as close as an independent true trajectory): raw
values of different estimators (binned KL for ≤ 3 observed dimensions, Gaussian-mixture
KL above) are on different scales.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..base._metric import Metric
from ..numerics._rows import (
    DIVERGED,
    FAILURES,
    LONG_RUN_STATES,
    OFF_ATTRACTOR,
    ON_ATTRACTOR,
    long_term_metrics,
    registered_metrics,
)
from ..numerics._statistics import median

UNJUDGED = "unjudged"
COUNTS = {
    ON_ATTRACTOR: "long_run_on_attractor",
    OFF_ATTRACTOR: "long_run_off_attractor",
    DIVERGED: "long_run_diverged",
    UNJUDGED: "long_run_unjudged",
}
"""The count column of each state, in the order the tables write them."""
RATE = "on_attractor_rate"
NAN = float("nan")


def normalisation_sentence() -> str:
    """The sentence ``leaderboard.md`` explains the long-run columns with, naming the
    on-attractor criterion (:data:`chaosbench.numerics._evaluate.ON_ATTRACTOR_FACTOR`)."""
    from ..numerics import _evaluate  # lazily: only the Markdown needs the scorer's constant

    factor = getattr(_evaluate, "ON_ATTRACTOR_FACTOR", None)
    within = f"{factor:g} times" if factor is not None else "`ON_ATTRACTOR_FACTOR` times"
    return (
        "D_stsp and D_H are shown divided by their truth floor (the same distance between "
        "two independent true long runs of the system: 1 = as close as another true "
        "trajectory), as medians over the free runs on the attractor only (bounded, with "
        f"D_stsp within {within} its floor: `ON_ATTRACTOR_FACTOR` in "
        "`chaosbench.numerics._evaluate`); the counts beside them say how many free runs "
        "were on the attractor, off it (bounded but elsewhere: a fixed point, a cycle) and "
        "diverged."
    )


KEPT = {
    "long": (ON_ATTRACTOR, UNJUDGED),
    "lyapunov": (ON_ATTRACTOR, OFF_ATTRACTOR, UNJUDGED),
}
"""The states whose rows the statistics of a metric of each long-term kind are over."""


def states(group: pd.DataFrame) -> np.ndarray:
    """Per row of ``group``: its ``long_run`` state, :data:`UNJUDGED` for an ``ok`` row
    with none of them, and ``""`` for a failure."""
    long_run = group["long_run"] if "long_run" in group.columns else [UNJUDGED] * len(group)
    return np.array(
        [
            "" if status in FAILURES else (state if state in LONG_RUN_STATES else UNJUDGED)
            for status, state in zip(group["status"], long_run)
        ],
        dtype=object,
    )


def long_run_counts(group: pd.DataFrame) -> dict[str, int]:
    """The :data:`COUNTS` of a group of rows."""
    found = states(group)
    return {column: int((found == state).sum()) for state, column in COUNTS.items()}


def metric_kinds(columns: list[str]) -> dict[str, str]:
    """The kind of the registered metric of each metric column (raw or normalised)."""
    kinds = {}
    for m in registered_metrics():
        kinds |= {c: m.kind for c in (m.column, m.normalised_column) if c in columns}
    return kinds


def row_masks(group: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per metric kind, which rows of ``group`` its statistics are over (see the module
    docstring): every row for ``"short"``, the states of :data:`KEPT` for the others."""
    found = states(group)
    masks = {kind: np.array([s in kept for s in found], dtype=bool) for kind, kept in KEPT.items()}
    return {"short": np.ones(len(group), dtype=bool), **masks}


def scored_rows(group: pd.DataFrame, column: str) -> np.ndarray:
    """Which rows of ``group`` the statistics of metric column ``column`` are over."""
    return row_masks(group)[metric_kinds([column]).get(column, "short")]


def shown_column(m: Metric) -> str:
    """The column tables pool across systems: ``<column>_norm`` for a metric with a truth
    floor (never its raw values), else ``<column>``."""
    return m.normalised_column or m.column


def shown_label(m: Metric) -> str:
    """Its name in tables: ``"D_stsp/floor"`` for a normalised metric."""
    return f"{m.short_name}/floor" if m.floor else m.short_name


def _sum(group: pd.DataFrame, column: str) -> int:
    return int(group[column].sum()) if column in group.columns else 0


def summary(group: pd.DataFrame) -> dict[str, float]:
    """The leaderboard's long-run columns for one (task, forecaster) of ``by_system``:
    per long-term metric, the median over systems of its per-system median (normalised
    for a metric with a floor; systems without a run it is over, NaN, left out), the
    counts of the states, and ``on_attractor_rate``: runs on the attractor over all runs
    (failures included; NaN where some were never judged, rows of protocol ≤ 4)."""
    record = {}
    for m in long_term_metrics():
        column = f"{shown_column(m)}_median"
        record[column] = median(group[column]) if column in group.columns else NAN
    counts = {column: _sum(group, column) for column in COUNTS.values()}
    runs = _sum(group, "seeds")
    record.update(counts)
    unjudged = counts[COUNTS[UNJUDGED]]
    record[RATE] = counts[COUNTS[ON_ATTRACTOR]] / runs if runs and not unjudged else NAN
    return record


def may_win(group: pd.DataFrame, m: Metric) -> np.ndarray:
    """Which forecasters (rows of ``by_system`` of one system) may win metric ``m``: for a
    metric of the long free run, those with at least half of their runs (failures
    included) on the attractor; a forecaster with runs never judged (rows of protocol
    ≤ 4) is not held back. Every forecaster may win any other metric."""
    if m.kind != "long" or "seeds" not in group.columns:
        return np.ones(len(group), dtype=bool)
    on = group.get(COUNTS[ON_ATTRACTOR], 0)
    unjudged = group.get(COUNTS[UNJUDGED], 0)
    return np.asarray((2 * on >= group["seeds"]) | (unjudged > 0), dtype=bool)


def winner_column(m: Metric, best: pd.DataFrame) -> tuple[str, str]:
    """The column of ``winners.csv`` (``best``) that shows the winner's value of ``m``,
    and its label: the normalised median where the table has it, else the raw one (one
    system's raw values are on one scale)."""
    column = f"{m.column}_winner_norm_median"
    if m.floor and column in best.columns:
        return column, shown_label(m)
    return f"{m.column}_winner_median", m.short_name


def header(long_term: list[Metric]) -> list[str]:
    """The leaderboard's long-run headers: each metric's, then the states'."""
    return [*(shown_label(m) for m in long_term), "long run on/off/div"]


def _count(value) -> int:
    """A count read back from a table: 0 where it is missing (a table written before)."""
    return 0 if value is None or pd.isna(value) else int(value)


def state_cell(record) -> str:
    """``on/off/diverged`` runs, with ``+ n unjudged`` where some were never judged."""
    on, off, div, unjudged = (_count(record.get(c)) for c in COUNTS.values())
    return f"{on}/{off}/{div}" + (f" + {unjudged} unjudged" if unjudged else "")


def page_specs() -> list[tuple[str, str, str, tuple[str, ...], str]]:
    """The web page's long-run columns (:mod:`._page_columns`): each long-term metric as
    the leaderboard pools it, the states (kind ``"states"``: :func:`state_cell`) and
    the on-attractor rate."""
    specs = []
    for m in long_term_metrics():
        column = f"{shown_column(m)}_median"
        title = m.description + (
            " over its truth floor (1: as close as another true trajectory)" if m.floor else ""
        )
        over = "runs on the attractor" if m.kind == "long" else "bounded runs"
        specs.append((column, shown_label(m), "num", (column,), f"{title}; median over {over}"))
    specs.append(
        (
            "long_run",
            "long run on/off/div",
            "states",
            tuple(COUNTS.values()),
            "free runs on the attractor / off it (bounded but elsewhere) / diverged; "
            "+ unjudged: bounded runs of protocol ≤ 4, never judged",
        )
    )
    title = "free runs on the attractor / all runs (failures included)"
    specs.append((RATE, "on-attractor rate", "num", (RATE,), title))
    return specs


LEGEND = [
    "- **D_stsp/floor**: state-space divergence of the 50,000-step free run over its truth "
    "floor; **D_H/floor**: power-spectrum Hellinger distance over its truth floor (lower "
    "is better; 1 = as close as an independent true trajectory). Per system the median "
    "over the runs on the attractor, then the median over the systems where there is one. "
    "Raw values are in `by_system.csv` (`d_stsp_median`), never pooled across systems: "
    "D_stsp is a binned KL for ≤ 3 observed dimensions, a Gaussian-mixture KL above.",
    "- **long run on/off/div**: free runs on the attractor / off it (bounded but "
    "elsewhere) / diverged (their short-term scores stand); with `+ n unjudged` for rows "
    "of protocol ≤ 4, whose bounded runs were never judged (their long-term medians are "
    "over them). Failures are counted apart; the λ error is over the bounded runs.",
]
