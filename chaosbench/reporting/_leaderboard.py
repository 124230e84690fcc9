"""Aggregate raw rows into the leaderboard tables.

- ``runs.csv``: every row, long format (one per system × forecaster × task × seed), with
  the system's attributes (:mod:`chaosbench.reporting._systems`).
- ``by_system.csv``: per (task, system, forecaster): the system's attributes, seeds,
  failures, and for each metric the median, the interquartile range and a bootstrap 95 %
  interval of the median over seeds (for the headline: seeds, then test windows, resampled;
  with ``<headline>_censored``, whether the median is only a lower bound because the
  forecasts stayed valid to the horizon, and ``horizon_lyap``); the headline's difference
  from the reference forecaster's (``vpt_lyap_minus_persistence``).
- ``leaderboard.csv``: per (task, forecaster): median over systems of the per-system
  median VPT with its interquartile range over systems and a hierarchical bootstrap 95 %
  interval (systems resampled, then seeds within each system, then test windows within
  each seed), the median over systems of its difference from persistence, mean rank
  (rank of the per-system median VPT, 1 = best, ties averaged), medians over systems of
  the long-term metrics (normalised by their truth floor where they have one,
  :mod:`._long_run`), the counts of the long-run states and the on-attractor rate,
  failures (rows not ``ok``), the median cost per cell (fit, forecast, compile and
  fit + forecast seconds, stored numbers: :mod:`._cost`) and the win rate against every other
  forecaster (``win_rate_vs_<id>``: the fraction of systems where this forecaster's
  median VPT is higher, ties counting half).
- ``winrate.csv``: the same win rates in long format with their counts.
- ``winners.csv``: per (task, system), the best forecaster by each per-system metric.
- ``breakdowns.csv``: medians within bins of systems (:mod:`._breakdowns`).
- ``independence.csv``: per (task, system, seed), the independence check of the dataset
  (:mod:`._independence`); ``leaderboard.md`` names the systems with a failing one.
- ``pairwise.csv``, ``ranking.csv`` and ``cd_diagram_<task>.png``: the paired tests of the
  ranking (Wilcoxon–Holm per pair, Friedman, Nemenyi; :mod:`._ranking`,
  :mod:`._cd_diagram`); ``leaderboard.csv`` marks whether each row is distinguishable
  from the next and gives the median per observed-dimension bin.
- ``orders.csv``: each forecaster's position under other aggregates (mean, average rank)
  and on each seed's dataset alone, over the paired tests' systems, with the smallest
  Kendall τ between two orders (:mod:`._orders`): which places hold whatever the choice.
- ``skill_cost_<task>.png``: median VPT against median cost per cell, with the Pareto
  front (:mod:`._skill_cost`).
- ``curves.csv`` and ``curve_<name>.png``: the forecasters along each axis of the task
  grid that the rows hold two points of or more (:mod:`._curves`); ``refusals.csv``: the
  cells forecasters refused (a context too short, too few observed variables), which
  are in ``runs.csv`` only. Neither file is written when it would be empty.
- ``leaderboard.md``: the leaderboard rendered as Markdown tables with the stamp (and a
  section on the curves and the refusals, when there are any).
- ``stamp.json``: what produced the rows (package version, git commit, suite and its
  hash, JAX version, device, Python); every CSV carries the same values as columns.

Column names follow one convention, ``<quantity>_<statistic>``: the quantity as
``runs.csv`` names it (``vpt_lyap``, ``fit_seconds``), then the statistic over the
table's group (``_median``, ``_q25``, ``_q75``, ``_ci_low``, ``_ci_high``). Every table
has an ``external`` column: true for forecasters scored from forecasts made outside
chaosbench. ``results/README.md`` documents every column.

Which metric plays which part (VPT the headline; D_stsp, D_H, λ error beside it; VPT and
D_stsp naming per-system winners) is read from the metric registry
(``chaosbench.numerics._rows``). Failures keep their failure scores in the short-term
metrics (VPT 0); the long-term metrics are over the runs on the attractor (the λ error
over bounded runs), with the counts of each state beside them (:mod:`._long_run`). The
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
    REFUSED,
    STAMP_COLUMNS,
    headline_metric,
    per_system_metrics,
)
from ..numerics._statistics import (  # noqa: F401 (bootstrap_ci: the tables' statistic)
    bootstrap_ci,
    hierarchical_bootstrap_ci,
    median,
    quantile,
    three_level_bootstrap_ci,
)
from ._breakdowns import breakdowns
from ._by_system import (  # noqa: F401 (metric_columns, short_name: the tables' helpers)
    FLOAT_FORMAT,
    REFERENCE,
    _median_of,
    by_system,
    external_flags,
    gain_column,
    metric_columns,
    short_name,
)
from ._cd_diagram import write_cd_diagrams
from ._cost import COST_COLUMNS
from ._curves import curve_points, curves_markdown, refusals, write_curve_figures
from ._independence import independence_table
from ._long_run import may_win
from ._long_run import summary as long_run_summary
from ._markdown import render_markdown
from ._orders import orders
from ._ranking import mark_neighbours, pairwise, ranking, with_dimension_medians
from ._skill_cost import write_skill_cost_figures
from ._systems import ATTRIBUTE_COLUMNS, system_attributes, with_attributes
from ._tracks import tuning_gain, tuning_gain_markdown, with_track
from ._web import write_index
from ._windows import window_values

OPTIONAL = ("curves", "refusals", "tuning_gain")  # written only when they have rows


def _external_of(table: pd.DataFrame) -> dict[str, bool]:
    if "external" not in table.columns:
        return {}
    return table.groupby("forecaster")["external"].any().astype(bool).to_dict()


def win_rates(table: pd.DataFrame) -> pd.DataFrame:
    """Per task and ordered pair of forecasters: systems compared, wins, ties, win rate.

    A win on a system: this forecaster's median VPT is higher than the opponent's; a tie
    counts half. Only systems where both forecasters have rows are compared.
    """
    headline = headline_metric().column
    external = _external_of(table)
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
                        "external": external.get(a, False),
                        "opponent": b,
                        "opponent_external": external.get(b, False),
                        "systems": pairs,
                        "wins": wins,
                        "ties": ties,
                        "losses": pairs - wins - ties,
                        "win_rate": (wins + 0.5 * ties) / pairs if pairs else np.nan,
                    }
                )
    columns = ["task", "forecaster", "external", "opponent", "opponent_external", "systems"]
    columns += ["wins", "ties", "losses", "win_rate"]
    return pd.DataFrame.from_records(records, columns=columns)


def leaderboard(table: pd.DataFrame, rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per (task, forecaster), ordered by median VPT over systems (failures count as 0),
    then mean rank (see the module docstring).

    With the raw ``rows`` the VPT interval is the three-level bootstrap over systems,
    seeds and test windows (:func:`chaosbench.reporting._windows.window_values`); without
    them, over the per-system medians only.
    """
    headline = headline_metric().column
    gain = gain_column()
    external = _external_of(table)
    table = table.copy()
    table["rank"] = table.groupby(["task", "system"])[f"{headline}_median"].rank(
        ascending=False, method="average"
    )
    wins = win_rates(table)
    forecasters = sorted(table["forecaster"].unique())
    records = []
    for (task, forecaster), group in table.groupby(["task", "forecaster"], sort=True):
        vpt = group[f"{headline}_median"].to_numpy(dtype=float)
        if rows is not None:  # systems, then seeds, then windows
            mine = rows[(rows["task"] == task) & (rows["forecaster"] == forecaster)]
            nested = [window_values(g, headline) for _, g in mine.groupby("system", sort=True)]
        else:
            nested = [[[v]] for v in vpt]
        low, high = three_level_bootstrap_ci(nested, task, forecaster, headline)
        record = {
            "task": task,
            "forecaster": forecaster,
            "external": external.get(forecaster, False),
            "systems": len(group),
            "runs": int(group["seeds"].sum()),
            f"{headline}_median": median(vpt),
            f"{headline}_q25": quantile(vpt, 0.25),
            f"{headline}_q75": quantile(vpt, 0.75),
            f"{headline}_ci_low": low,
            f"{headline}_ci_high": high,
            f"{gain}_median": _median_of(group, gain),
            "mean_rank": float(group["rank"].mean()),
            **long_run_summary(group),
            "failures": int(group["failures"].sum()),
            "fit_seconds_median": _median_of(group, "fit_seconds_median"),
            **{c: _median_of(group, c) for c in COST_COLUMNS},  # cost beside skill
        }
        mine = wins[(wins["task"] == task) & (wins["forecaster"] == forecaster)]
        rate = dict(zip(mine["opponent"], mine["win_rate"]))
        for other in forecasters:
            record[f"win_rate_vs_{other}"] = rate.get(other, np.nan)
        records.append(record)
    out = pd.DataFrame.from_records(records)
    return out.sort_values(
        ["task", f"{headline}_median", "mean_rank", "forecaster"],
        ascending=[True, False, True, True],
    ).reset_index(drop=True)


