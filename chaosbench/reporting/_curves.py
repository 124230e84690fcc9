"""Curves across the task grid: ``curves.csv``, ``curve_<name>.png`` and their section of
``leaderboard.md``; and the cells forecasters refused.

A curve follows the forecasters along one axis of the task grid
(:mod:`chaosbench.numerics._task`) with the other axes at the rich task's values:

- ``data``: training length (x: Lyapunov times), noise-free, every variable observed,
  the protocol's context: its points stated in Lyapunov times (``train=50lyap``), or,
  when the rows have none, those stated in steps (``rich``, ``limited``);
- ``noise``: observation noise (x: fraction of each coordinate's std) at rich's length;
- ``observed``: every variable against one (x: ``all``, ``one``) at rich's length;
- ``context``: context length (x: dominant periods) at rich's length.

A curve is reported when the rows hold at least two of its grid points. Each point of a
forecaster is its ``leaderboard.csv`` row of that task (refused cells are not rows
there): the median over systems of the per-system median VPT with its three-level
bootstrap 95 % interval (systems, seeds, windows:
:func:`chaosbench.numerics._statistics.three_level_bootstrap_ci`), and the on-attractor
rate (free runs on the attractor over all runs, failures included) with a bootstrap
interval over systems (:func:`chaosbench.numerics._statistics.pooled_rate_ci`). ``x`` is
the point's value on the curve's axis: the stated one where the task states it in the
axis's unit (``train=50lyap``: 50), else the median over the rows' systems of the
resolved value (``rich``'s 10,000 steps are 68 t_λ on a median system). The systems
behind two points of a curve are the same only when every cell ran; ``systems`` says how
many. A forecaster with one point on a curve is left out of it (a forecaster of the
context suite scores the noise curve's rich point alone: a point, not a curve).

One-variable points score the observed coordinate alone (its error, its truth floors:
:mod:`chaosbench.catalogue._coordinate_floors`), so ``observed`` compares what a method
makes of less information, each column on its own scale.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from ..base._cache import atomic_write_bytes
from ..base._spec import short_label
from ..numerics._protocol import Protocol
from ..numerics._rows import REFUSED, headline_metric
from ..numerics._statistics import median, pooled_rate_ci
from ..numerics._task import DEFAULT_TRAIN, Task, get_task, is_task
from ._figure_io import png_bytes, stamp_footer
from ._long_run import COUNTS, RATE
from ._markdown import _md_table, fmt, marked

DPI = 120


def _default_context(t: Task) -> bool:
    return t.context is None and t.context_periods is None


def _rich_length(t: Task) -> bool:
    return t.train_lyap is None and t.n_train == DEFAULT_TRAIN


@dataclasses.dataclass(frozen=True)
class Curve:
    """One axis of the task grid: its `name`, `title`, `axis` label, whether x is drawn
    on a `log` scale, and which tasks are its points (`member`)."""

    name: str
    title: str
    axis: str
    log: bool
    member: Callable[[Task], bool]


CURVES = (
    Curve(
        "data",
        "Data efficiency: skill against training length",
        "training length (Lyapunov times)",
        True,
        lambda t: t.noise == 0 and t.observe == "all" and _default_context(t),
    ),
    Curve(
        "noise",
        "Observation noise: skill against noise on the training data and contexts",
        "noise (fraction of each coordinate's std)",
        False,
        lambda t: t.observe == "all" and _default_context(t) and _rich_length(t),
    ),
    Curve(
        "observed",
        "Observed variables: every variable against one, at the rich length",
        "observed variables",
        False,
        lambda t: t.noise == 0 and _default_context(t) and _rich_length(t),
    ),
    Curve(
        "context",
        "Context length: skill against the context a forecast reads",
        "context length (dominant periods)",
        True,
        lambda t: t.noise == 0 and t.observe == "all" and _rich_length(t),
    ),
)


def figure_name(curve: str) -> str:
    return f"curve_{curve}.png"


def _column(group: pd.DataFrame, column: str) -> pd.Series:
    if column in group.columns:
        return pd.to_numeric(group[column], errors="coerce")
    return pd.Series(np.nan, index=group.index)


def _x(curve: Curve, task: Task, rows: pd.DataFrame, period: dict[str, float]) -> tuple:
    """``(x, stated)``: the point's value on the curve's axis and how the task states it."""
    if curve.name == "noise":
        return float(task.noise), f"{task.noise:g}"
    if curve.name == "observed":
        return float(task.observe == "one"), task.observe
    if curve.name == "data":
        if task.train_lyap is not None:
            return float(task.train_lyap), f"{task.train_lyap:g} t_λ"
        steps = float(task.n_train)
        fallback = steps * _column(rows, "dt") * _column(rows, "max_lyapunov")
        value = median(_column(rows, "task_train_lyap").fillna(fallback))
        return value, f"{value:.3g} t_λ ({task.n_train} steps)"
    if task.context_periods is not None:
        periods = task.context_periods
        return float(periods), f"{periods:g} period{'' if periods == 1 else 's'}"
    steps = task.context or Protocol().context
    periods = rows["system"].map(period).astype(float)
    fallback = steps * _column(rows, "dt") / periods
    value = median(_column(rows, "task_context_periods").fillna(fallback))
    return value, f"{value:.3g} periods ({steps} steps)"


def curve_points(rows: pd.DataFrame, board: pd.DataFrame, table: pd.DataFrame, attributes):
    """``curves.csv``: per curve with two grid points or more, per point and forecaster,
    the leaderboard's headline statistics and the on-attractor rate with its interval."""
    headline = headline_metric().column
    period = {}
    if attributes is not None and len(attributes):
        lam_t = attributes.set_index("system")["lyapunov_times_per_period"].astype(float)
        lam = attributes.set_index("system")["max_lyapunov"].astype(float)
        period = (lam_t / lam).to_dict()
    tasks = {name: get_task(name) for name in board["task"].unique() if is_task(name)}
    records = []
    for curve in CURVES:
        points = [name for name, task in tasks.items() if curve.member(task)]
        if curve.name == "data" and any(tasks[n].train_lyap for n in points):
            points = [n for n in points if tasks[n].train_lyap]  # one unit: t_λ
        if len(points) < 2:
            continue
        for name in points:
            x, stated = _x(curve, tasks[name], rows[rows["task"] == name], period)
            for _, entry in board[board["task"] == name].iterrows():
                mine = table[(table["task"] == name) & (table["forecaster"] == entry.forecaster)]
                on = _column(mine, COUNTS["on_attractor"]).fillna(0)
                low, high = pooled_rate_ci(on, mine["seeds"], curve.name, name, entry.forecaster)
                records.append(
                    {
                        "curve": curve.name,
                        "task": name,
                        "x": x,
                        "x_stated": stated,
                        "forecaster": entry.forecaster,
                        "external": bool(entry.get("external", False)),
                        "systems": int(entry.systems),
                        "runs": int(entry.runs),
                        **{
                            f"{headline}_{s}": entry[f"{headline}_{s}"]
                            for s in ("median", "q25", "q75", "ci_low", "ci_high")
                        },
                        RATE: entry.get(RATE, np.nan),
                        f"{RATE}_ci_low": low,
                        f"{RATE}_ci_high": high,
                        "failures": int(entry.get("failures", 0)),
                    }
                )
    columns = ["curve", "task", "x", "x_stated", "forecaster", "external", "systems", "runs"]
    frame = pd.DataFrame.from_records(records)
    if len(frame):  # a forecaster's lone point (another suite's rich cell) is no curve
        along = frame.groupby(["curve", "forecaster"])["task"].transform("nunique")
        frame = frame[along >= 2].copy()
    if frame.empty:
        return pd.DataFrame(columns=columns)
    order = {c.name: i for i, c in enumerate(CURVES)}
    frame["_order"] = frame["curve"].map(order)
    frame = frame.sort_values(["_order", "x", "task", "forecaster"], kind="stable")
    return frame.drop(columns="_order").reset_index(drop=True)


