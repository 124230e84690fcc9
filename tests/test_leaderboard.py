"""Leaderboard statistics on hand-made rows equal hand-computed values.

Three systems × three forecasters × three seeds (task ``rich``). VPT per seed:

| system | a          | b       | c                          |
| ------ | ---------- | ------- | -------------------------- |
| s1     | 1, 2, 3    | 2, 2, 2 | 0 (timeout), 0 (error), 1  |
| s2     | 3, 4, 5    | 1, 1, 1 | 2, 2, 8                    |
| s3     | 0, 0, 0 (errors) | 5, 6, 7 | 1, 2, 3              |

Per-system medians: s1 a 2, b 2, c 0; s2 a 4, b 1, c 2; s3 a 0, b 6, c 2.
Ranks (1 = best, ties averaged): s1 a 1.5, b 1.5, c 3; s2 a 1, c 2, b 3; s3 b 1, c 2, a 3.
Win rates: a vs b: tie, win, loss = 0.5; a vs c: 2/3; b vs c: 2/3.
"""

import json
import math

import numpy as np
import pandas as pd
import pytest

from chaosbench.reporting import _leaderboard as lb

INF = math.inf
VPT = {
    ("s1", "a"): [1, 2, 3],
    ("s1", "b"): [2, 2, 2],
    ("s1", "c"): [0, 0, 1],
    ("s2", "a"): [3, 4, 5],
    ("s2", "b"): [1, 1, 1],
    ("s2", "c"): [2, 2, 8],
    ("s3", "a"): [0, 0, 0],
    ("s3", "b"): [5, 6, 7],
    ("s3", "c"): [1, 2, 3],
}
STATUS = {("s1", "c"): ["timeout", "error", "ok"], ("s3", "a"): ["error"] * 3}
STAMP = {
    "chaosbench_version": "0.1.0",
    "git_commit": "abc123",
    "suite": "hand",
    "suite_hash": "feed",
    "jax_version": "0.0.1",
    "device": "cpu:cpu",
    "python": "3.11",
}


def _cell(system, forecaster, seed, vpt, status):
    ok = status == "ok"
    return {
        "run_id": f"{system}-{forecaster}-{seed}",
        "system": f"{system}-v1",
        "forecaster": f"{forecaster}-v1",
        "task": "rich",
        "system_version": 1,
        "forecaster_version": 1,
        "error": "" if status != "error" else "RuntimeError: boom",
        "dt": 0.01,
        "max_lyapunov": 0.9,
        "seed": seed,
        "status": status,
        "fit_seconds": 2.0 + seed if status != "error" else math.nan,
        "forecast_seconds": 0.5,
        "vpt_lyap": float(vpt),
        "nrmse_h1": 0.1 * (seed + 1) if ok else INF,
        "d_stsp": float(seed + 1) if ok else INF,
        "d_h": 0.1 if ok else 1.0,
        **STAMP,
    }


@pytest.fixture
def out(tmp_path):
    cells = tmp_path / "cells"
    cells.mkdir()
    for (system, forecaster), values in VPT.items():
        statuses = STATUS.get((system, forecaster), ["ok"] * 3)
        for seed, (vpt, status) in enumerate(zip(values, statuses)):
            row = _cell(system, forecaster, seed, vpt, status)
            (cells / f"{row['run_id']}.json").write_text(json.dumps(row))  # inf → Infinity
    return tmp_path


def _get(frame, **keys):
    mask = np.ones(len(frame), dtype=bool)
    for key, value in keys.items():
        mask &= frame[key] == value
    assert mask.sum() == 1, keys
    return frame[mask].iloc[0]


def test_quantiles_handle_inf_and_nan():
    assert lb.median([1.0, 1.0, INF]) == 1.0  # NumPy's interpolation would give NaN
    assert lb.median([1.0, INF]) == INF
    assert lb.median([INF, INF]) == INF
    assert lb.quantile([3.0, INF, INF], 0.25) == INF
    assert lb.quantile([1.0, 2.0, 3.0, 4.0], 0.25) == pytest.approx(1.75)
    assert lb.median([1.0, math.nan, 3.0]) == 2.0
    assert math.isnan(lb.median([math.nan]))


