"""Aggregate raw rows into the leaderboard tables.

- ``runs.csv``: every row, long format (one per system × forecaster × task × seed).
- ``by_system.csv``: per (task, system, forecaster): seeds, failures, and for each metric
  the median, the interquartile range and a bootstrap 95 % interval of the median over
  seeds.
- ``leaderboard.csv``: per (task, forecaster): median over systems of the per-system
  median VPT with its interquartile range over systems and a hierarchical bootstrap 95 %
  interval (systems resampled, then seeds within each system), mean rank (rank of the
  per-system median VPT, 1 = best, ties averaged), medians of D_stsp and D_H over
  systems, failures (rows not ``ok``), median fit time and the win rate against every
  other forecaster (``win_rate_vs_<id>``: the fraction of systems where this forecaster's
  median VPT is higher, ties counting half).
- ``winrate.csv``: the same win rates in long format with their counts.
- ``leaderboard.md``: the leaderboard rendered as Markdown tables with the stamp.
- ``stamp.json``: what produced the rows (package version, git commit, suite and its
  hash, JAX version, device, Python); every CSV carries the same values as columns.

Which metric plays which part (VPT the headline; D_stsp, D_H, λ error beside it; VPT and
D_stsp naming per-system winners) is read from the metric registry (``chaosbench.numerics._rows``).
Failures keep their failure scores (VPT 0, divergences inf); nothing is dropped. The
bootstrap uses a fixed seed mixed with the group's name, so the output is reproducible
and a group's interval does not change when other groups are added.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..base._cache import atomic_write_text
from ..harness._store import ID_COLUMNS, load_rows  # noqa: F401 (load_rows: the tables' input)
from ..numerics._rows import (
    DIVERGED,
    FAILURES,
    STAMP_COLUMNS,
    headline_metric,
    long_term_metrics,
    per_system_metrics,
)
from ..numerics._rows import metric_columns as _metric_columns
from ..numerics._statistics import bootstrap_ci, hierarchical_bootstrap_ci, median, quantile
from ._markdown import render_markdown

FLOAT_FORMAT = "%.6g"


def metric_columns(rows: pd.DataFrame) -> list[str]:
    return [
        c for c in _metric_columns(list(rows.columns)) if pd.api.types.is_numeric_dtype(rows[c])
    ]


# --------------------------------------------------------------------------- tables


def by_system(rows: pd.DataFrame) -> pd.DataFrame:
    """Per (task, system, forecaster): seeds, failures, median fit time, metric statistics."""
    metrics = metric_columns(rows)
    records = []
    for (task, system, forecaster), group in rows.groupby(
        ["task", "system", "forecaster"], sort=True
    ):
        record = {
            "task": task,
            "system": system,
            "forecaster": forecaster,
            "seeds": len(group),
            "failures": int(group["status"].isin(FAILURES).sum()),
            "long_run_diverged": _diverged(group),
            "fit_seconds": median(group["fit_seconds"]),
        }
        for m in metrics:
            values = group[m].to_numpy(dtype=float)
            low, high = bootstrap_ci(values, task, system, forecaster, m)
            record[f"{m}_median"] = median(values)
            record[f"{m}_q25"] = quantile(values, 0.25)
            record[f"{m}_q75"] = quantile(values, 0.75)
            record[f"{m}_ci_low"] = low
            record[f"{m}_ci_high"] = high
        records.append(record)
    return pd.DataFrame.from_records(records)


def _diverged(group: pd.DataFrame) -> int:
    if "long_run" not in group.columns:
        return 0
    return int((group["long_run"] == DIVERGED).sum())


def _median_of(group: pd.DataFrame, metric: str) -> float:
    column = f"{metric}_median"
    return median(group[column]) if column in group.columns else float("nan")


def win_rates(table: pd.DataFrame) -> pd.DataFrame:
    """Per task and ordered pair of forecasters: systems compared, wins, ties, win rate.

    A win on a system: this forecaster's median VPT is higher than the opponent's; a tie
    counts half. Only systems where both forecasters have rows are compared.
    """
    headline = headline_metric().column
    records = []
    for task, per_task in table.groupby("task", sort=True):
        vpt = per_task.pivot(index="system", columns="forecaster", values=f"{headline}_median")
        for a in vpt.columns:
            for b in vpt.columns:
                if a == b:
                    continue
                both = vpt[[a, b]].dropna()
                wins = int((both[a] > both[b]).sum())
                ties = int((both[a] == both[b]).sum())
                pairs = len(both)
                records.append(
                    {
                        "task": task,
                        "forecaster": a,
                        "opponent": b,
                        "systems": pairs,
                        "wins": wins,
                        "ties": ties,
                        "losses": pairs - wins - ties,
                        "win_rate": (wins + 0.5 * ties) / pairs if pairs else np.nan,
                    }
                )
    columns = ["task", "forecaster", "opponent", "systems", "wins", "ties", "losses", "win_rate"]
    return pd.DataFrame.from_records(records, columns=columns)


def leaderboard(table: pd.DataFrame, rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per (task, forecaster), ordered by median VPT over systems (failures count as 0),
    then mean rank (see the module docstring).

    With the raw ``rows`` the VPT interval is the hierarchical bootstrap over systems and
    seeds; without them, over the per-system medians only.
    """
    headline = headline_metric().column
    long_term = [m.column for m in long_term_metrics()]
    table = table.copy()
    table["rank"] = table.groupby(["task", "system"])[f"{headline}_median"].rank(
        ascending=False, method="average"
    )
    wins = win_rates(table)
    forecasters = sorted(table["forecaster"].unique())
    records = []
    for (task, forecaster), group in table.groupby(["task", "forecaster"], sort=True):
        vpt = group[f"{headline}_median"].to_numpy(dtype=float)
        if rows is not None:
            mine = rows[(rows["task"] == task) & (rows["forecaster"] == forecaster)]
            seeds = [g[headline].to_numpy() for _, g in mine.groupby("system", sort=True)]
        else:
            seeds = [[v] for v in vpt]
        low, high = hierarchical_bootstrap_ci(seeds, task, forecaster, headline)
        record = {
            "task": task,
            "forecaster": forecaster,
            "systems": len(group),
            "runs": int(group["seeds"].sum()),
            f"median_{headline}": median(vpt),
            f"{headline}_q25": quantile(vpt, 0.25),
            f"{headline}_q75": quantile(vpt, 0.75),
            f"{headline}_ci_low": low,
            f"{headline}_ci_high": high,
            "mean_rank": float(group["rank"].mean()),
            **{f"median_{m}": _median_of(group, m) for m in long_term},
            "long_run_blow_ups": int(group["long_run_diverged"].sum()),
            "failures": int(group["failures"].sum()),
            "median_fit_seconds": median(group["fit_seconds"]),
        }
        mine = wins[(wins["task"] == task) & (wins["forecaster"] == forecaster)]
        rate = dict(zip(mine["opponent"], mine["win_rate"]))
        for other in forecasters:
            record[f"win_rate_vs_{other}"] = rate.get(other, np.nan)
        records.append(record)
    out = pd.DataFrame.from_records(records)
    return out.sort_values(
        ["task", f"median_{headline}", "mean_rank", "forecaster"],
        ascending=[True, False, True, True],
    ).reset_index(drop=True)


