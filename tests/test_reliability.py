"""Every bad input gets one clear error, every fault loses nothing.

Bad inputs: each case asserts a message that names the problem and the fix, a non-zero
exit from the CLI, and no file left under the output directory. Faults: a run killed
mid-cell, torn writes of cells and dataset-cache files, a corrupted cache, two runs on
one directory, a forecaster that hangs and one that exhausts memory.

Everything runs on tiny suites (see ``reliability_helpers``): lorenz63 (facts shipped),
the 1,000-point task, 3 short test windows, fast forecasters.
"""

import os
import re
import signal
import subprocess
import time

import jax.numpy as jnp
import numpy as np
import pytest
import reliability_helpers
from reliability_helpers import (
    assert_same_rows,
    chaosbench_command,
    read_rows,
    registered,
    subprocess_env,
    tiny_suite,
)

import chaosbench as cb
from chaosbench.catalogue._validate import InvalidSystemError
from chaosbench.cli._cli import main
from chaosbench.harness import _runner, _suite
from chaosbench.numerics import _dataset

FAMILY = "test"  # register_system reads the family of the systems defined here from this


def files_under(path):
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.exists() else []


plugins = pytest.fixture(scope="module")(reliability_helpers.plugins)
reference = pytest.fixture(scope="module")(reliability_helpers.reference)


def run_cli(*args):
    return main(["run", *args, "--no-progress"])


def with_suite(monkeypatch, name, **kwargs):
    monkeypatch.setitem(_suite.SUITES, name, tiny_suite(name, **kwargs))


# --------------------------------------------------------------------------------------
# Bad input: unknown ids


