"""The paired statistics of the ranking equal hand-computed values.

- Holm on known p-values; the Wilcoxon signed-rank test (zero differences split) on a
  pair where one forecaster wins everywhere, an identical pair, a pair with a zero, and
  a pair whose exact permutation p is counted by hand;
- Friedman, the average ranks and the Nemenyi critical difference on a small table; the
  Nemenyi q table against scipy's studentized range;
- the reporting layer: ``pairwise.csv``'s rows, ``leaderboard.csv``'s "not
  distinguishable from the next" mark, the medians per observed-dimension bin, a
  breakdown that names no winner below 5 systems, and the critical-difference diagram.
"""

import math

import numpy as np
import pandas as pd
import pytest

from chaosbench.numerics import _ranking_tests as rt
from chaosbench.reporting import _ranking
from chaosbench.reporting._breakdowns import breakdowns
from chaosbench.reporting._cd_diagram import cd_diagram, write_cd_diagrams
from chaosbench.reporting._markdown import _paired_lines, next_mark

# ------------------------------------------------------------------------------ numerics


def test_holm_on_hand_computed_p_values():
    # sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → max(0.06, 0.04)
    assert rt.holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # capped at 1; NaN kept and not counted in m (m = 2 here)
    out = rt.holm([0.6, math.nan, 0.2])
    assert out[0] == pytest.approx(0.6) and out[2] == pytest.approx(0.4) and math.isnan(out[1])
    assert rt.holm([0.7, 0.8]) == pytest.approx([1.0, 1.0])
    assert rt.holm([]).size == 0


def test_wilcoxon_one_forecaster_better_on_every_system():
    y = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    x = y + np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])  # distinct differences: no ties
    test = rt.wilcoxon_pair(x, y)
    assert (test.systems, test.wins, test.ties, test.losses) == (6, 6, 0, 0)
    assert (test.rank_sum_plus, test.rank_sum_minus, test.statistic) == (21.0, 0.0, 0.0)
    assert test.median_difference == 3.5
    # exact: only the all-positive and all-negative sign patterns are as extreme, 2 / 2^6
    assert test.p_value == pytest.approx(2 / 64)
    back = rt.wilcoxon_pair(y, x)  # the same test from the other side
    assert (back.rank_sum_plus, back.rank_sum_minus) == (0.0, 21.0)
    assert back.p_value == test.p_value and back.median_difference == -3.5


def test_wilcoxon_identical_pair_and_no_common_system():
    x = np.array([0.5, 1.0, 2.0, 0.0])
    same = rt.wilcoxon_pair(x, x.copy())
    assert same.p_value == 1.0 and same.ties == 4 and same.wins == same.losses == 0
    assert same.rank_sum_plus == same.rank_sum_minus == same.statistic == 4 * 5 / 4
    # a NaN drops the system; none left: NaN, not counted by Holm
    none = rt.wilcoxon_pair([math.nan, 1.0], [2.0, math.nan])
    assert none.systems == 0 and math.isnan(none.p_value)


def test_wilcoxon_splits_zero_differences():
    # d = 0, 1, 2, 3, −4: ranks of |d| 1, 2, 3, 4, 5; the zero's rank split half each side
    test = rt.wilcoxon_pair([5.0, 6.0, 7.0, 8.0, 1.0], [5.0, 5.0, 5.0, 5.0, 5.0])
    assert (test.rank_sum_plus, test.rank_sum_minus) == (2 + 3 + 4 + 0.5, 5 + 0.5)
    assert test.statistic == 5.5 and test.ties == 1


def test_wilcoxon_exact_permutation_p_counted_by_hand():
    # d = +2, −1 alternating on 10 systems: the five 1s share rank 3, the five 2s rank 8;
    # R⁺ = 40 against a mean of 27.5. Sign patterns with R⁺ = 3i + 8j ≥ 40: j = 5 (any i,
    # 32 patterns) or j = 4 and i ≥ 3 (5 × 16 = 80): 112, as many ≤ 15: p = 224 / 1024
    y = np.arange(10, 20, dtype=float)
    test = rt.wilcoxon_pair(y + np.array([2.0, -1.0] * 5), y)
    assert (test.rank_sum_plus, test.rank_sum_minus) == (40.0, 15.0)
    assert test.p_value == pytest.approx(224 / 1024)