def winners(table: pd.DataFrame) -> pd.DataFrame:
    """Per (task, system): the system's attributes, then for each per-system metric the
    best forecaster by its median (``<metric>_winner``; ties listed together, joined by
    ``"; "``), that median (and for a metric with a truth floor its normalised median,
    ``<metric>_winner_norm_median``, where the table has it), whether a winner is
    external, and for the headline the winner's difference from the reference.

    A metric of the long free run (kind ``"long"``, D_stsp) is won among the forecasters
    with at least half of their runs on the system on the attractor (failures counting
    against; rows never judged, protocol ≤ 4, hold nobody back;
    :func:`chaosbench.reporting._long_run.may_win`): its median is
    over the runs on the attractor, so a forecaster that reaches the attractor once in
    five runs does not win by that one run."""
    judged = [
        (m, m.column, np.nanmax if m.direction == "higher" else np.nanmin)
        for m in per_system_metrics()
    ]
    headline, gain = headline_metric().column, gain_column()
    external = _external_of(table)
    records = []
    for (task, system), group in table.groupby(["task", "system"], sort=True):
        record = {"task": task, "system": system}
        for m, metric, best in judged:
            column = f"{metric}_median"
            values = group[column].to_numpy(dtype=float) if column in group.columns else []
            finite = np.isfinite(values) & may_win(group, m) if len(values) else np.array([])
            names, value = [], float("nan")
            if finite.any():
                value = float(best(np.where(finite, values, np.nan)))
                names = sorted(group.loc[finite & (values == value), "forecaster"])
            record[f"{metric}_winner"] = "; ".join(names)
            record[f"{metric}_winner_median"] = value
            if m.floor and f"{m.normalised_column}_median" in group.columns:
                norm = group.loc[group["forecaster"].isin(names), f"{m.normalised_column}_median"]
                record[f"{metric}_winner_norm_median"] = median(norm)
            record[f"{metric}_winner_external"] = any(external.get(n, False) for n in names)
            if metric == headline and gain in group.columns:
                gains = group.loc[group["forecaster"].isin(names), gain]
                record[f"{metric}_winner_minus_{REFERENCE}"] = median(gains)
        records.append(record)
    out = pd.DataFrame.from_records(records)
    if out.empty or not set(ATTRIBUTE_COLUMNS) <= set(table.columns):
        return out
    attributes = table.drop_duplicates("system")[["system", *ATTRIBUTE_COLUMNS]]
    return with_attributes(out, attributes, after="system")


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


