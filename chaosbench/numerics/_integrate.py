"""Float64 integration of systems: one compiled program per batch.

ODE systems are integrated with diffrax; an :class:`~chaosbench.AbstractSteppedSystem`
(delay equations, Kuramoto–Sivashinsky) is advanced by its own fixed-step map instead
(see :mod:`chaosbench.base._stepped`). The dispatch is on the type, so it happens at trace
time and the two paths compile to separate programs.
"""

from __future__ import annotations

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp

from ..base._stepped import AbstractSteppedSystem, advance_stepped, sample_stepped
from ..base._system import AbstractSystem
from ..base._types import Array, State, Trajectories, Trajectory

_SOLVERS = {
    "tsit5": diffrax.Tsit5,
    "dopri5": diffrax.Dopri5,
    "dopri8": diffrax.Dopri8,
    "kvaerno5": diffrax.Kvaerno5,
}


class IntegratorSettings(eqx.Module):
    """How trajectories are integrated; part of every dataset spec.

    **Arguments:**

    - `solver`: a diffrax solver name (`tsit5`, `dopri5`, `dopri8`, `kvaerno5`).
    - `rtol`, `atol`: adaptive step-size tolerances (PID controller).
    - `max_steps`: the solver's step budget for one solve.
    """

    solver: str = eqx.field(default="dopri8", static=True)
    rtol: float = eqx.field(default=1e-10, static=True)
    atol: float = eqx.field(default=1e-10, static=True)
    max_steps: int = eqx.field(default=2_000_000, static=True)

    def __check_init__(self):
        if self.solver not in _SOLVERS:
            raise ValueError(
                f"unknown solver {self.solver!r}; choose one of {', '.join(sorted(_SOLVERS))}"
            )
        if not (self.rtol > 0 and self.atol > 0):
            raise ValueError("rtol and atol must be positive")

    def as_dict(self) -> dict:
        return {
            "solver": self.solver,
            "rtol": self.rtol,
            "atol": self.atol,
            "max_steps": self.max_steps,
        }


def _solve(system: AbstractSystem, y0: State, t0, t1, saveat, settings: IntegratorSettings):
    solver = _SOLVERS[settings.solver]()
    return diffrax.diffeqsolve(
        diffrax.ODETerm(system.vector_field),
        solver,
        t0=t0,
        t1=t1,
        dt0=jnp.asarray(system.dt_hint, dtype=y0.dtype) * jnp.sign(t1 - t0),
        y0=y0,
        saveat=saveat,
        stepsize_controller=diffrax.PIDController(rtol=settings.rtol, atol=settings.atol),
        max_steps=settings.max_steps,
        throw=False,
    )


def _finite_or_nan(sol, ys):
    ok = sol.result == diffrax.RESULTS.successful
    return jnp.where(ok, ys, jnp.nan)


def advance(
    system: AbstractSystem, y0: State, t0: Array, duration: Array, settings: IntegratorSettings
) -> State:
    """The state reached from ``y0`` at ``t0`` after ``duration`` (NaN if the solve fails).

    A stepped system ignores ``settings`` (its accuracy is set by its ``step_size``).
    """
    if isinstance(system, AbstractSteppedSystem):
        return advance_stepped(system, y0, t0, duration)
    sol = _solve(system, y0, t0, t0 + duration, diffrax.SaveAt(t1=True), settings)
    return _finite_or_nan(sol, sol.ys[-1])


def sample(
    system: AbstractSystem, y0: State, t0: Array, dt: Array, n: int, settings: IntegratorSettings
) -> Trajectory:
    """``n`` states at times ``t0, t0 + dt, …`` starting from ``y0`` (first row is ``y0``).

    A stepped system ignores ``settings``; see :func:`chaosbench.base._stepped.sample_stepped`.
    """
    if isinstance(system, AbstractSteppedSystem):
        return sample_stepped(system, y0, t0, dt, n)
    ts = t0 + dt * jnp.arange(n, dtype=y0.dtype)
    sol = _solve(system, y0, ts[0], ts[-1], diffrax.SaveAt(ts=ts), settings)
    return _finite_or_nan(sol, sol.ys)