def winners(table: pd.DataFrame) -> pd.DataFrame:
    """Per (task, system): the best forecaster by median VPT (higher) and by median D_stsp
    (lower), with their values; ties are listed together, joined by ``"; "``."""
    judged = [
        (m.column, np.nanmax if m.direction == "higher" else np.nanmin)
        for m in per_system_metrics()
    ]
    records = []
    for (task, system), group in table.groupby(["task", "system"], sort=True):
        record = {"task": task, "system": system}
        for metric, best in judged:
            column = f"{metric}_median"
            values = group[column].to_numpy(dtype=float) if column in group.columns else []
            finite = np.isfinite(values) if len(values) else np.array([], dtype=bool)
            if not finite.any():
                record[f"best_{metric}"], record[f"best_{metric}_value"] = "", float("nan")
                continue
            value = best(np.where(finite, values, np.nan))
            names = group.loc[values == value, "forecaster"]
            record[f"best_{metric}"] = "; ".join(sorted(names))
            record[f"best_{metric}_value"] = float(value)
        records.append(record)
    return pd.DataFrame.from_records(records)


def _dimension_bin(dimension: float) -> str:
    if not np.isfinite(dimension):
        return "unknown"
    return "3" if dimension <= 3 else ("4–6" if dimension <= 6 else "≥7")


TIMESCALE_BINS = (0.1, 0.5, 1.0)  # λ_max · period: bin edges


