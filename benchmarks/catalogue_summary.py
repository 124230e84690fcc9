"""Print the Markdown summary of a suite's committed tables that the README quotes.

Reads only the CSVs that ``chaosbench leaderboard`` wrote under ``--out`` (no
computation, no hand-copied numbers):

- one line per forecaster, in the leaderboard's order: its track, median VPT with its
  interval, the long-term columns over their truth floors, how many of its free runs
  stayed on the attractor (``runs.csv``), how many systems it beats persistence on (its
  median VPT over seeds above persistence's, from ``by_system.csv``);
- the gain from tuning (``tuning_gain.csv``), when the folder has both tracks;
- the winner of every breakdown bin (family, observed dimension, λ_max · period, positive
  exponents) by median VPT
  and by median D_stsp (``breakdowns.csv``), with the number of systems in the bin (a
  bin of fewer than 5 systems names none);
- coverage: systems, cells and the wall time of the sittings (``sessions.csv``).

Run: ``python benchmarks/catalogue_summary.py --out results/catalogue [--task rich]``
"""

import argparse
from pathlib import Path

import pandas as pd

BASELINE = "persistence"
MIN_SYSTEMS = 5  # chaosbench.reporting._breakdowns.MIN_SYSTEMS_FOR_WINNER


def _fmt(value: float) -> str:
    if pd.isna(value):
        return "–"
    if value == float("inf"):
        return "∞"
    return f"{value:.3g}"


def forecaster_lines(out: Path, task: str) -> list[str]:
    board = pd.read_csv(out / "leaderboard.csv")
    board = board[board.task == task]
    by_system = pd.read_csv(out / "by_system.csv")
    by_system = by_system[by_system.task == task]
    vpt = by_system.pivot_table(index="system", columns="forecaster", values="vpt_lyap_median")
    baseline = next((c for c in vpt.columns if c.rsplit("-v", 1)[0] == BASELINE), None)
    runs = pd.read_csv(out / "runs.csv")
    runs = runs[runs.task == task]
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


def breakdown_lines(out: Path, task: str) -> list[str]:
    table = pd.read_csv(out / "breakdowns.csv")
    table = table[table.task == task]
    lines = [
        "| breakdown | bin | systems | best VPT (t_λ) | best D_stsp |",
        "| --- | --- | ---: | --- | --- |",
    ]
    for (kind, name), group in table.groupby(["breakdown", "bin"], sort=True):
        systems = int(group.systems.max())
        if systems < MIN_SYSTEMS:  # too few systems to name a winner (breakdowns.csv)
            none = f"none (n < {MIN_SYSTEMS})"
            lines.append(f"| {kind} | {name} | {systems} | {none} | {none} |")
            continue
        vpt = group.loc[group.vpt_lyap_median.idxmax()]
        finite = group[group.d_stsp_median.notna()]
        stsp = finite.loc[finite.d_stsp_median.idxmin()] if len(finite) else None
        best_stsp = "–" if stsp is None else f"`{stsp.forecaster}` {_fmt(stsp.d_stsp_median)}"
        lines.append(
            f"| {kind} | {name} | {int(group.systems.max())} "
            f"| `{vpt.forecaster}` {_fmt(vpt.vpt_lyap_median)} | {best_stsp} |"
        )
    return lines


def tuning_lines(out: Path, task: str) -> list[str]:
    path = out / "tuning_gain.csv"
    if not path.exists():
        return []
    gain = pd.read_csv(path)
    gain = gain[gain.task == task]
    lines = [
        "| forecaster | systems | defaults | tuned | gain [95 % CI] | search s / cell |",
        "| --- | ---: | ---: | ---: | --- | ---: |",
    ]
    for _, r in gain.iterrows():
        lines.append(
            f"| `{r.forecaster}` | {r.systems} | {_fmt(r.defaults_median)} | "
            f"{_fmt(r.tuned_median)} | {r.gain_median:+.3g} [{r.gain_ci_low:+.3g}, "
            f"{r.gain_ci_high:+.3g}] | {_fmt(r.tuning_seconds_median)} |"
        )
    return lines


def coverage_line(out: Path, task: str) -> str:
    runs = pd.read_csv(out / "runs.csv")
    runs = runs[runs.task == task]
    text = (
        f"{runs.system.nunique()} systems, {runs.forecaster.nunique()} forecasters, "
        f"{len(runs)} cells"
    )
    sessions = out / "sessions.csv"
    if sessions.exists():
        log = pd.read_csv(sessions)
        text += f"; {len(log)} sittings, {log.wall_seconds.sum() / 3600:.2f} h wall in all"
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("results/catalogue"))
    parser.add_argument("--task", default="rich")
    args = parser.parse_args()
    print(coverage_line(args.out, args.task), end="\n\n")
    print("\n".join(forecaster_lines(args.out, args.task)), end="\n\n")
    print("\n".join(breakdown_lines(args.out, args.task)))
    tuning = tuning_lines(args.out, args.task)
    if tuning:
        print("\n" + "\n".join(tuning))


if __name__ == "__main__":
    main()
