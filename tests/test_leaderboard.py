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
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from chaosbench.reporting import _leaderboard as lb
from helpers import make_row

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
    "stack": "python=3.11 numpy=2.4.6",
    "cpu": "a test CPU (x86_64, AVX2)",
}


def _cell(system, forecaster, seed, vpt, status):
    ok = status == "ok"
    return make_row(
        f"{system}-v1",
        f"{forecaster}-v1",
        seed,
        run_id=f"{system}-{forecaster}-{seed}",
        stamp=STAMP,
        status=status,
        error="" if status != "error" else "RuntimeError: boom",
        fit_seconds=2.0 + seed if status != "error" else math.nan,
        forecast_seconds=0.5,
        vpt_lyap=float(vpt),
        nrmse_h1=0.1 * (seed + 1) if ok else INF,
        d_stsp=float(seed + 1) if ok else INF,
        d_h=0.1 if ok else 1.0,
        d_stsp_norm=2.0 * (seed + 1) if ok else INF,  # over a truth floor of 0.5
        d_h_norm=2.0 if ok else INF,  # over 0.05
    ).columns()


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
    assert r.failures == 0 and r.fit_seconds_median == 3.0
    assert (r.d_stsp_median, r.d_stsp_q25, r.d_stsp_q75) == (2.0, 1.5, 2.5)
    r = _get(table, system="s2-v1", forecaster="c-v1")
    assert (r.vpt_lyap_median, r.vpt_lyap_q25, r.vpt_lyap_q75) == (2.0, 2.0, 5.0)
    # two failures out of three seeds: VPT 0, 0, 1 (failures score 0); the long-run
    # metrics only over the run that was not a failure (its free run never judged)
    r = _get(table, system="s1-v1", forecaster="c-v1")
    assert r.failures == 2 and r.long_run_unjudged == 1
    assert r.vpt_lyap_median == 0.0
    assert (r.d_stsp_median, r.d_stsp_q25, r.d_stsp_q75) == (3.0, 3.0, 3.0)
    assert r.d_stsp_norm_median == 6.0 and r.d_h_median == 0.1
    assert r.fit_seconds_median == 3.0  # the error row's NaN fit time is ignored: seeds 0, 2
    r = _get(table, system="s3-v1", forecaster="a-v1")
    assert r.failures == 3 and r.vpt_lyap_median == 0.0 and math.isnan(r.d_stsp_median)
    assert math.isnan(r.fit_seconds_median)