def _timescale_bin(value: float) -> str:
    if not np.isfinite(value):
        return "unknown"
    edges = TIMESCALE_BINS
    if value < edges[0]:
        return f"λ·T < {edges[0]:g}"
    for lo, hi in zip(edges, edges[1:]):
        if value < hi:
            return f"{lo:g} ≤ λ·T < {hi:g}"
    return f"λ·T ≥ {edges[-1]:g}"


def system_attributes(system_ids) -> pd.DataFrame:
    """Per system: observed dimension, λ_max · period, family (from the registry and the
    facts; unknown when a system is not registered in this process)."""
    from ..base import _api
    from ..catalogue._facts import get_facts

    records = []
    for system_id in sorted(set(system_ids)):
        record = {"system": system_id, "dimension": np.nan, "timescale": np.nan, "family": ""}
        if system_id in _api.systems:
            system = _api.systems.get(system_id)()
            facts = get_facts(system)
            record["dimension"] = system.observed_dimension
            record["timescale"] = facts["max_lyapunov"] * facts["period"]
            record["family"] = getattr(system, "family", "") or ""
        records.append(record)
    return pd.DataFrame.from_records(records)


def breakdowns(table: pd.DataFrame, attributes: pd.DataFrame) -> pd.DataFrame:
    """Median over systems of the per-system median VPT (and failures, long-run blow-ups)
    per (task, breakdown, bin, forecaster), for three breakdowns: observed dimension (3,
    4–6, ≥ 7), timescale (bins of λ_max · period) and system family."""
    attrs = attributes.set_index("system")
    bins = {
        "dimension": attrs["dimension"].map(_dimension_bin),
        "timescale": attrs["timescale"].map(_timescale_bin),
        "family": attrs["family"].replace("", "unknown"),
    }
    headline, *others = (m.column for m in per_system_metrics())
    records = []
    for kind, of_system in bins.items():
        frame = table.assign(bin=table["system"].map(of_system))
        for (task, value, forecaster), group in frame.groupby(
            ["task", "bin", "forecaster"], sort=True
        ):
            records.append(
                {
                    "task": task,
                    "breakdown": kind,
                    "bin": value,
                    "forecaster": forecaster,
                    "systems": len(group),
                    f"median_{headline}": median(group[f"{headline}_median"]),
                    **{f"median_{m}": _median_of(group, m) for m in others},
                    "long_run_blow_ups": int(group["long_run_diverged"].sum()),
                    "failures": int(group["failures"].sum()),
                }
            )
    return pd.DataFrame.from_records(records)


# --------------------------------------------------------------------------- stamp & output


def collect_stamp(rows: pd.DataFrame) -> dict[str, str]:
    """The stamp of the rows: each key's value, or the distinct values joined by ``"; "``."""
    out = {}
    for key in STAMP_COLUMNS:
        if key in rows.columns:
            values = sorted({str(v) for v in rows[key].dropna()})
        else:
            values = []
        out[key] = "; ".join(values) if values else "unknown"
    return out


def _with_stamp(frame: pd.DataFrame, stamp: dict[str, str]) -> pd.DataFrame:
    frame = frame.copy()
    for key, value in stamp.items():
        if key not in frame.columns:
            frame[key] = value
    return frame


def write_leaderboard(out: Path) -> dict[str, Path]:
    """Write the tables, ``leaderboard.md`` and ``stamp.json`` under ``out``."""
    out = Path(out)
    rows = load_rows(out)
    stamp = collect_stamp(rows)
    table = by_system(rows)
    board = leaderboard(table, rows)
    wins = win_rates(table)
    best = winners(table)
    split = breakdowns(table, system_attributes(table["system"]))
    paths = {}
    for name, frame in (
        ("runs", rows),
        ("by_system", table),
        ("leaderboard", board),
        ("winrate", wins),
        ("winners", best),
        ("breakdowns", split),
    ):
        path = out / f"{name}.csv"
        text = _with_stamp(frame, stamp).to_csv(index=False, float_format=FLOAT_FORMAT)
        atomic_write_text(path, text)
        paths[name] = path
    path = out / "leaderboard.md"
    atomic_write_text(path, render_markdown(board, stamp, best, split))
    paths["markdown"] = path
    path = out / "stamp.json"
    atomic_write_text(path, json.dumps(stamp, indent=1) + "\n")
    paths["stamp"] = path
    from ._web import write_index  # imported here: _web imports this module

    paths["html"] = write_index(out)
    return paths
