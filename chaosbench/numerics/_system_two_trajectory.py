"""The largest Lyapunov exponent of a system from two nearby trajectories (Benettin).

The algorithm of :mod:`chaosbench.numerics._two_trajectory` driven by the system's own vector field:
both copies integrate as one diffrax ODE (so they share the adaptive steps), with no
tangent dynamics. It serves vector fields with jumps (``sprott_more-v1``,
``stick_slip_oscillator-v2``), where exponents of the linearised flow miss the jump's
saltation matrix, and the confirmation of borderline chaos checks (``chaosbench
confirm``, :mod:`chaosbench.catalogue._confirm`). For a field with jumps, keep ``d0`` at
least 100 × the solver's tolerance: each crossing of the jump injects an error of the
tolerance's size (at d0 = 1e-8 and rtol 1e-8 the stick-slip oscillator read +0.19; at
d0 = 1e-6, −0.044).
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp

from ..base._stepped import AbstractSteppedSystem
from ..base._system import AbstractSystem
from ..base._types import Array, Key, State
from ._integrate import IntegratorSettings, advance
from ._two_trajectory import TwoTrajectoryResult, _check_schedule


class _Pair(AbstractSystem):
    """Two copies of a system as one ODE state, so that both share the solver's steps
    (their integration errors then differ by O(separation · tolerance), not O(tolerance))."""

    system: AbstractSystem
    dim: int = eqx.field(static=True)
    default_initial_condition = ()
    citation = "internal: two copies of another system"

    @property
    def dt_hint(self):  # type: ignore[override]
        return self.system.dt_hint

    def vector_field(self, t, state, args):
        f = lambda y: self.system.vector_field(t, y, args)
        return jax.vmap(f)(state.reshape(2, self.dim)).reshape(-1)


def system_lyapunov(
    system: AbstractSystem,
    y0: State,
    *,
    t_segment: float,
    n_segments: int,
    transient_segments: int,
    d0: float,
    settings: IntegratorSettings = IntegratorSettings(),
    key: Key | None = None,
    weights: Array | None = None,
) -> TwoTrajectoryResult:
    """λ_max of a system from two nearby trajectories integrated with diffrax (no
    tangent dynamics): right where the vector field jumps, where the linearised flow
    misses the saltation at the switching surface. Jittable and vmappable over `y0`.

    The two states are integrated as one ODE (both take the same adaptive steps), the
    separation is the Euclidean distance of the states, renormalised to `d0` every
    `t_segment`.

    **Arguments:**

    - `system`: an ODE system (not a stepped one: use its tangent-space spectrum).
    - `y0`: an on-attractor state `(dim,)`.
    - `t_segment`: time between renormalisations (about one Lyapunov time).
    - `n_segments`, `transient_segments`: averaged and discarded segments.
    - `d0`: the separation in the system's units, e.g. 1e-8 × the attractor's std at
      rtol = atol = 1e-10: keep it ≥ 100 × the tolerance (relative to the state). Where
      the field jumps, each crossing of the switching surface puts an error of order the
      tolerance into each copy: at rtol 1e-8 and d0 = 1e-8 that noise alone made
      `stick_slip_oscillator-v2` read λ = +0.19; at d0 = 1e-6 and 1e-4 it reads −0.04
      and −0.03 (``chaosbench confirm``).
    - `settings`: integrator settings.
    - `key`: direction of the first perturbation (default key 0).
    - `weights`: `(dim,)` weights of the coordinates in the perturbation and the norm
      (default all 1). Give 0 to a clock (a coordinate with constant velocity, such as
      a forcing phase θ̇ = w): it is neutral, and once it is large its rounding (one ulp
      of θ = 1e9 is 1e-7) would read as separation.

    **Returns:** a :class:`TwoTrajectoryResult`; `exponent` per unit time.
    """
    if isinstance(system, AbstractSteppedSystem):
        raise TypeError(
            f"{system.id or type(system).__name__} is a stepped system (its state is not "
            "the observed vector): use lyapunov_spectrum, which linearises its step map"
        )
    _check_schedule(1, n_segments, transient_segments, d0, t_segment)
    m, n = int(transient_segments), int(n_segments)
    dim, dtype = y0.shape[0], y0.dtype
    pair = _Pair(system, dim)
    t_segment = jnp.asarray(t_segment, dtype)
    key = jax.random.PRNGKey(0) if key is None else key
    weights = jnp.ones(dim, dtype) if weights is None else jnp.asarray(weights, dtype)
    direction = jax.random.normal(key, (dim,), dtype=dtype) * weights
    d0 = jnp.asarray(d0, dtype)

    def segment(carry, _):
        t, ref, pert = carry
        state = advance(pair, jnp.concatenate([ref, pert]), t, t_segment, settings)
        ref, pert = state[:dim], state[dim:]
        delta = (pert - ref) * (weights != 0)
        d = jnp.linalg.norm(delta * weights)
        scale = jnp.where(d > 0, d0 / d, 1.0)
        finite = jnp.all(jnp.isfinite(state))
        out = (jnp.log(d / d0), finite, jnp.max(jnp.abs(ref)))
        return (t + t_segment, ref, ref + delta * scale), out

    y1 = y0 + direction * d0 / jnp.linalg.norm(direction * weights)
    init = (jnp.zeros((), dtype), y0, y1)
    _, (logs, finite, max_abs) = jax.lax.scan(segment, init, None, length=m + n)
    exponent = jnp.sum(logs[m:]) / (n * t_segment)
    exponent = jnp.where(jnp.all(finite), exponent, jnp.nan)
    return TwoTrajectoryResult(exponent, logs, jnp.max(max_abs))


def system_lyapunov_batch(
    system: AbstractSystem,
    y0s: Array,
    *,
    t_segment: float,
    n_segments: int,
    transient_segments: int,
    d0: float,
    settings: IntegratorSettings = IntegratorSettings(),
    weights: Array | None = None,
) -> TwoTrajectoryResult:
    """:func:`system_lyapunov` from a batch of on-attractor states `(batch, dim)`, one
    compiled program (results batched along axis 0)."""
    return _system_batch(
        system,
        jnp.asarray(y0s, jnp.float64),
        jnp.asarray(t_segment, jnp.float64),
        int(n_segments),
        int(transient_segments),
        jnp.asarray(d0, jnp.float64),
        settings,
        None if weights is None else jnp.asarray(weights, jnp.float64),
    )


@eqx.filter_jit
def _system_batch(system, y0s, t_segment, n, m, d0, settings, weights):
    return jax.vmap(
        lambda y: system_lyapunov(
            system,
            y,
            t_segment=t_segment,
            n_segments=n,
            transient_segments=m,
            d0=d0,
            settings=settings,
            weights=weights,
        )
    )(y0s)


__all__ = ["system_lyapunov", "system_lyapunov_batch"]
