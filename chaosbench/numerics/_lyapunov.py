"""Lyapunov spectra and dominant periods, computed in JAX.

The spectrum follows the standard algorithm of Benettin et al. (1980) and Shimada &
Nagashima (1979): integrate the tangent dynamics dQ/dt = J(t, y) Q alongside the flow,
re-orthonormalise Q by a QR decomposition every ``t_renorm`` time units, and average
log|diag R| over the run. The sum of the exponents is the mean of tr J exactly up to
integration error, which makes a sharp test.

A stepped system (:class:`~chaosbench.AbstractSteppedSystem`: delay equations, PDEs) has
an internal state much larger than what is observed. Its leading ``k = min(dim, 8)``
exponents come from the discrete-time version of the same method: push ``k`` tangent
vectors of the internal state through the linearised step map (``jax.linearize``),
re-orthonormalise by QR every ``t_renorm``, and divide the accumulated log|diag R| by
the elapsed time, so that the exponents are per unit time like the ODE ones.

**References:**

- G. Benettin, L. Galgani, A. Giorgilli, J.-M. Strelcyn. Lyapunov characteristic
  exponents for smooth dynamical systems and for Hamiltonian systems. Meccanica 15 (1980).
- I. Shimada, T. Nagashima. A numerical approach to ergodic problem of dissipative
  dynamical systems. Prog. Theor. Phys. 61 (1979).
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp

from ..base._stepped import AbstractSteppedSystem, substeps
from ..base._system import AbstractSystem
from ..base._types import Array, State
from ._integrate import IntegratorSettings, advance


class _Tangent(AbstractSystem):
    """The flow augmented with its tangent dynamics, as one flat ODE state."""

    system: AbstractSystem
    dim: int = eqx.field(static=True)
    default_initial_condition = ()
    citation = "internal: tangent dynamics of another system"

    @property
    def dt_hint(self):  # type: ignore[override]
        return self.system.dt_hint

    def vector_field(self, t, state, args):
        y, q = state[: self.dim], state[self.dim :].reshape(self.dim, self.dim)
        f = lambda x: self.system.vector_field(t, x, args)
        dy, dq = jax.vmap(lambda v: jax.jvp(f, (y,), (v,)), in_axes=1, out_axes=(None, 1))(q)
        return jnp.concatenate([dy, dq.reshape(-1)])


def lyapunov_spectrum(
    system: AbstractSystem,
    y0: State,
    *,
    t_renorm: float,
    n_renorm: int,
    settings: IntegratorSettings,
    t0: float = 0.0,
) -> Array:
    """The Lyapunov spectrum (descending) from one on-attractor initial condition.

    **Arguments:**

    - `system`: the system.
    - `y0`: a state on the attractor (burn it in first).
    - `t_renorm`: time between QR re-orthonormalisations.
    - `n_renorm`: number of re-orthonormalisations; the averaging time is their product.
    - `settings`: integrator tolerances for the augmented system.

    **Returns:** the exponents, shape `(dim,)`, sorted descending; for a stepped system
    the leading `min(dim, MAX_STEPPED_EXPONENTS)` of them (`settings` is then unused).
    """
    if isinstance(system, AbstractSteppedSystem):
        return _stepped_spectrum(system, y0, t_renorm=t_renorm, n_renorm=n_renorm, t0=t0)
    dim = y0.shape[0]
    tangent = _Tangent(system, dim)

    def step(carry, _):
        y, q, t, acc = carry
        state = advance(
            tangent,
            jnp.concatenate([y, q.reshape(-1)]),
            t,
            jnp.asarray(t_renorm, y.dtype),
            settings,
        )
        y_new = state[:dim]
        q_new, r = jnp.linalg.qr(state[dim:].reshape(dim, dim))
        return (y_new, q_new, t + t_renorm, acc + jnp.log(jnp.abs(jnp.diag(r)))), None

    init = (y0, jnp.eye(dim, dtype=y0.dtype), jnp.asarray(t0, y0.dtype), jnp.zeros(dim, y0.dtype))
    (_, _, _, acc), _ = jax.lax.scan(step, init, None, length=n_renorm)
    return jnp.sort(acc / (t_renorm * n_renorm))[::-1]


MAX_STEPPED_EXPONENTS = 8


def n_exponents(system: AbstractSystem, dim: int) -> int:
    """How many exponents :func:`lyapunov_spectrum` returns for ``system``."""
    if isinstance(system, AbstractSteppedSystem):
        return min(dim, MAX_STEPPED_EXPONENTS)
    return dim


def _stepped_spectrum(
    system: AbstractSteppedSystem, y0: State, *, t_renorm, n_renorm: int, t0=0.0
) -> Array:
    """Leading exponents of a stepped system by QR on its internal state (module doc)."""
    t_renorm = jnp.asarray(t_renorm, y0.dtype)
    n_sub, h = substeps(system, t_renorm)
    state0 = system.init_state(y0, h)
    k = n_exponents(system, y0.shape[0])
    # A generic (seeded, fixed) orthonormal frame: identity columns could start inside
    # an invariant subspace of a symmetric state.
    frame = jax.random.normal(jax.random.PRNGKey(0), (state0.shape[0], k), dtype=y0.dtype)
    q0, _ = jnp.linalg.qr(frame)

    def one_step(i, carry):
        state, q, t = carry
        state_new, tangent = jax.linearize(lambda s: system.step(t, s, h), state)
        return state_new, jax.vmap(tangent, in_axes=1, out_axes=1)(q), t + h

    def renorm(carry, _):
        state, q, t, acc = carry
        state, q, t = jax.lax.fori_loop(0, n_sub, one_step, (state, q, t))
        q, r = jnp.linalg.qr(q)
        return (state, q, t, acc + jnp.log(jnp.abs(jnp.diag(r)))), None

    init = (state0, q0, jnp.asarray(t0, y0.dtype), jnp.zeros(k, y0.dtype))
    (_, _, _, acc), _ = jax.lax.scan(renorm, init, None, length=n_renorm)
    return jnp.sort(acc / (t_renorm * n_renorm))[::-1]  # t_renorm = n_sub * h exactly


@eqx.filter_jit
def _spectrum_batch(system, y0s, t_renorm, n_renorm, settings):
    return jax.vmap(
        lambda y: lyapunov_spectrum(
            system, y, t_renorm=t_renorm, n_renorm=n_renorm, settings=settings
        )
    )(y0s)


def lyapunov_spectrum_batch(
    system: AbstractSystem, y0s: Array, t_renorm: float, n_renorm: int, settings: IntegratorSettings
) -> Array:
    """Spectra from a batch of on-attractor states ``(batch, dim)``: ``(batch, dim)``
    (``(batch, k)`` for a stepped system, see :func:`n_exponents`).

    One compiled program; ``t_renorm`` is traced so new values reuse it.
    """
    return _spectrum_batch(
        system,
        jnp.asarray(y0s, jnp.float64),
        jnp.asarray(t_renorm, jnp.float64),
        int(n_renorm),
        settings,
    )


MIN_CYCLES = 8  # a dominant period must fit this often into the analysed window


def dominant_period(trajectory: Array, dt: float, min_cycles: int = MIN_CYCLES) -> float:
    """The period of the strongest frequency of a uniformly sampled trajectory that
    completes at least ``min_cycles`` cycles in it.

    Each dimension's power spectrum (mean removed, Hann window) is normalised to unit
    sum; the spectra are summed over dimensions and the peak frequency is taken among
    those with ``min_cycles`` or more cycles in the window: slower power (lobe switching,
    slow drifts) is a trend the window cannot resolve as a period, and taking it would
    sample the system far too coarsely.

    Given several stretches ``(stretches, time, dim)``, their spectra are averaged
    (Welch's method) before the peak is taken. A single periodogram's bins scatter by
    their own size (a χ² variable of 2 degrees of freedom), so on a broadband attractor
    its peak jumps between comparable bumps: ``excitable_cell``'s four stretches gave
    5.4, 1.08, 1.08 and 1.08 (facts v2 kept the 5.2 of its one stretch), and
    ``san_um_srisuchinwong``'s 8–35; their average gives 1.08 and 25–27 from two
    independent starts. (Smoothing the averaged spectrum steadies broadband peaks
    further but lets a broad bump outweigh a sharp line: it moved ``beer_rnn``'s 33 to 175.)

    **Arguments:**

    - `trajectory`: `(time, dim)` samples, or `(stretches, time, dim)`.
    - `dt`: sampling interval.
    - `min_cycles`: fewest cycles in the window for a frequency to count.

    **References:**

    P. D. Welch. The use of fast Fourier transform for the estimation of power spectra.
    IEEE Trans. Audio Electroacoustics 15 (1967) 70–73.
    """
    x = jnp.asarray(trajectory)
    x = x[None] if x.ndim == 2 else x
    x = x - x.mean(axis=1, keepdims=True)
    window = jnp.hanning(x.shape[1])[None, :, None]
    power = jnp.abs(jnp.fft.rfft(x * window, axis=1)) ** 2
    power = power / jnp.maximum(power.sum(axis=1, keepdims=True), 1e-300)
    total = power.sum(axis=2).mean(axis=0).at[:min_cycles].set(0.0)  # bin k: k cycles
    freqs = jnp.fft.rfftfreq(x.shape[1], d=dt)
    return float(1.0 / freqs[jnp.argmax(total)])
