"""Long-run metrics in the tables: on one scale, over the runs on the attractor, with the
counts of each state beside them (protocol v5; :mod:`chaosbench.reporting._long_run`).

Hand-made rows of task ``rich``, two forecasters on three systems, with three test-only
metrics besides VPT: ``toy_div`` (kind ``"long"``, a truth floor, per-system winner),
``toy_raw`` (kind ``"long"``, no floor) and ``toy_lyap`` (kind ``"lyapunov"``). Per row:
(status, long_run, VPT, toy_div, toy_div_norm, toy_raw, toy_lyap):

- s1, a: on (2, 0.2, 2, 1, 0.1), on (3, 0.4, 4, 3, 0.3), off (1, 5, 50, 9, 0.5),
  diverged (0.5, ∞, ∞, ∞, ∞). On the attractor: toy_div median 0.3, normalised 3,
  toy_raw 2; bounded: toy_lyap 0.3; every row: VPT 1.5.
- s1, b: on (norm 1), off, off, error: one run in four on the attractor, so b may not win
  toy_div on s1 although its on-attractor median (0.1) is the lowest.
- s2, a: off, off (no run on the attractor: NaN, left out of the leaderboard's median);
  s2, b: on, on (normalised 1.5, 2.5: median 2).
- s3, a: on, on (normalised 6, 8: median 7); s3, b: on (normalised 1), diverged.

Leaderboard: a's ``toy_div_norm_median`` = median(3, 7) = 5 (s2 left out), b's =
median(1, 2, 1) = 1; on the attractor a 4 of 8 runs, b 4 of 8 (one failure).
Winners of toy_div: s1 a (b held back), s2 b, s3 b.
"""

import contextlib
import math

import jax.numpy as jnp
import numpy as np
import pandas as pd
import pytest

import chaosbench as cb
from chaosbench.base import _api
from chaosbench.numerics import _rows
from chaosbench.reporting import _leaderboard as lb
from chaosbench.reporting import _long_run
from chaosbench.reporting._breakdowns import breakdowns
from chaosbench.reporting._markdown import render_markdown
from chaosbench.reporting._page_columns import cell_text, headline_columns
from chaosbench.reporting._systems import system_attributes

INF, NAN = math.inf, math.nan
ON, OFF, DIV = "on_attractor", "off_attractor", "diverged"
ROWS = {  # (system, forecaster): [(status, long_run, vpt, div, div_norm, raw, lyap)]
    ("s1", "a"): [
        ("ok", ON, 2.0, 0.2, 2.0, 1.0, 0.1),
        ("ok", ON, 3.0, 0.4, 4.0, 3.0, 0.3),
        ("ok", OFF, 1.0, 5.0, 50.0, 9.0, 0.5),
        ("ok", DIV, 0.5, INF, INF, INF, INF),
    ],
    ("s1", "b"): [
        ("ok", ON, 4.0, 0.1, 1.0, 0.5, 0.2),
        ("ok", OFF, 4.0, 3.0, 30.0, 7.0, 0.4),
        ("ok", OFF, 4.0, 4.0, 40.0, 8.0, 0.6),
        ("error", "", 0.0, INF, INF, INF, INF),
    ],
    ("s2", "a"): [("ok", OFF, 1.0, 2.0, 20.0, 6.0, 0.7), ("ok", OFF, 1.0, 3.0, 30.0, 6.0, 0.9)],
    ("s2", "b"): [("ok", ON, 2.0, 0.15, 1.5, 1.0, 0.1), ("ok", ON, 2.0, 0.25, 2.5, 2.0, 0.1)],
    ("s3", "a"): [("ok", ON, 5.0, 0.6, 6.0, 4.0, 0.2), ("ok", ON, 5.0, 0.8, 8.0, 4.0, 0.2)],
    ("s3", "b"): [("ok", ON, 1.0, 0.1, 1.0, 1.0, 0.3), ("ok", DIV, 1.0, INF, INF, INF, INF)],
}


@contextlib.contextmanager
def toy_metrics():
    """Register the three test-only metrics for the duration of a test."""
    options = {
        "toy_div-v1": dict(
            direction="lower", kind="long", name="toy", floor="toy_floor", per_system=True
        ),
        "toy_raw-v1": dict(direction="lower", kind="long", name="raw"),
        "toy_lyap-v1": dict(direction="lower", kind="lyapunov", name="lyap"),
    }
    for id_, kwargs in options.items():
        cb.register_metric(id_, **kwargs)(lambda forecast, truth, facts: jnp.float64(0.0))
    try:
        yield
    finally:
        for id_ in options:
            _api.metrics._entries.pop(id_, None)


