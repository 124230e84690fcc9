"""Cost beside skill: what a cell costs, per forecaster, and who is on the Pareto front.

A cell is one (system, forecaster, task, seed) row. Its cost is ``fit_seconds +
forecast_seconds`` (wall seconds; the fit includes compilation and, for a tuned
forecaster, its whole search); ``compile_seconds`` (the row's share of its group's
compile time, dataset included) is reported beside it, not added. The forecast time per
test window (``forecast_seconds`` over the row's number of test windows: the length of
its ``<headline>_windows``, else the protocol's ``n_test``) puts a pretrained model's
inference beside a trained model's fit; ``forecast_seconds`` also covers the long free
run and the Lyapunov estimate, so it bounds the time of one window from above.
``n_parameters`` is the fitted state's stored numbers
(:func:`chaosbench.numerics._evaluate.n_parameters`: learned weights for a trained model,
the stored data for a non-parametric one).

- :func:`cost_medians`: per (task, system, forecaster), the medians over seeds
  (``by_system.csv``); ``leaderboard.csv`` takes the median over systems of each
  (:data:`COST_COLUMNS`, beside ``fit_seconds_median``).
- :func:`pareto_front`: which forecasters no other beats on both skill and cost.
- :func:`cost_lines`: the cost table of a task in ``leaderboard.md``, with the figure
  ``skill_cost_<task>.png`` (:mod:`._skill_cost`).

None of these is a score: cost columns are never ranked or tested, only shown.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from ..numerics._protocol import Protocol
from ..numerics._rows import headline_metric
from ..numerics._statistics import median

COST_COLUMNS = (
    "forecast_seconds_median",
    "forecast_seconds_per_window_median",
    "compile_seconds_median",
    "cost_seconds_median",
    "n_parameters_median",
)
"""The cost columns of ``by_system.csv`` and ``leaderboard.csv`` besides
``fit_seconds_median``, in their order."""
FRONT_MARK = "◆"


def _column(group: pd.DataFrame, column: str) -> pd.Series:
    """``group[column]`` as floats; NaN where the rows do not have it (old rows)."""
    if column not in group.columns:
        return pd.Series(np.nan, index=group.index, dtype=float)
    return pd.to_numeric(group[column], errors="coerce").astype(float)


def window_count(group: pd.DataFrame) -> pd.Series:
    """Per row, how many test windows it forecast: the length of its headline's
    per-window values (``<headline>_windows``, a JSON list), else the protocol's
    ``n_test`` (rows without them: failures, protocol ≤ 4)."""
    stored = group.get(f"{headline_metric().column}_windows")
    if stored is None:
        return pd.Series(float(Protocol().n_test), index=group.index)

    def count(windows) -> float:
        if isinstance(windows, str) and windows:
            return float(len(json.loads(windows)) or Protocol().n_test)
        return float(Protocol().n_test)

    return stored.map(count).astype(float)


def cost_medians(group: pd.DataFrame) -> dict[str, float]:
    """The cost of one (task, system, forecaster)'s rows: medians over seeds of
    ``forecast_seconds``, of it per test window (:func:`window_count`),
    ``compile_seconds``, the cell's cost (``fit_seconds + forecast_seconds``) and
    ``n_parameters``. Missing values (failures, external rows, rows written before a
    column existed) are left out; none left gives NaN."""
    fit, forecast = _column(group, "fit_seconds"), _column(group, "forecast_seconds")
    return {
        "forecast_seconds_median": median(forecast),
        "forecast_seconds_per_window_median": median(forecast / window_count(group)),
        "compile_seconds_median": median(_column(group, "compile_seconds")),
        "cost_seconds_median": median(fit + forecast),
        "n_parameters_median": median(_column(group, "n_parameters")),
    }


def pareto_front(skill: Sequence[float], cost: Sequence[float]) -> np.ndarray:
    """Which points are on the skill–cost Pareto front (higher skill, lower cost).

    A point is dominated when another is at least as skilful and at most as costly, and
    strictly better in one of the two; the front is the points nobody dominates. So two
    identical points are both on it, and of two equally costly points only the more
    skilful one is. A point with a missing or infinite value is neither on the front nor
    dominates anyone.

    **Arguments:**

    - `skill`: per point, higher is better (the median VPT), shape `(n,)`.
    - `cost`: per point, lower is better (the median seconds per cell), shape `(n,)`.

    **Returns:** a boolean array of shape `(n,)`, true on the front.
    """
    skill, cost = np.asarray(skill, dtype=float), np.asarray(cost, dtype=float)
    if skill.shape != cost.shape or skill.ndim != 1:
        raise ValueError(
            f"skill and cost are two vectors of one length: {skill.shape}, {cost.shape}"
        )
    usable = np.isfinite(skill) & np.isfinite(cost)
    front = usable.copy()
    for i in np.flatnonzero(usable):
        at_least = usable & (skill >= skill[i]) & (cost <= cost[i])
        better = (skill > skill[i]) | (cost < cost[i])
        front[i] = not (at_least & better).any()
    return front


def front_of(per_task: pd.DataFrame) -> pd.Series:
    """Per ``leaderboard.csv`` row of one task: on the Pareto front of median VPT against
    median cost per cell, among the rows with a point in the figure (:func:`plotted`)."""
    usable = plotted(per_task)
    if not usable.any():
        return pd.Series(False, index=per_task.index)
    skill = np.where(usable, per_task[f"{headline_metric().column}_median"], np.nan)
    cost = np.where(usable, per_task["cost_seconds_median"], np.nan)
    return pd.Series(pareto_front(skill.astype(float), cost.astype(float)), index=per_task.index)


def figure_name(task: str) -> str:
    """The skill-versus-cost figure of a task (:mod:`._skill_cost`)."""
    return f"skill_cost_{task}.png"


def plotted(per_task: pd.DataFrame) -> np.ndarray:
    """Which ``leaderboard.csv`` rows of a task have a point in its figure: a finite median
    VPT and a positive finite cost (not external rows, whose fit ran elsewhere)."""
    h = f"{headline_metric().column}_median"
    if h not in per_task.columns or "cost_seconds_median" not in per_task.columns:
        return np.zeros(len(per_task), dtype=bool)
    skill = per_task[h].to_numpy(dtype=float)
    cost = per_task["cost_seconds_median"].to_numpy(dtype=float)
    return np.isfinite(skill) & np.isfinite(cost) & (cost > 0)


def drawable(per_task: pd.DataFrame) -> bool:
    """Whether ``leaderboard.csv``'s rows of one task make a figure (a point at least)."""
    return bool(plotted(per_task).any())