def test_bootstrap_interval_contains_median_and_is_reproducible(out):
    rows = lb.load_rows(out)
    first = lb.by_system(rows)
    second = lb.by_system(rows.sample(frac=1.0, random_state=1))  # order does not matter
    pd.testing.assert_frame_equal(first, second)
    for m in ("vpt_lyap", "nrmse_h1", "d_stsp", "d_h", "d_stsp_norm"):
        scored = first[first[f"{m}_median"].notna()]  # (s3, a): no long run to score
        assert (scored[f"{m}_ci_low"] <= scored[f"{m}_median"]).all(), m
        assert (scored[f"{m}_median"] <= scored[f"{m}_ci_high"]).all(), m
    r = _get(first, system="s1-v1", forecaster="b-v1")  # constant seeds: a point interval
    assert (r.vpt_lyap_ci_low, r.vpt_lyap_ci_high) == (2.0, 2.0)
    r = _get(first, system="s2-v1", forecaster="a-v1")  # within the range of the seeds
    assert 3.0 <= r.vpt_lyap_ci_low <= 4.0 <= r.vpt_lyap_ci_high <= 5.0
    r = _get(first, system="s1-v1", forecaster="c-v1")  # failures out of the long run
    assert (r.d_stsp_ci_low, r.d_stsp_ci_high) == (3.0, 3.0)
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
    assert (a.vpt_lyap_median, a.vpt_lyap_q25, a.vpt_lyap_q75) == (2.0, 1.0, 3.0)
    assert (b.vpt_lyap_median, b.vpt_lyap_q25, b.vpt_lyap_q75) == (2.0, 1.5, 4.0)
    assert (c.vpt_lyap_median, c.vpt_lyap_q25, c.vpt_lyap_q75) == (2.0, 1.0, 2.0)
    assert (a.failures, b.failures, c.failures) == (3, 0, 2)
    assert (a.systems, a.runs) == (3, 9)
    # normalised d_stsp per-system medians (failures out): a 4, 4, none → 4; c 6, 4, 4 → 4;
    # raw d_stsp is never pooled over systems
    assert a.d_stsp_norm_median == 4.0 and c.d_stsp_norm_median == 4.0
    assert a.d_h_norm_median == 2.0 and "d_stsp_median" not in board.columns
    assert (a.long_run_unjudged, c.long_run_unjudged, c.long_run_diverged) == (6, 7, 0)
    assert math.isnan(a.on_attractor_rate)  # rows never judged on or off the attractor
    assert a.fit_seconds_median == 3.0
    assert a["win_rate_vs_b-v1"] == 0.5 and b["win_rate_vs_a-v1"] == 0.5
    assert a["win_rate_vs_c-v1"] == pytest.approx(2 / 3)
    assert c["win_rate_vs_a-v1"] == pytest.approx(1 / 3)
    assert b["win_rate_vs_c-v1"] == pytest.approx(2 / 3)
    assert math.isnan(a["win_rate_vs_a-v1"])
    for r in (a, b, c):
        assert r.vpt_lyap_ci_low <= r.vpt_lyap_median <= r.vpt_lyap_ci_high
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
        "pairwise",
        "ranking",
        "orders",
        "cd_diagram_rich",
        "skill_cost_rich",
        "independence",
    }
    assert paths["cd_diagram_rich"] == out / "cd_diagram_rich.png"
    assert paths["cd_diagram_rich"].read_bytes().startswith(b"\x89PNG")
    assert json.loads(paths["stamp"].read_text()) == STAMP
    for name in ("runs", "by_system", "leaderboard", "winrate"):
        plain = pd.read_csv(paths[name])
        commented = pd.read_csv(paths[name], comment="#")
        pd.testing.assert_frame_equal(plain, commented)
        assert (plain.git_commit == "abc123").all() and (plain.suite_hash == "feed").all()
    runs = pd.read_csv(paths["runs"])
    assert len(runs) == 27 and (runs.status != "ok").sum() == 5  # failures never dropped
    board = pd.read_csv(paths["leaderboard"])
    assert board.loc[board.forecaster == "a-v1", "d_stsp_norm_median"].item() == 4.0
    by_system = pd.read_csv(paths["by_system"])
    assert by_system.d_stsp_median.isna().sum() == 1  # (s3, a): three failures
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
    # the fixture's rows are protocol v1 (as rows written before the column count)
    newer = _cell("s1", "a", 0, 9, "ok") | {"run_id": "s1-a-0-v2", "protocol_version": 2}
    (out / "cells" / "s1-a-0-v2.json").write_text(json.dumps(newer))
    with pytest.warns(UserWarning, match="27 rows .* older protocol than v2"):
        rows = lb.load_rows(out)
    assert len(rows) == 1 and rows.iloc[0]["vpt_lyap"] == 9
    assert (rows["protocol_version"] == 2).all()


def test_per_system_winners(out):
    best = lb.winners(lb.by_system(lb.load_rows(out))).set_index("system")
    # VPT medians: s1 a 2, b 2, c 0; s2 a 4, b 1, c 2; s3 a 0, b 6, c 2
    assert best.loc["s1-v1", "vpt_lyap_winner"] == "a-v1; b-v1"  # a tie lists both
    assert best.loc["s2-v1", "vpt_lyap_winner"] == "a-v1"
    s3 = best.loc["s3-v1"]
    assert (s3["vpt_lyap_winner"], s3["vpt_lyap_winner_median"]) == ("b-v1", 6.0)
    # D_stsp medians (failures out): 2 for every all-ok group, 3 for s1 c, none for s3 a
    assert best.loc["s1-v1", "d_stsp_winner"] == "a-v1; b-v1"
    assert best.loc["s3-v1", "d_stsp_winner"] == "b-v1; c-v1"
    assert best.loc["s2-v1", "d_stsp_winner_median"] == 2.0
    assert not best["vpt_lyap_winner_external"].any()
    assert best["vpt_lyap_winner_minus_persistence"].isna().all()  # no persistence here


