"""Speed of dataset generation for the whole catalogue, and against scipy.

Prints, for every registered system (or ``--systems``): the wall time to integrate 16
on-attractor initial conditions × 10,000 points at the benchmark's sampling (the table's
dt: 100 points per period, at least 20 per Lyapunov time), cold (tracing + compiling +
running) and warm (the compiled program reused), and the time to read the same data
back from the dataset cache. Then, on a sample of systems, the throughput per trajectory
of scipy's ``solve_ivp`` (DOP853) on the same points at tolerance-matched accuracy: both
errors are measured against a tight-tolerance reference (``solve_ivp`` DOP853,
rtol = atol = 1e-13) over the first 200 points (a short window, since chaos amplifies
any error over long ones).

Run: ``python benchmarks/perf_systems.py [--systems ...] [--workers 2] [--record]``
(``make perf-systems`` runs it on the whole catalogue and records to ``results/perf.csv``).
"""

from __future__ import annotations

import argparse
import concurrent.futures as futures
import statistics
import sys
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from scipy.integrate import solve_ivp

import chaosbench as cb
from chaosbench import enable_compilation_cache, load_plugins

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _perf_io import record  # noqa: E402

N_ICS = 16
N_POINTS = 10_000
SCIPY_SAMPLE = ("lorenz63-v1", "rossler-v1", "chen-v1", "halvorsen-v1", "hyper_rossler-v1")


def _spec(system, facts, n_points=N_POINTS, seed=0):
    return cb.DatasetSpec.create(
        system.id,
        system.parameters,
        dt=facts["dt"],
        n_train=n_points,
        n_test=N_ICS - 2,
        context=1,
        horizon=n_points - 1,
        n_long=n_points,
        burn_in=20 * facts["period"],
        seed=seed,
    )


def generate(system_id: str, seed: int = 0) -> dict:
    """Time one generation of 16 × 10,000 points for one system (no dataset cache).

    The first call for a system (seed 0) is cold: tracing, compiling and running; a
    second one (seed 1, same shapes) reuses the compiled program."""
    system = cb.get_system(system_id)
    facts = cb.get_facts(system)
    t0 = time.perf_counter()
    try:
        cb.make_dataset(_spec(system, facts, seed=seed), use_cache=False)
    except FloatingPointError as error:  # reported, not fatal: the others still run
        return {"system": system_id, "seconds": time.perf_counter() - t0, "error": str(error)}
    return {"system": system_id, "seconds": time.perf_counter() - t0, "error": None}


def cached_read(system_ids) -> float:
    """Write each dataset to the cache, then time reading all of them back."""
    specs = []
    for system_id in system_ids:
        system = cb.get_system(system_id)
        spec = _spec(system, cb.get_facts(system), seed=2)
        cb.make_dataset(spec)
        specs.append(spec)
    t0 = time.perf_counter()
    for spec in specs:
        cb.make_dataset(spec)
    return time.perf_counter() - t0