def refusals(rows: pd.DataFrame) -> pd.DataFrame:
    """Per (task, forecaster) with refused cells: how many cells and systems, and one
    reason as the rows give it (the numbers in it are one system's)."""
    columns = ["task", "forecaster", "cells", "systems", "reason"]
    if "status" not in rows.columns:
        return pd.DataFrame(columns=columns)
    refused = rows[rows["status"] == REFUSED]
    records = [
        {
            "task": task,
            "forecaster": forecaster,
            "cells": len(group),
            "systems": group["system"].nunique(),
            "reason": str(group["error"].iloc[0]),
        }
        for (task, forecaster), group in refused.groupby(["task", "forecaster"], sort=True)
    ]
    return pd.DataFrame.from_records(records, columns=columns)


# --------------------------------------------------------------------------- figures


def curve_figure(
    points: pd.DataFrame, stamp: dict[str, str] | None = None, everyone: list[str] | None = None
) -> bytes:
    """The PNG of one curve (its rows of ``curves.csv``): the median over systems (line)
    and the 95 % interval (band) of the VPT and of the on-attractor rate, one line per
    forecaster. A forecaster's colour is its place in `everyone` (every curve's
    forecasters; default: this curve's), so that it is the same in every figure."""
    from matplotlib import colormaps
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    curve = next(c for c in CURVES if c.name == points["curve"].iloc[0])
    headline = headline_metric()
    fig = Figure(figsize=(11.0, 4.8), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, 2)
    forecasters = sorted(points["forecaster"].unique())
    everyone = sorted(everyone or forecasters)
    palette = colormaps["tab20"]  # the dark shades first, then the light ones

    def colours(i: int):
        return palette(((2 * i) % 20 + (2 * i) // 20 % 2) / 19.999)

    panels = (
        (headline.column, f"median {headline.label} over systems"),
        (RATE, "on-attractor rate (free runs on the attractor / all runs)"),
    )
    for ax, (column, label) in zip(axes, panels):
        stat = f"{column}_median" if column != RATE else RATE
        for forecaster in forecasters:
            mine = points[points["forecaster"] == forecaster].sort_values("x")
            x = mine["x"].to_numpy(dtype=float)
            y = mine[stat].to_numpy(dtype=float)
            low = mine[f"{column}_ci_low"].to_numpy(dtype=float)
            high = mine[f"{column}_ci_high"].to_numpy(dtype=float)
            colour = colours(everyone.index(forecaster))
            name = marked(short_label(forecaster), bool(mine["external"].any()))
            ax.plot(x, y, marker="o", markersize=3, linewidth=1.2, color=colour, label=name)
            ax.fill_between(x, low, high, color=colour, alpha=0.12, linewidth=0)
        ticks = sorted(set(points["x"].dropna()))
        if curve.log:
            ax.set_xscale("log")
            ax.set_xticks(ticks, [f"{t:.3g}" for t in ticks])
            ax.minorticks_off()
        if curve.name == "observed":
            ax.set_xticks([0.0, 1.0], ["all", "one"])
            ax.set_xlim(-0.2, 1.2)
        ax.set_xlabel(curve.axis, fontsize=8)
        ax.set_ylabel(label, fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(True, which="major", color="0.9", linewidth=0.6)
    axes[1].set_ylim(-0.03, 1.03)
    axes[1].legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=7, frameon=False)
    systems = int(points["systems"].max()) if len(points) else 0
    fig.suptitle(f"{curve.title} (up to {systems} systems; bands: 95 % intervals)", fontsize=9)
    if stamp:
        footer = stamp_footer(stamp)
        fig.supxlabel(footer, fontsize=6, color="0.4")
    return png_bytes(fig, DPI)


def write_curve_figures(
    out: Path, points: pd.DataFrame, stamp: dict[str, str] | None = None
) -> dict[str, Path]:
    """Write ``curve_<name>.png`` under ``out`` for every curve of ``points`` (and remove
    a stale one of a curve that has none); returns the paths by file stem."""
    out = Path(out)
    paths = {}
    everyone = sorted(points["forecaster"].unique()) if len(points) else []
    for curve in CURVES:
        path = out / figure_name(curve.name)
        mine = points[points["curve"] == curve.name] if len(points) else points
        if len(mine):
            atomic_write_bytes(path, curve_figure(mine, stamp, everyone))
            paths[path.stem] = path
        else:
            path.unlink(missing_ok=True)
    return paths


# --------------------------------------------------------------------------- Markdown


def _cell(entry: pd.Series, headline: str) -> str:
    value = fmt(entry[f"{headline}_median"], 2)
    low, high = fmt(entry[f"{headline}_ci_low"], 2), fmt(entry[f"{headline}_ci_high"], 2)
    rate = entry[RATE]
    on = "–" if pd.isna(rate) else f"{100 * rate:.0f} %"
    return f"{value} [{low}, {high}] · {on}"


def curves_markdown(points: pd.DataFrame, refused: pd.DataFrame) -> list[str]:
    """The section of ``leaderboard.md`` on the curves (one table and figure per curve)
    and on the refused cells; empty when there is neither."""
    lines: list[str] = []
    headline = headline_metric()
    if len(points):
        lines += [
            "",
            "## Curves across the task grid",
            "",
            f"Each cell: median {headline.label} over systems [95 % bootstrap interval] · "
            "on-attractor rate (free runs on the attractor / all runs). Columns are grid "
            "points (tasks) in the curve's order; `curves.csv` has the numbers and the "
            "intervals of the rate. One-variable points score the observed coordinate alone.",
        ]
    for curve in CURVES:
        mine = points[points["curve"] == curve.name] if len(points) else points
        if not len(mine):
            continue
        tasks = list(dict.fromkeys(mine.sort_values(["x", "task"])["task"]))
        stated = dict(zip(mine["task"], mine["x_stated"]))
        header = ["forecaster"] + [f"{stated[t]} (`{t}`)" for t in tasks]
        body = []
        for forecaster, group in mine.groupby("forecaster", sort=True):
            by_task = {e.task: e for _, e in group.iterrows()}
            name = marked(short_label(forecaster), bool(group["external"].any()))
            row = [_cell(by_task[t], headline.column) if t in by_task else "–" for t in tasks]
            body.append([name, *row])
        lines += ["", f"### {curve.title}", "", f"![{curve.title}]({figure_name(curve.name)})"]
        lines += [""] + _md_table(header, body, "l" + "r" * len(tasks))
    if len(refused):
        lines += [
            "",
            "## Refused cells",
            "",
            "A forecaster that cannot take a task (a context shorter than it needs, fewer "
            "observed variables than it needs) is refused by name: no score, not a failure, "
            "left out of every table above.",
            "",
        ]
        body = [
            [short_label(r.forecaster), f"`{r.task}`", str(r.cells), str(r.systems), r.reason]
            for r in refused.itertuples()
        ]
        lines += _md_table(["forecaster", "task", "cells", "systems", "reason"], body, "llrrl")
    return lines
