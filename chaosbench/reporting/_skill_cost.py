"""The skill-versus-cost figure of a task: ``skill_cost_<task>.png``.

One point per forecaster: its median VPT over systems (y) against its median cost per
cell (x, log scale: fit + forecast wall seconds, median over seeds then over systems;
``leaderboard.csv``'s ``vpt_lyap_median`` and ``cost_seconds_median``). The Pareto front
(:func:`chaosbench.reporting._cost.pareto_front`: no other forecaster is at least as
skilful and as cheap, and better in one) is joined by a line, its points filled and their
names in bold. A forecaster without a positive finite cost (external ones, whose fit ran
elsewhere) is left out and named in the caption. The numbers are ``leaderboard.csv``'s;
matplotlib (Agg, no pyplot) is imported only when a figure is drawn, and the same rows
give the same bytes.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pandas as pd

from ..base._cache import atomic_write_bytes
from ..base._spec import short_label
from ..numerics._rows import headline_metric
from ._cost import drawable, figure_name, front_of, plotted
from ._figure_io import png_bytes, stamp_footer
from ._markdown import marked

DPI = 120
FRONT_COLOUR = "#c0392b"


def skill_cost_figure(per_task: pd.DataFrame, stamp: dict[str, str] | None = None) -> bytes:
    """The PNG of one task's skill-versus-cost figure from its ``leaderboard.csv`` rows."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    headline = headline_metric()
    task = str(per_task["task"].iloc[0])
    shown = per_task[plotted(per_task)].sort_values(["cost_seconds_median", "forecaster"])
    left_out = per_task[~plotted(per_task)]
    front = front_of(shown).to_numpy()
    skill = shown[f"{headline.column}_median"].to_numpy(dtype=float)
    cost = shown["cost_seconds_median"].to_numpy(dtype=float)
    external = shown["external"] if "external" in shown.columns else [False] * len(shown)
    names = [marked(short_label(f), e) for f, e in zip(shown["forecaster"], external)]

    fig = Figure(figsize=(8.0, 5.6), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_xscale("log")
    ax.scatter(cost[~front], skill[~front], s=28, facecolors="white", edgecolors="0.35")
    ax.scatter(cost[front], skill[front], s=40, color=FRONT_COLOUR, zorder=3)
    if front.any():  # sorted by cost, the front's skill rises: a staircase between them
        ax.plot(
            cost[front],
            skill[front],
            drawstyle="steps-post",
            color=FRONT_COLOUR,
            linewidth=1.2,
            label="Pareto front (no other forecaster both cheaper and more skilful)",
        )
        ax.legend(loc="best", fontsize=7, frameon=False)
    for x, y, name, on in zip(cost, skill, names, front):
        ax.annotate(
            name,
            (x, y),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=7,
            fontweight="bold" if on else "normal",
            color=FRONT_COLOUR if on else "0.2",
        )
    if len(cost):
        low, high = cost.min(), cost.max()
        ax.set_xlim(low / 2, high * 4)  # room for the names on the right
    ax.set_xlabel("median cost per cell: fit + forecast wall seconds (log scale)", fontsize=8)
    ax.set_ylabel(f"median {headline.label} over systems", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(True, which="major", color="0.9", linewidth=0.6)
    title = f"task {task}: skill versus cost, {len(shown)} forecasters"
    if len(left_out):
        title += f" (no cost, left out: {', '.join(short_label(f) for f in left_out.forecaster)})"
    ax.set_title(title, fontsize=8.5)
    if stamp:
        footer = stamp_footer(stamp)
        fig.supxlabel(footer, fontsize=6, color="0.4")
    return png_bytes(fig, DPI)


def write_skill_cost_figures(
    out: Path, board: pd.DataFrame, stamp: dict[str, str] | None = None
) -> dict[str, Path]:
    """Write ``skill_cost_<task>.png`` under ``out`` for every task of ``board``
    (``leaderboard.csv``) that has a point (and remove a stale one of a task that has
    none); returns the paths by file stem."""
    out = Path(out)
    paths = {}
    for task, per_task in board.groupby("task", sort=True):
        path = out / figure_name(str(task))
        if drawable(per_task):
            atomic_write_bytes(path, skill_cost_figure(per_task, stamp))
            paths[path.stem] = path
        else:
            path.unlink(missing_ok=True)
    return paths


def figure_uris(out: Path, tasks: list[str]) -> dict[str, str]:
    """Each task's ``skill_cost_<task>.png`` under ``out`` as a data URI (the web page
    stays one file); tasks without one are left out."""
    found = {}
    for task in tasks:
        image = Path(out) / figure_name(task)
        if image.is_file():
            encoded = base64.b64encode(image.read_bytes()).decode("ascii")
            found[task] = f"data:image/png;base64,{encoded}"
    return found