def _frame(cases=ROWS, protocol=5) -> pd.DataFrame:
    records = []
    for (system, forecaster), seeds in cases.items():
        for seed, (status, long_run, vpt, div, norm, raw, lyap) in enumerate(seeds):
            records.append(
                {
                    "run_id": f"{system}-{forecaster}-{seed}",
                    "system": f"{system}-v1",
                    "forecaster": f"{forecaster}-v1",
                    "task": "rich",
                    "seed": seed,
                    "protocol_version": protocol,
                    "status": status,
                    "long_run": long_run,
                    "fit_seconds": 1.0,
                    "vpt_lyap": vpt,
                    "toy_div": div,
                    "toy_div_norm": norm,
                    "toy_raw": raw,
                    "toy_lyap": lyap,
                }
            )
    return pd.DataFrame(records)


def _get(frame: pd.DataFrame, **keys) -> pd.Series:
    mask = np.ones(len(frame), dtype=bool)
    for key, value in keys.items():
        mask &= (frame[key] == value).to_numpy()
    assert mask.sum() == 1, keys
    return frame[mask].iloc[0]


def test_by_system_counts_the_states_and_takes_long_medians_on_the_attractor():
    with toy_metrics():
        table = lb.by_system(_frame())
    r = _get(table, system="s1-v1", forecaster="a-v1")
    assert (r.long_run_on_attractor, r.long_run_off_attractor, r.long_run_diverged) == (2, 1, 1)
    assert (r.long_run_unjudged, r.failures, r.seeds) == (0, 0, 4)
    assert r.vpt_lyap_median == 1.5  # short-term: every row
    assert r.toy_div_median == pytest.approx(0.3)  # long: the two rows on the attractor
    assert r.toy_div_norm_median == pytest.approx(3.0)
    assert (r.toy_div_norm_q25, r.toy_div_norm_q75) == pytest.approx((2.5, 3.5))
    assert r.toy_raw_median == pytest.approx(2.0)
    assert r.toy_lyap_median == pytest.approx(0.3)  # lyapunov: bounded (on or off)
    assert np.isfinite(r.toy_div_ci_high)  # neither the off nor the diverged run is in it
    r = _get(table, system="s1-v1", forecaster="b-v1")
    counts = [r[c] for c in _long_run.COUNTS.values()]
    assert counts == [1, 2, 0, 0] and r.failures == 1
    assert r.vpt_lyap_median == 4.0 and r.toy_div_norm_median == 1.0
    # no run on the attractor: NaN, not a failure score
    r = _get(table, system="s2-v1", forecaster="a-v1")
    assert math.isnan(r.toy_div_median) and math.isnan(r.toy_div_norm_median)
    assert r.toy_lyap_median == pytest.approx(0.8)
    # failures + the four counts = seeds, everywhere
    counted = table[list(_long_run.COUNTS.values())].sum(axis=1) + table["failures"]
    assert (counted == table["seeds"]).all()


def test_leaderboard_pools_only_normalised_values_over_systems_on_the_attractor():
    with toy_metrics():
        board = lb.leaderboard(lb.by_system(_frame())).set_index("forecaster")
        floored = [m for m in _rows.long_term_metrics() if m.floor]
    a, b = board.loc["a-v1"], board.loc["b-v1"]
    assert a.toy_div_norm_median == pytest.approx(5.0)  # s1 3, s3 7; s2 left out
    assert b.toy_div_norm_median == pytest.approx(1.0)  # s1 1, s2 2, s3 1
    for m in floored:  # the raw values of a floored metric are never pooled
        assert f"{m.column}_median" not in board.columns
        assert f"{m.normalised_column}_median" in board.columns
    assert a.toy_raw_median == pytest.approx(3.0)  # no floor: raw, s1 2, s3 4
    assert (a.long_run_on_attractor, a.long_run_off_attractor, a.long_run_diverged) == (4, 3, 1)
    assert (b.long_run_on_attractor, b.long_run_off_attractor, b.long_run_diverged) == (4, 2, 1)
    assert a.long_run_unjudged == b.long_run_unjudged == 0
    assert (a.runs, b.runs, b.failures) == (8, 8, 1)
    assert a.on_attractor_rate == b.on_attractor_rate == 0.5


def test_the_long_run_winner_has_at_least_half_its_runs_on_the_attractor():
    with toy_metrics():
        best = lb.winners(lb.by_system(_frame())).set_index("system")
    # s1: b's one on-attractor run (0.1) beats a's median (0.3), but 1 of 4 < half
    assert best.loc["s1-v1", "toy_div_winner"] == "a-v1"
    assert best.loc["s1-v1", "toy_div_winner_median"] == pytest.approx(0.3)
    assert best.loc["s1-v1", "toy_div_winner_norm_median"] == pytest.approx(3.0)
    assert best.loc["s2-v1", "toy_div_winner"] == "b-v1"  # a: nothing on the attractor
    assert best.loc["s3-v1", "toy_div_winner"] == "b-v1"  # 1 of 2: exactly half may win
    # the headline's winner is unaffected by the long run
    assert best.loc["s1-v1", "vpt_lyap_winner"] == "b-v1"