def test_friedman_average_ranks_and_critical_difference():
    # 4 systems × 3 forecasters (higher is better); ranks per system (1 = best):
    # (1, 2, 3), (1, 3, 2), (3, 2, 1), (1, 2, 3) → average ranks 1.5, 2.25, 2.25
    scores = np.array([[3, 2, 1], [3, 1, 2], [1, 2, 3], [3, 2, 1]], dtype=float)
    test = rt.friedman(scores)
    assert test.average_ranks == pytest.approx([1.5, 2.25, 2.25])
    # χ²_F = 12 N / (k (k + 1)) [Σ R_j² − k (k + 1)² / 4] = 4 (12.375 − 12) = 1.5
    assert test.statistic == pytest.approx(1.5)
    assert test.p_value == pytest.approx(math.exp(-1.5 / 2))  # χ² with 2 dof
    # F_F = (N − 1) χ² / (N (k − 1) − χ²) = 3 · 1.5 / (8 − 1.5)
    assert test.iman_davenport_f == pytest.approx(4.5 / 6.5)
    assert test.critical_difference == pytest.approx(2.343 * math.sqrt(3 * 4 / (6 * 4)))
    assert (test.systems, test.forecasters) == (4, 3)


def test_friedman_with_ties_and_degenerate_tables():
    # the leaderboard fixture's per-system medians (tests/test_leaderboard.py): ranks
    # s1 (1.5, 1.5, 3), s2 (1, 3, 2), s3 (3, 1, 2); uncorrected χ² = 0.5, tie correction
    # 1 − (2³ − 2) / (N k (k² − 1)) = 1 − 6 / 72
    scores = np.array([[2, 2, 0], [4, 1, 2], [0, 6, 2]], dtype=float)
    test = rt.friedman(scores)
    assert test.average_ranks == pytest.approx([11 / 6, 11 / 6, 7 / 3])
    assert test.statistic == pytest.approx(0.5 / (1 - 6 / 72))
    # two forecasters, or every system tied: no test (NaN), ranks still given
    assert math.isnan(rt.friedman(scores[:, :2]).p_value)
    tied = rt.friedman(np.ones((4, 3)))
    assert math.isnan(tied.statistic) and tied.average_ranks == pytest.approx([2, 2, 2])


def test_nemenyi_q_table_agrees_with_the_studentized_range():
    from scipy.stats import studentized_range

    assert sorted(rt.NEMENYI_Q05) == list(range(2, 21))
    for k, q in rt.NEMENYI_Q05.items():
        exact = studentized_range.ppf(0.95, k, np.inf) / math.sqrt(2)
        assert q == pytest.approx(exact, abs=1e-3), k
    assert rt.nemenyi_q(21) == pytest.approx(3.57, abs=0.01)  # beyond the table: scipy
    assert rt.critical_difference(16, 122) == pytest.approx(3.426 * math.sqrt(16 * 17 / 732))


def test_cliques_are_maximal_groups_within_the_critical_difference():
    assert rt.cliques([1.0, 1.5, 3.0, 3.2, 5.0], 1.0) == [(0, 1), (2, 3)]
    assert rt.cliques([1.8, 1.0, 1.5], 1.0) == [(1, 2, 0)]  # one group, not its subsets
    assert rt.cliques([1.0, 3.0], 1.0) == []
    assert rt.cliques([1.0, 1.2], math.nan) == []


# ------------------------------------------------------------------------------ reporting


def _table(values: dict[str, list[float]], dimensions: list[int] | None = None) -> pd.DataFrame:
    """A ``by_system.csv``-like frame: task ``rich``, systems s0, s1, …"""
    records = []
    for forecaster, scores in values.items():
        for i, v in enumerate(scores):
            records.append(
                {
                    "task": "rich",
                    "system": f"s{i}",
                    "forecaster": forecaster,
                    "external": False,
                    "observed_dimension": dimensions[i] if dimensions else 3,
                    "vpt_lyap_median": v,
                    "long_run_diverged": 0,
                    "failures": 0,
                }
            )
    return pd.DataFrame.from_records(records)


# b: 10 … 19; a: b ± (2, −1) (a higher median, not distinguishable from b); c: b − 5
B = np.arange(10, 20, dtype=float)
RANKED = {"a": list(B + np.array([2.0, -1.0] * 5)), "b": list(B), "c": list(B - 5)}