def test_breakdowns_by_dimension_timescale_exponents_and_family(out):
    table = lb.by_system(lb.load_rows(out))
    attributes = pd.DataFrame(
        {
            "system": ["s1-v1", "s2-v1", "s3-v1"],
            "observed_dimension": [3, 3, 10],
            "lyapunov_times_per_period": [0.05, 0.7, 2.0],
            "positive_exponents": [1, 1, 3],
            "family": ["lorenz_like", "lorenz_like", ""],
        }
    )
    split = lb.breakdowns(table, attributes)
    assert split["bin"].map(str.isascii).all()
    a = split[split["forecaster"] == "a-v1"].set_index(["breakdown", "bin"])
    assert a.loc[("observed_dimension", "3"), "vpt_lyap_median"] == 3.0  # s1 2, s2 4
    assert a.loc[("observed_dimension", "7+"), "vpt_lyap_median"] == 0.0  # s3: errors
    assert a.loc[("observed_dimension", "3"), "systems"] == 2
    assert a.loc[("lyapunov_times_per_period", "<0.1"), "vpt_lyap_median"] == 2.0
    assert a.loc[("lyapunov_times_per_period", "0.5-1"), "vpt_lyap_median"] == 4.0
    assert a.loc[("lyapunov_times_per_period", "1+"), "failures"] == 3
    assert a.loc[("positive_exponents", "1"), "systems"] == 2
    assert a.loc[("positive_exponents", "2+"), "systems"] == 1
    assert a.loc[("family", "lorenz_like"), "systems"] == 2
    assert a.loc[("family", "unknown"), "systems"] == 1


def test_diagnostics_are_carried_not_bootstrapped(tmp_path):
    # the raw λ̂ (`lyap`) is a diagnostic: rows carry it, by_system gives it no statistics,
    # while every registered metric (λ error among them) keeps its median and interval
    (tmp_path / "cells").mkdir()
    for seed, (lyap, vpt) in enumerate([(0.8, 1.0), (0.95, 2.0), (1.1, 3.0)]):
        row = make_row(
            "s1-v1",
            "a-v1",
            seed,
            run_id=f"lyap-{seed}",
            stamp=STAMP,
            long_run="stable",
            fit_seconds=1.0,
            forecast_seconds=0.5,
            vpt_lyap=vpt,
            lyap=lyap,
            lyap_rel_error=abs(lyap - 0.9) / 0.9,
        )
        (tmp_path / "cells" / f"lyap-{seed}.json").write_text(json.dumps(row.columns()))
    rows = lb.load_rows(tmp_path)
    assert rows["lyap"].tolist() == [0.8, 0.95, 1.1]
    table = lb.by_system(rows)
    lyap_statistics = [c for c in table.columns if c.startswith("lyap_") and "rel_error" not in c]
    assert lyap_statistics == []  # no lyap_median, lyap_ci_low, ...
    assert "lyap" not in lb.metric_columns(rows)
    for metric in ("vpt_lyap", "lyap_rel_error"):
        assert {f"{metric}_median", f"{metric}_ci_low", f"{metric}_ci_high"} <= set(table.columns)
    assert table["vpt_lyap_median"].item() == 2.0


# --------------------------------------------------------------------------- tables that answer


def _write(out, rows):
    (out / "cells").mkdir(parents=True, exist_ok=True)
    for row in rows:
        columns = row.columns()
        (out / "cells" / f"{columns['run_id']}.json").write_text(json.dumps(columns))
    return out


def _scored(system, forecaster, seed, vpt, **more):
    return make_row(
        system,
        forecaster,
        seed,
        run_id=f"{system}-{forecaster}-{seed}",
        stamp=STAMP,
        long_run="stable",
        fit_seconds=1.0,
        forecast_seconds=0.5,
        **({"vpt_lyap": float(vpt), "d_stsp": 1.0, "d_h": 0.1} | more),
    )