def tables(rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every table written from ``rows``, by file name (without ``.csv``). Refused cells
    (the forecaster cannot take the task) are in ``runs`` and ``refusals`` only; the
    curves across the task grid (:mod:`._curves`) are there when their points are."""
    attributes = system_attributes(rows["system"], rows)
    runs = rows.assign(external=external_flags(rows))
    if "status" in rows.columns:
        rows = rows[rows["status"] != REFUSED]
    table = by_system(rows, attributes)
    pairs = pairwise(table)
    board = mark_neighbours(with_dimension_medians(leaderboard(table, rows), table), pairs)
    return {
        "curves": curve_points(rows, board, table, attributes),
        "refusals": refusals(runs),
        "runs": with_track(with_attributes(runs, attributes, after="max_lyapunov")),
        "by_system": with_track(table),
        "leaderboard": with_track(board),
        "tuning_gain": tuning_gain(rows),
        "winrate": win_rates(table),
        "winners": winners(table),
        "breakdowns": breakdowns(table, attributes, REFERENCE),
        "pairwise": pairs,
        "ranking": ranking(table),
        "orders": orders(table, rows),
        "independence": independence_table(rows),
    }


class MixedStackError(ValueError):
    """Rows computed with different numerical stacks, which tables do not pool unasked."""


def refuse_mixed_stacks(rows: pd.DataFrame, out: Path) -> None:
    """Refuse rows whose stamps disagree on the numerical stack (``stack``: Python, the
    numerical packages, XLA's instruction set; rows written before it was recorded count
    as ``unrecorded``): their numbers may differ in more than the method."""
    stacks = rows["stack"].fillna("unrecorded") if "stack" in rows else pd.Series(["unrecorded"])
    counts = stacks.value_counts()
    if len(counts) <= 1:
        return
    listed = "; ".join(f"{n} rows with {stack}" for stack, n in counts.items())
    raise MixedStackError(
        f"the rows under {out} were computed with {len(counts)} numerical stacks ({listed}): "
        "recompute them with one (`chaosbench run --force` after `make install`), or pool "
        "them knowingly with `chaosbench leaderboard --allow-mixed-stack`"
    )


def write_leaderboard(out: Path, *, allow_mixed_stack: bool = False) -> dict[str, Path]:
    """Write the tables, ``leaderboard.md`` and ``stamp.json`` under ``out``; refuse rows
    of several numerical stacks unless ``allow_mixed_stack``."""
    out = Path(out)
    rows = load_rows(out)
    if not allow_mixed_stack:
        refuse_mixed_stacks(rows, out)
    stamp = collect_stamp(rows)
    frames = tables(rows)
    paths = {}
    for name, frame in frames.items():
        path = out / f"{name}.csv"
        if name in OPTIONAL and frame.empty:  # none: no file (and no stale one)
            path.unlink(missing_ok=True)
            continue
        text = _with_stamp(frame, stamp).to_csv(index=False, float_format=FLOAT_FORMAT)
        atomic_write_text(path, text)
        paths[name] = path
    paths.update(write_cd_diagrams(out, frames["ranking"], stamp))
    paths.update(write_skill_cost_figures(out, frames["leaderboard"], stamp))
    paths.update(write_curve_figures(out, frames["curves"], stamp))
    path = out / "leaderboard.md"
    extra = {
        "pairs": frames["pairwise"],
        "ranks": frames["ranking"],
        "orders": frames["orders"],
        "table": frames["by_system"],
        "independence": frames["independence"],
    }
    markdown = render_markdown(
        frames["leaderboard"], stamp, frames["winners"], frames["breakdowns"], REFERENCE, **extra
    )
    gain = tuning_gain_markdown(frames["tuning_gain"])
    if gain:
        markdown = markdown.rstrip("\n") + "\n\n" + gain
    grid = curves_markdown(frames["curves"], frames["refusals"])
    markdown = markdown.rstrip("\n") + "\n" + "\n".join(grid) + "\n" if grid else markdown
    atomic_write_text(path, markdown)
    paths["markdown"] = path
    path = out / "stamp.json"
    atomic_write_text(path, json.dumps(stamp, indent=1) + "\n")
    paths["stamp"] = path
    paths["html"] = write_index(out)
    return paths
