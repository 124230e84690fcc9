"""A row is a pure function of everything that produced it.

The run id hashes every hyperparameter (defaults included, read from the fields, not the
repr), the source of the forecaster's module and of the modules of its package that it
uses, the system's facts key, the protocol, the metrics and the package version. Editing a
forecaster's default or its code recomputes exactly its cells; failed cells are retried;
a damaged cell file is named and repaired by a re-run.
"""

import dataclasses
import importlib.util
import json
import sys

import jax.numpy as jnp
import pytest
import reliability_helpers
from reliability_helpers import read_rows, registered, tiny_suite

import chaosbench as cb
from chaosbench.base import _identity
from chaosbench.cli._cli import main
from chaosbench.harness import _plan, _runner

plugins = pytest.fixture(scope="module")(reliability_helpers.plugins)

EDITABLE = "test_editable-v1"
SOURCE = '''
import jax.numpy as jnp
import chaosbench as cb


class Editable(cb.AbstractForecaster):
    """Persistence plus a constant offset (a hyperparameter)."""

    offset: float = {offset}

    def fit(self, key, train):
        del key, train
        return ()

    def forecast(self, fitted, context, steps: int):
        del fitted
        return jnp.broadcast_to(context[-1] + self.offset, (steps, context.shape[-1])){extra}
'''


def load_module(tmp_path, name, offset=0.0, extra=""):
    """A forecaster module written to a file, imported under ``name``."""
    path = tmp_path / f"{name}.py"
    path.write_text(SOURCE.format(offset=offset, extra=extra))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def run_ids(cls, suite):
    with registered("forecaster", EDITABLE, cls):
        return {c.run_id for c in _plan.plan(suite) if c.forecaster_id == EDITABLE}


def test_hyperparameters_include_defaults():
    esn = cb.get_forecaster("esn")
    found = _identity.hyperparameters(esn)
    assert set(found) == {f.name for f in dataclasses.fields(esn)}
    changed = dataclasses.replace(esn, spectral_radius=esn.spectral_radius + 0.1)
    assert repr(type(esn)()) == "ESN()"  # why the repr cannot be the identity
    assert _identity.hyperparameters(changed) != found


def test_code_digest_covers_the_toolkit_modules_a_forecaster_uses():
    digest = _identity.code_digest(type(cb.get_forecaster("esn")))
    assert any(name.startswith("chaosbench.forecasters.") for name in digest)
    assert not any(name.startswith(("chaosbench.base", "chaosbench.numerics")) for name in digest)
    assert "chaosbench.forecasters" not in digest  # the package __init__ re-exports everything
    persistence = _identity.code_digest(type(cb.get_forecaster("persistence")))
    assert set(persistence) <= set(_identity.code_digest(type(cb.get_forecaster("climatology"))))


def test_edits_give_new_run_ids_and_recompute_exactly_those_cells(tmp_path, plugins):
    suite = tiny_suite("edits", forecasters=("persistence", EDITABLE), seeds=1)
    a = load_module(tmp_path, "cb_edit_a").Editable
    (tmp_path / "other").mkdir()
    same = load_module(tmp_path / "other", "cb_edit_same").Editable  # same text, elsewhere
    b = load_module(tmp_path, "cb_edit_b", offset=0.25).Editable  # another default
    c = load_module(tmp_path, "cb_edit_c", extra="  # a comment").Editable  # same numbers
    ids = {name: run_ids(cls, suite) for name, cls in (("a", a), ("same", same), ("b", b))}
    ids["c"] = run_ids(c, suite)
    assert ids["a"] == ids["same"]  # the identity is the code, not where it was loaded
    assert ids["a"] != ids["b"]  # a changed default
    assert ids["a"] != ids["c"]  # touched source
    out = tmp_path / "out"
    with registered("forecaster", EDITABLE, a):
        first = _runner.run(suite, out, progress=False, log=lambda m: None)
    with registered("forecaster", EDITABLE, b):
        second = _runner.run(suite, out, progress=False, log=lambda m: None)
    assert first.done == 2 and second.done == 1 and second.skipped == 1
    rows = read_rows(out)
    assert {r["run_id"] for r in rows.values() if r["forecaster"] == EDITABLE} == ids["b"]
    stored = [
        json.loads(r["hyperparameters"]) for r in rows.values() if r["forecaster"] == EDITABLE
    ]
    assert [h["offset"] for h in stored] == [0.25]
    # the replaced row is kept aside, out of the tables
    assert {p.stem for p in (out / "superseded").glob("*.json")} == ids["a"]


class Flaky(cb.AbstractForecaster):
    """Persistence whose fit raises while the class flag says so."""

    broken = [True]

    def fit(self, key, train):
        del key, train
        if Flaky.broken[0]:
            raise RuntimeError("broken on purpose")
        return ()

    def forecast(self, fitted, context, steps: int):
        del fitted
        return jnp.broadcast_to(context[-1], (steps, context.shape[-1]))


def test_error_rows_are_retried_and_counted_until_they_are_gone(tmp_path, plugins, capsys):
    suite = tiny_suite("flaky", forecasters=("persistence", "test_flaky-v1"), seeds=1)
    out = tmp_path / "out"
    with registered("forecaster", "test_flaky-v1", Flaky):
        Flaky.broken[0] = True
        first = _runner.run(suite, out, progress=False, log=lambda m: None)
        assert first.errors == 1 and first.done == 2
        kept = _runner.run(suite, out, progress=False, log=lambda m: None, keep_failures=True)
        assert kept.done == 0 and kept.errors == 1  # old error rows still counted
        again = _runner.run(suite, out, progress=False, log=lambda m: None)
        assert again.done == 1 and again.skipped == 1 and again.errors == 1  # retried, failed
        Flaky.broken[0] = False
        fixed = _runner.run(suite, out, progress=False, log=lambda m: None)
        assert fixed.done == 1 and fixed.errors == 0
    assert {r["status"] for r in read_rows(out).values()} == {"ok"}


def test_a_truncated_cell_is_named_and_repaired_by_a_rerun(tmp_path, plugins, capsys):
    out = tmp_path / "out"
    suite = tiny_suite("trunc", forecasters=("persistence",), seeds=1)
    _runner.run(suite, out, progress=False, log=lambda m: None)
    (path,) = (out / "cells").glob("*.json")
    whole = path.read_text()
    path.write_text(whole[: len(whole) // 2])
    assert main(["leaderboard", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "re-run" in err and "recomputes" in err
    summary = _runner.run(suite, out, progress=False, log=lambda m: None)
    assert summary.done == 1
    assert json.loads(path.read_text())["run_id"] == path.stem
    assert main(["leaderboard", "--out", str(out)]) == 0


def test_git_commit_is_marked_dirty_when_the_code_has_changes(tmp_path):
    """Changed code marks the stamp; a result file that a run moved or rewrote does not."""
    import subprocess

    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "results" / "suite" / "cells").mkdir(parents=True)
    cell = tmp_path / "results" / "suite" / "cells" / "a.json"
    cell.write_text("{}")
    (tmp_path / "f.txt").write_text("a")
    git("add", "f.txt", "results")
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "x")
    clean = _identity.git_commit(tmp_path)
    assert len(clean) == 12 and not clean.endswith("-dirty")
    cell.unlink()
    assert _identity.git_commit(tmp_path / "results") == clean
    (tmp_path / "f.txt").write_text("b")
    assert _identity.git_commit(tmp_path / "results") == clean + "-dirty"
