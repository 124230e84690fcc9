"""Forecaster specs: an id plus hyperparameter overrides, in the API, the CLI and the rows.

A spec parses from ``id:name=value,...`` or its canonical ``id[name=value,...]`` and
prints back to the latter; values take the type their field declares; an unknown name is
refused with the valid ones listed; the run id hashes the resolved hyperparameters (an
override changes it, a spec equal to the defaults does not); two specs of one forecaster
are two row names in every table.
"""

from __future__ import annotations

import json

import jax.numpy as jnp
import pandas as pd
import pytest
import reliability_helpers
from reliability_helpers import registered, tiny_suite

import chaosbench as cb
from chaosbench.base._identity import code_digest, hyperparameters
from chaosbench.base._spec import short_label
from chaosbench.cli._cli import main
from chaosbench.harness import _plan, _suite

OFFSET = "test_offset-v1"


class Offset(cb.AbstractForecaster):
    """Persistence plus a constant offset; the other fields exercise the type coercion."""

    offset: float = 0.0
    repeats: int = 1
    flag: bool = False
    mode: str = "plain"
    pair: tuple[float, float] = (0.0, 1.0)
    ladder: tuple[int, ...] = (1, 2)

    def fit(self, key, train):
        del key, train
        return ()

    def forecast(self, fitted, context, steps: int):
        del fitted
        return jnp.broadcast_to(context[-1] + self.offset, (steps, context.shape[-1]))


@pytest.fixture(scope="module")
def offset():
    with registered("forecaster", OFFSET, Offset):
        yield


@pytest.mark.parametrize(
    "text, canonical",
    [
        ("esn", "esn"),
        ("esn:size=800,spectral_radius=0.9", "esn[size=800,spectral_radius=0.9]"),
        ("esn[spectral_radius=0.9,size=800]", "esn[size=800,spectral_radius=0.9]"),
        ("esn-v2:ridge=1e-10", "esn-v2[ridge=1e-10]"),
        ("ngrc:ridge=1e-8", "ngrc[ridge=1e-08]"),
        ('s4d:init="a,b"', 's4d[init="a,b"]'),
        ("x:flag=true,mode=rff,n=none", "x[flag=true,mode=rff,n=none]"),
    ],
)
def test_a_spec_parses_and_prints_back(text, canonical):
    spec = cb.ForecasterSpec.parse(text)
    assert str(spec) == canonical
    assert cb.ForecasterSpec.parse(str(spec)) == spec
    assert cb.ForecasterSpec.parse(spec) is spec


def test_the_api_the_cli_form_and_a_table_are_one_spec():
    spec = cb.ForecasterSpec("esn", spectral_radius=0.9, size=800)
    assert spec.overrides == (("size", 800), ("spectral_radius", 0.9))  # sorted
    assert spec == cb.ForecasterSpec.parse("esn:size=800,spectral_radius=0.9")
    assert spec == cb.ForecasterSpec.parse({"id": "esn", "size": 800, "spectral_radius": 0.9})
    assert hash(spec) == hash(cb.ForecasterSpec.parse("esn[size=800,spectral_radius=0.9]"))
    assert spec.hyperparameters == {"size": 800, "spectral_radius": 0.9}


@pytest.mark.parametrize(
    "text, error",
    [
        ("esn:", "no overrides"),
        ("esn:size", "write name=value"),
        ("esn:size=1,size=2", "sets 'size' twice"),
        ("esn[size=800", "malformed forecaster spec"),
        ("", "malformed forecaster spec"),
    ],
)
def test_a_malformed_spec_is_refused(text, error):
    with pytest.raises(cb.SpecError, match=error):
        cb.ForecasterSpec.parse(text)


def test_values_take_the_type_their_field_declares(offset):
    spec = cb.ForecasterSpec.parse(
        "test_offset:offset=1,repeats=3.0,flag=true,mode=800,pair=[1,2],ladder=(4,5,6)"
    ).resolve()
    values = spec.hyperparameters
    assert values == {
        "offset": 1.0,
        "repeats": 3,
        "flag": True,
        "mode": "800",
        "pair": (1.0, 2.0),
        "ladder": (4, 5, 6),
    }
    assert [type(values[k]) for k in ("offset", "repeats", "flag", "mode")] == [
        float,
        int,
        bool,
        str,
    ]
    assert all(type(v) is float for v in values["pair"])
    built = spec.build()
    assert isinstance(built, Offset) and built.pair == (1.0, 2.0) and built.repeats == 3
    # TOML gives lists and native numbers: the same spec
    table = {"id": "test_offset", "offset": 1, "repeats": 3, "flag": True, "mode": "800"}
    table |= {"pair": [1, 2], "ladder": [4, 5, 6]}
    assert cb.ForecasterSpec.parse(table).resolve() == spec


