"""The critical-difference diagram of a task (Demšar 2006, Fig. 1): ``cd_diagram_<task>.png``.

An axis of average ranks (1 = best, on the left) over the systems where every forecaster
has rows; each forecaster hangs from its average rank, the better half named on the
left, the rest on the right. A thick bar joins forecasters whose average ranks lie within
less than the Nemenyi critical difference (CD, drawn to scale above the axis) of each
other: the Nemenyi test cannot tell them apart at α = 0.05. The title gives the Friedman
test. The numbers are ``ranking.csv``'s; matplotlib (Agg, no pyplot) is imported only
when a diagram is drawn, and the same rows give the same bytes.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from ..base._cache import atomic_write_bytes
from ..base._spec import short_label
from ..numerics._ranking_tests import cliques
from ._figure_io import png_bytes, stamp_footer
from ._markdown import fmt, marked

DPI = 120
WIDTH = 8.0  # inches
LEFT, RIGHT = 0.27, 0.73  # the axis, as fractions of the width


def diagram_name(task: str) -> str:
    return f"cd_diagram_{task}.png"


def _short(forecaster: str) -> str:
    return short_label(forecaster)  # esn-v2[size=800] → esn[size=800]


def drawable(per_task: pd.DataFrame) -> bool:
    """Whether ``ranking.csv``'s rows of one task make a diagram (k ≥ 2, N ≥ 1)."""
    return (
        len(per_task) >= 2
        and per_task["average_rank"].notna().all()
        and int(per_task["systems"].iloc[0]) >= 1
    )


def cd_diagram(per_task: pd.DataFrame, stamp: dict[str, str] | None = None) -> bytes:
    """The PNG of one task's diagram from its ``ranking.csv`` rows."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = per_task.sort_values(["average_rank", "forecaster"]).reset_index(drop=True)
    k = len(rows)
    ranks = rows["average_rank"].to_numpy(float)
    first = rows.iloc[0]
    cd = float(first["critical_difference"])
    names = [
        f"{marked(_short(r['forecaster']), r.get('external'))} ({r['average_rank']:.2f})"
        for _, r in rows.iterrows()
    ]
    groups = cliques(ranks, cd)
    half = math.ceil(k / 2)
    # vertical layout in inches from the top
    axis_y, bar_gap, name_gap = 0.95, 0.11, 0.24
    bars_bottom = axis_y + 0.15 + bar_gap * len(groups)
    height = bars_bottom + name_gap * (half + 0.5) + 0.35

    fig = Figure(figsize=(WIDTH, height), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 1)
    ax.set_ylim(height, 0)
    ax.set_axis_off()

    def x_of(rank: float) -> float:
        span = max(k - 1, 1)
        return LEFT + (RIGHT - LEFT) * (rank - 1) / span

    line = {"color": "black", "linewidth": 0.8}
    ax.plot([x_of(1), x_of(k)], [axis_y, axis_y], **line)
    for tick in range(1, k + 1):
        ax.plot([x_of(tick)] * 2, [axis_y - 0.06, axis_y], **line)
        ax.text(x_of(tick), axis_y - 0.09, str(tick), ha="center", va="bottom", fontsize=8)
    if math.isfinite(cd):
        ends = (x_of(1), x_of(1 + cd))
        ax.plot(ends, [0.5, 0.5], color="black", linewidth=1.2)
        for x in ends:
            ax.plot([x, x], [0.45, 0.55], color="black", linewidth=1.2)
        ax.text(ends[0], 0.41, f"CD = {fmt(cd)}", ha="left", va="bottom", fontsize=8)
    for i, (rank, name) in enumerate(zip(ranks, names)):
        left = i < half
        row = i if left else k - 1 - i
        y = bars_bottom + name_gap * (row + 0.5)
        x_end = LEFT - 0.02 if left else RIGHT + 0.02
        ax.plot([x_of(rank), x_of(rank), x_end], [axis_y, y, y], **line)
        ax.text(
            x_end + (-0.005 if left else 0.005),
            y,
            name,
            ha="right" if left else "left",
            va="center",
            fontsize=8,
        )
    for g, members in enumerate(groups):
        y = axis_y + 0.15 + bar_gap * g
        lo, hi = ranks[list(members)].min(), ranks[list(members)].max()
        ax.plot([x_of(lo) - 0.004, x_of(hi) + 0.004], [y, y], color="black", linewidth=3)
    title = (
        f"task {first['task']}: average rank of median VPT over N = {int(first['systems'])} "
        f"systems, k = {k}; Friedman p = {fmt(float(first['friedman_p']))}; "
        f"Nemenyi CD = {fmt(cd)} (α = 0.05)"
    )
    ax.text(0.5, 0.08, title, ha="center", va="top", fontsize=8.5)
    if stamp:
        footer = stamp_footer(stamp)
        ax.text(0.5, height - 0.08, footer, ha="center", va="bottom", fontsize=6, color="0.4")
    return png_bytes(fig, DPI)


def write_cd_diagrams(
    out: Path, ranks: pd.DataFrame, stamp: dict[str, str] | None = None
) -> dict[str, Path]:
    """Write ``cd_diagram_<task>.png`` under ``out`` for every task that has one (and
    remove a stale one of a task that no longer does); returns the paths by file stem."""
    out = Path(out)
    paths = {}
    for task, per_task in ranks.groupby("task", sort=True):
        path = out / diagram_name(str(task))
        if drawable(per_task):
            atomic_write_bytes(path, cd_diagram(per_task, stamp))
            paths[path.stem] = path
        else:
            path.unlink(missing_ok=True)
    return paths
