"""Shared pieces of the runner and reliability tests: a tiny suite, test-only
forecasters, row comparison, and an environment that gives `python -m chaosbench`
subprocesses the same tiny suite (through a generated ``sitecustomize.py``).

Test-only plug-ins are registered for the duration of a test (or module) by
:func:`registered` and removed afterwards, so suites over "all" forecasters never see
them.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import jax.numpy as jnp

import chaosbench as cb
from chaosbench.base import _api
from chaosbench.harness import _runner, _suite

TINY_PROTOCOL = _suite.Protocol(n_test=3, horizon_lyap=5.0, horizon_multiple=64, n_long=1024)


def tiny_suite(name="tiny", forecasters=("persistence", "climatology"), seeds=2, **changes):
    """lorenz63 (facts shipped, no Lyapunov computation), the 1,000-point task."""
    kwargs = dict(systems=("lorenz63",), tasks=("limited",), protocol=TINY_PROTOCOL)
    kwargs.update(changes)
    return _suite.Suite(name, forecasters=tuple(forecasters), seeds=seeds, **kwargs)


class Sleepy(cb.AbstractForecaster):
    """Persistence whose ``fit`` sleeps ``$CHAOSBENCH_TEST_SLEEP`` seconds (while traced,
    once per process): a slow cell to kill, or to make two runs overlap."""

    def fit(self, key, train):
        del key, train
        time.sleep(float(os.environ.get("CHAOSBENCH_TEST_SLEEP", "0")))
        return ()

    def forecast(self, fitted, context, steps: int):
        del fitted
        return jnp.broadcast_to(context[-1], (steps, context.shape[-1]))


SLEEPY = "test_sleepy-v1"
# Suites the subprocess tests share with their in-process references (same run ids).
SUITES = {
    "tiny": tiny_suite(),
    "tiny3": tiny_suite("tiny3", forecasters=("persistence", SLEEPY, "climatology")),
}


@contextlib.contextmanager
def registered(kind: str, id_: str, cls) -> Iterator[type]:
    """Register ``cls`` as a ``kind`` ("system" or "forecaster") under ``id_`` for a while."""
    registry = {"system": _api.systems, "forecaster": _api.forecasters}[kind]
    decorator = {"system": cb.register_system, "forecaster": cb.register_forecaster}[kind]
    decorator(id_)(cls)
    try:
        yield cls
    finally:
        registry._entries.pop(id_, None)


def install() -> None:
    """In a subprocess: the tiny suites, the sleepy forecaster, a compile cache that keeps
    even quick compilations (each fresh process would otherwise recompile the metrics)."""
    from chaosbench.base import _cache
    from chaosbench.harness import _runner

    _suite.SUITES.update(SUITES)
    if SLEEPY not in _api.forecasters:
        cb.register_forecaster(SLEEPY)(Sleepy)
    enable = _cache.enable_compilation_cache

    def enable_all():
        enable()
        import jax

        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)

    _runner.enable_compilation_cache = enable_all


SITECUSTOMIZE = """\
import os, sys
if os.environ.get("CHAOSBENCH_TEST_PLUGINS"):
    sys.path.insert(0, os.environ["CHAOSBENCH_TEST_PLUGINS"])
    import reliability_helpers
    reliability_helpers.install()
"""


def subprocess_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Environment for `python -m chaosbench` subprocesses that know the tiny suites."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["CHAOSBENCH_TEST_PLUGINS"] = str(Path(__file__).parent)
    env.update(extra)
    return env


def chaosbench_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "chaosbench", *args]


def read_rows(out: Path) -> dict[str, dict]:
    """Every row under ``out/cells``, by run id; checks each file is whole and named right."""
    rows = {}
    for path in sorted((Path(out) / "cells").glob("*.json")):
        row = json.loads(path.read_text())
        assert row["run_id"] == path.stem, path
        rows[path.stem] = row
    return rows


def assert_same_rows(actual: dict[str, dict], expected: dict[str, dict]) -> None:
    """Same run ids, and rows equal apart from timing and stamp columns."""
    assert sorted(actual) == sorted(expected), "different sets of cells"
    for run_id, row in expected.items():
        assert _runner.same_result(actual[run_id], row), (run_id, actual[run_id], row)


def plugins():
    """Fixture (module scope): the tiny suites and the sleepy forecaster, for a module."""
    saved = dict(_suite.SUITES)
    _suite.SUITES.update(SUITES)
    with registered("forecaster", SLEEPY, Sleepy):
        yield
    _suite.SUITES.clear()
    _suite.SUITES.update(saved)


def reference(plugins, tmp_path_factory):
    """Fixture (module scope): rows of an uninterrupted in-process run of `tiny3`."""
    out = tmp_path_factory.mktemp("reference")
    summary = _runner.run(SUITES["tiny3"], out, progress=False, log=lambda m: None)
    assert summary.done == 6 and summary.errors == 0
    return read_rows(out)