@pytest.mark.parametrize(
    "text, error",
    [
        ("test_offset:repeats=1.5", "'repeats' of forecaster test_offset-v1 is int; got 1.5"),
        ("test_offset:offset=true", "'offset' of forecaster test_offset-v1 is float"),
        ("test_offset:flag=1", "'flag' of forecaster test_offset-v1 is bool"),
        ("test_offset:pair=(1,2,3)", "'pair' of forecaster test_offset-v1 is tuple"),
        ("test_offset:offset=big", "is float; got big"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused(offset, text, error):
    with pytest.raises(cb.SpecError, match=error.replace("(", r"\(").replace(")", r"\)")):
        cb.ForecasterSpec.parse(text).resolve()


def test_an_unknown_hyperparameter_lists_the_valid_names(offset):
    with pytest.raises(cb.SpecError) as raised:
        cb.ForecasterSpec.parse("test_offset:ofset=0.5").resolve()
    message = str(raised.value)
    assert "has no hyperparameter 'ofset'" in message and "Did you mean offset?" in message
    assert "offset, repeats, flag, mode, pair, ladder" in message
    with pytest.raises(cb.SpecError, match="Its hyperparameters: min_context, size"):
        cb.ForecasterSpec("esn", units=800).resolve()
    with pytest.raises(cb.UnknownIdError, match="Did you mean"):
        cb.ForecasterSpec("esnn", size=800).resolve()


def test_a_spec_equal_to_the_defaults_is_the_plain_id(offset):
    default = cb.ForecasterSpec.parse("test_offset").resolve()
    assert default == cb.ForecasterSpec(OFFSET) and default.label == OFFSET
    same = cb.ForecasterSpec.parse("test_offset:offset=0.0,pair=(0,1)").resolve()
    assert same == default and same.label == OFFSET
    assert cb.ForecasterSpec("test_offset", offset=0.5).label == "test_offset-v1[offset=0.5]"
    assert short_label("test_offset-v1[offset=0.5]") == "test_offset[offset=0.5]"
    assert short_label("esn-v2") == "esn"


def test_an_override_changes_the_run_id_and_the_defaults_keep_theirs(offset):
    specs = ("test_offset", "test_offset:offset=0.5", "test_offset:offset=0.0", "persistence")
    cells = _plan.plan(tiny_suite("specs", forecasters=specs, seeds=1))
    by_name = {c.forecaster_id: c.run_id for c in cells}
    # the defaults-equal spec is the default's cell: one row, not two under one run id
    assert list(by_name) == [OFFSET, f"{OFFSET}[offset=0.5]", "persistence-v1"]
    assert by_name[OFFSET] != by_name[f"{OFFSET}[offset=0.5]"]
    # the default's run id is what it was before specs: id, every field, code
    system = _plan.system_identity("lorenz63-v1")
    identity = {
        "forecaster": OFFSET,
        "hyperparameters": hyperparameters(Offset()),
        "code": sorted(code_digest(Offset).values()),
    }
    suite = tiny_suite("specs", seeds=1)
    metrics = cb.list_metrics()
    before = _plan.run_id(system, identity, "limited", 0, suite.protocol.as_dict(), metrics)
    assert by_name[OFFSET] == before
    override = _plan.forecaster_identity(f"{OFFSET}[offset=0.5]")
    assert override["forecaster"] == OFFSET and override["hyperparameters"]["offset"] == 0.5


def test_a_suite_keeps_canonical_spec_text():
    suite = _suite.Suite(
        "s",
        systems=["lorenz63"],
        forecasters=["esn:spectral_radius=0.9,size=800", cb.ForecasterSpec("mamba", steps=64)],
    )
    assert suite.forecasters == ("esn[size=800,spectral_radius=0.9]", "mamba[steps=64]")
    assert suite.systems == ("lorenz63",)
    with pytest.raises(cb.SpecError):
        _suite.Suite("s", systems=("lorenz63",), forecasters=("esn:size",))


def test_two_specs_of_one_forecaster_are_two_rows_in_every_table(
    offset, tmp_path, monkeypatch, capsys
):
    monkeypatch.setitem(_suite.SUITES, "tiny", reliability_helpers.tiny_suite())
    out = tmp_path / "results"
    forecasters = ["persistence", "test_offset", "test_offset:offset=0.5"]
    command = ["run", "--suite", "tiny", "--forecasters", *forecasters]
    assert main([*command, "--out", str(out), "--no-progress"]) == 0
    assert main(["leaderboard", "--out", str(out)]) == 0
    names = {"persistence-v1", OFFSET, f"{OFFSET}[offset=0.5]"}
    runs = pd.read_csv(out / "runs.csv", comment="#")
    assert set(runs.forecaster) == names and len(runs) == 6
    chosen = runs[runs.forecaster == f"{OFFSET}[offset=0.5]"]
    assert {json.loads(h)["offset"] for h in chosen.hyperparameters} == {0.5}
    assert set(chosen.forecaster_version) == {1}
    assert not set(chosen.run_id) & set(runs[runs.forecaster == OFFSET].run_id)
    for table in ("leaderboard", "by_system", "ranking"):
        frame = pd.read_csv(out / f"{table}.csv", comment="#")
        assert set(frame.forecaster) == names, table
        keys = [c for c in ("task", "system", "forecaster") if c in frame.columns]
        assert not frame.duplicated(keys).any(), table
    markdown = (out / "leaderboard.md").read_text()
    assert "`test_offset[offset=0.5]`" in markdown and "`test_offset`" in markdown
    # a mistyped name is refused before anything runs, with the valid names
    capsys.readouterr()
    bad = ["run", "--suite", "tiny", "--forecasters", "test_offset:ofset=0.5"]
    assert main([*bad, "--out", str(tmp_path / "bad"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "no hyperparameter 'ofset'" in err and "Did you mean offset?" in err
    assert not any((tmp_path / "bad").rglob("*.json"))