def test_by_system_medians_iqr_failures(out):
    table = lb.by_system(lb.load_rows(out))
    assert len(table) == 9 and (table.seeds == 3).all()
    r = _get(table, system="s1-v1", forecaster="a-v1")
    assert (r.vpt_lyap_median, r.vpt_lyap_q25, r.vpt_lyap_q75) == (2.0, 1.5, 2.5)
    assert r.failures == 0 and r.fit_seconds == 3.0
    assert (r.d_stsp_median, r.d_stsp_q25, r.d_stsp_q75) == (2.0, 1.5, 2.5)
    r = _get(table, system="s2-v1", forecaster="c-v1")
    assert (r.vpt_lyap_median, r.vpt_lyap_q25, r.vpt_lyap_q75) == (2.0, 2.0, 5.0)
    # two failures out of three seeds: d_stsp values 3, inf, inf
    r = _get(table, system="s1-v1", forecaster="c-v1")
    assert r.failures == 2
    assert r.vpt_lyap_median == 0.0
    assert r.d_stsp_median == INF and r.d_stsp_q25 == INF and r.d_stsp_q75 == INF
    assert r.d_h_median == 1.0
    assert r.fit_seconds == 3.0  # the error row's NaN fit time is ignored: seeds 0 and 2
    r = _get(table, system="s3-v1", forecaster="a-v1")
    assert r.failures == 3 and r.vpt_lyap_median == 0.0 and r.d_stsp_median == INF
    assert math.isnan(r.fit_seconds)


def test_bootstrap_interval_contains_median_and_is_reproducible(out):
    rows = lb.load_rows(out)
    first = lb.by_system(rows)
    second = lb.by_system(rows.sample(frac=1.0, random_state=1))  # order does not matter
    pd.testing.assert_frame_equal(first, second)
    for m in ("vpt_lyap", "nrmse_h1", "d_stsp", "d_h"):
        assert (first[f"{m}_ci_low"] <= first[f"{m}_median"]).all(), m
        assert (first[f"{m}_median"] <= first[f"{m}_ci_high"]).all(), m
    r = _get(first, system="s1-v1", forecaster="b-v1")  # constant seeds: a point interval
    assert (r.vpt_lyap_ci_low, r.vpt_lyap_ci_high) == (2.0, 2.0)
    r = _get(first, system="s2-v1", forecaster="a-v1")  # within the range of the seeds
    assert 3.0 <= r.vpt_lyap_ci_low <= 4.0 <= r.vpt_lyap_ci_high <= 5.0
    r = _get(first, system="s1-v1", forecaster="c-v1")
    assert r.d_stsp_ci_high == INF
    # the interval of a median of three values spans the min and max of the data when
    # enough replicates draw the same value three times
    assert lb.bootstrap_ci([1.0, 2.0, 3.0], "k") == (1.0, 3.0)
    assert lb.bootstrap_ci([1.0, 2.0, 3.0], "k") == lb.bootstrap_ci([1.0, 2.0, 3.0], "k")


