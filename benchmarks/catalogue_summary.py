"""Print the Markdown summaries of committed tables that the README quotes, or write them
into the README.

Reads only the CSVs that ``chaosbench leaderboard`` wrote (no computation of scores, no
hand-copied numbers). Four kinds of summary, each a block of the README:

- ``--out DIR`` (a suite's folder, e.g. ``results/catalogue``): coverage (systems,
  cells, the wall time of the sittings in ``sessions.csv``); one line per forecaster in
  the leaderboard's order (track, median VPT with its interval, the long-term columns
  over their truth floors, free runs on the attractor, systems where it beats
  persistence); the statistics paragraph (Friedman's test, Nemenyi's critical
  difference, which neighbours in the order the paired Wilcoxon tests tell apart: the
  *tiers*); how robust the order is (``orders.csv``: the places that hold under every
  aggregate and every seed's dataset, the others' ranges); the median VPT per
  observed-dimension bin; the winner of every breakdown bin (a bin of fewer than 5
  systems names none); and the gain from tuning (``tuning_gain.csv``) when the folder
  has both tracks;
- ``--curves DIR`` (the curve suites' folder): per curve, the median VPT of every
  forecaster at every point (``curves.csv``) and what the curve shows: the order where
  the data is scarcest against the richest, which forecaster keeps least of its
  noise-free skill at the lowest noise, what one observed variable costs, what a longer
  context buys;
- ``--zero-shot DIR --trained DIR``: the zero-shot forecasters against every trained
  forecaster on the same systems (those the zero-shot model scores), per-system wins,
  systems seen in pretraining apart, where it wins (the systems where it beats every
  trained forecaster, and how often it beats the median one), and the cost of a window
  beside a trained model's fit and forecast; with ``--curves DIR`` also the track's
  longer context against the trained forecasters the context curve runs there.

``--readme README.md`` replaces the block between ``<!-- summary: ARGS -->`` and
``<!-- /summary -->`` whose ARGS equal this run's arguments (the block names the command
that writes it), instead of printing; ``--check`` exits 1 if the README's block differs.

Run::

    python benchmarks/catalogue_summary.py --out results/catalogue [--task rich]
    python benchmarks/catalogue_summary.py --curves results/curves
    python benchmarks/catalogue_summary.py --zero-shot results/zero_shot \
        --trained results/catalogue [--curves results/curves]
    python benchmarks/catalogue_summary.py --out results/catalogue --readme README.md
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

BASELINE = "persistence"
MIN_SYSTEMS = 5  # chaosbench.reporting._breakdowns.MIN_SYSTEMS_FOR_WINNER
# The model family of each built-in forecaster, for the regime findings' sentences.
FAMILIES = {
    "persistence": "baseline",
    "climatology": "baseline",
    "parroting": "context-matching",
    "analogues": "context-matching",
    "dynamix": "pretrained",
    "linear_ar": "linear delay-embedding",
    "edmd": "linear delay-embedding",
    "ngrc": "nonlinear delay-embedding",
    "esn": "reservoir",
    "shplrnn_gtf": "dynamical-systems RNN",
    "alrnn": "dynamical-systems RNN",
    "mamba": "sequence model",
    "transformer": "sequence model",
    "s4d": "sequence model",
    "s5": "sequence model",
    "neural_ode": "neural ODE",
}
DIMENSIONS = (("3", "dim3"), ("4–6", "dim4to6"), ("7+", "dim7plus"))


def _fmt(value: float) -> str:
    if pd.isna(value):
        return "–"
    if value == float("inf"):
        return "∞"
    return f"{value:.3g}"


def _p(value: float) -> str:
    """A p-value: two significant digits, or a bound below double precision."""
    if pd.isna(value):
        return "–"
    return "< 1e-300" if value < 1e-300 else f"{value:.2g}"


def _base(label: str) -> str:
    """``tuned(esn-v4)`` -> ``esn``; ``dynamix-v1[stride=3]`` -> ``dynamix``."""
    name = label.removeprefix("tuned(").split("[")[0].rstrip(")")
    return name.rsplit("-v", 1)[0]


def family(label: str) -> str:
    return FAMILIES.get(_base(label), "other")


def _n(count: int, noun: str) -> str:
    """``1 system``, ``2 systems``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _and(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _names(labels) -> str:
    return _and(f"`{x}`" for x in labels)


def _task(frame: pd.DataFrame, task: str) -> pd.DataFrame:
    return frame[frame.task == task]


def forecaster_lines(out: Path, task: str) -> list[str]:
    board = _task(pd.read_csv(out / "leaderboard.csv"), task)
    by_system = _task(pd.read_csv(out / "by_system.csv"), task)
    vpt = by_system.pivot_table(index="system", columns="forecaster", values="vpt_lyap_median")
    baseline = next((c for c in vpt.columns if _base(c) == BASELINE), None)
    runs = _task(pd.read_csv(out / "runs.csv"), task)
    lines = [
        "| forecaster | track | median VPT (t_λ) [95 % CI] | D_stsp / floor | D_H / floor "
        "| λ error | on attractor | beats persistence | failures |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for _, row in board.iterrows():
        name = row.forecaster
        mine = runs[runs.forecaster == name]
        scored = mine[mine.status != "refused"] if "status" in mine else mine
        on = int((scored.long_run == "on_attractor").sum())
        beats = "·"
        if baseline is not None and name != baseline:
            both = vpt[[name, baseline]].dropna()
            beats = f"{int((both[name] > both[baseline]).sum())}/{len(both)}"
        track = row.get("track", "defaults")
        lines.append(
            f"| `{name}` | {track} | {_fmt(row.vpt_lyap_median)} [{_fmt(row.vpt_lyap_ci_low)}, "
            f"{_fmt(row.vpt_lyap_ci_high)}] | {_fmt(row.get('d_stsp_norm_median'))} "
            f"| {_fmt(row.get('d_h_norm_median'))} | {_fmt(row.lyap_rel_error_median)} "
            f"| {on}/{len(scored)} | {beats} | {int(row.failures)} |"
        )
    return lines


def tiers(board: pd.DataFrame) -> list[list[str]]:
    """The leaderboard's order cut where a forecaster is distinguishable from the next
    (``distinguishable_from_next``: paired Wilcoxon signed-rank, Holm-corrected)."""
    groups: list[list[str]] = [[]]
    for _, row in board.iterrows():
        groups[-1].append(row.forecaster)
        if row.get("distinguishable_from_next") in (True, "True"):
            groups.append([])
    return [g for g in groups if g]


def statistics_lines(out: Path, task: str) -> list[str]:
    """One paragraph: what the paired evidence supports and what it does not."""
    ranking_path = out / "ranking.csv"
    if not ranking_path.exists():
        return []
    ranking = _task(pd.read_csv(ranking_path), task).sort_values("average_rank")
    board = _task(pd.read_csv(out / "leaderboard.csv"), task)
    pairs = _task(pd.read_csv(out / "pairwise.csv"), task)
    if ranking.empty or board.empty:
        return []
    first = ranking.iloc[0]
    left_out = [f for f in board.forecaster if f not in set(ranking.forecaster)]
    text = [
        f"Friedman's test over {int(first.systems)} systems and {int(first.forecasters)} "
        "forecasters (ranked by VPT per system"
        + (
            f"; {_names(left_out)}, scored on too few systems, "
            f"{'is' if len(left_out) == 1 else 'are'} left out of it"
            if left_out
            else ""
        )
        + f") gives χ² = {first.friedman_statistic:.4g}, "
        f"p = {_p(first.friedman_p)}; Nemenyi's critical difference is "
        f"{first.critical_difference:.3g} average ranks (`cd_diagram_{task}.png`). Average "
        "ranks: "
        + ", ".join(f"`{r.forecaster}` {r.average_rank:.2f}" for _, r in ranking.iterrows())
        + "."
    ]
    groups = tiers(board)
    distinct = sum(len(g) == 1 for g in groups)
    text.append(
        f"Cut where the paired Wilcoxon signed-rank test (Holm over {len(pairs) // 2} pairs) "
        "tells a forecaster from the next in the order by median VPT, the leaderboard falls "
        f"into {_n(len(groups), 'tier')}: "
        + "; ".join(f"{i + 1}. " + ", ".join(f"`{f}`" for f in g) for i, g in enumerate(groups))
        + f". Within a tier the order is not supported by the paired evidence; {distinct} "
        f"of {len(board)} forecasters stand alone."
    )
    leader = board.iloc[0].forecaster
    mine = pairs[pairs.forecaster == leader]
    ties = mine[mine.verdict == "indistinguishable"].opponent.tolist()
    if ties:
        ahead = len(mine) - len(ties)
        text.append(
            f"The leader `{leader}` cannot be told apart from {_names(ties)}"
            + (f"; it is significantly ahead of the other {ahead}." if ahead else ".")
        )
    elif len(mine):
        text.append(f"The leader `{leader}` is significantly ahead of every other forecaster.")
    significant = int((pairs.verdict != "indistinguishable").sum()) // 2
    text.append(f"{significant} of {len(pairs) // 2} pairs differ significantly.")
    return [" ".join(text)]


def robustness_lines(out: Path, task: str) -> list[str]:
    """One paragraph from ``orders.csv``: which places hold under every aggregate and
    every seed's dataset, which move and how far."""
    path = out / "orders.csv"
    if not path.exists():
        return []
    frame = _task(pd.read_csv(path), task)
    if frame.empty:
        return []
    seeds = [c for c in frame.columns if c.startswith("position_seed_") and frame[c].notna().any()]
    first = frame.iloc[0]
    held = frame[frame.position_best == frame.position_worst]
    moved = frame[frame.position_best != frame.position_worst]
    text = [
        f"How robust the order is (`orders.csv`, over the {int(first.systems)} systems of "
        "the Friedman test): ranked by the median, the mean or the average rank of the "
        "per-system VPT, and by "
        + (f"each of the {len(seeds)} seeds' datasets alone," if len(seeds) > 1 else "one seed,")
    ]
    top = frame[frame.position_worst == 1]
    if len(top):
        text.append(f"`{top.iloc[0].forecaster}` is first under every choice;")
    else:
        firsts = frame[frame.position_best == 1].forecaster.tolist()
        text.append(
            f"no forecaster is first under every choice ({_names(firsts)} are, once at least);"
        )
    rest = held[held.position_worst > 1]
    if len(rest):
        text.append(
            "the places of "
            + _and(f"`{r.forecaster}` ({int(r.position_best)})" for r in rest.itertuples())
            + (" hold too;" if len(top) else " hold;")
        )
    moves = ", ".join(
        f"`{r.forecaster}` {int(r.position_best)}–{int(r.position_worst)}"
        for r in moved.itertuples()
    )
    text.append(
        (f"the others move: {moves}." if moves else "no forecaster moves.")
        + f" Kendall's τ between two aggregates' orders is at least "
        f"{first.tau_aggregates_min:.2f}"
        + (
            f", between two seeds' orders at least {first.tau_seeds_min:.2f}."
            if pd.notna(first.tau_seeds_min)
            else "."
        )
    )
    return [" ".join(text)]


def dimension_lines(out: Path, task: str) -> list[str]:
    board = _task(pd.read_csv(out / "leaderboard.csv"), task)
    by_system = _task(pd.read_csv(out / "by_system.csv"), task)
    counts = by_system.drop_duplicates("system").observed_dimension
    bins = {
        "dim3": int((counts == 3).sum()),
        "dim4to6": int(counts.between(4, 6).sum()),
        "dim7plus": int((counts >= 7).sum()),
    }
    head = " | ".join(f"{label} ({_n(bins[key], 'system')})" for label, key in DIMENSIONS)
    lines = [
        f"| forecaster | {head} |",
        "| --- |" + " ---: |" * len(DIMENSIONS),
    ]
    best = {key: board[f"vpt_lyap_{key}_median"].max() for _, key in DIMENSIONS}
    for _, row in board.iterrows():
        cells = []
        for _, key in DIMENSIONS:
            value = row[f"vpt_lyap_{key}_median"]
            text = _fmt(value)
            cells.append(f"**{text}**" if value == best[key] and pd.notna(value) else text)
        lines.append(f"| `{row.forecaster}` | " + " | ".join(cells) + " |")
    return lines


def breakdown_lines(out: Path, task: str) -> list[str]:
    table = _task(pd.read_csv(out / "breakdowns.csv"), task)
    stsp = "d_stsp_norm_median" if "d_stsp_norm_median" in table else "d_stsp_median"
    lines = [
        "| breakdown | bin | systems | best VPT (t_λ) | best D_stsp / floor |",
        "| --- | --- | ---: | --- | --- |",
    ]
    for (kind, name), group in table.groupby(["breakdown", "bin"], sort=True):
        systems = int(group.systems.max())
        if systems < MIN_SYSTEMS:  # too few systems to name a winner (breakdowns.csv)
            none = f"none (n < {MIN_SYSTEMS})"
            lines.append(f"| {kind} | {name} | {systems} | {none} | {none} |")
            continue
        vpt = group.loc[group.vpt_lyap_median.idxmax()]
        finite = group[group[stsp].notna()]
        low = finite.loc[finite[stsp].idxmin()] if len(finite) else None
        best_stsp = "–" if low is None else f"`{low.forecaster}` {_fmt(low[stsp])}"
        lines.append(
            f"| {kind} | {name} | {systems} "
            f"| `{vpt.forecaster}` {_fmt(vpt.vpt_lyap_median)} | {best_stsp} |"
        )
    return lines


def _kept(r: pd.Series) -> str:
    """Paired cells where the tuner kept the defaults, of all paired cells."""
    kept = r.get("kept")
    return "–" if kept is None or pd.isna(kept) else f"{int(kept)}/{int(r.cells)}"


def tuning_lines(out: Path, task: str) -> list[str]:
    path = out / "tuning_gain.csv"
    if not path.exists():
        return []
    gain = _task(pd.read_csv(path), task)
    lines = [
        "| forecaster | systems | defaults | tuned | gain [95 % CI] | defaults kept "
        "| search s / cell |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for _, r in gain.iterrows():
        lines.append(
            f"| `{r.forecaster}` | {r.systems} | {_fmt(r.defaults_median)} | "
            f"{_fmt(r.tuned_median)} | {r.gain_median:+.3g} [{r.gain_ci_low:+.3g}, "
            f"{r.gain_ci_high:+.3g}] | {_kept(r)} | {_fmt(r.tuning_seconds_median)} |"
        )
    helped = gain[gain.gain_ci_low > 0].forecaster.tolist()
    hurt = gain[gain.gain_ci_high < 0].forecaster.tolist()
    unclear = len(gain) - len(helped) - len(hurt)
    sentence = [
        f"Tuning helps {_names(helped)} (interval above 0)"
        if helped
        else "Tuning helps no forecaster with an interval above 0"
    ]
    if hurt:
        sentence.append(f"hurts {_names(hurt)}")
    sentence.append(f"and leaves {unclear} of {len(gain)} within noise.")
    return [*lines, "", ", ".join(sentence[:-1]) + " " + sentence[-1]]


def coverage_line(out: Path, task: str | None = None) -> str:
    """Systems, forecasters, seeds and cells of ``task`` (every task when None), the
    commits in their stamps and the sittings' wall time."""
    runs = pd.read_csv(out / "runs.csv")
    runs = runs if task is None else _task(runs, task)
    status = runs.status if "status" in runs else pd.Series("ok", index=runs.index)
    text = (
        f"{runs.system.nunique()} systems, {runs.forecaster.nunique()} forecasters, "
        f"{runs.seed.nunique()} seeds: {len(runs)} cells ({int((status == 'ok').sum())} ok, "
        f"{int((status == 'refused').sum())} refused by name, "
        f"{int(status.isin(['error', 'timeout', 'oom']).sum())} failed)"
    )
    commits = sorted(runs.git_commit.dropna().unique()) if "git_commit" in runs else []
    if commits:
        text += (
            f"; stamped by {len(commits)} commit{'s' * (len(commits) > 1)} ({', '.join(commits)})"
        )
    sessions = out / "sessions.csv"
    if sessions.exists():
        log = pd.read_csv(sessions)
        if commits:
            log = log[log.git_commit.isin(commits)]
        text += f"; {_n(len(log), 'sitting')}, {log.wall_seconds.sum() / 3600:.2f} h wall in all"
    return text


def suite_summary(out: Path, task: str) -> list[str]:
    parts = [[coverage_line(out, task)], forecaster_lines(out, task)]
    parts += [statistics_lines(out, task), robustness_lines(out, task)]
    parts += [dimension_lines(out, task)]
    parts += [breakdown_lines(out, task), tuning_lines(out, task)]
    return _join(parts)


def _join(parts: list[list[str]]) -> list[str]:
    """The non-empty parts, one blank line between two."""
    lines: list[str] = []
    for part in filter(None, parts):
        lines += ([""] if lines else []) + part
    return lines


# -- the regimes -------------------------------------------------------------------------


def _curve_table(points: pd.DataFrame) -> list[str]:
    xs = points.drop_duplicates("task").sort_values("x")
    head = " | ".join(str(s) for s in xs.x_stated)
    lines = [f"| forecaster | {head} |", "| --- |" + " ---: |" * len(xs)]
    vpt = points.pivot_table(index="forecaster", columns="task", values="vpt_lyap_median")
    rate = points.pivot_table(index="forecaster", columns="task", values="on_attractor_rate")
    order = vpt[xs.task.iloc[-1]].sort_values(ascending=False).index
    for name in order:
        cells = []
        for t in xs.task:
            v, r = vpt.loc[name].get(t, np.nan), rate.loc[name].get(t, np.nan)
            cells.append(f"{_fmt(v)} ({100 * r:.0f} %)" if pd.notna(r) else _fmt(v))
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return lines


def _axis(points: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A curve's points in axis order (one row per task) and its median VPT per
    forecaster (rows) and task (columns)."""
    xs = points.drop_duplicates("task").sort_values("x")
    return xs, points.pivot_table(index="forecaster", columns="task", values="vpt_lyap_median")


def _top(points: pd.DataFrame, task: str, n: int = 3) -> pd.Series:
    here = points[points.task == task].set_index("forecaster").vpt_lyap_median
    return here.sort_values(ascending=False).head(n)


def _order_text(top: pd.Series) -> str:
    return ", ".join(f"`{f}` {_fmt(v)} ({family(f)})" for f, v in top.items())


def _rank_correlation(points: pd.DataFrame, a: str, b: str) -> float:
    vpt = points.pivot_table(index="forecaster", columns="task", values="vpt_lyap_median")
    both = vpt[[a, b]].dropna()
    return float(both[a].rank().corr(both[b].rank())) if len(both) > 2 else np.nan


def data_finding(points: pd.DataFrame) -> str:
    xs = points.drop_duplicates("task").sort_values("x")
    scarce, rich = xs.iloc[0], xs.iloc[-1]
    low, high = _top(points, scarce.task), _top(points, rich.task)
    rho = _rank_correlation(points, scarce.task, rich.task)
    same = low.index[0] == high.index[0]
    vpt = points.pivot_table(index="forecaster", columns="task", values="vpt_lyap_median")
    gain = (vpt[rich.task] / vpt[scarce.task][vpt[scarce.task] > 0]).dropna()
    gain = gain.sort_values(ascending=False)
    return (
        f"With the least data ({scarce.x_stated}) the order is {_order_text(low)}; with the "
        f"most ({rich.x_stated}) it is {_order_text(high)}. "
        + ("The same forecaster leads at both ends" if same else "The leader changes")
        + f"; Spearman's ρ between the two orders is {rho:.2f}."
        + " Median VPT from the least data to the most: "
        + ", ".join(f"`{f}` ×{g:.3g}" for f, g in gain.head(3).items())
        + (", …" if len(gain) > 3 else "")
        + "."
    )


def noise_finding(points: pd.DataFrame) -> str:
    xs, vpt = _axis(points)
    clean = xs.iloc[0].task
    base = vpt[clean]
    skilled = base[base > 0]
    kept = []
    for _, point in xs.iloc[1:].iterrows():
        share = (vpt.loc[skilled.index, point.task] / skilled).sort_values()
        kept.append((point, share))
    first_point, first = kept[0]
    last_point, last = kept[-1]
    return (
        f"At the lowest noise ({first_point.x_stated}) the forecaster keeping the least of "
        f"its noise-free VPT is `{first.index[0]}` ({family(first.index[0])}: "
        f"{100 * first.iloc[0]:.0f} %), the most `{first.index[-1]}` "
        f"({100 * first.iloc[-1]:.0f} %). At {last_point.x_stated} the order is "
        f"{_order_text(_top(points, last_point.task))}; median share of noise-free VPT kept "
        f"over the forecasters: {100 * last.median():.0f} %."
    )


def observed_finding(points: pd.DataFrame) -> str:
    xs, vpt = _axis(points)
    every, one = xs.iloc[0].task, xs.iloc[-1].task
    both = vpt[[every, one]].dropna()
    gained = both[both[one] > both[every]].index.tolist()
    return (
        f"From one observed variable the order is {_order_text(_top(points, one))}"
        f" (every variable: {_order_text(_top(points, every))}). "
        + (
            f"{_names(gained)} {'scores' if len(gained) == 1 else 'score'} higher on one"
            " coordinate than on the full state (each "
            "scored on what it predicts, against that coordinate's own floors). "
            if gained
            else ""
        )
        + f"Spearman's ρ between the two orders is {_rank_correlation(points, every, one):.2f}."
    )


def context_finding(points: pd.DataFrame) -> str:
    xs, vpt = _axis(points)
    short, long = xs.iloc[0], xs.iloc[-1]
    change = (vpt[long.task] - vpt[short.task]).sort_values(ascending=False)
    missing = change[change.isna()].index.tolist()
    return (
        f"From {short.x_stated} to {long.x_stated} of context the median VPT changes by "
        + ", ".join(f"`{f}` {d:+.3g} t_λ" for f, d in change.dropna().items())
        + "."
        + (
            f" {_names(missing)} {'has' if len(missing) == 1 else 'have'} no score at one of"
            " the two ends."
            if missing
            else ""
        )
    )


FINDINGS = {
    "data": ("Data efficiency", data_finding),
    "noise": ("Observation noise", noise_finding),
    "observed": ("One observed variable", observed_finding),
    "context": ("Context length", context_finding),
}


def curve_summary(out: Path) -> list[str]:
    """Per curve: a table of median VPT (on-attractor rate) and what it shows."""
    path = out / "curves.csv"
    if not path.exists():
        return [f"{out} has no curves.csv: run `chaosbench leaderboard --out {out}` first"]
    table = pd.read_csv(path)
    lines = [
        coverage_line(out),
        "",
        "Median VPT over systems in t_λ (free runs on the attractor, %) per grid point; "
        f"figures `curve_<name>.png` in `{out}`.",
    ]
    for name, (title, finding) in FINDINGS.items():
        points = table[table.curve == name]  # a line per forecaster: two points or more
        if points.empty:
            continue
        systems = int(points.systems.max())
        lines += ["", f"**{title}** ({systems} systems). {finding(points)}", ""]
        lines += _curve_table(points)
    return lines


# -- the zero-shot track ---------------------------------------------------------------


def _where_it_wins(vpt: pd.DataFrame, lead: str, trained: list[str]) -> str:
    """Where the zero-shot model wins: the systems where it beats every trained
    forecaster, and those where it beats the median trained forecaster."""
    scored = vpt[[lead, *trained]].dropna(subset=[lead])
    others = scored[trained]
    best = scored.index[scored[lead] > others.max(axis=1)].tolist()
    above = scored.index[scored[lead] > others.median(axis=1)].tolist()
    text = (
        f"It beats every trained forecaster on {_n(len(best), 'system')}"
        + (f" ({_names(best)})" if best else "")
        + f" and the median trained forecaster on {len(above)} of {len(scored)}"
        + (f" ({_names(above)})" if 0 < len(above) <= 10 else "")
        + "."
    )
    return text


def _longer_context_lines(every: pd.DataFrame, curves: Path, lead: str, task: str) -> list[str]:
    """At the zero-shot track's other contexts, the zero-shot forecasters against the
    trained forecasters that the curve suites run at the same task (the context curve),
    on the systems both score."""
    trained = pd.read_csv(curves / "by_system.csv")
    trained = trained[trained.track != "zero-shot"]
    lines = []
    for other in sorted((set(every.task) & set(trained.task)) - {task}):
        shot, rows = every[every.task == other], trained[trained.task == other]
        scored = shot[shot.forecaster == lead].dropna(subset=["vpt_lyap_median"]).system
        systems = set(scored) & set(rows.system)
        table = pd.concat([shot, rows])
        vpt = table[table.system.isin(systems)].pivot_table(
            index="system", columns="forecaster", values="vpt_lyap_median"
        )
        lines += [
            "",
            f"At `{other}`, against the trained forecasters that read a context "
            f"(`{curves}`, the context curve), on the {_n(len(systems), 'system')} both "
            "score (median VPT, t_λ):",
            "",
            f"| forecaster | median VPT (t_λ) | `{lead}` wins (systems) |",
            "| --- | ---: | ---: |",
        ]
        for name in vpt.median().sort_values(ascending=False).index:
            both = vpt[[lead, name]].dropna()
            wins = "·" if name == lead else f"{int((both[lead] > both[name]).sum())}/{len(both)}"
            lines.append(f"| `{name}` | {_fmt(vpt[name].median())} | {wins} |")
    return lines


def zero_shot_summary(
    zero_shot: Path, trained: Path, task: str, curves: Path | None = None
) -> list[str]:
    """Zero-shot forecasters against the trained ones on the systems the zero-shot model
    scores: median VPT and D_stsp over those systems, wins per system, cost; with
    ``curves``, also at the track's longer context against the context curve's trained
    forecasters."""
    every = pd.read_csv(zero_shot / "by_system.csv")
    every = every[every.track == "zero-shot"]
    shot = _task(every, task)
    rows = _task(pd.read_csv(trained / "by_system.csv"), task)
    rows = rows[~rows.forecaster.isin(shot.forecaster.unique())]
    models = [f for f in shot.forecaster.unique() if _base(f) != "parroting"]
    if not models:
        return [f"{zero_shot} has no zero-shot rows besides parroting"]
    systems = set(shot[shot.forecaster.isin(models)].dropna(subset=["vpt_lyap_median"]).system)
    table = pd.concat([shot, rows])
    table = table[table.system.isin(systems)]
    vpt = table.pivot_table(index="system", columns="forecaster", values="vpt_lyap_median")
    stsp = table.pivot_table(index="system", columns="forecaster", values="d_stsp_norm_median")
    cost = table.groupby("forecaster").cost_seconds_median.median()
    window = table.groupby("forecaster").forecast_seconds_per_window_median.median()
    seen = shot[shot.seen_in_pretraining.astype(str).str.lower() == "true"].system.unique()
    seen = sorted(set(seen) & systems)
    lead = max(models, key=lambda m: vpt[m].median())
    lines = [
        f"{len(systems)} systems that `{lead}` scores ({len(seen)} of them seen in its "
        f"pretraining: {', '.join(seen) if seen else 'none'}), task `{task}`; medians over "
        "these systems of the per-system median over seeds:",
        "",
        "| forecaster | track | median VPT (t_λ) | D_stsp / floor | "
        f"`{lead}` wins (systems) | cost s / cell | forecast s / window |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    order = vpt.median().sort_values(ascending=False).index
    tracks = table.drop_duplicates("forecaster").set_index("forecaster").track
    for name in order:
        both = vpt[[lead, name]].dropna() if name != lead else None
        wins = "·" if both is None else f"{int((both[lead] > both[name]).sum())}/{len(both)}"
        lines.append(
            f"| `{name}` | {tracks[name]} | {_fmt(vpt[name].median())} | "
            f"{_fmt(stsp[name].median()) if name in stsp else '–'} | {wins} | "
            f"{_fmt(cost.get(name))} | {_fmt(window.get(name))} |"
        )
    trained_names = [f for f in order if tracks[f] != "zero-shot"]
    beaten = [f for f in trained_names if (vpt[lead] > vpt[f]).sum() > len(systems) / 2]
    unseen = sorted(systems - set(seen))
    lines += [
        "",
        f"`{lead}` ranks {list(order).index(lead) + 1} of {len(order)} by median VPT on these "
        f"systems; it beats {len(beaten)} of the {len(trained_names)} forecasters of the defaults "
        "track on more than half of them"
        + (f" ({_names(beaten)})" if beaten else "")
        + f". On the {len(unseen)} systems it did not see in pretraining its median VPT is "
        f"{_fmt(vpt.loc[unseen, lead].median())} t_λ"
        + (f", on the {len(seen)} it saw {_fmt(vpt.loc[seen, lead].median())}" if seen else "")
        + ". "
        + _where_it_wins(vpt, lead, trained_names),
    ]
    tasks = sorted(every.task.unique(), key=lambda t: (t != task, t))
    if len(tasks) > 1:
        here = every[every.system.isin(systems)]
        medians = here.pivot_table(
            index="forecaster", columns="task", values="vpt_lyap_median", aggfunc="median"
        )
        lines += [
            "",
            "The zero-shot forecasters at each context of the track (median VPT, t_λ, over "
            "the same systems):",
            "",
            "| forecaster | " + " | ".join(f"`{t}`" for t in tasks) + " |",
            "| --- |" + " ---: |" * len(tasks),
        ]
        for name in medians.index:
            values = " | ".join(_fmt(medians.loc[name].get(t, np.nan)) for t in tasks)
            lines.append(f"| `{name}` | {values} |")
    if curves is not None:
        lines += _longer_context_lines(every, curves, lead, task)
    return lines


# -- the README ----------------------------------------------------------------------------

START, END = "<!-- summary: {} -->", "<!-- /summary -->"


def replace_block(readme: str, args: str, body: list[str]) -> str:
    start = START.format(args)
    if start not in readme:
        raise SystemExit(f"the README has no block {start!r}: add it and {END!r} where it goes")
    head, rest = readme.split(start, 1)
    if END not in rest:
        raise SystemExit(f"the README's block {start!r} has no closing {END!r}")
    tail = rest.split(END, 1)[1]
    return head + start + "\n" + "\n".join(body) + "\n" + END + tail


def _command(args: argparse.Namespace) -> list[str]:
    """This summary's arguments in one spelling: the README block's name."""
    if args.zero_shot:
        words = ["--zero-shot", str(args.zero_shot), "--trained", str(args.trained)]
        words += ["--curves", str(args.curves)] if args.curves else []
    else:
        words = ["--curves", str(args.curves)] if args.curves else ["--out", str(args.out)]
    return words + (["--task", args.task] if args.task != "rich" else [])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="a suite's folder")
    parser.add_argument("--task", default="rich")
    parser.add_argument(
        "--curves", type=Path, help="the curve suites' folder (with --zero-shot: its contexts)"
    )
    parser.add_argument("--zero-shot", type=Path, help="the zero-shot track's folder")
    parser.add_argument("--trained", type=Path, help="with --zero-shot: the trained rows")
    parser.add_argument("--readme", type=Path, help="write the block into this README")
    parser.add_argument("--check", action="store_true", help="with --readme: compare only")
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    if args.zero_shot:
        if not args.trained:
            parser.error("--zero-shot needs --trained DIR (the trained forecasters' rows)")
        body = zero_shot_summary(args.zero_shot, args.trained, args.task, args.curves)
    elif args.curves:
        body = curve_summary(args.curves)
    elif args.out:
        body = suite_summary(args.out, args.task)
    else:
        parser.error("name --out DIR, --curves DIR or --zero-shot DIR --trained DIR")
    if not args.readme:
        print("\n".join(body))
        return 0
    key = " ".join(_command(args))
    text = args.readme.read_text()
    new = replace_block(text, key, body)
    if args.check:
        if new != text:
            print(f"{args.readme}'s block `{key}` differs from the tables: re-run without --check")
            return 1
        return 0
    args.readme.write_text(new)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