def test_pairwise_rows_with_holm_over_the_pairs():
    pairs = _ranking.pairwise(_table(RANKED)).set_index(["forecaster", "opponent"])
    assert len(pairs) == 6  # both orders of the 3 pairs
    # a vs c and b vs c: better on all 10 systems, exact p = 2 / 2^10; a vs b: 224 / 1024
    # Holm over m = 3: 3 p, 3 p, max(3 p, 224 / 1024)
    p = 2 / 1024
    bc = pairs.loc[("b", "c")]
    assert bc["p_value"] == pytest.approx(p) and bc["p_holm"] == pytest.approx(3 * p)
    assert (bc["wins"], bc["losses"], bc["verdict"]) == (10, 0, "better")
    assert bool(bc["significant"]) and bc["vpt_lyap_minus_opponent_median"] == 5.0
    cb = pairs.loc[("c", "b")]
    assert (cb["wins"], cb["losses"], cb["verdict"]) == (0, 10, "worse")
    assert cb["p_holm"] == bc["p_holm"] and cb["vpt_lyap_minus_opponent_median"] == -5.0
    assert (cb["rank_sum_plus"], cb["rank_sum_minus"]) == (0.0, 55.0)
    ab = pairs.loc[("a", "b")]
    assert ab["p_holm"] == pytest.approx(224 / 1024) and ab["verdict"] == "indistinguishable"
    assert not bool(ab["significant"]) and ab["wilcoxon_statistic"] == 15.0
    assert list(_ranking.pairwise(_table(RANKED)).columns) == _ranking.pairwise_columns()


def test_neighbours_not_distinguishable_are_marked():
    pairs = _ranking.pairwise(_table(RANKED))
    board = pd.DataFrame({"task": ["rich"] * 3, "forecaster": ["a", "b", "c"]})
    marked = _ranking.mark_neighbours(board, pairs)
    assert list(marked["verdict_vs_next"]) == ["indistinguishable", "better", None]
    assert list(marked["distinguishable_from_next"]) == [False, True, None]
    assert marked["p_holm_vs_next"][0] == pytest.approx(224 / 1024)
    assert marked["p_holm_vs_next"][1] == pytest.approx(6 / 1024)
    assert math.isnan(marked["p_holm_vs_next"][2])
    # an order the test contradicts: c above b is "worse" than its next
    flipped = _ranking.mark_neighbours(board.iloc[[0, 2, 1]].reset_index(drop=True), pairs)
    assert list(flipped["verdict_vs_next"]) == ["better", "worse", None]
    assert next_mark(224 / 1024, "indistinguishable") == "≈ 0.22"
    assert next_mark(6 / 1024, "better") == "> 0.0059"
    assert next_mark(math.nan, None) == "–"


def test_ranking_average_ranks_friedman_and_critical_difference():
    ranks = _ranking.ranking(_table(RANKED)).set_index("forecaster")
    # a above b on 5 systems, below on 5; c last everywhere: 1.5, 1.5, 3
    assert ranks["average_rank"].to_dict() == {"a": 1.5, "b": 1.5, "c": 3.0}
    assert list(ranks["position"]) == [1, 2, 3]
    assert (ranks["systems"] == 10).all() and (ranks["forecasters"] == 3).all()
    # χ²_F = 12 · 10 / 12 · (1.5² + 1.5² + 3²) − 3 · 10 · 4 = 135 − 120 = 15 (no ties)
    assert ranks["friedman_statistic"].iloc[0] == pytest.approx(15.0)
    assert ranks["critical_difference"].iloc[0] == pytest.approx(2.343 * math.sqrt(12 / 60))
    # systems missing for one forecaster drop out of the Friedman test for all
    partial = _table(RANKED)
    partial.loc[(partial.forecaster == "c") & (partial.system == "s0"), "vpt_lyap_median"] = np.nan
    assert (_ranking.ranking(partial)["systems"] == 9).all()
    assert list(_ranking.ranking(partial).columns) == _ranking.ranking_columns()


def test_a_forecaster_scored_on_few_systems_is_left_out_of_the_friedman_test():
    # z (a zero-shot model of one dimension) has rows on s0 … s3 only: keeping it leaves
    # 4 systems × 4 forecasters = 16 values, dropping it 10 × 3 = 30; c missing one system
    # of ten is kept (9 × 3 = 27 > 10 × 2 = 20), as above.
    scores = {**RANKED, "z": [100.0] * 4 + [np.nan] * 6}
    ranks = _ranking.ranking(_table(scores)).set_index("forecaster")
    assert list(ranks.index) == ["a", "b", "c"]
    assert (ranks["systems"] == 10).all() and (ranks["forecasters"] == 3).all()
    assert ranks["friedman_statistic"].iloc[0] == pytest.approx(15.0)  # as without z
    # with z on 8 of 10 systems it stays: 8 × 4 = 32 > 30
    scores = {**RANKED, "z": [100.0] * 8 + [np.nan] * 2}
    ranks = _ranking.ranking(_table(scores)).set_index("forecaster")
    assert ranks.loc["z", "position"] == 1 and (ranks["systems"] == 8).all()
    # z stays in the pairwise tests, over the systems it shares, and the text names it
    table = _table({**RANKED, "z": [100.0] * 4 + [np.nan] * 6})
    pairs = _ranking.pairwise(table)
    assert (pairs[pairs.forecaster == "z"]["systems"] == 4).all()
    text = _paired_lines("rich", ["z", "a", "b", "c"], pairs, _ranking.ranking(table), "VPT")
    assert text[0].startswith(
        "Paired tests (`rich`; Demšar 2006). Friedman over the 10 systems where all 3 ranked "
        "forecasters have rows (`z`, scored on too few systems, left out of it and compared "
        "pair by pair below): χ² = 15"
    )