def test_leaderboard_ranks_win_rates_failures(out):
    rows = lb.load_rows(out)
    board = lb.leaderboard(lb.by_system(rows), rows)
    assert list(board.forecaster) == ["a-v1", "b-v1", "c-v1"]  # ties broken by name
    a, b, c = (_get(board, forecaster=f) for f in ("a-v1", "b-v1", "c-v1"))
    assert a.mean_rank == pytest.approx((1.5 + 1 + 3) / 3)
    assert b.mean_rank == pytest.approx((1.5 + 3 + 1) / 3)
    assert c.mean_rank == pytest.approx((3 + 2 + 2) / 3)
    assert (a.median_vpt_lyap, a.vpt_lyap_q25, a.vpt_lyap_q75) == (2.0, 1.0, 3.0)
    assert (b.median_vpt_lyap, b.vpt_lyap_q25, b.vpt_lyap_q75) == (2.0, 1.5, 4.0)
    assert (c.median_vpt_lyap, c.vpt_lyap_q25, c.vpt_lyap_q75) == (2.0, 1.0, 2.0)
    assert (a.failures, b.failures, c.failures) == (3, 0, 2)
    assert (a.systems, a.runs) == (3, 9)
    # d_stsp per-system medians: a 2, 2, inf → 2; c inf, 2, 2 → 2
    assert a.median_d_stsp == 2.0 and c.median_d_stsp == 2.0
    assert a.median_d_h == pytest.approx(0.1)
    assert a.median_fit_seconds == 3.0
    assert a["win_rate_vs_b-v1"] == 0.5 and b["win_rate_vs_a-v1"] == 0.5
    assert a["win_rate_vs_c-v1"] == pytest.approx(2 / 3)
    assert c["win_rate_vs_a-v1"] == pytest.approx(1 / 3)
    assert b["win_rate_vs_c-v1"] == pytest.approx(2 / 3)
    assert math.isnan(a["win_rate_vs_a-v1"])
    for r in (a, b, c):
        assert r.vpt_lyap_ci_low <= r.median_vpt_lyap <= r.vpt_lyap_ci_high
    again = lb.leaderboard(lb.by_system(rows), rows)
    pd.testing.assert_frame_equal(board, again)
    # the hierarchical interval stays within the range of all seed values
    assert 0.0 <= a.vpt_lyap_ci_low and a.vpt_lyap_ci_high <= 5.0


def test_win_rate_table_counts():
    table = pd.DataFrame(
        {
            "task": ["rich"] * 4,
            "system": ["s1", "s1", "s2", "s2"],
            "forecaster": ["a", "b", "a", "b"],
            "vpt_lyap_median": [1.0, 1.0, 3.0, 2.0],
        }
    )
    wins = lb.win_rates(table)
    r = _get(wins, forecaster="a", opponent="b")
    assert (r.systems, r.wins, r.ties, r.losses, r.win_rate) == (2, 1, 1, 0, 0.75)
    r = _get(wins, forecaster="b", opponent="a")
    assert (r.wins, r.ties, r.losses, r.win_rate) == (0, 1, 1, 0.25)


def test_write_leaderboard_outputs_carry_the_stamp(out):
    paths = lb.write_leaderboard(out)
    assert set(paths) == {
        "runs",
        "by_system",
        "leaderboard",
        "winrate",
        "markdown",
        "stamp",
        "html",
        "winners",
        "breakdowns",
    }
    assert json.loads(paths["stamp"].read_text()) == STAMP
    for name in ("runs", "by_system", "leaderboard", "winrate"):
        plain = pd.read_csv(paths[name])
        commented = pd.read_csv(paths[name], comment="#")
        pd.testing.assert_frame_equal(plain, commented)
        assert (plain.git_commit == "abc123").all() and (plain.suite_hash == "feed").all()
    runs = pd.read_csv(paths["runs"])
    assert len(runs) == 27 and (runs.status != "ok").sum() == 5  # failures never dropped
    board = pd.read_csv(paths["leaderboard"])
    assert board.loc[board.forecaster == "a-v1", "median_d_stsp"].item() == 2.0
    by_system = pd.read_csv(paths["by_system"])
    assert np.isinf(by_system.d_stsp_median).sum() == 2  # (s1, c) and (s3, a)
    text = paths["markdown"].read_text()
    assert "| 1 | `a-v1` |" in text and "abc123" in text and "## Legend" in text
    assert "win" in text.lower()
    # a second write gives byte-identical files
    before = {k: p.read_bytes() for k, p in paths.items()}
    lb.write_leaderboard(out)
    assert {k: p.read_bytes() for k, p in paths.items()} == before


def test_mixed_stamps_are_listed(out):
    cell = next((out / "cells").glob("*.json"))
    row = json.loads(cell.read_text())
    row["git_commit"] = "def456"
    cell.write_text(json.dumps(row))
    stamp = lb.collect_stamp(lb.load_rows(out))
    assert stamp["git_commit"] == "abc123; def456"


def _add_cell(out, row, **changes):
    """Write ``row`` updated by ``changes`` as a cell file under ``out``."""
    row = row | changes
    (out / "cells" / f"{row['run_id']}.json").write_text(json.dumps(row))


