"""Two-trajectory (Benettin) λ_max of systems against the table's tangent-space λ_max.

For each system: ``--ics`` starts (the default initial condition plus 1e-3 noise,
burnt in for ``--burn-periods`` dominant periods), each integrated as a pair of nearby
states with diffrax (dopri8, one adaptive solve for both, see
:func:`chaosbench.numerics._two_trajectory.system_lyapunov`), renormalised every
``min(t_λ, period)`` and averaged over ``min(--lyapunov-times · t_λ, --max-periods ·
period)`` after a transient of 20 segments. Clock coordinates (a component whose
velocity is constant, e.g. a forcing phase θ̇ = w) are left out of the perturbation and
the norm: they are neutral (exponent 0) and their large values would turn rounding into
spurious separation.

Printed per system: the estimate (mean over starts) and its spread (std), the cumulative
estimate after the first quarter and half of the run (a regular or quasi-periodic orbit
separates linearly, so its λ̂ decays like log T / T; a chaotic one is flat), λ̂ · period,
the table's λ_max and λ_max · period, and the wall time.

With ``--record`` each system's estimate is also written to the confirmation table
``chaosbench/data/two_trajectory.json`` (:mod:`chaosbench.catalogue._confirmation`), under the
system's facts key, with everything that decides it (starts, averaging length, d0,
solver and tolerances, commit and date): the chaos check (:func:`chaosbench.catalogue._validate.
verdict`) reads it for systems below the tangent screen's floor. That table is generated
by this command only, never edited by hand. A field with jumps gets the looser settings
of ``OVERRIDES`` (each crossing of the jump injects an error of the tolerance's size,
so d0 must stay far above it).

    PYTHONPATH=$PWD python benchmarks/two_trajectory_systems.py            # the brief's set
    PYTHONPATH=$PWD python benchmarks/two_trajectory_systems.py --systems lorenz63-v1
    PYTHONPATH=$PWD python benchmarks/two_trajectory_systems.py --record   # the confirmations
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import math
import time

import jax
import jax.numpy as jnp
import numpy as np

import chaosbench as cb
import chaosbench.systems  # noqa: F401  (fills the registry)
from chaosbench import enable_compilation_cache
from chaosbench.base._identity import git_commit
from chaosbench.catalogue._confirmation import record_confirmations
from chaosbench.catalogue._facts import FactsSettings, stored_facts, system_key
from chaosbench.numerics._integrate import IntegratorSettings, advance_batch, sample_batch
from chaosbench.numerics._lyapunov import dominant_period
from chaosbench.numerics._system_two_trajectory import system_lyapunov_batch

# The systems whose tangent-space λ_max · period is below the chaos check's floor, and
# the two whose fields jump (tangent exponents miss the jump's saltation matrix).
CONFIRM = (
    "bickley_jet-v2",
    "ca_two_plus_quasiperiodic-v1",
    "dequan_li-v1",
    "henon_heiles-v1",
    "kawczynski_strizhak-v1",
    "nose_hoover-v1",
    "sprott_a-v1",
    "sprott_more-v1",
    "stick_slip_oscillator-v2",
)
SYSTEMS = ("lorenz63-v1", "rossler-v1", *CONFIRM)
SETTINGS = IntegratorSettings(solver="dopri8", rtol=1e-10, atol=1e-10)
# Fields with a jump that the solver crosses often: tolerance and d0 of their own (at
# d0 = 1e-8 and rtol 1e-8 the stick-slip oscillator read +0.19; at d0 = 1e-6, −0.044).
OVERRIDES = {
    "stick_slip_oscillator-v2": {"rtol": 1e-8, "atol": 1e-8, "d0": 1e-6},
}
TRANSIENT_SEGMENTS = 20


def clock_coordinates(system: cb.AbstractSystem, y: np.ndarray) -> np.ndarray:
    """Coordinates whose velocity is constant (their Jacobian row vanishes at `y`)."""
    jac = jax.jacfwd(lambda s: system.vector_field(0.0, s, None))(jnp.asarray(y))
    return np.all(np.asarray(jac) == 0.0, axis=1)


def period_and_scale(system, facts, y0s, settings):
    """Dominant period (the table's, or from a sampled run when the table has none) and
    the RMS std of the bounded, non-clock coordinates of the raw state."""
    period = facts.get("period")
    probe_dt = (period / 50) if period else system.dt_hint * 20
    traj = np.asarray(sample_batch(system, y0s[:1], 0.0, probe_dt, 2**13, settings))[0]
    if not period:
        observed = np.asarray(system.wrap_phases(jnp.asarray(traj)))
        period = dominant_period(jnp.asarray(observed), probe_dt)
    bounded = np.ones(system.dimension, bool)
    bounded[list(system.phase_indices)] = False
    bounded &= ~clock_coordinates(system, y0s[0])
    scale = float(np.sqrt(np.mean(traj[:, bounded].std(axis=0) ** 2))) if bounded.any() else 1.0
    return float(period), scale


def run(system_id: str, args) -> dict:
    start = time.perf_counter()
    system = cb.get_system(system_id)
    facts = stored_facts(system) or {}  # never computed here (stick-slip's take > 900 s)
    lam_table = facts.get("max_lyapunov")
    override = OVERRIDES.get(system_id, {})
    settings = dataclasses.replace(
        SETTINGS,
        rtol=override.get("rtol", SETTINGS.rtol),
        atol=override.get("atol", SETTINGS.atol),
    )
    d0_relative = override.get("d0", args.d0)
    y0 = np.asarray(system.initial_condition)
    noise = np.random.default_rng(0).standard_normal((args.ics, y0.size))
    clocks = clock_coordinates(system, y0)
    noise[:, clocks] = 0.0
    y0s = jnp.asarray(y0 + 1e-3 * noise)
    period_guess = facts.get("period") or 10 * system.dt_hint * 100
    y0s = advance_batch(system, y0s, 0.0, args.burn_periods * period_guess, settings)
    period, scale = period_and_scale(system, facts, np.asarray(y0s), settings)
    t_lyap = 1 / lam_table if lam_table and lam_table > 0 else math.inf
    t_segment = min(t_lyap, period)
    total = min(args.lyapunov_times * t_lyap, args.max_periods * period)
    n = max(4, round(total / t_segment))
    weights = jnp.asarray((~clocks).astype(float))
    result = system_lyapunov_batch(
        system,
        y0s,
        t_segment=t_segment,
        n_segments=n,
        transient_segments=TRANSIENT_SEGMENTS,
        d0=d0_relative * scale,
        settings=settings,
        weights=weights,
    )
    logs = np.asarray(result.log_growth)[:, TRANSIENT_SEGMENTS:]
    lam = np.asarray(result.exponent)

    def partial(frac):
        k = max(1, int(n * frac))
        return logs[:, :k].sum(axis=1) / (k * t_segment)

    return {
        "system": system_id,
        "key": system_key(system, FactsSettings()),
        "d0_relative": d0_relative,
        "d0": d0_relative * scale,
        "settings": settings,
        "lambda_quarter_per_ic": partial(0.25).tolist(),
        "lambda_2traj": float(np.mean(lam)),
        "spread": float(np.std(lam)),
        "per_ic": lam.tolist(),
        "lambda_quarter": float(np.mean(partial(0.25))),
        "lambda_half": float(np.mean(partial(0.5))),
        "per_ic_half": partial(0.5).tolist(),
        "lambda_period": float(np.mean(lam)) * period,
        "lambda_table": lam_table,
        "lambda_table_period": (lam_table or math.nan) * period,
        "period": period,
        "t_segment": t_segment,
        "time": n * t_segment,
        "periods": n * t_segment / period,
        "max_log_growth": float(logs.max()),
        "seconds": time.perf_counter() - start,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", nargs="+", default=None)
    parser.add_argument("--ics", type=int, default=3, help="starts per system")
    parser.add_argument("--lyapunov-times", type=float, default=300.0)
    parser.add_argument("--max-periods", type=float, default=2000.0)
    parser.add_argument("--burn-periods", type=float, default=100.0)
    parser.add_argument("--d0", type=float, default=1e-8, help="separation / attractor std")
    parser.add_argument(
        "--record",
        action="store_true",
        help="write each estimate into chaosbench/data/two_trajectory.json (the chaos "
        "check's confirmation table); default systems: those below its floor",
    )
    args = parser.parse_args()
    if args.systems is None:
        args.systems = list(CONFIRM if args.record else SYSTEMS)
    enable_compilation_cache()
    commit = git_commit()
    print(
        "| system | λ 2-traj (mean ± std over starts) | λ after T/4, T/2 | λ·period (2-traj) "
        "| table λ_max | table λ·period | averaged over | max log(d/d0) | wall s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for system_id in args.systems:
        r = run(system_id, args)
        table = "none" if r["lambda_table"] is None else f"{r['lambda_table']:.4g}"
        print(
            f"| {r['system']} | {r['lambda_2traj']:.4g} ± {r['spread']:.2g} "
            f"| {r['lambda_quarter']:.3g}, {r['lambda_half']:.3g} | {r['lambda_period']:.4g} "
            f"| {table} "
            f"| {r['lambda_table_period']:.4g} "
            f"| {r['periods']:.0f} periods = {r['time']:.4g} t.u. "
            f"| {r['max_log_growth']:.2f} | {r['seconds']:.0f} |",
            flush=True,
        )
        per_start = ", ".join(
            f"{full:.4g} (T/2: {half:.4g})" for full, half in zip(r["per_ic"], r["per_ic_half"])
        )
        print(f"<!-- {r['system']} per start: {per_start} -->", flush=True)
        if args.record:
            record_confirmations({system_id: confirmation(r, args, commit)})


def confirmation(r: dict, args, commit: str) -> dict:
    """One record of the confirmation table (see :mod:`chaosbench.catalogue._confirmation`)."""
    settings = r["settings"]
    record = {
        "key": r["key"],
        "lambda": r["lambda_2traj"],
        "lambda_per_start": r["per_ic"],
        "lambda_std": r["spread"],
        "lambda_half": r["lambda_half"],
        "lambda_half_per_start": r["per_ic_half"],
        "lambda_quarter": r["lambda_quarter"],
        "lambda_quarter_per_start": r["lambda_quarter_per_ic"],
        "lambda_period": r["lambda_period"],
        "period": r["period"],
        "periods": r["periods"],
        "time": r["time"],
        "t_segment": r["t_segment"],
        "transient_segments": TRANSIENT_SEGMENTS,
        "starts": len(r["per_ic"]),
        "burn_periods": args.burn_periods,
        "d0_relative_to_std": r["d0_relative"],
        "d0": r["d0"],
        "solver": settings.solver,
        "rtol": settings.rtol,
        "atol": settings.atol,
        "table_max_lyapunov": r["lambda_table"],
        "max_log_growth": r["max_log_growth"],
        "seconds": r["seconds"],
        "commit": commit,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": "benchmarks/two_trajectory_systems.py --record "
        f"--max-periods {args.max_periods:g} --lyapunov-times {args.lyapunov_times:g} "
        f"--ics {args.ics} --burn-periods {args.burn_periods:g} --d0 {args.d0:g}",
    }
    if r["periods"] < 2000:
        record["note"] = (
            f"averaged over {r['periods']:.0f} periods only (fewer than the 2000 a "
            "confirmation of chaos needs): it can only fail the check"
        )
    return record


if __name__ == "__main__":
    cb.configure()  # threads and x64, as the CLI does (importing chaosbench sets neither)
    main()