# Two 4-D hyperchaotic systems (two positive exponents in the shipped facts), a 4-D system
# of the `hyperchaotic` family whose facts find one positive exponent, and Lorenz-63.
# VPT per seed (two seeds); `a` wins overall, `b` on the 4-D hyperchaotic systems.
QUESTION = {
    "hyper_lorenz-v1": {"persistence-v1": (0.5, 0.5), "a-v1": (2, 2), "b-v1": (4, 6)},
    "hyper_xu-v1": {"persistence-v1": (1, 1), "a-v1": (3, 3), "b-v1": (5, 5)},
    "lorenz_stenflo-v1": {"persistence-v1": (1, 1), "a-v1": (9, 9), "b-v1": (1, 1)},
    "lorenz63-v1": {"persistence-v1": (1, 1), "a-v1": (9, 9), "b-v1": (1, 1)},
}


def test_the_csvs_alone_say_who_is_best_on_4d_hyperchaos_and_by_how_much(tmp_path):
    rows = [
        _scored(system, forecaster, seed, vpt)
        for system, per in QUESTION.items()
        for forecaster, values in per.items()
        for seed, vpt in enumerate(values)
    ]
    out = _write(tmp_path, rows)
    lb.write_leaderboard(out)
    # a reader's answer, from by_system.csv alone
    table = pd.read_csv(out / "by_system.csv")
    assert table["observed_dimension"].dtype == np.int64
    assert table["positive_exponents"].dtype == np.int64
    hyper = table[(table.observed_dimension == 4) & (table.positive_exponents >= 2)]
    assert set(hyper.system) == {"hyper_lorenz-v1", "hyper_xu-v1"}
    assert set(table.loc[table.family == "hyperchaotic", "system"]) == {
        "hyper_lorenz-v1",
        "hyper_xu-v1",
        "lorenz_stenflo-v1",  # the family's name alone would count it
    }
    per_forecaster = hyper.groupby("forecaster")[["vpt_lyap_median"]].median()
    best = per_forecaster["vpt_lyap_median"].idxmax()
    assert best == "b-v1" and per_forecaster.loc[best].item() == 5.0  # medians 5 and 5
    # by how much over persistence: per system 5 - 0.5 and 5 - 1, median 4.25
    margin = hyper.loc[hyper.forecaster == best, "vpt_lyap_minus_persistence"].median()
    assert margin == 4.25
    # the leaderboard (every system) says otherwise: the question needed the attributes
    board = pd.read_csv(out / "leaderboard.csv")
    assert board.forecaster.iloc[0] == "a-v1"
    reference = board.set_index("forecaster")["vpt_lyap_minus_persistence_median"]
    assert reference["persistence-v1"] == 0.0 and reference["a-v1"] == 5.0  # 1.5 2 8 8
    # runs.csv carries the same attributes on every row
    runs = pd.read_csv(out / "runs.csv")
    lorenz = runs[runs.system == "lorenz63-v1"].iloc[0]
    assert (lorenz.family, lorenz.observed_dimension, lorenz.positive_exponents) == (
        "lorenz_like",
        3,
        1,
    )
    assert lorenz.lyapunov_times_per_period == pytest.approx(
        table.loc[table.system == "lorenz63-v1", "lyapunov_times_per_period"].iloc[0]
    )
    # the breakdowns' bins are ASCII and name by_system.csv's columns
    split = pd.read_csv(out / "breakdowns.csv")
    assert set(split.breakdown) <= set(table.columns)
    assert split["bin"].astype(str).map(str.isascii).all()
    hyperchaos = split[(split.breakdown == "positive_exponents") & (split.bin == "2+")]
    assert (
        hyperchaos.set_index("forecaster").loc["b-v1", "vpt_lyap_minus_persistence_median"] == 4.25
    )