def test_dimension_bin_medians_equal_the_breakdowns():
    dimensions = [3, 3, 3, 3, 3, 3, 5, 5, 10, 12]
    table = _table(RANKED, dimensions)
    board = pd.DataFrame(
        {"task": ["rich"] * 3, "forecaster": ["a", "b", "c"], "vpt_lyap_ci_high": [0.0] * 3}
    )
    board = _ranking.with_dimension_medians(board, table)
    columns = ["vpt_lyap_dim3_median", "vpt_lyap_dim4to6_median", "vpt_lyap_dim7plus_median"]
    assert list(board.columns) == ["task", "forecaster", "vpt_lyap_ci_high", *columns]
    b = board.set_index("forecaster").loc["b"]
    # b on dimension 3: 10 … 15 → 12.5; on 5: 16, 17 → 16.5; on 10, 12: 18, 19 → 18.5
    assert (b[columns[0]], b[columns[1]], b[columns[2]]) == (12.5, 16.5, 18.5)
    attributes = pd.DataFrame(
        {
            "system": [f"s{i}" for i in range(10)],
            "observed_dimension": dimensions,
            "lyapunov_times_per_period": [0.5] * 10,
            "positive_exponents": [1] * 10,
            "family": ["f"] * 10,
        }
    )
    split = breakdowns(table, attributes)
    dims = split[split.breakdown == "observed_dimension"].set_index(["forecaster", "bin"])
    for label, column in zip(("3", "4-6", "7+"), columns):
        for name in "abc":
            assert (
                dims.loc[(name, label), "vpt_lyap_median"]
                == board.set_index("forecaster").loc[name, column]
            )


def test_breakdowns_name_no_winner_below_five_systems():
    dimensions = [3, 3, 3, 3, 3, 3, 5, 5, 10, 12]  # bins of 6, 2 and 2 systems
    table = _table(RANKED, dimensions)
    attributes = pd.DataFrame(
        {
            "system": [f"s{i}" for i in range(10)],
            "observed_dimension": dimensions,
            "lyapunov_times_per_period": [0.05] * 5 + [2.0] * 5,
            "positive_exponents": [1] * 10,
            "family": ["f"] * 4 + ["g"] * 6,
        }
    )
    split = breakdowns(table, attributes)
    dims = split[split.breakdown == "observed_dimension"].set_index(["forecaster", "bin"])
    assert dims.loc[("a", "3"), "bin_systems"] == 6 and dims.loc[("a", "7+"), "bin_systems"] == 2
    # dimension 3: a's median (10+2, 11−1, 12+2, 13−1, 14+2, 15−1 → 13) beats b's 12.5
    assert dims.loc[("a", "3"), "bin_winner"] and not dims.loc[("b", "3"), "bin_winner"]
    # the bins of 2 systems name no winner, though b leads one of them
    assert not dims.xs("4-6", level="bin")["bin_winner"].any()
    assert not dims.xs("7+", level="bin")["bin_winner"].any()
    family = split[split.breakdown == "family"].set_index(["forecaster", "bin"])
    assert not family.xs("f", level="bin")["bin_winner"].any()  # 4 systems
    assert family.xs("g", level="bin")["bin_winner"].sum() == 1  # 6 systems: one winner


def test_critical_difference_diagram_is_a_png_and_reproducible(tmp_path):
    ranks = _ranking.ranking(_table(RANKED))
    first = cd_diagram(ranks, {"git_commit": "abc"})
    assert first.startswith(b"\x89PNG") and cd_diagram(ranks, {"git_commit": "abc"}) == first
    paths = write_cd_diagrams(tmp_path, ranks)
    assert paths == {"cd_diagram_rich": tmp_path / "cd_diagram_rich.png"}
    # a task that cannot be drawn (one forecaster) has no diagram, and a stale one goes
    single = _ranking.ranking(_table({"a": RANKED["a"]}))
    assert write_cd_diagrams(tmp_path, single) == {}
    assert not (tmp_path / "cd_diagram_rich.png").exists()
