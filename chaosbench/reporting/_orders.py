"""How far the leaderboard's order depends on the aggregate and on the data seed:
``orders.csv``.

The leaderboard orders forecasters by one aggregate, the median over systems of the
per-system median VPT. A reader should know which positions another reasonable choice
would change. Over the block of systems the Friedman test ranks
(:func:`chaosbench.reporting._ranking.complete_block`: every forecaster in it scored on
every system in it), each forecaster's position (1 = best, ties sharing the better
position) is written under

- ``position_median``: the median over systems of the per-system median VPT (the
  leaderboard's aggregate, on the block's systems);
- ``position_mean``: the mean over systems of the same values (weighted towards the
  systems with long horizons);
- ``position_average_rank``: the average over systems of the per-system rank (Friedman;
  on a complete block it orders exactly as the mean win rate against the others, which
  is ``(k − rank) / (k − 1)`` averaged, so the win rate is not a separate order);
- ``position_seed_<s>``: the median over systems of the seed-``s`` cell's VPT (each seed
  its own dataset under protocol v5): the order a single dataset would have given;

then ``position_best`` and ``position_worst`` over all of them, and per task (repeated on
its rows, as the Friedman statistics are in ``ranking.csv``) the smallest Kendall τ
between two aggregates' orders (``tau_aggregates_min``) and between two seeds' orders
(``tau_seeds_min``). A forecaster whose best and worst positions agree holds its place
whatever the choice; the paired tests (``pairwise.csv``) say separately whether a place
is supported by the evidence.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from ..numerics._rows import headline_metric
from ._ranking import _scores, complete_block

AGGREGATES = ("median", "mean", "average_rank")


def orders_columns(seeds: list[int]) -> list[str]:
    positions = [f"position_{a}" for a in AGGREGATES] + [f"position_seed_{s}" for s in seeds]
    return [
        "task",
        "forecaster",
        "systems",
        *positions,
        "position_best",
        "position_worst",
        "tau_aggregates_min",
        "tau_seeds_min",
    ]


def _positions(score: pd.Series) -> pd.Series:
    """1 = the highest score; tied scores share the better position (NaN: no score)."""
    return score.rank(ascending=False, method="min")


def _tau_min(positions: dict[str, pd.Series]) -> float:
    """The smallest Kendall τ (τ-b, ties allowed) between two of the orders."""
    taus = [
        positions[a].corr(positions[b], method="kendall") for a, b in combinations(positions, 2)
    ]
    return float(min(taus)) if taus else np.nan


def orders(table: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """``orders.csv`` from ``by_system.csv``'s frame and the raw rows (refusals removed;
    a failed cell counts with its failure score, VPT 0, as in the leaderboard)."""
    h = headline_metric().column
    frames = []
    for task, per_task in table.groupby("task", sort=True):
        block = complete_block(_scores(per_task))
        if block.shape[0] == 0 or block.shape[1] < 2:
            continue
        scores = {
            "median": block.median(axis=0),
            "mean": block.mean(axis=0),
            "average_rank": -block.rank(axis=1, ascending=False, method="average").mean(axis=0),
        }
        positions = {name: _positions(score) for name, score in scores.items()}
        mine = rows[
            (rows["task"] == task)
            & rows["system"].isin(block.index)
            & rows["forecaster"].isin(block.columns)
        ]
        seeds = sorted(int(s) for s in mine["seed"].unique())
        by_seed = {}
        for seed in seeds:
            cells = mine[mine["seed"] == seed].pivot_table(
                index="system", columns="forecaster", values=h, aggfunc="median"
            )
            cells = cells.reindex(index=block.index, columns=block.columns)
            by_seed[seed] = _positions(cells.median(axis=0, skipna=True))
        frame = pd.DataFrame({f"position_{k}": v for k, v in positions.items()})
        for seed, position in by_seed.items():
            frame[f"position_seed_{seed}"] = position
        frame["position_best"] = frame.min(axis=1, skipna=True)
        frame["position_worst"] = frame.max(axis=1, skipna=True)
        frame["tau_aggregates_min"] = _tau_min(positions)
        frame["tau_seeds_min"] = _tau_min(by_seed)
        frame = frame.rename_axis(None)
        frame.insert(0, "systems", len(block.index))
        frame.insert(0, "forecaster", list(frame.index))
        frame.insert(0, "task", task)
        frames.append(frame.sort_values(["position_median", "forecaster"]))
    if not frames:
        return pd.DataFrame(columns=orders_columns([]))
    out = pd.concat(frames, ignore_index=True)
    seeds = sorted(int(c.rsplit("_", 1)[1]) for c in out.columns if c.startswith("position_seed_"))
    return out[orders_columns(seeds)]


def orders_lines(frame: pd.DataFrame, task: str) -> list[str]:
    """``leaderboard.md``'s paragraph and table on the order's robustness for ``task``."""
    mine = frame[frame["task"] == task] if len(frame) else frame
    if mine.empty:
        return []
    seeds = [c for c in mine.columns if c.startswith("position_seed_") and mine[c].notna().any()]
    first = mine.iloc[0]
    held = mine[mine["position_best"] == mine["position_worst"]]
    lines = [
        f"How robust is the order (`{task}`)? Over the {int(first['systems'])} systems of "
        "the paired tests, each forecaster's position under three aggregates of the "
        "per-system medians (median, mean, average rank) and by the median of each seed's "
        "cells alone (each seed its own dataset). Smallest Kendall τ between two aggregates' "
        f"orders {first['tau_aggregates_min']:.2f}, between two seeds' "
        f"{first['tau_seeds_min']:.2f}; {len(held)} of {len(mine)} forecasters hold one "
        "position under every choice.",
        "",
    ]
    header = ["forecaster", "median", "mean", "average rank"]
    header += [f"seed {c.rsplit('_', 1)[1]}" for c in seeds] + ["range"]
    body = []
    for _, r in mine.iterrows():
        cells = [f"`{r['forecaster']}`"]
        cells += [str(int(r[f"position_{a}"])) for a in AGGREGATES]
        cells += [str(int(r[c])) if pd.notna(r[c]) else "–" for c in seeds]
        best, worst = int(r["position_best"]), int(r["position_worst"])
        cells.append(str(best) if best == worst else f"{best}–{worst}")
        body.append(cells)
    lines += ["| " + " | ".join(header) + " |"]
    lines += ["| --- |" + " ---: |" * (len(header) - 1)]
    lines += ["| " + " | ".join(cells) + " |" for cells in body]
    return [*lines, ""]