def test_external_rows_are_marked_in_every_table_and_on_the_page(out):
    # an external forecaster, best on s1 (VPT 9 against 2)
    _write(
        out,
        [
            _scored(
                "s1-v1",
                "ext-v1",
                seed,
                9,
            )
            for seed in range(2)
        ],
    )
    for seed in range(2):
        path = out / "cells" / f"s1-v1-ext-v1-{seed}.json"
        path.write_text(json.dumps(json.loads(path.read_text()) | {"external": True}))
    paths = lb.write_leaderboard(out)
    for name in ("runs", "by_system", "leaderboard", "winrate", "breakdowns"):
        frame = pd.read_csv(paths[name])
        assert frame["external"].dtype == bool, name
        assert set(frame.loc[frame.external, "forecaster"]) == {"ext-v1"}, name
    wins = pd.read_csv(paths["winrate"])
    assert set(wins.loc[wins.opponent_external, "opponent"]) == {"ext-v1"}
    best = pd.read_csv(paths["winners"]).set_index("system")
    assert best.loc["s1-v1", "vpt_lyap_winner"] == "ext-v1"
    assert best["vpt_lyap_winner_external"].tolist() == [True, False, False]
    markdown = paths["markdown"].read_text()
    assert "| `ext-v1` (external) |" in markdown and "| `a-v1` |" in markdown
    assert "**(external)**" in markdown  # the legend says what it means
    page = paths["html"].read_text()
    assert '<tr data-forecaster="ext-v1" class="external">' in page
    assert '<td data-key="forecaster">ext-v1 (external)</td>' in page
    assert '<td data-key="forecaster">a-v1</td>' in page


def test_persistence_column_is_empty_without_persistence_and_never_an_error(out):
    frames = lb.tables(lb.load_rows(out))
    assert frames["by_system"]["vpt_lyap_minus_persistence"].isna().all()
    assert frames["leaderboard"]["vpt_lyap_minus_persistence_median"].isna().all()
    assert frames["breakdowns"]["vpt_lyap_minus_persistence_median"].isna().all()


def test_paired_statistics_of_the_ranking(out):
    """Wilcoxon–Holm, Friedman and the neighbour marks on the fixture's medians (s1 a 2,
    b 2, c 0; s2 a 4, b 1, c 2; s3 a 0, b 6, c 2): three systems are too few for any pair
    to differ significantly (the smallest two-sided p on n = 3 is 0.25)."""
    paths = lb.write_leaderboard(out)
    pairs = pd.read_csv(paths["pairwise"])
    ab = _get(pairs, forecaster="a-v1", opponent="b-v1")
    # d = 0, 3, −6: ranks of |d| 1, 2, 3, the zero's split: R⁺ = 2 + 0.5, R⁻ = 3 + 0.5
    assert (ab["rank_sum_plus"], ab["rank_sum_minus"], ab["wilcoxon_statistic"]) == (2.5, 3.5, 2.5)
    assert (ab["wins"], ab["ties"], ab["losses"], ab["systems"]) == (1, 1, 1, 3)
    assert ab["vpt_lyap_minus_opponent_median"] == 0.0
    assert not pairs["significant"].any() and (pairs["verdict"] == "indistinguishable").all()
    assert (pairs["p_holm"] >= pairs["p_value"]).all() and len(pairs) == 6
    ranks = pd.read_csv(paths["ranking"]).set_index("forecaster")
    # ranks s1 (1.5, 1.5, 3), s2 (1, 3, 2), s3 (3, 1, 2): a 11/6, b 11/6, c 7/3
    assert ranks["average_rank"].to_dict() == pytest.approx(
        {"a-v1": 11 / 6, "b-v1": 11 / 6, "c-v1": 7 / 3},
        rel=1e-5,  # CSVs keep 6 digits
    )
    # χ² = 0.5 uncorrected; tie correction 1 − 6 / 72
    assert ranks["friedman_statistic"].iloc[0] == pytest.approx(0.5 / (1 - 6 / 72), rel=1e-5)
    cd = 2.343 * math.sqrt(12 / 18)
    assert ranks["critical_difference"].iloc[0] == pytest.approx(cd, rel=1e-5)
    board = pd.read_csv(paths["leaderboard"])
    assert list(board["distinguishable_from_next"].iloc[:2]) == [False, False]
    assert board["distinguishable_from_next"].isna().iloc[2]
    assert list(board["verdict_vs_next"].iloc[:2]) == ["indistinguishable"] * 2
    text = paths["markdown"].read_text()
    assert "| vs next |" in text and "≈ " in text and "![critical-difference" in text
    assert "Wilcoxon signed-rank tests (`rich`)" in text and "Friedman over the 3 systems" in text
    # every breakdown bin of the fixture holds fewer than 5 systems: no winner named
    split = pd.read_csv(paths["breakdowns"])
    assert (split["bin_systems"] < 5).all() and not split["bin_winner"].any()
    assert "| **winner** | none (n < 5) |" in text


