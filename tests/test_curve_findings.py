"""What the summary script says a curve shows, on hand-made curve tables whose answers
are computed here by hand (the README's curve block is this text on the committed
``curves.csv``)."""

from __future__ import annotations

import pandas as pd
from benchmark_scripts import load


def _summary():
    return load("catalogue_summary")


def _points(curve: str, xs: dict[str, float], vpt: dict[str, list[float]]) -> pd.DataFrame:
    """A curve's rows: ``xs`` maps task -> x; ``vpt`` maps forecaster -> median VPT per
    task, in the order of ``xs``."""
    return pd.DataFrame(
        [
            {
                "curve": curve,
                "task": task,
                "x": x,
                "x_stated": f"{x:g} u",
                "forecaster": name,
                "systems": 5,
                "vpt_lyap_median": values[i],
                "on_attractor_rate": 0.5,
            }
            for name, values in vpt.items()
            for i, (task, x) in enumerate(xs.items())
        ]
    )


def test_the_data_finding_names_a_changed_leader_the_rank_correlation_and_the_gains():
    # Orders: scarce esn 3 > ngrc 2 > mamba 1; rich mamba 4 > esn 3.3 > ngrc 3.
    # Ranks (1 = lowest) scarce mamba 1, ngrc 2, esn 3; rich mamba 3, ngrc 1, esn 2:
    # d = (-2, 1, 1), ρ = 1 - 6·6 / (3·8) = -0.5. Gains: mamba ×4, ngrc ×1.5, esn ×1.1.
    points = _points(
        "data",
        {"few": 5.0, "many": 150.0},
        {"mamba-v4": [1.0, 4.0], "ngrc-v4": [2.0, 3.0], "esn-v4": [3.0, 3.3]},
    )
    text = _summary().data_finding(points)
    assert "With the least data (5 u) the order is `esn-v4` 3 (reservoir)" in text
    assert "with the most (150 u) it is `mamba-v4` 4 (sequence model)" in text
    assert "The leader changes; Spearman's ρ between the two orders is -0.50." in text
    assert "`mamba-v4` ×4, `ngrc-v4` ×1.5, `esn-v4` ×1.1." in text


def test_the_noise_finding_names_who_keeps_least_and_most_of_its_clean_skill():
    # Shares kept at 0.01: ngrc 1/2 = 50 %, mamba 3.6/4 = 90 %; persistence has no clean
    # skill and is left out. At 0.1: ngrc 0.25, mamba 0.5, median 37.5 % -> "38 %".
    points = _points(
        "noise",
        {"rich": 0.0, "low": 0.01, "high": 0.1},
        {
            "ngrc-v4": [2.0, 1.0, 0.5],
            "mamba-v4": [4.0, 3.6, 2.0],
            "persistence-v1": [0.0, 0.0, 0.0],
        },
    )
    text = _summary().noise_finding(points)
    assert "At the lowest noise (0.01 u) the forecaster keeping the least" in text
    assert "is `ngrc-v4` (nonlinear delay-embedding: 50 %), the most `mamba-v4` (90 %)" in text
    assert "At 0.1 u the order is `mamba-v4` 2 (sequence model), `ngrc-v4` 0.5" in text
    assert "kept over the forecasters: 38 %." in text


def test_the_observed_finding_names_who_scores_higher_on_one_coordinate():
    points = _points(
        "observed",
        {"rich": 0.0, "one": 1.0},
        {"ngrc-v4": [1.0, 0.5], "persistence-v1": [0.1, 0.2], "esn-v4": [3.0, 0.4]},
    )
    text = _summary().observed_finding(points)
    assert "the order is `ngrc-v4` 0.5" in text
    assert "`persistence-v1` scores higher on one coordinate" in text
    # ranks all: persistence 1, ngrc 2, esn 3; one: persistence 1, esn 2, ngrc 3: ρ = 0.5
    assert text.endswith("Spearman's ρ between the two orders is 0.50.")
    two = _points(
        "observed",
        {"rich": 0.0, "one": 1.0},
        {"ngrc-v4": [0.1, 0.5], "persistence-v1": [0.1, 0.2], "esn-v4": [3.0, 0.4]},
    )
    assert "`ngrc-v4` and `persistence-v1` score higher" in _summary().observed_finding(two)


def test_the_context_finding_orders_the_changes_and_names_a_missing_end():
    points = _points(
        "context",
        {"short": 2.0, "long": 17.0},
        {"parroting-v1": [0.1, 1.3], "analogues-v1": [1.8, 1.7]},
    )
    points = pd.concat([points, _points("context", {"short": 2.0}, {"mamba-v4": [2.0]})])
    text = _summary().context_finding(points)
    assert "`parroting-v1` +1.2 t_λ, `analogues-v1` -0.1 t_λ." in text
    assert "`mamba-v4` has no score at one of the two ends." in text