def burn_in_and_sample(
    system: AbstractSystem,
    y0: State,
    t0: Array,
    burn_in: Array,
    dt: Array,
    n: int,
    settings: IntegratorSettings,
) -> Trajectory:
    """``n`` states at times ``t0 + burn_in + k dt`` from ``y0`` at ``t0``.

    For an ODE the burn-in and the sampled stretch are one adaptive solve that saves only
    at the sampling times: one compiled program instead of :func:`advance` then
    :func:`sample` (≈ 45 % less compile time: 2.1 s instead of 3.7–4.2 s for Lorenz-63
    on 2 cores). A stepped system runs its burn-in and then samples.
    """
    if isinstance(system, AbstractSteppedSystem):
        y = advance_stepped(system, y0, t0, burn_in)
        return sample_stepped(system, y, t0 + burn_in, dt, n)
    ts = t0 + burn_in + dt * jnp.arange(n, dtype=y0.dtype)
    sol = _solve(system, y0, t0, ts[-1], diffrax.SaveAt(ts=ts), settings)
    return _finite_or_nan(sol, sol.ys)


_advance_batch = eqx.filter_jit(jax.vmap(advance, in_axes=(None, 0, None, None, None)))
_sample_batch = eqx.filter_jit(jax.vmap(sample, in_axes=(None, 0, None, None, None, None)))


def _f64(x) -> Array:
    return jnp.asarray(x, dtype=jnp.float64)


def advance_batch(
    system: AbstractSystem, y0s: Trajectory, t0, duration, settings: IntegratorSettings
) -> Trajectory:
    """:func:`advance` for a batch of initial conditions ``(batch, dim)``, one program.

    Times are passed as arrays so that new values reuse the compiled program.
    """
    return _advance_batch(system, _f64(y0s), _f64(t0), _f64(duration), settings)


_burn_in_and_sample_batch = eqx.filter_jit(
    jax.vmap(burn_in_and_sample, in_axes=(None, 0, None, None, None, None, None))
)


def burn_in_and_sample_batch(
    system: AbstractSystem,
    y0s: Trajectory,
    t0,
    burn_in,
    dt,
    n: int,
    settings: IntegratorSettings,
) -> Trajectories:
    """:func:`burn_in_and_sample` for a batch of initial conditions, one program."""
    return _burn_in_and_sample_batch(
        system, _f64(y0s), _f64(t0), _f64(burn_in), _f64(dt), int(n), settings
    )


def sample_batch(
    system: AbstractSystem, y0s: Trajectory, t0, dt, n: int, settings: IntegratorSettings
) -> Trajectories:
    """:func:`sample` for a batch of initial conditions: ``(batch, n, dim)``, one program."""
    return _sample_batch(system, _f64(y0s), _f64(t0), _f64(dt), int(n), settings)


def _reference_orbit(system: AbstractSystem, y0: State, legs: Array, settings) -> Trajectory:
    def leg(carry, duration):
        y, t = carry
        y = jax.lax.cond(  # a failed leg is not continued (a NaN start would crawl)
            jnp.all(jnp.isfinite(y)),
            lambda y: advance(system, y, t, duration, settings),
            lambda y: jnp.full_like(y, jnp.nan),
            y,
        )
        return (y, t + duration), y

    _, ys = jax.lax.scan(leg, (y0, jnp.zeros((), y0.dtype)), legs)
    return ys


_reference_orbit_jit = eqx.filter_jit(_reference_orbit)


def reference_orbit_starts(
    system: AbstractSystem, y0: State, legs, settings: IntegratorSettings
) -> Trajectory:
    """The states of one orbit from ``y0`` at time 0 at the times ``cumsum(legs)``:
    ``(len(legs), dim)``, one compiled program (a ``lax.scan`` of :func:`advance`, so the
    step budget ``settings.max_steps`` applies to each leg and a stepped system uses its
    own scheme). A failed leg makes its state and every later one NaN."""
    return _reference_orbit_jit(system, _f64(y0), _f64(legs), settings)


_sample_batch_from = eqx.filter_jit(jax.vmap(sample, in_axes=(None, 0, 0, None, None, None)))


def sample_batch_from(
    system: AbstractSystem, y0s: Trajectory, t0s, dt, n: int, settings: IntegratorSettings
) -> Trajectories:
    """:func:`sample` for a batch of states ``(batch, dim)``, each from its own time
    ``t0s[i]`` (the clock of a non-autonomous system carries on): ``(batch, n, dim)``,
    one program."""
    return _sample_batch_from(system, _f64(y0s), _f64(t0s), _f64(dt), int(n), settings)