# --------------------------------------------------------------------------- documentation

README = Path(__file__).resolve().parents[1] / "results" / "README.md"


def _documented() -> dict[str, list[str]]:
    """``results/README.md``: per file named in a ``## `` heading, the column names (in
    backticks) of the first cell of its tables' rows."""
    sections, current = {}, None
    for line in README.read_text().splitlines():
        if line.startswith("## "):
            files = re.findall(r"[\w.]+\.(?:csv|json)", line)
            current = sections.setdefault(files[0], []) if files else None
        elif current is not None and line.startswith("| `"):
            current += re.findall(r"`([^`]+)`", line.split("|")[1])
    return sections


def _pattern(name: str, metrics: list[str]) -> re.Pattern:
    """A documented name as a pattern: ``<metric>`` is a registered metric's column,
    ``<H>`` a horizon, any other ``<...>`` an id or a spec's label (``esn-v2[size=800]``,
    ``tuned(mamba-v2)``)."""
    parts = []
    for part in re.split(r"(<[^>]+>)", name):
        if part == "<metric>":
            parts.append("(" + "|".join(map(re.escape, metrics)) + ")")
        elif part == "<H>":
            parts.append(r"[0-9.]+")
        elif part.startswith("<"):
            parts.append(r"[\w.\-\[\]=,()]+")
        else:
            parts.append(re.escape(part))
    return re.compile("".join(parts) + r"\Z")


