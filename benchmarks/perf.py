"""The speed benchmarks of chaosbench; writes ``results/perf.csv`` (``make perf``).

Every figure is printed next to the comparison it was measured against in the same run,
and recorded as one row of ``results/perf.csv`` (columns in results/README.md).

1. ``dataset_generation``: Lorenz-63, 16 on-attractor initial conditions × 10,000 points
   at the benchmark's sampling (Δ = period / 100). Ours: one batched, jitted diffrax
   integration (Dopri8, rtol = atol = 1e-10, the protocol's settings), cold (tracing and
   compiling included; the persistent compilation cache is not used) and warm. The
   comparison: ``scipy.integrate.solve_ivp`` (DOP853) looping over the 16 initial
   conditions with a pure-Python right-hand side (its fastest form), at the loosest
   tolerance whose error is no larger than ours. Errors are the maximum absolute
   deviation from a tight-tolerance reference (DOP853, rtol = atol = 1e-13) over the
   first 10 Lyapunov times of 4 of the trajectories: chaos amplifies any error
   exponentially, so over all 10,000 points every solver's error saturates at the
   attractor's size.
2. ``suite_<name>`` (opt-in, long: ``--suite default``): the suite's wall time in a fresh
   process with an empty compilation cache (cold), again in the same process (warm, all
   programs compiled) and in a fresh process reading the persistent compilation cache;
   with the seconds JAX spent lowering and compiling. Facts and datasets are made
   beforehand, so the times are those of fitting, forecasting and scoring.

Run: ``python benchmarks/perf.py [--repeats 5] [--suite default]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from _perf_io import PERF_CSV, record
from scipy.integrate import solve_ivp

import chaosbench as cb
from chaosbench import load_plugins

N_ICS = 16
N_POINTS = 10_000
ERROR_ICS = 4
ERROR_LYAPUNOV_TIMES = 10.0
REFERENCE_TOL = 1e-13
SCIPY_TOLS = (1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12)


def _median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# --------------------------------------------------------------------------- 1. datasets


def _lorenz_rhs(system):
    sigma, rho, beta = float(system.sigma), float(system.rho), float(system.beta)

    def rhs(t, y):
        x, yy, z = y
        return [sigma * (yy - x), x * (rho - z) - yy, x * yy - beta * z]

    probe = np.array([1.0, -2.0, 20.0])
    assert np.allclose(rhs(0.0, probe), np.asarray(system.vector_field(0.0, probe, None)))
    return rhs


def _scipy(rhs, y0s, ts, tol):
    return np.stack(
        [
            solve_ivp(rhs, (ts[0], ts[-1]), y0, method="DOP853", t_eval=ts, rtol=tol, atol=tol).y.T
            for y0 in y0s
        ]
    )


def dataset_generation(repeats: int) -> list[dict]:
    system = cb.get_system("lorenz63")
    facts = cb.get_facts(system)
    dt = facts["dt"]
    settings = cb.IntegratorSettings()  # the protocol's: dopri8, rtol = atol = 1e-10
    base = jnp.asarray(system.initial_condition)
    ics = base + 0.01 * (jnp.abs(base) + 1) * jax.random.normal(
        jax.random.PRNGKey(0), (N_ICS, 3), dtype=jnp.float64
    )
    y0s = cb.advance_batch(system, ics, 0.0, 20 * facts["period"], settings)
    y0s = np.asarray(jax.block_until_ready(y0s))
    ts = dt * np.arange(N_POINTS)

    def ours():
        return jax.block_until_ready(cb.sample_batch(system, y0s, 0.0, dt, N_POINTS, settings))

    start = time.perf_counter()
    trajectories = np.asarray(ours())
    cold = time.perf_counter() - start
    warm = _median_time(ours, repeats)
    assert np.isfinite(trajectories).all()

    rhs = _lorenz_rhs(system)
    n_err = int(np.ceil(ERROR_LYAPUNOV_TIMES / (dt * facts["max_lyapunov"])))
    short = ts[:n_err]
    reference = _scipy(rhs, y0s[:ERROR_ICS], short, REFERENCE_TOL)
    our_error = float(np.abs(trajectories[:ERROR_ICS, :n_err] - reference).max())
    print(
        f"errors vs DOP853 rtol=atol={REFERENCE_TOL:g} over the first {n_err} points "
        f"({ERROR_LYAPUNOV_TIMES:g} Lyapunov times) of {ERROR_ICS} trajectories:"
    )
    print(f"  ours (diffrax dopri8, rtol=atol={settings.rtol:g}): {our_error:.2e}")
    scipy_tol, scipy_error = SCIPY_TOLS[-1], float("nan")
    for tol in SCIPY_TOLS:
        scipy_error = float(np.abs(_scipy(rhs, y0s[:ERROR_ICS], short, tol) - reference).max())
        print(f"  scipy DOP853 rtol=atol={tol:g}: {scipy_error:.2e}")
        scipy_tol = tol
        if scipy_error <= our_error:
            break
    scipy_repeats = max(1, min(3, repeats))
    scipy_seconds = _median_time(lambda: _scipy(rhs, y0s, ts, scipy_tol), scipy_repeats)
    comparison = (
        f"scipy solve_ivp DOP853 rtol=atol={scipy_tol:g} (matched accuracy), pure-Python "
        f"RHS, loop over {N_ICS} ICs (median of {scipy_repeats})"
    )
    what = f"lorenz63 {N_ICS} ICs x {N_POINTS} points, diffrax dopri8 rtol=atol=1e-10 batched"
    rows = [
        {
            "benchmark": "dataset_generation",
            "what": f"{what}, cold (trace + compile + run)",
            "seconds_median": cold,
            "repeats": 1,
        },
        {
            "benchmark": "dataset_generation",
            "what": f"{what}, warm",
            "seconds_median": warm,
            "repeats": repeats,
        },
    ]
    for row in rows:
        row.update(
            comparison=comparison,
            comparison_seconds_median=scipy_seconds,
            error=our_error,
            comparison_error=scipy_error,
        )
        print(
            f"{row['what']}: {row['seconds_median']:.3f} s  vs  {comparison}: "
            f"{scipy_seconds:.3f} s  → {scipy_seconds / row['seconds_median']:.1f}x"
        )
    return rows


# --------------------------------------------------------------------------- 2. suite


def _suite(name: str, systems, forecasters):
    import dataclasses

    suite = cb.SUITES[name]
    changes = {}
    if systems:
        changes["systems"] = tuple(systems)
    if forecasters:
        changes["forecasters"] = tuple(forecasters)
    return dataclasses.replace(suite, **changes)


def _prepare(suite) -> None:
    """Facts and datasets of every (system, task), so the suite times exclude them."""
    from chaosbench.harness._runner import check_systems, plan

    cells = plan(suite)
    facts = check_systems(list(dict.fromkeys(c.system_id for c in cells)), strict=False)
    for system_id, found in facts.items():
        system = cb.get_system(system_id)
        for task in suite.tasks:
            cb.make_dataset(suite.protocol.dataset_spec(system, found, cb.TASKS[task]))


def _child(args) -> int:
    """In a fresh process: run the suite (twice with ``--twice``), print timings as JSON."""
    from chaosbench.harness._runner import run

    suite = _suite(args.child, args.systems, args.forecasters)
    results = []
    for _ in range(2 if args.twice else 1):
        summary = run(suite, Path(args.child_out), force=True, progress=False, log=lambda _: None)
        results.append(
            {"seconds": summary.elapsed, "compile": summary.compile, "errors": summary.errors}
        )
    print("PERF-JSON " + json.dumps(results))
    return 0


def _spawn(name: str, cache: Path, out: Path, args, twice: bool) -> list[dict]:
    command = [sys.executable, __file__, "--child", name, "--child-out", str(out)]
    if twice:
        command.append("--twice")
    if args.systems:
        command += ["--systems", *args.systems]
    if args.forecasters:
        command += ["--forecasters", *args.forecasters]
    env = {**os.environ, "CHAOSBENCH_CACHE": str(cache)}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("PERF-JSON ")]
    if done.returncode or not lines:
        raise RuntimeError(f"suite child failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return json.loads(lines[-1].removeprefix("PERF-JSON "))


def suite_time(name: str, args) -> tuple[list[dict], object]:
    from chaosbench.base._cache import cache_dir

    suite = _suite(name, args.systems, args.forecasters)
    print(f"suite {name}: making facts and datasets first (not timed)")
    _prepare(suite)
    real = cache_dir()
    with tempfile.TemporaryDirectory(prefix="chaosbench-perf-") as tmp:
        cache = Path(tmp) / "cache"
        cache.mkdir()
        for entry in real.iterdir():  # facts and datasets shared, compiled programs not
            if entry.name != "jax":
                (cache / entry.name).symlink_to(entry)
        out = Path(tmp) / "out"
        cold, warm = _spawn(name, cache, out, args, twice=True)
        (cached,) = _spawn(name, cache, out, args, twice=False)
    comparison = "cold: fresh process, empty JAX compilation cache"
    benchmark = f"suite_{name}"
    if args.systems or args.forecasters:  # a subset: say so in the name
        subset = ",".join([*(args.systems or ["*"]), "x", *(args.forecasters or ["*"])])
        benchmark += f"[{subset}]"
    rows = []
    for what, timing in (
        ("warm: second run in the same process (programs compiled)", warm),
        ("fresh process reading the persistent compilation cache", cached),
    ):
        rows.append(
            {
                "benchmark": benchmark,
                "what": what,
                "seconds_median": timing["seconds"],
                "comparison": comparison,
                "comparison_seconds_median": cold["seconds"],
                "repeats": 1,
                "compile_seconds": timing["compile"],
                "compile_share": timing["compile"] / timing["seconds"],
            }
        )
    rows.append(
        {
            "benchmark": benchmark,
            "what": comparison,
            "seconds_median": cold["seconds"],
            "comparison": "warm: second run in the same process (programs compiled)",
            "comparison_seconds_median": warm["seconds"],
            "repeats": 1,
            "compile_seconds": cold["compile"],
            "compile_share": cold["compile"] / cold["seconds"],
        }
    )
    print(
        f"suite {name}: cold {cold['seconds']:.1f} s (lowering + compiling "
        f"{cold['compile']:.1f} s = {cold['compile'] / cold['seconds']:.0%}); warm "
        f"{warm['seconds']:.1f} s; fresh process with the persistent cache "
        f"{cached['seconds']:.1f} s (compiling {cached['compile']:.1f} s); cold − warm = "
        f"{(cold['seconds'] - warm['seconds']) / cold['seconds']:.0%} of cold"
    )
    return rows, suite


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats of warm runs")
    parser.add_argument("--suite", help="also time this suite cold vs warm (long: opt-in)")
    parser.add_argument("--systems", nargs="+", help="override the suite's systems")
    parser.add_argument("--forecasters", nargs="+", help="override the suite's forecasters")
    parser.add_argument("--skip-datasets", action="store_true", help="skip benchmark 1")
    parser.add_argument("--csv", default=str(PERF_CSV), help="where the rows go")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-out", help=argparse.SUPPRESS)
    parser.add_argument("--twice", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    cb.configure()  # threads and x64, as the CLI does (also in each --child process)
    load_plugins()
    if args.child:
        return _child(args)
    jnp.zeros(1).block_until_ready()  # start the backend outside any timing
    if not args.skip_datasets:
        print(f"wrote {record(dataset_generation(args.repeats), args.csv)}")
    if args.suite:
        rows, suite = suite_time(args.suite, args)
        print(f"wrote {record(rows, args.csv, suite=suite)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
