"""The two-trajectory confirmation of a system: what ``chaosbench confirm`` computes.

For a system: ``ics`` starts (the default initial condition plus 1e-3 noise, burnt in for
``burn_periods`` dominant periods), each integrated as a pair of nearby states with
diffrax (dopri8, one adaptive solve for both, see
:func:`chaosbench.numerics._system_two_trajectory.system_lyapunov_batch`), renormalised
every ``min(t_λ, period)`` and averaged over ``min(lyapunov_times · t_λ, max_periods ·
period)`` after a transient of ``TRANSIENT_SEGMENTS`` segments. Clock coordinates (a
component whose velocity is constant, e.g. a forcing phase θ̇ = w) are left out of the
perturbation and the norm: they are neutral (exponent 0) and their large values would turn
rounding into spurious separation.

The result (:func:`confirm`) holds the estimate (mean over starts) and its spread, the
cumulative estimate after the first quarter and half of the run (a regular or
quasi-periodic orbit separates linearly, so its λ̂ decays like log T / T; a chaotic one is
flat), λ̂ · period, the facts' λ_max and the wall time. :func:`confirmation` turns it into
a record of the confirmation table (:mod:`chaosbench.catalogue._confirmation`), with
everything that decides it (starts, averaging length, d0, solver and tolerances, commit
and date), under the system's facts key. The facts are read, never computed here
(stick-slip's tangent facts time out or turn non-finite): without them, or where they are
not finite, the period comes from a sampled run and the averaging length from
``max_periods`` alone.

A field with jumps gets the looser settings of ``OVERRIDES`` (each crossing of the jump
injects an error of the tolerance's size, so d0 must stay far above it); a plug-in's such
system passes its own ``rtol``, ``atol`` and ``d0`` (``chaosbench confirm --rtol ...``).
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import time
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..base._precision import float64
from ..base._system import AbstractSystem
from ..numerics._integrate import IntegratorSettings, advance_batch, sample_batch
from ..numerics._lyapunov import dominant_period
from ..numerics._system_two_trajectory import system_lyapunov_batch
from ._confirmation import MIN_PERIODS
from ._facts import FactsSettings, stored_facts, system_key

SOLVER = IntegratorSettings(solver="dopri8", rtol=1e-10, atol=1e-10)
# Fields with a jump that the solver crosses often: tolerance and d0 of their own (at
# d0 = 1e-8 and rtol 1e-8 the stick-slip oscillator read +0.19; at d0 = 1e-6, −0.044).
OVERRIDES: dict[str, dict[str, float]] = {
    "stick_slip_oscillator-v2": {"rtol": 1e-8, "atol": 1e-8, "d0": 1e-6},
}
TRANSIENT_SEGMENTS = 20


@dataclasses.dataclass(frozen=True)
class ConfirmSettings:
    """How a confirmation is computed (the defaults make a record that can confirm chaos).

    **Arguments:**

    - `ics`: starts per system.
    - `lyapunov_times`, `max_periods`: the averaging length is the shorter of these many
      Lyapunov times (of the facts' λ_max) and dominant periods.
    - `burn_periods`: burn-in of the starts, in dominant periods.
    - `d0`: the initial separation, relative to the attractor's RMS std.
    - `rtol`, `atol`: the solver's tolerances.

    ``d0``, ``rtol`` and ``atol`` left at ``None`` take ``OVERRIDES`` for the system, else
    1e-8 and :data:`SOLVER`'s.
    """

    ics: int = 3
    lyapunov_times: float = 300.0
    max_periods: float = 2000.0
    burn_periods: float = 100.0
    d0: float | None = None
    rtol: float | None = None
    atol: float | None = None

    def command(self) -> str:
        """The ``chaosbench confirm`` options that give these settings."""
        options = (
            f"--max-periods {self.max_periods:g} --lyapunov-times {self.lyapunov_times:g} "
            f"--ics {self.ics} --burn-periods {self.burn_periods:g}"
        )
        for name in ("d0", "rtol", "atol"):
            if getattr(self, name) is not None:
                options += f" --{name} {getattr(self, name):g}"
        return f"chaosbench confirm --record {options}"


def clock_coordinates(system: AbstractSystem, y: np.ndarray) -> np.ndarray:
    """Coordinates whose velocity is constant (their Jacobian row vanishes at `y`)."""
    jac = jax.jacfwd(lambda s: system.vector_field(0.0, s, None))(jnp.asarray(y))
    return np.all(np.asarray(jac) == 0.0, axis=1)


def _usable(facts: dict) -> dict:
    """The facts' period and λ_max where they are finite (a system whose tangent facts
    became non-finite keeps a failed entry: its period is ``inf``)."""
    return {
        name: facts[name]
        for name in ("period", "max_lyapunov")
        if isinstance(facts.get(name), float | int) and math.isfinite(facts[name])
    }


def _period_and_scale(system, facts, y0s, settings) -> tuple[float, float]:
    """Dominant period (the facts', or from a sampled run when there are none) and the RMS
    std of the bounded, non-clock coordinates of the raw state."""
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


@float64
def confirm(system: AbstractSystem, settings: ConfirmSettings = ConfirmSettings()) -> dict:
    """The two-trajectory λ_max of ``system`` (see the module's docstring).

    **Arguments:**

    - `system`: the system (its facts, if stored, set the period and Lyapunov time).
    - `settings`: starts, averaging length, burn-in, d0 and tolerances.

    **Returns:**

    A dict: ``lambda_2traj`` (mean over starts), ``spread``, ``per_ic``, the estimates
    after a quarter and half of the run (``lambda_quarter``, ``lambda_half`` and per
    start), ``lambda_period``, the facts' ``lambda_table``, ``period``, ``t_segment``,
    ``time`` and ``periods`` averaged over, ``max_log_growth``, ``d0``, the solver
    ``settings``, the facts ``key`` and the wall ``seconds``.
    """
    start = time.perf_counter()
    facts = _usable(stored_facts(system) or {})
    lam_table = facts.get("max_lyapunov")
    override = OVERRIDES.get(system.id, {})

    def pick(name: str, default: float) -> float:
        given = getattr(settings, name)
        return given if given is not None else override.get(name, default)

    solver = dataclasses.replace(
        SOLVER, rtol=pick("rtol", SOLVER.rtol), atol=pick("atol", SOLVER.atol)
    )
    d0_relative = pick("d0", 1e-8)
    y0 = np.asarray(system.initial_condition)
    noise = np.random.default_rng(0).standard_normal((settings.ics, y0.size))
    clocks = clock_coordinates(system, y0)
    noise[:, clocks] = 0.0
    y0s = jnp.asarray(y0 + 1e-3 * noise)
    period_guess = facts.get("period") or 10 * system.dt_hint * 100
    y0s = advance_batch(system, y0s, 0.0, settings.burn_periods * period_guess, solver)
    period, scale = _period_and_scale(system, facts, np.asarray(y0s), solver)
    t_lyap = 1 / lam_table if lam_table and lam_table > 0 else math.inf
    t_segment = min(t_lyap, period)
    total = min(settings.lyapunov_times * t_lyap, settings.max_periods * period)
    n = max(4, round(total / t_segment))
    result = system_lyapunov_batch(
        system,
        y0s,
        t_segment=t_segment,
        n_segments=n,
        transient_segments=TRANSIENT_SEGMENTS,
        d0=d0_relative * scale,
        settings=solver,
        weights=jnp.asarray((~clocks).astype(float)),
    )
    logs = np.asarray(result.log_growth)[:, TRANSIENT_SEGMENTS:]
    lam = np.asarray(result.exponent)

    def partial(frac: float) -> np.ndarray:
        k = max(1, int(n * frac))
        return logs[:, :k].sum(axis=1) / (k * t_segment)

    return {
        "system": system.id,
        "key": system_key(system, FactsSettings()),
        "d0_relative": d0_relative,
        "d0": d0_relative * scale,
        "settings": solver,
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


def confirmation(r: dict, settings: ConfirmSettings, commit: str) -> dict[str, Any]:
    """One record of the confirmation table from a result ``r`` of :func:`confirm`."""
    solver = r["settings"]
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
        "burn_periods": settings.burn_periods,
        "d0_relative_to_std": r["d0_relative"],
        "d0": r["d0"],
        "solver": solver.solver,
        "rtol": solver.rtol,
        "atol": solver.atol,
        "table_max_lyapunov": r["lambda_table"],
        "max_log_growth": r["max_log_growth"],
        "seconds": r["seconds"],
        "commit": commit,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": f"{settings.command()} {r['system']}",
    }
    if r["periods"] < MIN_PERIODS:
        record["note"] = (
            f"averaged over {r['periods']:.0f} periods only (fewer than the "
            f"{MIN_PERIODS:g} a confirmation of chaos needs): it can only fail the check"
        )
    return record


def table_row(r: dict) -> str:
    """One Markdown row of ``chaosbench confirm``'s table (see :data:`TABLE_HEADER`)."""
    table = "none" if r["lambda_table"] is None else f"{r['lambda_table']:.4g}"
    return (
        f"| {r['system']} | {r['lambda_2traj']:.4g} ± {r['spread']:.2g} "
        f"| {r['lambda_quarter']:.3g}, {r['lambda_half']:.3g} | {r['lambda_period']:.4g} "
        f"| {table} | {r['lambda_table_period']:.4g} "
        f"| {r['periods']:.0f} periods = {r['time']:.4g} t.u. "
        f"| {r['max_log_growth']:.2f} | {r['seconds']:.0f} |"
    )


TABLE_HEADER = (
    "| system | λ 2-traj (mean ± std over starts) | λ after T/4, T/2 | λ·period (2-traj) "
    "| facts' λ_max | facts' λ·period | averaged over | max log(d/d0) | wall s |\n"
    "|---|---|---|---|---|---|---|---|---|"
)
