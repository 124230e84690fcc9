"""``leaderboard.md``: the leaderboard tables rendered as Markdown, with the stamp and a
legend. Numbers are rounded by :func:`fmt` (three significant digits; ∞ and – for
infinite and missing values), which the web page uses too.

The tables' metric columns, their names and order come from the metric registry (see
:mod:`chaosbench.numerics._rows`); the prose (:data:`ORDER_SENTENCE` and the legend) describes the
shipped metrics in words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..base._spec import short_label
from ..numerics._rows import headline_metric, long_term_metrics, per_system_metrics
from ..numerics._statistics import BOOTSTRAP_SAMPLES
from . import _long_run
from ._breakdowns import MIN_SYSTEMS_FOR_WINNER, bin_order
from ._cost import cost_lines
from ._independence import independence_lines
from ._orders import orders_lines
from ._windows import CENSORED_MARK, marked_median, short_horizon_lines, winner_censored

EXTERNAL_MARK = " (external)"
"""Appended to the name of a forecaster scored from forecasts made outside chaosbench, in
``leaderboard.md`` and on the web page."""
BREAKDOWN_TITLES = {
    "observed_dimension": "observed dimension",
    "lyapunov_times_per_period": "λ_max · period (Lyapunov times per period)",
    "positive_exponents": "positive Lyapunov exponents",
    "family": "family",
}


def fmt(value, digits: int = 3) -> str:
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float) and math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return f"{value:.{digits}g}"


def _short(forecaster: str) -> str:
    return short_label(forecaster)  # esn-v2[size=800] → esn[size=800]


def marked(name: str, external) -> str:
    """``name`` with :data:`EXTERNAL_MARK` if ``external`` is true."""
    return name + EXTERNAL_MARK if external is True or external in (1, "true", "True") else name


NEXT_MARKS = {"better": ">", "worse": "<", "indistinguishable": "≈"}
"""The mark of a ranked row against the next (``verdict_vs_next``): ``≈`` not
distinguishable (Holm-corrected Wilcoxon p ≥ 0.05), ``>`` significantly better, ``<``
significantly worse (the order by median and the paired test disagree)."""
DIMENSION_LABELS = {"dim3": "3", "dim4to6": "4-6", "dim7plus": "7+"}


def next_mark(p_holm, verdict) -> str:
    """The "vs next" cell: the mark and the Holm-corrected p (``–`` on a last row)."""
    if not isinstance(verdict, str) or verdict not in NEXT_MARKS:
        return "–"
    return f"{NEXT_MARKS[verdict]} {fmt(p_holm, 2)}"


def _md_table(header: Sequence[str], body: Sequence[Sequence[str]], align: str) -> list[str]:
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |")
    lines += ["| " + " | ".join(cells) + " |" for cells in body]
    return lines


ORDER_SENTENCE = (
    "Forecasters are ordered by their median valid prediction time over systems "
    "(short-term skill; error and timeout rows count as 0); the long-term columns (D_stsp, "
    "D_H, λ error, the long-run states) stand beside it and do not change the order."
)


def _paired_lines(
    task: str, names: list[str], pairs: pd.DataFrame, ranks: pd.DataFrame, headline: str
) -> list[str]:
    """The paired tests of one task: Friedman with the CD diagram and the average ranks,
    then the matrix of Holm-corrected Wilcoxon p-values."""
    lines = []
    mine = ranks[ranks["task"] == task] if ranks is not None else pd.DataFrame()
    if len(mine):
        r = mine.iloc[0]
        left_out = [f"`{n}`" for n in names if n not in set(mine["forecaster"])]
        lines += [
            f"Paired tests (`{task}`; Demšar 2006). Friedman over the {int(r['systems'])} "
            f"systems where all {int(r['forecasters'])} ranked forecasters have rows"
            + (
                f" ({', '.join(left_out)}, scored on too few systems, left out of it and "
                "compared pair by pair below)"
                if left_out
                else ""
            )
            + ": "
            f"χ² = {fmt(r['friedman_statistic'])}, p = {fmt(r['friedman_p'])} "
            f"(Iman–Davenport F = {fmt(r['iman_davenport_f'])}, "
            f"p = {fmt(r['iman_davenport_p'])}); Nemenyi critical difference "
            f"CD = {fmt(r['critical_difference'])} average ranks (α = 0.05, "
            f"q = {fmt(r['nemenyi_q'], 4)}). A bar joins forecasters whose average ranks "
            "differ by less than CD.",
            "",
            f"![critical-difference diagram, task {task}](cd_diagram_{task}.png)",
            "",
        ]
        body = [
            [
                str(int(x["position"])),
                marked(f"`{x['forecaster']}`", x.get("external")),
                fmt(x["average_rank"]),
            ]
            for _, x in mine.iterrows()
        ]
        lines += _md_table(["#", "forecaster", f"average rank ({headline})"], body, "rlr")
        lines.append("")
    mine = pairs[pairs["task"] == task] if pairs is not None else pd.DataFrame()
    if len(mine) and len(names) > 1:
        lines += [
            f"Wilcoxon signed-rank tests (`{task}`): row vs column over the systems both "
            f"have rows for, p Holm-corrected over the {len(names) * (len(names) - 1) // 2} "
            "pairs; ▲ row significantly better, ▼ significantly worse (p < 0.05).",
            "",
        ]
        lookup = mine.set_index(["forecaster", "opponent"])
        marks = {"better": "▲", "worse": "▼"}
        body = []
        for a in names:
            cells = [f"`{_short(a)}`"]
            for b in names:
                if a == b or (a, b) not in lookup.index:
                    cells.append("·")
                    continue
                hit = lookup.loc[(a, b)]
                cells.append(fmt(hit["p_holm"], 2) + marks.get(hit["verdict"], ""))
            body.append(cells)
        header = ["row vs column"] + [_short(n) for n in names]
        lines += _md_table(header, body, "l" + "r" * len(names))
        lines.append("")
    return lines


def _breakdown_winners(per_kind: pd.DataFrame, bins: list[str], h: str) -> list[str]:
    """The "winner" row of a breakdown: the bin's best median, none below 5 systems."""
    cells = ["**winner**"]
    for b in bins:
        hit = per_kind[(per_kind["bin"] == b) & per_kind["bin_winner"].astype(bool)]
        size = int(per_kind.loc[per_kind["bin"] == b, "bin_systems"].max())
        if size < MIN_SYSTEMS_FOR_WINNER:
            cells.append(f"none (n < {MIN_SYSTEMS_FOR_WINNER})")
        else:
            cells.append(", ".join(f"`{_short(n)}`" for n in sorted(hit["forecaster"])) or "–")
    return cells


