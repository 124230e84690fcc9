"""``benchmarks/catalogue_summary.py --out``'s statistics and tuning paragraphs on
hand-made tables whose answers are read off by hand."""

import pandas as pd
from benchmark_scripts import load

script = load("catalogue_summary")


def _csv(folder, name, rows):
    pd.DataFrame(rows).assign(task="rich").to_csv(folder / f"{name}.csv", index=False)


def test_the_tiers_and_the_leaders_ties_follow_the_paired_tests(tmp_path):
    """Order a, b, c, d; a > b distinguishable, b ≈ c, c > d: tiers {a}, {b, c}, {d}. The
    pair table ties a with c (not neighbours) and separates every other pair: the leader
    cannot be told from c, is ahead of b and d, and 5 of the 6 pairs differ."""
    board = [
        {"forecaster": "a", "distinguishable_from_next": True},
        {"forecaster": "b", "distinguishable_from_next": False},
        {"forecaster": "c", "distinguishable_from_next": True},
        {"forecaster": "d", "distinguishable_from_next": None},
    ]
    _csv(tmp_path, "leaderboard", board)
    ranks = dict(a=1.25, b=2.0, c=2.75, d=4.0)
    common = dict(systems=4, forecasters=4, friedman_statistic=9.3, friedman_p=0.0256)
    common |= dict(critical_difference=2.345)
    _csv(
        tmp_path,
        "ranking",
        [{"forecaster": f, "average_rank": r, **common} for f, r in ranks.items()],
    )
    verdicts = {("a", "c"): "indistinguishable"}
    pairs = []
    for x in "abcd":
        for y in "abcd":
            if x != y:
                tie = verdicts.get((x, y)) or verdicts.get((y, x))
                better = "better" if x < y else "worse"
                pairs.append({"forecaster": x, "opponent": y, "verdict": tie or better})
    _csv(tmp_path, "pairwise", pairs)
    (text,) = script.statistics_lines(tmp_path, "rich")
    assert "Friedman's test over 4 systems and 4 forecasters" in text
    assert "χ² = 9.3, p = 0.026" in text
    assert "critical difference is 2.35 average ranks" in text
    assert "falls into 3 tiers: 1. `a`; 2. `b`, `c`; 3. `d`." in text
    assert "2 of 4 forecasters stand alone" in text
    assert (
        "The leader `a` cannot be told apart from `c`; it is significantly ahead of the other 2."
        in text
    )
    assert "5 of 6 pairs differ significantly." in text


def test_the_tuning_sentence_sorts_helped_hurt_and_unclear(tmp_path):
    gain = [
        dict(forecaster="x", systems=22, defaults_median=1.0, tuned_median=2.0, gain_median=0.8,
             gain_ci_low=0.2, gain_ci_high=1.4, tuning_seconds_median=30.0),
        dict(forecaster="y", systems=22, defaults_median=2.0, tuned_median=1.5, gain_median=-0.4,
             gain_ci_low=-0.9, gain_ci_high=-0.1, tuning_seconds_median=12.0),
        dict(forecaster="z", systems=21, defaults_median=3.0, tuned_median=3.1, gain_median=0.05,
             gain_ci_low=-0.3, gain_ci_high=0.4, tuning_seconds_median=50.0),
    ]  # fmt: skip
    for row, kept in zip(gain, (0, 5, None)):  # z: rows without hyperparameters
        row.update(cells=60, **({} if kept is None else {"kept": kept}))
    _csv(tmp_path, "tuning_gain", gain)
    lines = script.tuning_lines(tmp_path, "rich")
    assert "| `x` | 22 | 1 | 2 | +0.8 [+0.2, +1.4] | 0/60 | 30 |" in lines
    assert "| `y` | 22 | 2 | 1.5 | -0.4 [-0.9, -0.1] | 5/60 | 12 |" in lines
    assert "| `z` | 21 | 3 | 3.1 | +0.05 [-0.3, +0.4] | – | 50 |" in lines
    assert lines[-1] == (
        "Tuning helps `x` (interval above 0), hurts `y` and leaves 1 of 3 within noise."
    )