def test_rows_of_a_superseded_version_are_left_out(out):
    # a-v2 supersedes the fixture's a-v1 on one system; b-v1 and c-v1 stay
    _add_cell(
        out, _cell("s1", "a", 0, 9, "ok"), run_id="s1-a2-0", forecaster="a-v2", forecaster_version=2
    )
    with pytest.warns(UserWarning, match=r"9 rows .* superseded versions \(a-v1\)"):
        rows = lb.load_rows(out)
    assert set(rows.forecaster) == {"a-v2", "b-v1", "c-v1"}
    assert len(rows) == 19 and rows.loc[rows.forecaster == "a-v2", "vpt_lyap"].item() == 9
    # a newer system version works the same way
    _add_cell(out, _cell("s2", "b", 0, 5, "ok"), run_id="s2b", system="s2-v2", system_version=2)
    with pytest.warns(UserWarning, match=r"superseded versions \(a-v1, s2-v1\)"):
        rows = lb.load_rows(out)
    assert "s2-v1" not in set(rows.system) and "s2-v2" in set(rows.system)


def test_rows_of_an_older_protocol_are_left_out(out):
    # the fixture's rows predate the protocol_version column: they count as protocol v1
    newer = _cell("s1", "a", 0, 9, "ok") | {"run_id": "s1-a-0-v2", "protocol_version": 2}
    (out / "cells" / "s1-a-0-v2.json").write_text(json.dumps(newer))
    with pytest.warns(UserWarning, match="27 rows .* older protocol than v2"):
        rows = lb.load_rows(out)
    assert len(rows) == 1 and rows.iloc[0]["vpt_lyap"] == 9
    assert (rows["protocol_version"] == 2).all()


def test_per_system_winners(out):
    best = lb.winners(lb.by_system(lb.load_rows(out))).set_index("system")
    # VPT medians: s1 a 2, b 2, c 0; s2 a 4, b 1, c 2; s3 a 0, b 6, c 2
    assert best.loc["s1-v1", "best_vpt_lyap"] == "a-v1; b-v1"  # a tie lists both
    assert best.loc["s2-v1", "best_vpt_lyap"] == "a-v1"
    assert (best.loc["s3-v1", "best_vpt_lyap"], best.loc["s3-v1", "best_vpt_lyap_value"]) == (
        "b-v1",
        6.0,
    )
    # D_stsp medians: 2 for every all-ok group; inf for s1 c (two failures) and s3 a
    assert best.loc["s1-v1", "best_d_stsp"] == "a-v1; b-v1"
    assert best.loc["s3-v1", "best_d_stsp"] == "b-v1; c-v1"
    assert best.loc["s2-v1", "best_d_stsp_value"] == 2.0


def test_breakdowns_by_dimension_timescale_and_family(out):
    table = lb.by_system(lb.load_rows(out))
    attributes = pd.DataFrame(
        {
            "system": ["s1-v1", "s2-v1", "s3-v1"],
            "dimension": [3, 3, 10],
            "timescale": [0.05, 0.7, 2.0],
            "family": ["lorenz_like", "lorenz_like", ""],
        }
    )
    split = lb.breakdowns(table, attributes)
    a = split[split["forecaster"] == "a-v1"].set_index(["breakdown", "bin"])
    assert a.loc[("dimension", "3"), "median_vpt_lyap"] == 3.0  # s1 2, s2 4
    assert a.loc[("dimension", "≥7"), "median_vpt_lyap"] == 0.0  # s3: errors
    assert a.loc[("dimension", "3"), "systems"] == 2
    assert a.loc[("timescale", "λ·T < 0.1"), "median_vpt_lyap"] == 2.0
    assert a.loc[("timescale", "0.5 ≤ λ·T < 1"), "median_vpt_lyap"] == 4.0
    assert a.loc[("timescale", "λ·T ≥ 1"), "failures"] == 3
    assert a.loc[("family", "lorenz_like"), "systems"] == 2
    assert a.loc[("family", "unknown"), "systems"] == 1
