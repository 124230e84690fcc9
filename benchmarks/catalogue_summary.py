"""Print the Markdown summary of a suite's committed tables that the README quotes.

Reads only the CSVs that ``chaosbench leaderboard`` wrote under ``--out`` (no
computation, no hand-copied numbers):

- one line per forecaster, in the leaderboard's order: median VPT, the long-term columns,
  how many systems it beats persistence on (its median VPT over seeds above persistence's,
  from ``by_system.csv``) and how many of its free runs stayed stable (``runs.csv``);
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
    baseline = next(c for c in vpt.columns if c.rsplit("-v", 1)[0] == BASELINE)
    runs = pd.read_csv(out / "runs.csv")
    runs = runs[runs.task == task]
    lines = [
        "| forecaster | median VPT (t_λ) | D_stsp | D_H | λ error | stable free runs "
        "| beats persistence | failures |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for _, row in board.iterrows():
        name = row.forecaster
        mine = runs[runs.forecaster == name]
        stable = int((mine.long_run == "stable").sum())
        beats = "·"
        if name != baseline:
            both = vpt[[name, baseline]].dropna()
            beats = f"{int((both[name] > both[baseline]).sum())}/{len(both)}"
        lines.append(
            f"| `{name}` | {_fmt(row.vpt_lyap_median)} | {_fmt(row.d_stsp_median)} "
            f"| {_fmt(row.d_h_median)} | {_fmt(row.lyap_rel_error_median)} "
            f"| {stable}/{len(mine)} | {beats} | {int(row.failures)} |"
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


if __name__ == "__main__":
    main()
