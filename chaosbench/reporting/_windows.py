"""The headline's per-window values in the tables: bootstrap intervals over seeds and test
windows, censoring at the horizon, and the horizon itself.

A row keeps the headline's value on each test window (``<column>_windows``, a JSON list)
and how many windows score as a perfect forecast would (``<column>_censored``; see
:mod:`chaosbench.numerics._evaluate`). ``by_system.csv`` takes the headline's interval
from the nested bootstrap over seeds, then windows
(:func:`chaosbench.numerics._statistics.nested_bootstrap_ci`), ``leaderboard.csv`` from the
three-level one over systems, seeds and windows
(:func:`~chaosbench.numerics._statistics.three_level_bootstrap_ci`). A row without its
windows (a failure, a row of protocol ≤ 4) counts as its one value in every window: a
failure scores its failure value (VPT 0) throughout.

**Censoring.** A window whose error never crosses the VPT threshold within the horizon
has a VPT of at least the horizon, not of the horizon: the observation is right-censored
(Klein & Moeschberger 2003, §1.2). A perfect forecast's value is the highest a window can
score, so a row's median over windows is censored exactly when more than half its windows
are, and a system's median over seeds exactly when more than half its rows are; tables
print such a median as "≥ x".

**References:**

- J. P. Klein, M. L. Moeschberger. *Survival Analysis: Techniques for Censored and
  Truncated Data*. Springer, 2nd ed. (2003) — right censoring.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from ..numerics._protocol import Protocol
from ..numerics._rows import headline_metric
from ..numerics._statistics import median, nested_bootstrap_ci

CENSORED_MARK = "≥ "
"""Printed before a censored per-system median: the true value is at least this."""


def window_values(group: pd.DataFrame, column: str) -> list[np.ndarray]:
    """Per row of ``group``, ``column``'s value on each test window (``<column>_windows``);
    a row without them counts as its one value."""
    stored = group.get(f"{column}_windows", pd.Series(None, index=group.index, dtype=object))
    out = []
    for value, windows in zip(group[column], stored):
        if isinstance(windows, str) and windows:
            out.append(np.asarray(json.loads(windows), dtype=float))
        else:
            out.append(np.asarray([value], dtype=float))
    return out


def censored_rows(group: pd.DataFrame, column: str) -> np.ndarray:
    """Per row: whether its median over windows is censored (more than half its windows
    scored as a perfect forecast would; false for rows without the count)."""
    if f"{column}_censored" not in group.columns:
        return np.zeros(len(group), dtype=bool)
    counts = pd.to_numeric(group[f"{column}_censored"], errors="coerce").fillna(0).to_numpy()
    sizes = np.array([len(w) for w in window_values(group, column)])
    return counts > sizes / 2


def is_censored(group: pd.DataFrame, column: str) -> bool:
    """Whether the median over ``group``'s rows (seeds) is censored: more than half of
    them are (:func:`censored_rows`)."""
    return bool(censored_rows(group, column).sum() > len(group) / 2)


def horizon_lyap(group: pd.DataFrame) -> float:
    """The test windows' horizon in Lyapunov times (the rows' ``horizon_lyap``; NaN
    where none has it)."""
    return median(group["horizon_lyap"]) if "horizon_lyap" in group.columns else float("nan")


def headline_columns(group: pd.DataFrame, *key: object) -> dict[str, object]:
    """``by_system.csv``'s headline columns from the windows of one (task, system,
    forecaster) ``group``: ``<headline>_ci_low``/``_ci_high`` from the bootstrap over
    seeds, then windows (seeded by ``key`` and the headline's column),
    ``<headline>_censored`` and ``horizon_lyap``."""
    h = headline_metric().column
    if h not in group.columns:
        return {}
    low, high = nested_bootstrap_ci(window_values(group, h), *key, h)
    return {
        f"{h}_ci_low": low,
        f"{h}_ci_high": high,
        f"{h}_censored": is_censored(group, h),
        "horizon_lyap": horizon_lyap(group),
    }


def marked_median(text: str, censored) -> str:
    """``text`` (a formatted median) with :data:`CENSORED_MARK` if ``censored``."""
    return CENSORED_MARK + text if _true(censored) else text


def _true(value) -> bool:
    """A flag as written by the tables or read back from a CSV."""
    return value is True or value in (1, "true", "True")


def winner_censored(table: pd.DataFrame | None, task: str, system: str, names: str) -> bool:
    """Whether a per-system winner's median (``winners.csv``: ``names`` joined by
    ``"; "``) is censored, as ``by_system.csv`` (``table``) says."""
    column = f"{headline_metric().column}_censored"
    if table is None or column not in table.columns or not isinstance(names, str):
        return False
    hit = table[
        (table["task"] == task)
        & (table["system"] == system)
        & table["forecaster"].isin(names.split("; "))
    ]
    return any(_true(v) for v in hit[column])


def short_horizons(table: pd.DataFrame | None, task: str) -> dict[str, float]:
    """Per system of ``task`` whose test windows end before ``Protocol().horizon_lyap``
    Lyapunov times (the horizon is capped at ``Protocol().max_horizon`` steps): its
    horizon in Lyapunov times, from ``by_system.csv`` (``table``)."""
    if table is None or "horizon_lyap" not in table.columns:
        return {}
    mine = table[table["task"] == task]
    horizons = mine.groupby("system", sort=True)["horizon_lyap"].agg(median)
    wanted = Protocol().horizon_lyap * (1 - 1e-9)  # rounding of steps × Δ × λ_max
    return {s: float(v) for s, v in horizons.items() if v < wanted}


def short_horizon_lines(table: pd.DataFrame | None, task: str, fmt) -> list[str]:
    """``leaderboard.md``'s sentence under a task's table: the systems whose horizon is
    shorter than the protocol's, with their horizon (``fmt`` rounds); none if none."""
    short = short_horizons(table, task)
    if not short:
        return []
    listed = ", ".join(f"`{s}` {fmt(v)} t_λ" for s, v in short.items())
    return [
        f"Systems whose test windows end before {fmt(Protocol().horizon_lyap)} Lyapunov "
        f"times (`{task}`; the horizon is capped at {Protocol().max_horizon:,} steps, and "
        f"no VPT there can exceed it): {listed}.",
        "",
    ]