def test_breakdowns_carry_the_counts_and_the_normalised_median():
    with toy_metrics():
        table = lb.by_system(_frame())
        split = breakdowns(table, system_attributes(table["system"]), "persistence")
    mine = split[(split["breakdown"] == "family") & (split["forecaster"] == "a-v1")]
    assert len(mine) == 1  # every toy system is in bin "unknown"
    r = mine.iloc[0]
    assert r.toy_div_norm_median == pytest.approx(5.0) and "toy_div_median" not in split
    assert (r.long_run_on_attractor, r.long_run_off_attractor, r.long_run_diverged) == (4, 3, 1)


def test_markdown_and_page_show_normalised_medians_with_the_states():
    with toy_metrics():
        table = lb.by_system(_frame())
        board = lb.leaderboard(table)
        text = render_markdown(board, {"suite": "toy"}, lb.winners(table))
        specs = headline_columns(board, "persistence")
    assert _long_run.normalisation_sentence() in text
    header = next(line for line in text.splitlines() if line.startswith("| # |"))
    assert "| toy/floor | raw | lyap | long run on/off/div |" in header
    # b is first (median VPT 2 against a's 1.5): toy/floor, raw, lyap, states, failures
    row = next(line for line in text.splitlines() if line.startswith("| 1 |"))
    assert "`b-v1`" in row and "| 1 | 1 | 0.3 | 4/2/1 | 1/8 |" in row
    row = next(line for line in text.splitlines() if line.startswith("| 2 |"))
    assert "`a-v1`" in row and "| 5 | 3 | 0.3 | 4/3/1 | 0/8 |" in row
    assert "| best toy | toy/floor |" in text  # the winner's normalised median
    winners = [line for line in text.splitlines() if line.startswith("| `s")]
    assert [line.rsplit(" | ", 2)[-2:] for line in winners] == [
        ["a-v1", "3 |"],
        ["b-v1", "2 |"],
        ["b-v1", "1 |"],
    ]
    spec = next(s for s in specs if s["kind"] == "states")
    assert spec["cols"] == list(_long_run.COUNTS.values())
    assert cell_text(spec, board.iloc[0].to_dict(), 1) == "4/2/1"
    keys = [s["key"] for s in specs]
    assert "toy_div_norm_median" in keys and "toy_div_median" not in keys


def test_legacy_stable_rows_are_counted_unjudged_never_on_the_attractor():
    legacy = {
        ("s1", "a"): [
            ("ok", "stable", 2.0, 0.2, NAN, 1.0, 0.1),
            ("ok", "stable", 3.0, 0.4, NAN, 3.0, 0.3),
            ("ok", DIV, 0.5, INF, NAN, INF, INF),
            ("timeout", "", 0.0, INF, NAN, INF, INF),
        ],
    }
    with toy_metrics():
        table = lb.by_system(_frame(legacy, protocol=4).drop(columns="toy_div_norm"))
        board = lb.leaderboard(table)
        best = lb.winners(table)
        text = render_markdown(board, {"suite": "old"})
    r = table.iloc[0]
    assert [r[c] for c in _long_run.COUNTS.values()] == [0, 0, 1, 2] and r.failures == 1
    assert r.toy_div_median == pytest.approx(0.3)  # over the bounded, unjudged runs
    assert r.toy_lyap_median == pytest.approx(0.2)
    b = board.iloc[0]
    assert math.isnan(b.on_attractor_rate)  # some runs were never judged
    assert b.long_run_unjudged == 2
    assert math.isnan(b.toy_div_norm_median) and "toy_div_median" not in board.columns
    assert best.iloc[0].toy_div_winner == "a-v1"  # never judged: not held back
    assert "| 0/0/1 + 2 unjudged |" in text


def test_scored_rows_follow_the_metric_kind():
    frame = pd.DataFrame(
        {
            "status": ["ok", "ok", "ok", "ok", "error"],
            "long_run": [ON, OFF, DIV, "stable", ""],
        }
    )
    assert list(_long_run.states(frame)) == [ON, OFF, DIV, "unjudged", ""]
    with toy_metrics():
        assert list(_long_run.scored_rows(frame, "vpt_lyap")) == [True] * 5
        assert list(_long_run.scored_rows(frame, "toy_div")) == [1, 0, 0, 1, 0]
        assert list(_long_run.scored_rows(frame, "toy_div_norm")) == [1, 0, 0, 1, 0]
        assert list(_long_run.scored_rows(frame, "toy_lyap")) == [1, 1, 0, 1, 0]
    # rows written before long_run existed (protocol ≤ 3): ok rows are unjudged
    old = frame.drop(columns="long_run")
    assert list(_long_run.states(old)) == ["unjudged"] * 4 + [""]