def cost_lines(
    per_task: pd.DataFrame,
    fmt: Callable[[object], str],
    marked: Callable[[str, object], str],
) -> list[str]:
    """``leaderboard.md``'s cost table of one task (its ``leaderboard.csv`` rows, in their
    order): median fit, forecast (per cell and per test window), compile and total seconds
    per cell and stored numbers,
    with the Pareto front marked, and the skill-versus-cost figure where the task has one
    (:func:`drawable`). Empty for a table written before the cost columns existed."""
    if "cost_seconds_median" not in per_task.columns or per_task.empty:
        return []
    task = per_task["task"].iloc[0]
    name = headline_metric().short_name
    lines = [
        f"Cost per cell (`{task}`): medians over systems of the per-system median over "
        "seeds of a cell's wall seconds: fit (compilation and any search included), "
        "forecast (and per test window: a zero-shot model's inference time), their sum "
        "(cost), compile (the cell's share of its group's compile "
        "time, reported beside) and the fitted state's stored numbers (learned weights, "
        f"or the stored data of a non-parametric forecaster). {FRONT_MARK}: on the "
        f"Pareto front of median {name} against cost (no other forecaster is at least as "
        "skilful and as cheap, and better in one).",
        "",
    ]
    if drawable(per_task):
        lines += [f"![skill versus cost, task {task}]({figure_name(task)})", ""]
    front = front_of(per_task)
    header = ["forecaster", "fit s", "forecast s", "forecast s / window", "compile s", "cost s"]
    header += ["parameters", "front"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("| --- | " + " | ".join(["---:"] * (len(header) - 1)) + " |")
    for i, r in per_task.iterrows():
        cells = [
            marked(f"`{r['forecaster']}`", r.get("external")),
            *(fmt(_float(r.get(c))) for c in ("fit_seconds_median", *COST_COLUMNS)),
            FRONT_MARK if front[i] else "",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _float(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan
