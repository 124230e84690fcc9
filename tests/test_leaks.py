"""Leaking attractors: a dataset whose perturbed starts escape is found by the probe,
named by ``generate``'s error, refused by the chaos check once recorded, and its rows are
set aside by the runner.

The toy system ẋ = x² − 1 has a stable fixed point at −1 and an unstable one at +1:
started at 1 ± ε, a start above 1 blows up in finite time (at t = ½ ln((x₀+1)/(x₀−1)),
about 2.3 for ε = 0.02), one below settles at −1. Under protocol v5 a dataset's
trajectories start along one reference orbit from one seeded start, so a seed whose start
lies above 1 loses all of them (the first while it is sampled, the others before the
reference orbit reaches their starts) and one below loses none; ``sakarya-v1``'s leak
(3 of 22 after 2,276 time units under v4) is the real case.
"""

import dataclasses
import json

import numpy as np
import pytest
from reliability_helpers import registered
from test_validate import facts

import chaosbench as cb
from chaosbench.catalogue._leaks import LEAK_COMMAND, LEAKS, leak_reason, probe, read_leaks
from chaosbench.catalogue._validate import verdict
from chaosbench.harness._store import set_aside_left_out, write_rows
from chaosbench.numerics._dataset import DatasetSpec, dataset_system, generate
from chaosbench.numerics._integrate import IntegratorSettings
from chaosbench.numerics._starts import seeded_start

FAMILY = "test"  # register_system reads the family of the systems defined here from this


class Saddle(cb.AbstractSystem):
    """ẋ = x² − 1: a start above the unstable fixed point x = 1 blows up."""

    default_initial_condition = (1.0,)
    citation = "test"

    def vector_field(self, t, y, args):
        return y**2 - 1.0


def spec() -> DatasetSpec:
    return DatasetSpec.create(
        "test_saddle-v1",
        {},
        dt=0.1,
        n_train=50,
        n_test=6,
        context=10,
        horizon=10,
        n_long=100,  # 0.5 + 9.9 time units, past every blow-up time from 1 + 2e-2
        burn_in=0.5,
        perturbation=1e-2,
        integrator=IntegratorSettings(max_steps=20_000),
    )


def test_the_probe_finds_the_starts_that_escape_and_where():
    with registered("system", "test_saddle-v1", Saddle):
        x0 = float(np.asarray(seeded_start(spec(), dataset_system(spec())))[0])
        record = probe(spec())
        with pytest.raises(FloatingPointError) as error:
            generate(spec())
        calm = probe(dataclasses.replace(spec(), seed=2))
    n = spec().n_test + 2
    assert x0 > 1.0  # seed 0's start lies above the unstable point: every trajectory escapes
    assert record["failed"] == list(range(n)) and record["escaped"] == n
    assert record["trajectories"] == n
    assert calm["escaped"] == 0 and calm["escape_time"] is None  # seed 2's start lies below
    # The training trajectory (sampled from t = burn_in) blows up at ½ ln((x₀+1)/(x₀−1)):
    # the escape is recorded at the first sample at or after that time (or one that passes
    # |x| = 1e6 just before).
    blow_up = 0.5 * np.log((x0 + 1) / (x0 - 1))
    assert blow_up - spec().dt <= record["escape_time"] <= blow_up + spec().dt
    assert record["escape_abs"] > 1.0
    message = str(error.value)
    assert f"{n} of its {n} trajectories" in message
    assert str(list(range(n))) in message and LEAK_COMMAND in message


def test_a_recorded_leak_fails_the_check_and_a_stale_one_does_not():
    base = facts(0.5)
    leak = {
        "key": base["key"],
        "trajectories": 22,
        "escaped": 3,
        "perturbation": 1e-4,
        "escape_time": 2276.1,
        "escape_abs": 8.2e5,
    }
    judged = verdict(base, confirmations={}, leaks={base["id"]: leak})
    assert not judged.ok
    assert "3 of the 22 trajectories" in str(judged) and "leaks" in str(judged)
    assert leak_reason(base, {base["id"]: {**leak, "key": "stale"}}) is None
    assert leak_reason(base, {base["id"]: {**leak, "escaped": 0}}) is None
    assert verdict(base, confirmations={}, leaks={}).ok


def test_the_shipped_table_refuses_sakarya_under_its_current_facts():
    record = read_leaks(LEAKS)["sakarya-v1"]
    found = cb.get_facts(cb.get_system("sakarya-v1"))
    assert record["key"] == found["key"] and record["escaped"] > 0
    assert "leave the attractor" in str(verdict(found))


def test_rows_of_a_system_the_check_now_refuses_are_set_aside(tmp_path):
    rows = [
        {"run_id": f"{k:016x}", "task": "rich", "system": s, "forecaster": "f", "seed": k}
        for k, s in enumerate(["a-v1", "b-v1", "a-v1"])
    ]
    write_rows(tmp_path, rows, {"git_commit": "x"})
    assert set_aside_left_out(tmp_path, set()) == {}
    assert set_aside_left_out(tmp_path, {"a-v1", "c-v1"}) == {"a-v1": 2}
    left = [json.loads(p.read_text())["system"] for p in (tmp_path / "cells").glob("*.json")]
    assert left == ["b-v1"]
    assert len(list((tmp_path / "superseded").glob("*.json"))) == 2


class ToyProtocol:
    """The protocol, reduced to the toy's dataset spec (its starts blow up quickly)."""

    version = 0

    def dataset_spec(self, system, facts, task, seed=0):
        return spec()


def test_the_leaks_command_records_a_leak_that_the_check_then_refuses(
    tmp_path, monkeypatch, capsys
):
    """`chaosbench leaks SYSTEM` probes the dataset's starts for real; with `--record` a
    system from outside chaosbench's own goes to the user's table, which the check reads."""
    from chaosbench.catalogue import _leak_probe
    from chaosbench.catalogue._confirmation import user_table
    from chaosbench.cli._cli import main

    monkeypatch.setenv("CHAOSBENCH_CACHE", str(tmp_path / "cache"))
    toy = facts(0.5, id="test_saddle-v1")
    monkeypatch.setattr(_leak_probe, "get_facts", lambda system: toy)
    monkeypatch.setattr(_leak_probe, "Protocol", ToyProtocol)
    shipped = LEAKS.read_bytes()
    with registered("system", "test_saddle-v1", Saddle):
        assert main(["leaks", "test_saddle-v1"]) == 0
        assert "| test_saddle-v1 | 8 |" in capsys.readouterr().out
        assert not user_table(LEAKS).exists() and verdict(toy).ok  # nothing recorded
        assert main(["leaks", "test_saddle-v1", "--record"]) == 0
        assert f"recorded in {user_table(LEAKS)}" in capsys.readouterr().out
        probed = probe(spec())
    record = read_leaks(user_table(LEAKS))["test_saddle-v1"]
    assert record == {**record, **probed, "key": toy["key"], "protocol_version": 0}
    assert record["command"] == f"{LEAK_COMMAND} test_saddle-v1"
    judged = verdict(toy)
    assert not judged.ok and "leave the attractor" in str(judged)
    assert f"`{LEAK_COMMAND} test_saddle-v1`" in str(judged)
    assert LEAKS.read_bytes() == shipped
    table = tmp_path / "leaks.json"
    with registered("system", "test_saddle-v1", Saddle):
        assert main(["leaks", "test_saddle-v1", "--record", "--table", str(table)]) == 0
    assert read_leaks(table)["test_saddle-v1"]["escaped"] == record["escaped"]
