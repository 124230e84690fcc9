"""Paired statistics of the ranking (Demšar 2006), from ``by_system.csv``'s frame.

The value of a forecaster on a system is its median over seeds of the headline metric
(``vpt_lyap_median``); the tests and their conventions are
:mod:`chaosbench.numerics._ranking_tests`'s.

- ``pairwise.csv`` (:func:`pairwise`): per task and ordered pair of forecasters, the
  Wilcoxon signed-rank test over the systems both have rows for, with the p-value
  Holm-corrected over the task's k (k − 1) / 2 unordered pairs. Both orders of a pair
  are written (as in ``winrate.csv``), with the same p-values.
- ``ranking.csv`` (:func:`ranking`): per task and forecaster, its average rank over the
  systems where every ranked forecaster has rows (:func:`complete_block`: a forecaster
  scored on too few systems is left out rather than cutting the others' systems), with
  the task's Friedman test and Nemenyi critical difference repeated on each row.
- :func:`mark_neighbours`: ``leaderboard.csv``'s verdict of each row against the next
  (``distinguishable_from_next``: the Holm-corrected p between them is below 0.05).
- :func:`with_dimension_medians`: ``leaderboard.csv``'s median over the systems of each
  observed-dimension bin (``3``, ``4-6``, ``7+``) beside the median over all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..numerics._ranking_tests import ALPHA, friedman, holm, wilcoxon_pair
from ..numerics._rows import headline_metric
from ..numerics._statistics import median
from ._breakdowns import dimension_bin

BETTER, WORSE, INDISTINGUISHABLE = "better", "worse", "indistinguishable"
DIMENSION_BINS = {"3": "dim3", "4-6": "dim4to6", "7+": "dim7plus"}
"""Observed-dimension bins (``breakdowns.csv``'s labels) → the infix of their
``leaderboard.csv`` column, ``<headline>_<infix>_median`` (column names stay plain)."""


def _external(table: pd.DataFrame) -> dict[str, bool]:
    if "external" not in table.columns:
        return {}
    return table.groupby("forecaster")["external"].any().astype(bool).to_dict()


def _scores(per_task: pd.DataFrame) -> pd.DataFrame:
    """Systems × forecasters: each forecaster's headline median on each system."""
    column = f"{headline_metric().column}_median"
    return per_task.pivot(index="system", columns="forecaster", values=column)


def pairwise_columns() -> list[str]:
    h = headline_metric().column
    return [
        "task",
        "forecaster",
        "external",
        "opponent",
        "opponent_external",
        "systems",
        "wins",
        "ties",
        "losses",
        f"{h}_minus_opponent_median",
        "rank_sum_plus",
        "rank_sum_minus",
        "wilcoxon_statistic",
        "p_value",
        "p_holm",
        "significant",
        "verdict",
    ]


def pairwise(table: pd.DataFrame) -> pd.DataFrame:
    """Per task and ordered pair: the Wilcoxon signed-rank test with Holm's correction
    (see the module docstring and ``results/README.md``)."""
    h = headline_metric().column
    external = _external(table)
    records = []
    for task, per_task in table.groupby("task", sort=True):
        scores = _scores(per_task)
        names = sorted(scores.columns)
        tests = {
            (a, b): wilcoxon_pair(scores[a].to_numpy(float), scores[b].to_numpy(float))
            for i, a in enumerate(names)
            for b in names[i + 1 :]
        }
        adjusted = dict(zip(tests, holm([t.p_value for t in tests.values()])))
        for (a, b), test in tests.items():
            p_holm = float(adjusted[(a, b)])
            significant = bool(p_holm < ALPHA)  # NaN (no common system): not significant
            for first, second, flip in ((a, b, False), (b, a, True)):
                plus, minus = test.rank_sum_plus, test.rank_sum_minus
                wins, losses = test.wins, test.losses
                if flip:
                    plus, minus, wins, losses = minus, plus, losses, wins
                verdict = INDISTINGUISHABLE
                if significant:
                    verdict = BETTER if plus > minus else WORSE
                records.append(
                    {
                        "task": task,
                        "forecaster": first,
                        "external": external.get(first, False),
                        "opponent": second,
                        "opponent_external": external.get(second, False),
                        "systems": test.systems,
                        "wins": wins,
                        "ties": test.ties,
                        "losses": losses,
                        f"{h}_minus_opponent_median": (
                            -test.median_difference if flip else test.median_difference
                        )
                        + 0.0,  # no −0
                        "rank_sum_plus": plus,
                        "rank_sum_minus": minus,
                        "wilcoxon_statistic": test.statistic,
                        "p_value": test.p_value,
                        "p_holm": p_holm,
                        "significant": significant,
                        "verdict": verdict,
                    }
                )
    out = pd.DataFrame.from_records(records, columns=pairwise_columns())
    return out.sort_values(["task", "forecaster", "opponent"]).reset_index(drop=True)


def ranking_columns() -> list[str]:
    return [
        "task",
        "forecaster",
        "external",
        "position",
        "average_rank",
        "systems",
        "forecasters",
        "friedman_statistic",
        "friedman_p",
        "iman_davenport_f",
        "iman_davenport_p",
        "nemenyi_q",
        "critical_difference",
    ]


def complete_block(scores: pd.DataFrame) -> pd.DataFrame:
    """The systems × forecasters block the Friedman test ranks: every value present.

    A forecaster without a row on some system (a zero-shot model limited to one
    dimension, a refusal) either costs the test those systems or is left out of it:
    forecasters are dropped, fewest systems first, while that enlarges the block
    (systems × forecasters). One missing system of many drops the system; a forecaster
    scored on half the systems is dropped (and stays in the pairwise tests)."""
    block = scores.dropna(axis=1, how="all")
    while block.shape[1] > 2:
        fewest = block.notna().sum().sort_values(kind="stable").index[0]
        smaller = block.drop(columns=fewest)
        if smaller.dropna().size <= block.dropna().size:
            break
        block = smaller
    return block.dropna(axis=0, how="any")


def ranking(table: pd.DataFrame) -> pd.DataFrame:
    """Per task and forecaster in :func:`complete_block`: average rank over its
    systems, the Friedman test and the Nemenyi critical difference (ordered by average
    rank). A forecaster left out of the block has no row."""
    external = _external(table)
    records = []
    for task, per_task in table.groupby("task", sort=True):
        complete = complete_block(_scores(per_task))
        names = list(complete.columns)
        test = friedman(complete.to_numpy(float))
        order = sorted(range(len(names)), key=lambda j: (test.average_ranks[j], names[j]))
        for position, j in enumerate(order, start=1):
            records.append(
                {
                    "task": task,
                    "forecaster": names[j],
                    "external": external.get(names[j], False),
                    "position": position,
                    "average_rank": float(test.average_ranks[j]),
                    "systems": test.systems,
                    "forecasters": test.forecasters,
                    "friedman_statistic": test.statistic,
                    "friedman_p": test.p_value,
                    "iman_davenport_f": test.iman_davenport_f,
                    "iman_davenport_p": test.iman_davenport_p,
                    "nemenyi_q": test.q_alpha,
                    "critical_difference": test.critical_difference,
                }
            )
    return pd.DataFrame.from_records(records, columns=ranking_columns())


def mark_neighbours(board: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """``board`` (``leaderboard.csv``, in its order) with, per row, the paired test
    against the next row of its task: ``p_holm_vs_next``, ``verdict_vs_next``
    (``better``, ``worse`` or ``indistinguishable``, from this row's side) and
    ``distinguishable_from_next`` (p_holm < 0.05); empty on a task's last row."""
    lookup = pairs.set_index(["task", "forecaster", "opponent"]) if len(pairs) else None
    p_next, verdict, distinct = [], [], []
    tasks, names = list(board["task"]), list(board["forecaster"])
    for i, (task, name) in enumerate(zip(tasks, names)):
        last = i + 1 == len(names) or tasks[i + 1] != task
        key = (task, name, names[i + 1]) if not last else None
        if key is None or lookup is None or key not in lookup.index:
            p_next.append(np.nan)
            verdict.append(None)
            distinct.append(None)
            continue
        hit = lookup.loc[key]
        p_next.append(float(hit["p_holm"]))
        verdict.append(str(hit["verdict"]))
        distinct.append(bool(hit["significant"]))
    board = board.copy()
    board["p_holm_vs_next"] = p_next
    board["verdict_vs_next"] = pd.Series(verdict, index=board.index, dtype=object)
    board["distinguishable_from_next"] = pd.Series(distinct, index=board.index, dtype=object)
    return board


def with_dimension_medians(board: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """``board`` with ``<headline>_<bin>_median`` for each observed-dimension bin (the
    median over the forecaster's systems in the bin of its per-system medians; NaN for
    an empty bin), after ``<headline>_ci_high``."""
    h = headline_metric().column
    if "observed_dimension" not in table.columns:
        bins = pd.Series("unknown", index=table.index)
    else:
        bins = table["observed_dimension"].map(dimension_bin)
    values = table.assign(_bin=bins)
    grouped = {
        key: group[f"{h}_median"]
        for key, group in values.groupby(["task", "forecaster", "_bin"], sort=False)
    }
    board = board.copy()
    at = list(board.columns).index(f"{h}_ci_high") + 1 if f"{h}_ci_high" in board else None
    for offset, (label, infix) in enumerate(DIMENSION_BINS.items()):
        column = [
            median(grouped[(t, f, label)]) if (t, f, label) in grouped else np.nan
            for t, f in zip(board["task"], board["forecaster"])
        ]
        if at is None:
            board[f"{h}_{infix}_median"] = column
        else:
            board.insert(at + offset, f"{h}_{infix}_median", column)
    return board