def _every_column_written(tmp_path) -> dict[str, list[str]]:
    """Every file's columns as the code writes them, from rows with every registered
    metric, the diagnostics, a failure, persistence and an external forecaster."""
    import importlib.util

    from chaosbench.catalogue import _facts_table
    from chaosbench.harness._store import SESSION_COLUMNS
    from chaosbench.numerics import _rows
    from chaosbench.numerics._rows import STAMP_COLUMNS, refused_result, registered_metrics
    from chaosbench.numerics._task import TASK_COLUMNS

    scores = {m.column: 0.5 for m in registered_metrics() if m.column != "vpt_lyap"}
    scores |= {m.normalised_column: 1.5 for m in registered_metrics() if m.floor}
    windows = {"vpt_lyap_censored": 0, "horizon_lyap": 25.0}  # the headline's diagnostics
    windows |= {"independence_ratio": 0.9, "independence_below": 0.0, "independent": True}
    windows |= {"n_parameters": 120}  # the fitted state's stored numbers
    windows |= {c: 1.0 for c in TASK_COLUMNS} | {"task_observed": "all"}  # the resolved task
    rows = [
        _scored(
            system,
            forecaster,
            seed,
            vpt,
            lyap=0.9,
            vpt_lyap_windows=json.dumps([float(vpt)] * 3),
            **scores,
            **windows,
        )
        for system, per in QUESTION.items()
        for forecaster, values in per.items()
        for seed, vpt in enumerate(values)
    ]
    rows.append(_scored("lorenz63-v1", "ext-v1", 0, 3.0, **scores))
    tuning = {"tuning": json.dumps({"best": {"ridge": 1e-6}}), "tuning_seconds": 2.0}
    rows.append(_scored("lorenz63-v1", "tuned(a-v1)", 0, 3.0, **scores, **windows, **tuning))
    rows.append(_scored("lorenz63-v1", "dynamix-v1", 0, 1.0, **scores, **windows))  # zero-shot
    rows.append(
        make_row(
            "lorenz63-v1",
            "ext-v1",
            1,
            run_id="failed",
            stamp=STAMP,
            status="error",
            error="RuntimeError: boom",
            traceback="Traceback ...",
            **{m.column: m.failure for m in registered_metrics()},
            **{m.normalised_column: m.failure for m in registered_metrics() if m.floor},
        )
    )
    for system, per in QUESTION.items():  # a second point of a curve: one variable
        for forecaster, values in per.items():
            for seed, vpt in enumerate(values):
                rows.append(
                    make_row(
                        system,
                        forecaster,
                        seed,
                        run_id=f"{system}-{forecaster}-{seed}-one",
                        task="observe=one",
                        stamp=STAMP,
                        long_run="on_attractor",
                        **({"vpt_lyap": float(vpt)} | scores | windows),
                    )
                )
    refused = refused_result("b-v1 needs at least 2 observed variables", registered_metrics(), 2)
    rows.append(
        _rows.make_row(
            run_id="refused",
            system="lorenz63-v1",
            forecaster="b-v1",
            task="observe=one",
            seed=2,
            protocol_version=1,
            hyperparameters={},
            dt=0.01,
            max_lyapunov=0.9,
            result=refused,
            stamp=STAMP,
        )
    )
    paths = lb.write_leaderboard(_write(tmp_path, rows))
    written = {
        f"{name}.csv": list(pd.read_csv(paths[name]).columns)
        for name in lb.tables(lb.load_rows(tmp_path))
    }
    assert {"curves.csv", "refusals.csv"} <= set(written)
    written["stamp.json"] = list(json.loads(paths["stamp"].read_text()))
    written["sessions.csv"] = list(SESSION_COLUMNS)
    table = _facts_table.read_table()
    sample = {k: table[k] for k in ("lorenz63-v1", "hyper_lu-v1") if k in table}
    csv = _facts_table._csv_text(sample, _facts_table.dysts_reference())
    written["systems.csv"] = csv.splitlines()[0].split(",")
    perf = Path(__file__).resolve().parents[1] / "benchmarks" / "_perf_io.py"
    spec = importlib.util.spec_from_file_location("_perf_io", perf)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = README.parent / "perf.csv"
    written["perf.csv"] = list(module.COLUMNS) + committed.read_text().splitlines()[0].split(",")
    assert set(STAMP_COLUMNS) <= set(written["runs.csv"])
    return written


def test_results_readme_documents_every_column_of_every_file(tmp_path):
    from chaosbench.numerics._rows import registered_metrics

    documented = _documented()
    metrics = [m.column for m in registered_metrics()]
    for file, columns in _every_column_written(tmp_path).items():
        assert file in documented, f"results/README.md has no section for {file}"
        patterns = [_pattern(name, metrics) for name in documented[file]]
        missing = [c for c in dict.fromkeys(columns) if not any(p.match(c) for p in patterns)]
        assert not missing, f"results/README.md does not document {file}'s columns {missing}"
        # and documents no column that the tables no longer write
        if file not in ("perf.csv",):
            stale = [
                n
                for n, p in zip(documented[file], patterns)
                if not any(p.match(c) for c in columns)
            ]
            assert not stale, f"results/README.md documents {file} columns it lacks: {stale}"


def test_rows_of_two_numerical_stacks_are_not_pooled_unless_asked(out):
    """A row computed with another numerical stack (here another numpy) is refused, with
    the fix; --allow-mixed-stack pools it knowingly; one stack throughout passes."""
    cells = sorted((out / "cells").glob("*.json"))
    for i, path in enumerate(cells):
        row = json.loads(path.read_text())
        row["stack"] = "python=3.11.7 numpy=2.4.6" if i else "python=3.11.7 numpy=1.26.4"
        path.write_text(json.dumps(row))
    with pytest.raises(lb.MixedStackError, match="2 numerical stacks.*--allow-mixed-stack"):
        lb.write_leaderboard(out)
    assert lb.write_leaderboard(out, allow_mixed_stack=True)["leaderboard"].exists()
    row = json.loads(cells[0].read_text())
    row["stack"] = "python=3.11.7 numpy=2.4.6"
    cells[0].write_text(json.dumps(row))
    lb.write_leaderboard(out)
