"""``independence.csv``: the independence check of every dataset the rows were scored on.

Protocol v5 starts every trajectory of a dataset far from the others along one reference
orbit; :mod:`chaosbench.catalogue._independence` checks, per dataset, that this made the
test windows as unrelated to the training trajectory (and to each other) as independent
draws from the invariant measure. The runner records the check in every row
(``independence_ratio``, ``independence_below``, ``independent``); this table keeps one
line per (task, system, seed), and ``leaderboard.md`` names every system with a dataset
that fails it, so a failing system never stays silently on the leaderboard.
"""

from __future__ import annotations

import pandas as pd

COLUMNS = ("independence_ratio", "independence_below", "independent")


def _true(value) -> bool:
    return value is True or value in (1, "true", "True")


def independence_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Per (task, system, seed): the dataset's check (from the first row that has it);
    empty if no row carries one (rows written before the runner recorded it)."""
    keys = ["task", "system", "seed"]
    if not set(COLUMNS) <= set(rows.columns):
        return pd.DataFrame(columns=[*keys, *COLUMNS])
    checked = rows.dropna(subset=["independence_ratio"])
    table = checked.sort_values(keys).drop_duplicates(keys)[[*keys, *COLUMNS]]
    table = table.assign(independent=table["independent"].map(_true))
    return table.reset_index(drop=True)


def failing_systems(table: pd.DataFrame, task: str) -> dict[str, list[int]]:
    """Per system of ``task`` with a dataset that fails the check: its failing seeds."""
    mine = table[(table["task"] == task) & ~table["independent"].astype(bool)]
    return {s: sorted(int(x) for x in g["seed"]) for s, g in mine.groupby("system", sort=True)}


def independence_lines(table: pd.DataFrame | None, task: str) -> list[str]:
    """``leaderboard.md``'s sentence under a task's table: how many datasets were checked
    and which systems have one that fails (none if the rows carry no check)."""
    if table is None or table.empty or not (table["task"] == task).any():
        return []
    checked = int((table["task"] == task).sum())
    failing = failing_systems(table, task)
    if not failing:
        verdict = "all pass"
    else:
        listed = ", ".join(f"`{s}` (seeds {', '.join(map(str, v))})" for s, v in failing.items())
        verdict = f"these systems have datasets that fail, so their scores may flatter: {listed}"
    return [
        f"Independence of the test data (`{task}`): {checked} datasets checked against "
        f"independent draws (`independence.csv`); {verdict}.",
        "",
    ]
