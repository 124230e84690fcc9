"""Systems advanced by a fixed-step map over an internal state.

Some systems do not fit the diffrax ODE path: a delay-differential equation needs its
history, and a stiff PDE such as Kuramoto–Sivashinsky wants an exponential integrator.
Both are written as a map ``state -> step(t, state, h)`` of a fixed step ``h`` over an
internal state (a history buffer; a grid of values), with an observation ``observe``
that returns the vector the benchmark sees. :func:`chaosbench.numerics._integrate.advance` and
``sample`` dispatch on :class:`AbstractSteppedSystem`, so datasets, facts, validation
and the runner work for these systems unchanged.

**Steps and sampling.** An interval ``T`` (a sampling interval or a burn-in duration) is
split into ``n = round(T / step_size)`` steps (at least one when ``T > 0``) of size
``h = T / n``: the step actually used is within a factor 1.5 of ``step_size`` once
``T >= step_size``, and the sampled times are exactly ``t0 + i * dt``. The integrator
tolerances of :class:`~chaosbench.IntegratorSettings` do not apply to these systems:
their accuracy is set by ``step_size``.
"""

from __future__ import annotations

import abc
from typing import Any, ClassVar

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Float

from ._system import AbstractSystem
from ._types import Array, State, Trajectory

InternalState = Float[Array, " state"]


class AbstractSteppedSystem(AbstractSystem):
    """A system advanced by a fixed-step map over an internal state.

    Subclasses implement:

    - `init_state(y0, h)`: the internal state (a flat float vector of a fixed size) that
      starts from the observed vector `y0` (shape `(dim,)`) and will be advanced in
      steps of `h`.
    - `step(t, state, h)`: one step of size `h` from time `t`.
    - `observe(state, h)`: the observed vector, shape `(dim,)`.

    `h` is passed to all three because a delay system lays its history on the step grid.
    `step_size` (a `ClassVar` or a property) is the nominal step; it doubles as
    `dt_hint`. The state must be a flat vector so that the Lyapunov spectrum can be
    computed by tangent maps of `step` (see :mod:`chaosbench.numerics._lyapunov`).

    `vector_field` is *not* an ODE here: it is the one-step difference quotient
    `(observe(step(init_state(y))) - y) / h`, kept so that the cheap well-formedness
    check of :func:`chaosbench.catalogue._validate.validate_system` exercises the step map. The
    integrators never call it.
    """

    step_size: ClassVar[float]
    max_lyapunov_steps: ClassVar[int] = 20_000  # caps the facts' averaging time per IC

    @property
    def dt_hint(self) -> float:  # type: ignore[override]
        return float(self.step_size)

    @abc.abstractmethod
    def init_state(self, y0: State, h: Array) -> InternalState:
        """The internal state starting from the observed vector ``y0``."""

    @abc.abstractmethod
    def step(self, t: Array, state: InternalState, h: Array) -> InternalState:
        """One step of size ``h`` from time ``t``."""

    @abc.abstractmethod
    def observe(self, state: InternalState, h: Array) -> State:
        """The observed vector of ``state``, shape ``(dim,)``."""

    def vector_field(self, t: Array, y: State, args: Any) -> State:
        del args
        return _difference_quotient(self, t, y)


@eqx.filter_jit
def _difference_quotient(system: AbstractSteppedSystem, t: Array, y: State) -> State:
    # Jitted: executed eagerly, a step of a large state is hundreds of small dispatches.
    h = jnp.asarray(system.step_size, dtype=jnp.result_type(y, float))
    state = system.init_state(y, h)
    return (system.observe(system.step(t, state, h), h) - y) / h


def substeps(system: AbstractSteppedSystem, interval: Array) -> tuple[Array, Array]:
    """``(n, h)``: ``interval`` split into ``n = round(interval / step_size)`` steps of ``h``.

    At least one step when ``interval > 0``; for ``interval == 0``, ``n = 0`` and ``h``
    is the nominal step (so that ``init_state``/``observe`` still see a valid grid).
    """
    h0 = jnp.asarray(system.step_size, dtype=interval.dtype)
    n = jnp.where(interval > 0, jnp.maximum(jnp.round(interval / h0), 1), 0)
    h = jnp.where(n > 0, interval / jnp.maximum(n, 1), h0)
    return n.astype(jnp.int32), h


def run_steps(
    system: AbstractSteppedSystem, state: InternalState, t0: Array, n: Array, h: Array
) -> InternalState:
    """``n`` steps of size ``h`` from time ``t0`` (``n`` may be traced)."""

    def body(i, state):
        return system.step(t0 + i * h, state, h)

    return jax.lax.fori_loop(0, n, body, state)


def advance_stepped(system: AbstractSteppedSystem, y0: State, t0: Array, duration: Array) -> State:
    """The observed vector after ``duration`` from ``y0`` at ``t0``."""
    n, h = substeps(system, jnp.asarray(duration, dtype=y0.dtype))
    state = run_steps(system, system.init_state(y0, h), t0, n, h)
    return system.observe(state, h)


def sample_stepped(
    system: AbstractSteppedSystem, y0: State, t0: Array, dt: Array, n: int
) -> Trajectory:
    """``n`` observations at ``t0, t0 + dt, …``; the first is ``observe(init_state(y0))``.

    That first row is ``y0`` itself where the observation determines the state (the
    Kuramoto–Sivashinsky grid); for a delay system it is ``y0`` up to the interpolation
    of its history.
    """
    n_sub, h = substeps(system, jnp.asarray(dt, dtype=y0.dtype))
    state0 = system.init_state(y0, h)

    def body(carry, _):
        state, t = carry
        state = run_steps(system, state, t, n_sub, h)
        return (state, t + dt), system.observe(state, h)

    _, rest = jax.lax.scan(body, (state0, t0), None, length=n - 1)
    return jnp.concatenate([system.observe(state0, h)[None], rest], axis=0)
