"""``orders.csv``: a forecaster's position under other aggregates and on each seed's
dataset, on a table whose answers are computed by hand.

Per-system medians (three systems, three forecasters; a fourth, ``d``, scored on one
system only, as a zero-shot model of one dimension is):

    system   a     b     c
    s1      10     2     1
    s2       1     3     2
    s3       1   2.5     3

- median over systems: a 1, b 2.5, c 2 → b 1, c 2, a 3;
- mean: a 4, b 2.5, c 2 → a 1, b 2, c 3;
- per-system ranks: s1 a1 b2 c3, s2 b1 c2 a3, s3 c1 b2 a3 → average a 7/3, b 5/3, c 2
  → b 1, c 2, a 3;
- Kendall τ between the median's order (a3 b1 c2) and the mean's (a1 b2 c3): pairs ab
  and ac discordant, bc concordant → (1 − 2) / 3 = −1/3, the smallest of the three.

Seed 0's cells are the medians above (b 1, c 2, a 3); seed 1's are 0, 0, 5 on s1 and s2
and 0, 1, 5 on s3: medians a 0, b 0, c 5 → c 1, a and b tied at 2. τ-b between the two
seeds: ab tied in seed 1 (neither), ac concordant, bc discordant → 0.
"""

import pandas as pd
import pytest
from benchmark_scripts import load

from chaosbench.reporting._orders import orders, orders_lines

MEDIANS = {"s1": (10, 2, 1), "s2": (1, 3, 2), "s3": (1, 2.5, 3)}
SEED_1 = {"s1": (0, 0, 5), "s2": (0, 0, 5), "s3": (0, 1, 5)}


def _frames():
    table, rows = [], []
    for system, values in MEDIANS.items():
        for name, value, other in zip("abc", values, SEED_1[system]):
            table.append(dict(task="rich", system=system, forecaster=name, vpt_lyap_median=value))
            rows.append(dict(task="rich", system=system, forecaster=name, seed=0, vpt_lyap=value))
            rows.append(dict(task="rich", system=system, forecaster=name, seed=1, vpt_lyap=other))
    table.append(dict(task="rich", system="s1", forecaster="d", vpt_lyap_median=50.0))
    rows.append(dict(task="rich", system="s1", forecaster="d", seed=0, vpt_lyap=50.0))
    return pd.DataFrame(table), pd.DataFrame(rows)


def _b_far_ahead():
    """The same frames with 100 added to every score of ``b``: first under every choice."""
    table, rows = _frames()
    ahead = (table.forecaster == "b") * 100
    return table.assign(vpt_lyap_median=table.vpt_lyap_median + ahead), rows.assign(
        vpt_lyap=rows.vpt_lyap + (rows.forecaster == "b") * 100
    )


def test_positions_under_each_aggregate_and_seed_match_the_hand_computed_orders():
    out = orders(*_frames()).set_index("forecaster")
    assert list(out.index) == ["b", "c", "a"]  # in the order of the median
    assert "d" not in out.index  # left out of the complete block, as in ranking.csv
    assert set(out.systems) == {3}
    expected = {  # median, mean, average rank, seed 0, seed 1, best, worst
        "a": (3, 1, 3, 3, 2, 1, 3),
        "b": (1, 2, 1, 1, 2, 1, 2),
        "c": (2, 3, 2, 2, 1, 1, 3),
    }
    columns = ["position_median", "position_mean", "position_average_rank"]
    columns += ["position_seed_0", "position_seed_1", "position_best", "position_worst"]
    for name, positions in expected.items():
        assert tuple(int(out.loc[name, c]) for c in columns) == positions, name
    assert list(out.tau_aggregates_min) == pytest.approx([-1 / 3] * 3)
    assert list(out.tau_seeds_min) == pytest.approx([0.0] * 3)


def test_the_markdown_names_who_holds_a_place_and_the_ranges():
    table, rows = _frames()
    lines = orders_lines(orders(table, rows), "rich")
    text = "\n".join(lines)
    assert "Over the 3 systems" in text
    assert "two aggregates' orders -0.33, between two seeds' 0.00" in text
    assert "0 of 3 forecasters hold one position" in text
    assert "| `a` | 3 | 1 | 3 | 3 | 2 | 1–3 |" in lines
    assert "| `b` | 1 | 2 | 1 | 1 | 2 | 1–2 |" in lines
    # a forecaster in first place under every choice holds it
    lines = orders_lines(orders(*_b_far_ahead()), "rich")
    assert "| `b` | 1 | 1 | 1 | 1 | 1 | 1 |" in lines
    assert "1 of 3 forecasters hold one position" in "\n".join(lines)


def test_the_readme_summary_says_which_places_hold_and_which_move(tmp_path):
    """``benchmarks/catalogue_summary.py``'s paragraph, from the ``orders.csv`` above."""
    table, rows = _frames()
    orders(table, rows).to_csv(tmp_path / "orders.csv", index=False)
    (text,) = load("catalogue_summary").robustness_lines(tmp_path, "rich")
    assert "over the 3 systems of the Friedman test" in text
    assert "by each of the 2 seeds' datasets alone" in text
    assert "no forecaster is first under every choice (`b`, `c` and `a` are, once at least)" in text
    assert "the others move: `b` 1–2, `c` 1–3, `a` 1–3." in text
    assert "at least -0.33, between two seeds' orders at least 0.00." in text
    orders(*_b_far_ahead()).to_csv(tmp_path / "orders.csv", index=False)
    (text,) = load("catalogue_summary").robustness_lines(tmp_path, "rich")
    assert "`b` is first under every choice;" in text