def render_markdown(
    board: pd.DataFrame,
    stamp: dict[str, str],
    best: pd.DataFrame | None = None,
    split: pd.DataFrame | None = None,
    reference: str = "persistence",
    *,
    pairs: pd.DataFrame | None = None,
    ranks: pd.DataFrame | None = None,
    table: pd.DataFrame | None = None,
    independence: pd.DataFrame | None = None,
    orders: pd.DataFrame | None = None,
) -> str:
    """``leaderboard.md``: per task the ranked table, the systems whose horizon is short
    (``table``: ``by_system.csv``), the win-rate matrix, the paired tests (``pairs``:
    ``pairwise.csv``, ``ranks``: ``ranking.csv``), how robust the order is (``orders``:
    ``orders.csv``), the datasets that fail the independence
    check (``independence``: ``independence.csv``), the cost per cell and the skill-cost
    figure (:mod:`._cost`), the per-system winners (a censored
    per-system median, as ``table`` says, printed "≥ x") and the breakdowns; then the
    stamp."""
    lines = ["# chaosbench leaderboard", ""]
    lines.append(
        "Generated by `chaosbench leaderboard` from `leaderboard.csv`; do not edit by hand."
    )
    lines.append("")
    lines += [ORDER_SENTENCE, "", _long_run.normalisation_sentence(), ""]
    headline, long_term = headline_metric(), long_term_metrics()
    h = headline.column
    gain = f"{h}_minus_{reference}_median"
    judged = per_system_metrics()
    for task, per_task in board.groupby("task", sort=True):
        per_task = per_task.reset_index(drop=True)
        dims = [d for d in DIMENSION_LABELS if f"{h}_{d}_median" in per_task.columns]
        lines += [f"## Task `{task}`", ""]
        header = [
            "#",
            "forecaster",
            f"median {headline.label}",
            *(["vs next"] if "verdict_vs_next" in per_task.columns else []),
            "95 % CI",
            "IQR",
            *(f"{headline.short_name} dim {DIMENSION_LABELS[d]}" for d in dims),
            f"{headline.short_name} − {reference}",
            "mean rank",
            *_long_run.header(long_term),
            "failures",
            "fit s",
            "systems",
        ]
        body = []
        external = (
            dict(zip(per_task["forecaster"], per_task["external"]))
            if ("external" in per_task.columns)
            else {}
        )
        for i, r in per_task.iterrows():
            body.append(
                [
                    str(i + 1),
                    marked(f"`{r['forecaster']}`", r.get("external")),
                    fmt(r[f"{h}_median"]),
                    *(
                        [next_mark(r["p_holm_vs_next"], r["verdict_vs_next"])]
                        if "verdict_vs_next" in per_task.columns
                        else []
                    ),
                    f"{fmt(r[f'{h}_ci_low'])} – {fmt(r[f'{h}_ci_high'])}",
                    f"{fmt(r[f'{h}_q25'])} – {fmt(r[f'{h}_q75'])}",
                    *(fmt(r[f"{h}_{d}_median"]) for d in dims),
                    fmt(r.get(gain, float("nan"))),
                    fmt(r["mean_rank"]),
                    *(fmt(r.get(f"{_long_run.shown_column(m)}_median")) for m in long_term),
                    _long_run.state_cell(r),
                    f"{int(r['failures'])}/{int(r['runs'])}",
                    fmt(r["fit_seconds_median"]),
                    str(int(r["systems"])),
                ]
            )
        lines += _md_table(header, body, "rl" + "r" * (len(header) - 2))
        lines.append("")
        lines += short_horizon_lines(table, task, fmt)
        lines += independence_lines(independence, task)
        lines += cost_lines(per_task, fmt, marked)  # cost beside skill, the Pareto front
        if dims and split is not None and len(split):
            dim_split = split[
                (split["task"] == task) & (split["breakdown"] == "observed_dimension")
            ]
            sizes = dim_split.groupby("bin")["systems"].max()
            counted = ", ".join(
                f"{DIMENSION_LABELS[d]}: {int(sizes.get(DIMENSION_LABELS[d], 0))}" for d in dims
            )
            lines += [f"Systems per observed-dimension bin (`{task}`): {counted}.", ""]
        names = list(per_task["forecaster"])
        if len(names) > 1:
            lines += [
                f"Win rate (`{task}`): row beats column on this fraction of systems "
                f"(median {headline.short_name}; ties count half).",
                "",
            ]
            body = []
            for _, r in per_task.iterrows():
                cells = [marked(f"`{_short(r['forecaster'])}`", r.get("external"))]
                for other in names:
                    cells.append(
                        "·" if other == r["forecaster"] else fmt(r[f"win_rate_vs_{other}"], 2)
                    )
                body.append(cells)
            header = ["row vs column"] + [_short(n) for n in names]
            lines += _md_table(header, body, "l" + "r" * len(names))
            lines.append("")
        if pairs is not None or ranks is not None:
            lines += _paired_lines(task, names, pairs, ranks, headline.short_name)
        if orders is not None:
            lines += orders_lines(orders, task)
        if best is not None and len(best):
            mine = best[best["task"] == task]
            named = " and ".join(f"best median {m.short_name}" for m in judged)
            lines += [f"Per-system winners (`{task}`): {named}.", ""]
            body = [
                [f"`{r['system']}`"]
                + [
                    cell
                    for m in judged
                    for cell in (
                        marked(
                            r[f"{m.column}_winner"] or "–", r.get(f"{m.column}_winner_external")
                        ),
                        marked_median(
                            fmt(r[_long_run.winner_column(m, best)[0]]),
                            m.headline
                            and winner_censored(table, task, r["system"], r[f"{m.column}_winner"]),
                        ),
                    )
                ]
                for _, r in mine.iterrows()
            ]
            header = ["system"]
            for m in judged:
                header += [f"best {m.short_name}", _long_run.winner_column(m, best)[1]]
            lines += _md_table(header, body, "l" + "lr" * len(judged))
            lines.append("")
        if split is not None and len(split):
            for kind, per_kind in split[split["task"] == task].groupby("breakdown", sort=False):
                bins = bin_order(kind, per_kind["bin"])
                size = "bin_systems" if "bin_systems" in per_kind.columns else "systems"
                counts = per_kind.groupby("bin")[size].max()
                title = BREAKDOWN_TITLES.get(kind, kind)
                lines += [
                    f"Median {headline.short_name} by {title} (`{task}`, breakdown `{kind}`; "
                    "systems per bin in the header; a bin of fewer than "
                    f"{MIN_SYSTEMS_FOR_WINNER} systems names no winner).",
                    "",
                ]
                header = ["forecaster"] + [f"{b} ({int(counts[b])})" for b in bins]
                body = []
                for name in names:
                    cells = [marked(f"`{_short(name)}`", external.get(name))]
                    for b in bins:
                        hit = per_kind[(per_kind["forecaster"] == name) & (per_kind["bin"] == b)]
                        cells.append(fmt(hit[f"{h}_median"].iloc[0]) if len(hit) else "–")
                    body.append(cells)
                if "bin_winner" in per_kind.columns:
                    body.append(_breakdown_winners(per_kind, bins, h))
                lines += _md_table(header, body, "l" + "r" * len(bins))
                lines.append("")
    lines += ["## Stamp", ""]
    lines += [f"- {key}: `{value}`" for key, value in stamp.items()]
    lines += [
        "",
        "## Legend",
        "",
        "- **median VPT**: valid prediction time in Lyapunov times (first time the "
        "normalised RMSE exceeds 0.5, from the test windows alone; a window that blows up "
        "has infinite error from that step on), median over seeds per system, then median "
        "over systems. Failures (error, timeout, oom) score 0.",
        "- **95 % CI**: bootstrap interval of that median, resampling systems, seeds "
        f"within systems and test windows within seeds ({BOOTSTRAP_SAMPLES} replicates, "
        "fixed seed).",
        f"- **{CENSORED_MARK}x**: a per-system median VPT that is censored: most windows "
        "stayed valid to the end of the horizon, so the VPT is at least x.",
        "- **IQR**: 25th – 75th percentile over systems of the per-system median VPT.",
        f"- **VPT − {reference}**: per system, the median VPT minus {reference}'s on the "
        "same system (Lyapunov times; 0 for it, empty where it has no rows), median over "
        "systems.",
        "- **vs next**: the paired test against the next row: ≈ not distinguishable "
        "(Wilcoxon signed-rank over the systems both have rows for, zero differences "
        "split, p Holm-corrected over all pairs of the task ≥ 0.05), > significantly "
        "better, < significantly worse; then that p.",
        "- **VPT dim 3, 4-6, 7+**: the median VPT over the systems of each observed-dimension bin.",
        "- **mean rank**: mean over systems of the rank of the per-system median VPT "
        "(1 = best, ties averaged); the paired tests' **average rank** is the same over "
        "the systems where every forecaster has rows.",
        *_long_run.LEGEND,
        "- **λ error**: |λ̂ − λ_max| / λ_max, λ̂ the largest Lyapunov exponent of the "
        "forecaster's own dynamics (two-trajectory estimate through `forecast`).",
        "- **failures**: rows with status error, timeout or oom / all rows; **fit s**: "
        "median fit seconds.",
        f"- **{EXTERNAL_MARK.strip()}**: scored from forecasts made outside chaosbench "
        "(`chaosbench export` / `chaosbench score`) with the same code; its training is not "
        "the suite's.",
        "- Every column is documented in `results/README.md`.",
        "",
    ]
    return "\n".join(lines)