def scipy_comparison(system_id: str, repeats: int = 3) -> dict:
    system = cb.get_system(system_id)
    facts = cb.get_facts(system)
    dt = facts["dt"]
    settings = cb.IntegratorSettings()
    y0s = cb.advance_batch(
        system,
        system.initial_condition[None] + jnp.zeros((N_ICS, 1)),
        0.0,
        20 * facts["period"],
        settings,
    )
    y0s = np.asarray(y0s)
    ts = dt * np.arange(N_POINTS)

    jrhs = jax.jit(lambda t, y: system.vector_field(t, y, None))

    def rhs_jit(t, y):  # scipy calls this once per stage: a jitted JAX vector field
        return np.asarray(jrhs(t, y))

    short = ts[:200]
    ref = solve_ivp(
        rhs_jit, (0, short[-1]), y0s[0], method="DOP853", t_eval=short, rtol=1e-13, atol=1e-13
    ).y.T
    ours_short = np.asarray(cb.sample_batch(system, y0s[:1], 0.0, dt, 200, settings))[0]
    ours_err = float(np.abs(ours_short - ref).max())
    # scipy at the loosest tolerance that matches our error
    for tol in (1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12):
        sp = solve_ivp(
            rhs_jit, (0, short[-1]), y0s[0], method="DOP853", t_eval=short, rtol=tol, atol=tol
        ).y.T
        sp_err = float(np.abs(sp - ref).max())
        if sp_err <= max(ours_err, 1e-14) * 1.5:
            break
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        solve_ivp(rhs_jit, (0, ts[-1]), y0s[0], method="DOP853", t_eval=ts, rtol=tol, atol=tol)
        times.append(time.perf_counter() - t0)
    scipy_per_traj = statistics.median(times)
    cb.sample_batch(system, y0s, 0.0, dt, N_POINTS, settings).block_until_ready()  # compile
    ours = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        cb.sample_batch(system, y0s, 0.0, dt, N_POINTS, settings).block_until_ready()
        ours.append(time.perf_counter() - t0)
    ours_per_traj = statistics.median(ours) / N_ICS
    return {
        "system": system_id,
        "ours_error": ours_err,
        "scipy_tol": tol,
        "scipy_error": sp_err,
        "scipy_s_per_traj": scipy_per_traj,
        "ours_s_per_traj": ours_per_traj,
        "ratio": scipy_per_traj / ours_per_traj,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", nargs="+")
    parser.add_argument("--workers", type=int, default=2, help="threads compiling in parallel")
    parser.add_argument("--scipy", nargs="*", default=list(SCIPY_SAMPLE))
    parser.add_argument(
        "--compilation-cache",
        action="store_true",
        help="use JAX's persistent compilation cache (then 'cold' is not cold)",
    )
    parser.add_argument("--record", action="store_true", help="add the figures to results/perf.csv")
    args = parser.parse_args(argv)
    load_plugins()
    if args.compilation_cache:
        enable_compilation_cache()
    ids = [cb.get_system(s).id for s in args.systems] if args.systems else cb.list_systems()
    ids = [i for i in ids if _has_facts(i)]
    print(
        f"generating {N_ICS} ICs x {N_POINTS} points for {len(ids)} systems "
        f"with {args.workers} worker threads"
    )
    with futures.ThreadPoolExecutor(args.workers) as pool:
        t0 = time.perf_counter()
        colds = list(pool.map(generate, ids))  # every system once: cold
        total = time.perf_counter() - t0
        ok_ids = [r["system"] for r in colds if not r["error"]]
        t0 = time.perf_counter()
        warms = list(pool.map(lambda i: generate(i, seed=1), ok_ids))  # again: warm
        total_warm = time.perf_counter() - t0
    failed = [r for r in colds if r["error"]]
    results = [
        {"system": c["system"], "cold": c["seconds"], "warm": w["seconds"]}
        for c, w in zip([c for c in colds if not c["error"]], warms)
    ]
    cold = sum(r["cold"] for r in results)
    warm = sum(r["warm"] for r in results)
    for r in results:
        print(f"  {r['system']:>34}: cold {r['cold']:6.2f} s  warm {r['warm']:6.3f} s")
    for r in failed:
        print(f"  {r['system']:>34}: FAILED after {r['seconds']:.1f} s: {r['error']}")
    print(
        f"whole catalogue, cold start: {total:.1f} s wall ({len(ids)} systems, "
        f"{len(failed)} failed); again with compiled programs: {total_warm:.1f} s wall; "
        f"summed per system: cold {cold:.1f} s, warm {warm:.1f} s; tracing+compiling "
        f"share ≈ {(cold - warm) / cold:.0%} (cold − warm)"
    )
    read = cached_read([r["system"] for r in results])
    print(f"whole catalogue from the dataset cache: {read:.1f} s")
    what = f"{len(ids)} systems x {N_ICS} ICs x {N_POINTS} points, {args.workers} threads"
    rows = [
        {
            "benchmark": "catalogue_generation",
            "what": f"{what}, cold start (wall)",
            "seconds_median": total,
            "cold_thread_seconds": cold,
            "warm_thread_seconds": warm,
            "comparison": "the same again with the compiled programs (warm, wall)",
            "comparison_seconds_median": total_warm,
            "repeats": 1,
            "compile_seconds": cold - warm,
            "compile_share": (cold - warm) / cold,
        },
        {
            "benchmark": "catalogue_generation",
            "what": f"{what}, read back from the dataset cache",
            "seconds_median": read,
            "repeats": 1,
        },
    ]
    for system_id in args.scipy:
        r = scipy_comparison(system_id)
        rows.append(
            {
                "benchmark": "catalogue_scipy",
                "what": f"{system_id} one trajectory of {N_POINTS} points, dopri8 batched",
                "seconds_median": r["ours_s_per_traj"],
                "comparison": f"scipy solve_ivp DOP853 tol {r['scipy_tol']:g} (matched accuracy)",
                "comparison_seconds_median": r["scipy_s_per_traj"],
                "error": r["ours_error"],
                "comparison_error": r["scipy_error"],
            }
        )
        print(
            f"scipy vs chaosbench on {system_id}: scipy DOP853 tol {r['scipy_tol']:g} "
            f"{r['scipy_s_per_traj'] * 1e3:.1f} ms/trajectory (error {r['scipy_error']:.1e}); "
            f"ours {r['ours_s_per_traj'] * 1e3:.2f} ms/trajectory (error {r['ours_error']:.1e}); "
            f"ratio {r['ratio']:.0f}x"
        )
    if args.record:
        replace = ("catalogue_generation", "catalogue_scipy")  # this run's figures only
        print(f"wrote {record(rows, replace_benchmarks=replace)}")
    return 0


def _has_facts(system_id: str) -> bool:
    try:
        facts = cb.get_facts(cb.get_system(system_id))
    except Exception as error:  # noqa: BLE001 - reported and skipped
        print(f"  skipping {system_id}: no facts ({error})")
        return False
    return bool(facts.get("finite", False))


if __name__ == "__main__":
    cb.configure()  # threads and x64, as the CLI does (importing chaosbench sets neither)
    sys.exit(main())