def test_unknown_system_lists_close_matches(tmp_path, capsys, plugins):
    out = tmp_path / "out"
    assert run_cli("--suite", "tiny", "--systems", "lorenz36", "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert "unknown system 'lorenz36'. Did you mean:" in err and "lorenz63" in err
    assert "rossler" not in err and "`chaosbench list systems` lists all" in err  # not all ids
    assert files_under(out) == []


def test_unknown_forecaster_lists_close_matches(tmp_path, capsys, plugins):
    out = tmp_path / "out"
    assert run_cli("--suite", "tiny", "--forecasters", "persistance", "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert "unknown forecaster 'persistance'" in err and "persistence" in err
    assert "esn" not in err and "`chaosbench list forecasters` lists all" in err
    assert files_under(out) == []


def test_unknown_metric_lists_close_matches():
    # metrics are chosen in Python (the CLI scores every registered metric)
    with pytest.raises(cb.UnknownIdError, match=r"unknown metric 'vtp_lyap'.*Did you mean.*vpt"):
        cb.get_metric("vtp_lyap")


# --------------------------------------------------------------------------------------
# Bad input: malformed systems


class WrongShape(cb.AbstractSystem):
    default_initial_condition = (1.0, 0.0, 0.0)
    citation = "test"

    def vector_field(self, t, y, args):
        return y[:2]


class NonFinite(cb.AbstractSystem):
    default_initial_condition = (1.0, 0.0, 0.0)
    citation = "test"

    def vector_field(self, t, y, args):
        return jnp.log(y)  # log(0) at the initial condition


class WrongInitialLength(cb.AbstractSystem):
    default_initial_condition = (1.0, 0.0)  # three state variables below
    citation = "test"

    def vector_field(self, t, y, args):
        x, v, z = y
        return jnp.stack([v, -x, -z])


@pytest.mark.parametrize(
    "cls, problem, fix",
    [
        (WrongShape, r"returns shape \(2,\) for a state of shape \(3,\)", "one derivative per"),
        (NonFinite, "not finite at the initial condition", "check the equations"),
        (WrongInitialLength, "fails on the initial condition of length 2", "one entry per"),
    ],
    ids=["wrong-shape", "non-finite", "wrong-ic-length"],
)
def test_malformed_system_is_refused_before_anything_runs(
    cls, problem, fix, tmp_path, capsys, monkeypatch, plugins
):
    system_id = f"test_{cls.__name__.lower()}-v1"
    with_suite(monkeypatch, "bad", systems=(system_id,))
    out = tmp_path / "out"
    with registered("system", system_id, cls):
        assert run_cli("--suite", "bad", "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert re.search(problem, err) and fix in err and system_id in err
    assert files_under(out) == []


def test_system_without_citation_is_refused_at_registration():
    class NoCitation(cb.AbstractSystem):
        default_initial_condition = (1.0,)

        def vector_field(self, t, y, args):
            return -y

    with pytest.raises(cb.MalformedSystemError, match="citation is missing: set the ClassVar"):
        cb.register_system("test_no_citation_rel-v1")(NoCitation)
    assert "test_no_citation_rel-v1" not in cb.list_systems()


# --------------------------------------------------------------------------------------
# Bad input: unbounded and non-chaotic systems


class Exploding(cb.AbstractSystem):
    """An unstable focus: grows like exp(0.15 t)."""

    default_initial_condition = (1.0, 0.0)
    citation = "test"

    def vector_field(self, t, y, args):
        return jnp.stack([y[1], -y[0] + 0.3 * y[1]])


class Damped(cb.AbstractSystem):
    """A damped linear oscillator: a stable fixed point, λ_max = -γ/2."""

    gamma: float = 0.2
    default_initial_condition = (1.0, 0.0)
    citation = "test"

    def vector_field(self, t, y, args):
        return jnp.stack([y[1], -y[0] - self.gamma * y[1]])


def test_unbounded_system_is_refused(tmp_path, capsys, monkeypatch, plugins):
    with_suite(monkeypatch, "bad", systems=("test_exploding-v1",))
    out = tmp_path / "out"
    with registered("system", "test_exploding-v1", Exploding):
        assert run_cli("--suite", "bad", "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert "test_exploding-v1 is not fit for the benchmark" in err and "unbounded" in err
    assert "check the equations" in err
    assert files_under(out) == []


def test_non_chaotic_system_is_refused(tmp_path, capsys, monkeypatch, plugins):
    """The facts are what ``compute_facts`` returns for the damped oscillator (λ_max ≈
    -0.0997, zero variance; checked by the slow test below): the runner refuses it."""
    damped_facts = {
        "max_lyapunov": -0.0997,
        "max_lyapunov_stderr": 1e-4,
        "finite": True,
        "max_abs": 1e-30,
        "mean": [0.0, 0.0],
        "std": [1e-35, 1e-35],
    }
    monkeypatch.setattr(_runner, "get_facts", lambda system: damped_facts)
    with_suite(monkeypatch, "bad", systems=("test_damped-v1",))
    out = tmp_path / "out"
    with registered("system", "test_damped-v1", Damped):
        assert run_cli("--suite", "bad", "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert "test_damped-v1 is not fit for the benchmark" in err
    assert "not positive: not chaotic" in err and "chaosbench check-system" in err
    assert files_under(out) == []


@pytest.mark.slow
def test_non_chaotic_system_is_refused_from_computed_facts(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAOSBENCH_CACHE", str(tmp_path))
    with registered("system", "test_damped_slow-v1", Damped):
        with pytest.raises(InvalidSystemError) as info:
            _runner.check_systems(["test_damped_slow-v1"])
    assert "not positive: not chaotic" in str(info.value)


# --------------------------------------------------------------------------------------
# Bad input: run options


@pytest.mark.parametrize(
    "args, message",
    [
        (["--seeds", "-1"], "--seeds must be a positive integer, got -1"),
        (["--seeds", "0"], "--seeds must be a positive integer, got 0"),
        (
            ["--suite", "nope"],
            "unknown suite 'nope'; known suites: smoke, default, core, catalogue, full",
        ),
        (["--shard", "4/3"], "--shard 4/3: K must be between 1 and N"),
        (["--shard", "0/3"], "--shard 0/3: K must be between 1 and N"),
        (["--shard", "two/3"], "--shard must look like K/N (e.g. 2/8)"),
        (["--timeout", "-5"], "--timeout must be positive seconds"),
        (["--jobs", "0"], "--jobs must be a positive integer"),
    ],
    ids=[
        "negative-seeds",
        "zero-seeds",
        "unknown-suite",
        "shard-k>n",
        "shard-0",
        "shard-text",
        "negative-timeout",
        "zero-jobs",
    ],
)
def test_invalid_run_option(args, message, tmp_path, capsys, plugins):
    out = tmp_path / "out"
    argv = ["--suite", "tiny", *args] if "--suite" not in args else args
    assert run_cli(*argv, "--out", str(out)) == 2
    assert message in capsys.readouterr().err
    assert files_under(out) == []


def test_empty_suite(tmp_path, capsys, monkeypatch, plugins):
    with_suite(monkeypatch, "empty", forecasters=())
    out = tmp_path / "out"
    assert run_cli("--suite", "empty", "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert "suite 'empty' is empty" in err and "--systems/--forecasters" in err
    assert files_under(out) == []


def test_output_directory_not_writable(tmp_path, capsys, plugins):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    out = blocker / "results"  # (a read-only mode would not stop root; a file does)
    assert run_cli("--suite", "tiny", "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert f"output directory {out} is not writable" in err and "choose another with --out" in err
    assert blocker.read_text() == "not a directory"


# --------------------------------------------------------------------------------------
# Bad forecasters inside a run: rows with a failure status (or a diverged free run), the
# run goes on


class ForecastWrongShape(cb.AbstractForecaster):
    def fit(self, key, train):
        return ()

    def forecast(self, fitted, context, steps: int):
        return jnp.zeros((steps, context.shape[-1] + 1))


class ForecastWrongDtype(cb.AbstractForecaster):
    def fit(self, key, train):
        return ()

    def forecast(self, fitted, context, steps: int):
        return jnp.zeros((steps, context.shape[-1]), dtype=jnp.int32)


class ForecastNonFinite(cb.AbstractForecaster):
    def fit(self, key, train):
        return ()

    def forecast(self, fitted, context, steps: int):
        return jnp.full((steps, context.shape[-1]), jnp.nan)


class FitRaises(cb.AbstractForecaster):
    def fit(self, key, train):
        raise RuntimeError("fit exploded on purpose")

    def forecast(self, fitted, context, steps: int):
        return jnp.zeros((steps, context.shape[-1]))


class ForecastRaises(cb.AbstractForecaster):
    def fit(self, key, train):
        return ()

    def forecast(self, fitted, context, steps: int):
        raise RuntimeError("forecast exploded on purpose")


class NeedsLongContext(cb.AbstractForecaster):
    min_context = 10_000

    def fit(self, key, train):
        return ()

    def forecast(self, fitted, context, steps: int):
        return jnp.zeros((steps, context.shape[-1]))


class OutOfMemory(cb.AbstractForecaster):
    def fit(self, key, train):
        raise MemoryError("cannot allocate 64 GiB")

    def forecast(self, fitted, context, steps: int):
        return jnp.zeros((steps, context.shape[-1]))


class DeviceOutOfMemory(cb.AbstractForecaster):
    def fit(self, key, train):
        raise jax_runtime_error(
            "RESOURCE_EXHAUSTED: Out of memory while trying to allocate 68719476736 bytes."
        )

    def forecast(self, fitted, context, steps: int):
        return jnp.zeros((steps, context.shape[-1]))


def jax_runtime_error(message):
    from jax.errors import JaxRuntimeError  # what XLA raises on a device OOM

    return JaxRuntimeError(message)


BAD_FORECASTERS = {
    "test_wrong_shape-v1": (ForecastWrongShape, "error", r"must return \(steps, dim\)"),
    "test_wrong_dtype-v1": (ForecastWrongDtype, "error", "must return floating-point states"),
    "test_non_finite-v1": (ForecastNonFinite, "ok", None),  # scored: VPT 0, long_run diverged
    "test_fit_raises-v1": (FitRaises, "error", "fit exploded on purpose"),
    "test_forecast_raises-v1": (ForecastRaises, "error", "forecast exploded on purpose"),
    "test_short_context-v1": (  # refused by name before any data is made: not a failure
        NeedsLongContext,
        "refused",
        "test_short_context-v1 needs a context of at least 10000 steps; task limited gives 500",
    ),
    "test_oom-v1": (OutOfMemory, "oom", "MemoryError: cannot allocate"),
    "test_device_oom-v1": (DeviceOutOfMemory, "oom", "RESOURCE_EXHAUSTED"),
}


@pytest.fixture(scope="module")
def bad_run(plugins, tmp_path_factory):
    """One run over every bad forecaster and persistence; its exit code, stderr, rows."""
    out = tmp_path_factory.mktemp("bad-run")
    ids = list(BAD_FORECASTERS)
    saved = dict(_suite.SUITES)
    _suite.SUITES["bad"] = tiny_suite("bad", forecasters=(*ids, "persistence"), seeds=2)
    import contextlib
    import io

    stderr = io.StringIO()
    try:
        with contextlib.ExitStack() as stack:
            for id_, (cls, _, _) in BAD_FORECASTERS.items():
                stack.enter_context(registered("forecaster", id_, cls))
            with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
                code = run_cli("--suite", "bad", "--out", str(out))
    finally:
        _suite.SUITES.clear()
        _suite.SUITES.update(saved)
    rows = read_rows(out)
    return code, stderr.getvalue(), {(r["forecaster"], r["seed"]): r for r in rows.values()}


@pytest.mark.parametrize("forecaster_id", list(BAD_FORECASTERS))
def test_bad_forecaster_is_recorded_and_the_run_goes_on(bad_run, forecaster_id):
    code, stderr, rows = bad_run
    _, status, message = BAD_FORECASTERS[forecaster_id]
    assert code == 1  # errors in the run: non-zero exit, listed on stderr
    assert len(rows) == 2 * (len(BAD_FORECASTERS) + 1)  # every cell has its row
    for seed in (0, 1):
        row = rows[(forecaster_id, seed)]
        assert row["status"] == status
        assert row["long_run"] == ("diverged" if status == "ok" else "")
        if status == "refused":  # no score at all, and not among the run's errors
            assert np.isnan(row["vpt_lyap"]) and forecaster_id not in stderr
            assert re.search(message, row["error"]), row["error"]
            continue
        assert row["vpt_lyap"] == 0.0 and row["d_stsp"] == np.inf  # scored as failures
        if message:
            assert re.search(message, row["error"]), row["error"]
            assert forecaster_id in stderr and status in stderr
    assert rows[("persistence-v1", 0)]["status"] == "ok"


def test_forecaster_without_forecast_is_refused_at_registration():
    class NoForecast(cb.AbstractForecaster):
        def fit(self, key, train):
            return ()

    with pytest.raises(cb.MalformedForecasterError, match="forecast is still abstract: implement"):
        cb.register_forecaster("test_no_forecast_rel-v1")(NoForecast)
    assert "test_no_forecast_rel-v1" not in cb.list_forecasters()


# --------------------------------------------------------------------------------------
# Faults survived


def _kill_in_second_group(out, tmp_path, log):
    proc = subprocess.Popen(
        chaosbench_command("run", "--suite", "tiny3", "--out", str(out), "--no-progress"),
        env=subprocess_env(tmp_path, CHAOSBENCH_TEST_SLEEP="600"),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 500
    try:
        while time.monotonic() < deadline:
            cells = list((out / "cells").glob("*.json"))
            locks = list((out / "locks").glob("*.lock"))
            if len(cells) == 2 and locks:
                time.sleep(1.0)  # well inside the sleepy forecaster's fit
                break
            assert proc.poll() is None, (tmp_path / "log").read_text()
            time.sleep(0.5)
        else:
            pytest.fail("the first group never finished:\n" + (tmp_path / "log").read_text())
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()


def test_killed_mid_cell_then_resumed(tmp_path, reference, capsys):
    """SIGKILL while the second group is being fitted; a resumed run ends with exactly the
    rows of an uninterrupted one: none lost, none duplicated, the stale lock taken over."""
    out = tmp_path / "out"
    with (tmp_path / "log").open("w") as log:
        _kill_in_second_group(out, tmp_path, log)
    assert len(list((out / "cells").glob("*.json"))) == 2
    assert list((out / "locks").glob("*.lock"))  # the dead run's lock is still there
    assert run_cli("--suite", "tiny3", "--out", str(out)) == 0
    assert "skipping 2 finished cells" in capsys.readouterr().out
    assert_same_rows(read_rows(out), reference)
    assert not list((out / "locks").glob("*.lock"))


def test_sigterm_to_a_jobs_run_stops_it_and_logs_the_sitting(tmp_path, reference, capsys):
    """`kill PID` (SIGTERM) to the parent of `--jobs 2`, started the way `cmd &` starts it
    (SIGINT ignored), while one process sleeps in a fit: the parent stops both processes,
    logs the sitting in sessions.csv and says how to resume; the resumed run takes over the
    stopped process's lock and ends with exactly the rows of an uninterrupted run."""
    out, log_path = tmp_path / "out", tmp_path / "log"
    command = chaosbench_command("run", "--suite", "tiny3", "--out", str(out), "--jobs", "2")
    with log_path.open("w") as log:
        interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)  # inherited, as `&` does
        try:
            proc = subprocess.Popen(
                command,
                env=subprocess_env(tmp_path, CHAOSBENCH_TEST_SLEEP="600"),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        finally:
            signal.signal(signal.SIGINT, interrupt)
        try:
            deadline = time.monotonic() + 500
            while len(list((out / "cells").glob("*.json"))) < 4:  # all but the sleepy group
                assert proc.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.5)
            time.sleep(1.0)
            proc.send_signal(signal.SIGINT)  # ignored, as in a background launch
            time.sleep(1.0)
            assert proc.poll() is None
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert code == 130, log_path.read_text()
    assert "stopped, sitting logged; the same command resumes" in log_path.read_text()
    sessions = (out / "sessions.csv").read_text().splitlines()
    logged = [dict(zip(sessions[0].split(","), line.split(","))) for line in sessions[1:]]
    assert [(s["jobs"], s["planned"], s["finished"], s["written"]) for s in logged] == [
        ("2", "6", "4", "4")
    ]
    assert run_cli("--suite", "tiny3", "--out", str(out)) == 0
    assert "skipping 4 finished cells" in capsys.readouterr().out
    assert_same_rows(read_rows(out), reference)
    assert not list((out / "locks").glob("*.lock"))


def test_torn_cell_write_is_ignored_and_recomputed(tmp_path, reference, capsys):
    out = tmp_path / "out"
    assert run_cli("--suite", "tiny3", "--out", str(out)) == 0
    cells = sorted((out / "cells").glob("*.json"))
    # killed inside atomic_write_text: a temporary file next to the rows ...
    (out / "cells" / f".{cells[0].name}.12345.tmp").write_text('{"run_id": "')
    # ... or a row file cut short by something that does not write atomically
    cells[1].write_text(cells[1].read_text()[:40])
    cells[2].unlink()
    capsys.readouterr()
    assert run_cli("--suite", "tiny3", "--out", str(out)) == 0
    assert "skipping 4 finished cells" in capsys.readouterr().out
    assert_same_rows(read_rows(out), reference)


def test_dataset_cache_faults_are_detected_and_regenerated(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAOSBENCH_CACHE", str(tmp_path))
    system = cb.get_system("lorenz63")
    kwargs = dict(dt=0.01, n_train=300, n_test=3, context=50, horizon=100, n_long=200)
    # test_dataset's spec, so that its compiled programs are reused
    spec = cb.DatasetSpec.create(system.id, system.parameters, burn_in=10.0, seed=0, **kwargs)
    good = cb.make_dataset(spec)
    path = _dataset._path(spec)
    checksum = path.with_suffix(".sha256")
    original = path.read_bytes()

    def same(data):
        return all(
            np.array_equal(getattr(data, k), getattr(good, k))
            for k in ("train", "test", "long", "mean", "std")
        )

    # killed inside the write: a leftover temporary file is never read
    (path.parent / f".{path.name}.999.tmp").write_bytes(original[: len(original) // 2])
    assert same(cb.make_dataset(spec))
    # killed between the data and the checksum: no checksum, so regenerated
    checksum.unlink()
    assert same(cb.make_dataset(spec)) and checksum.exists()
    # a corrupted file of the same length (a flipped byte): checksum mismatch, regenerated
    flipped = bytearray(original)
    flipped[len(flipped) // 2] ^= 0xFF
    path.write_bytes(bytes(flipped))
    calls = []
    real_generate = _dataset.generate
    monkeypatch.setattr(_dataset, "generate", lambda s: calls.append(s) or real_generate(s))
    assert same(cb.make_dataset(spec)) and len(calls) == 1
    assert path.read_bytes() == original  # rewritten whole
    # a truncated file
    path.write_bytes(original[:100])
    assert same(cb.make_dataset(spec)) and len(calls) == 2
    # an intact file is read, not regenerated
    assert same(cb.make_dataset(spec)) and len(calls) == 2


def test_two_runs_on_one_directory(tmp_path, reference):
    """Both start together; group locks make every cell computed once, rows whole."""
    out = tmp_path / "out"
    env = subprocess_env(tmp_path, CHAOSBENCH_TEST_SLEEP="3")
    procs = [
        subprocess.Popen(
            chaosbench_command("run", "--suite", "tiny3", "--out", str(out), "--no-progress"),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=550)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    done = [int(re.search(r"done (\d+)", o).group(1)) for o in outputs]
    assert sum(done) == 6, outputs  # each cell computed by exactly one of the runs
    assert_same_rows(read_rows(out), reference)
    assert not list((out / "cells").glob(".*.tmp")) and not list((out / "locks").glob("*"))


class Hangs(cb.AbstractForecaster):
    def fit(self, key, train):
        time.sleep(1000)
        return ()

    def forecast(self, fitted, context, steps: int):
        return jnp.zeros((steps, context.shape[-1]))


def test_hanging_forecaster_times_out_and_the_run_goes_on(tmp_path, monkeypatch, capsys, reference):
    with_suite(monkeypatch, "hang", forecasters=("test_hangs-v1", "persistence"), seeds=1)
    out = tmp_path / "out"
    start = time.monotonic()
    with registered("forecaster", "test_hangs-v1", Hangs):
        assert run_cli("--suite", "hang", "--out", str(out), "--timeout", "10") == 1
    assert time.monotonic() - start < 200
    rows = {r["forecaster"]: r for r in read_rows(out).values()}
    assert rows["test_hangs-v1"]["status"] == "timeout"
    assert "per-cell time limit of 10 s" in rows["test_hangs-v1"]["error"]
    assert rows["persistence-v1"]["status"] == "ok"
    assert "timeout" in capsys.readouterr().err


def test_lock_of_a_live_run_is_respected_and_a_dead_ones_taken_over(tmp_path):
    path = tmp_path / "locks" / "g.lock"
    first = _runner.Lock(path)
    assert first.acquire() and path.read_text().startswith(str(os.getpid()))
    assert not _runner.Lock(path).acquire()  # held by a live process (this one)
    first.release()
    assert not path.exists()
    dead = subprocess.Popen(["true"])
    dead.wait()
    path.write_text(f"{dead.pid} {os.uname().nodename}")
    second = _runner.Lock(path)
    assert second.acquire()  # the owner is gone: taken over
    second.release()
    assert not path.exists() and not list(path.parent.glob(".*"))  # no temporary files
