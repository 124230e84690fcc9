"""The largest Lyapunov exponent from two nearby trajectories (Benettin's method).

Two runs start a tiny distance ``d0`` apart; after every segment of ``K`` steps their
separation ``d`` is measured, ``log(d / d0)`` is accumulated and the second run is pulled
back to distance ``d0`` along the current separation direction. After a transient the
separation points along the most unstable direction and

    λ̂ = Σ log(d_k / d0) / (n_segments · K · dt).

No tangent dynamics are needed, so the same algorithm serves

- a *forecaster*, whose only state we can touch is its context window
  (:func:`forecaster_lyapunov`, built on :func:`two_trajectory_lyapunov`), and
- a *system* whose vector field jumps (a ``sign`` term: ``sprott_more-v1``,
  ``stick_slip_oscillator-v2``), where exponents of the linearised flow miss the jump's
  saltation matrix and come out wrong
  (:func:`chaosbench.numerics._system_two_trajectory.system_lyapunov`).

**The state of a forecaster is its context window.** ``forecast(fitted, context, steps)``
rebuilds whatever hidden state the model has (a reservoir, an RNN, a delay embedding,
attention over the window) from ``context``, so the perturbation and the
renormalisation act on the *whole* window: the next segment's contexts are the last
``L = context.shape[0]`` steps of each run, and the perturbed one is set to
``reference + (perturbed − reference) · d0 / d``. The separation ``d`` is the RMS over
the window of the per-step Euclidean distance,
``d = sqrt(mean_t |x'_t − x_t|²)``: a norm of the whole state the model reads, so it
vanishes only if the two model states coincide. The last state alone is not such a
norm for a model with hidden state: the observed separation can pass close to zero
while the hidden one does not, and the renormalisation would then blow the rest of the
window out of the linear regime. Because every entry of the window is scaled by the same
factor, the renormalised runs follow the linearised dynamics exactly (to first order in
``d0``): the sum of the logs telescopes to ``log(|δW_n| / |δW_0|)`` of one unrenormalised
linear run, the textbook estimate, with a boundary term of order ``1 / (λ T)``.

**Exact values the tests check.** A map that repeats the last context state
(persistence) keeps the separation of that state forever: every ``log(d/d0)`` after the
transient is 0 and λ̂ = 0. A linear map ``x_{n+1} = a x_n`` gives ``log|a| / dt`` (up to
rounding). A forecast that ignores its context (climatology), or one contracting so hard
that both runs land on the same floats (a smoke-size ALRNN), makes ``d = 0``: λ̂ = −inf.
A non-finite run makes λ̂ NaN (and, in :func:`forecaster_lyapunov`, one beyond
``explode_factor`` stds).

**Cost.** One estimate calls ``forecast`` ``transient + n_segments`` times on a batch
of two contexts of ``L`` steps, each continued ``K`` steps. For a model whose cost is
linear in the steps it reads and writes that is ``2 (transient + n)(L + K)`` model steps;
with the defaults of :func:`lyapunov_schedule` (segments of one Lyapunov time, 64 of
them, 8 transient) on Lorenz-63 (Δ = 0.0076, K = 146, L = 500): ``2 · 72 · 646 ≈ 93k``
steps, about twice the benchmark's 50 000-step free run; measured on 2 CPU cores
(``benchmarks/forecaster_lyapunov.py``): ESN (100 units) 7.4 s against 1.9 s, the
transformer 0.19 s against 0.48 s. ``max_total_steps`` caps it for slow systems.

**A carried state is cheaper.** A forecaster with the optional state API
(``start``/``advance``, :func:`chaosbench.has_state`) is estimated by :func:`benettin` on
its own state — the reservoir, the RNN's latent — which it advances without re-reading a
window: ``2 (transient + n) K`` model steps, with no window to flush from the transient
(on Lorenz-63 ``2 · 68 · 146 ≈ 20k``, 4.7× fewer than the window estimate). The
separation is then the RMS over every element of the state. Lyapunov exponents do not
depend on the norm, so both estimate the same number. The state API is *needed* where
the window does not fix the state (``forecast`` from the window after ``a`` steps must
continue ``forecast(c, a + b)``), else the estimate measures the model restarted every
segment, another map: EDMD's overflowed, λ̂ NaN with a bounded free run (its docstring).

**References:**

- G. Benettin, L. Galgani, J.-M. Strelcyn. Kolmogorov entropy and numerical experiments.
  Phys. Rev. A 14, 2338 (1976).
- G. Benettin, L. Galgani, A. Giorgilli, J.-M. Strelcyn. Lyapunov characteristic
  exponents for smooth dynamical systems and for Hamiltonian systems; a method for
  computing all of them. Meccanica 15, 9–20 and 21–30 (1980).
- J. C. Sprott. Chaos and Time-Series Analysis. Oxford University Press (2003), §5.6
  (the largest exponent from two nearby orbits, with renormalisation).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp

from ..base._forecaster import AbstractForecaster, has_state
from ..base._types import Array, Key, Trajectory

#: The free run counts as diverged beyond this many training stds (as in the evaluator).
EXPLODE_FACTOR = 100.0


class TwoTrajectoryResult(eqx.Module):
    """What one two-trajectory estimate found.

    **Fields:**

    - `exponent`: λ̂ per unit time (NaN if a run turned non-finite; −inf if the two runs
      became identical: the map ignores its input there, or contracts below rounding).
    - `log_growth`: ``log(d/d0)`` of every segment, transient included,
      `(transient_segments + n_segments,)`. Values near or above ~10 mean a segment too
      long for ``d0`` (the separation left the linear regime): shorten the segments.
    - `max_abs`: the largest |value| in the reference run (for a divergence rule).
    """

    exponent: Array
    log_growth: Array
    max_abs: Array


def _rms_distance(delta: Array) -> Array:
    """RMS over axis 0 of the Euclidean norm over the rest: ``sqrt(mean_t |δ_t|²)``."""
    return jnp.sqrt(jnp.mean(jnp.sum(delta.reshape(delta.shape[0], -1) ** 2, axis=1)))


def _check_schedule(steps_per_segment, n_segments, transient_segments, d0, dt) -> None:
    if int(steps_per_segment) < 1 or int(n_segments) < 1 or int(transient_segments) < 0:
        raise ValueError(
            f"steps_per_segment={steps_per_segment} and n_segments={n_segments} must be "
            f"positive and transient_segments={transient_segments} non-negative; see "
            "lyapunov_schedule for defaults derived from the system's Lyapunov time"
        )
    if isinstance(d0, int | float) and not d0 > 0:
        raise ValueError(f"d0={d0} must be a positive distance (e.g. 1e-8 for float64)")
    if isinstance(dt, int | float) and not dt > 0:
        raise ValueError(f"dt={dt} must be the positive sampling interval of the forecasts")


def _state_distance(delta: Any) -> Array:
    """RMS over every element of a state pytree: ``sqrt(mean_i |δ_i|²)`` (complex too)."""
    flat = jnp.concatenate([jnp.ravel(leaf) for leaf in jax.tree_util.tree_leaves(delta)])
    return jnp.sqrt(jnp.mean(jnp.abs(flat) ** 2))


def _check_floating_state(state: Any) -> None:
    leaves = jax.tree_util.tree_leaves(state)
    if not leaves or not all(jnp.issubdtype(jnp.result_type(x), jnp.inexact) for x in leaves):
        raise TypeError(
            "a forecaster's state (what `start` returns and `advance` carries) must be a "
            "pytree of floating (or complex) arrays, so that it can be perturbed; got "
            f"leaves of dtypes {[str(jnp.result_type(x)) for x in leaves]}"
        )


def benettin(
    advance_fn: Callable[[Any, int], tuple[Any, Trajectory]],
    state: Any,
    *,
    dt: float,
    steps_per_segment: int,
    n_segments: int,
    transient_segments: int,
    d0: float,
    key: Key | None = None,
    distance: Callable[[Any], Array] = _state_distance,
) -> TwoTrajectoryResult:
    """Benettin's two-trajectory estimate for the map ``state ↦ advance_fn(state, steps)``.

    The general form behind :func:`two_trajectory_lyapunov` (whose state is a context
    window) and the state-carrying estimate of :func:`forecaster_lyapunov` (whose state is
    a forecaster's hidden state: a reservoir, an RNN's latent). Pure JAX: jit it.

    **Arguments:**

    - `advance_fn`: ``advance_fn(state, steps) -> (state, outputs (steps, dim))``; `steps`
      is static. It is vmapped over the pair of runs.
    - `state`: the starting state, a pytree of floating arrays.
    - `dt`, `steps_per_segment`, `n_segments`, `transient_segments`, `d0`, `key`: as in
      :func:`two_trajectory_lyapunov`; `d0` is measured by `distance`.
    - `distance`: the norm of a state difference (default: RMS over every element).

    **Returns:** a :class:`TwoTrajectoryResult` (``max_abs`` over the reference outputs).
    """
    _check_schedule(steps_per_segment, n_segments, transient_segments, d0, dt)
    _check_floating_state(state)
    k, n, m = int(steps_per_segment), int(n_segments), int(transient_segments)
    leaves, treedef = jax.tree_util.tree_flatten(state)
    dtypes = [jnp.result_type(x) for x in leaves]
    out_dtype = jnp.finfo(jnp.result_type(*dtypes)).dtype  # real (a complex SSM state too)
    key = jax.random.PRNGKey(0) if key is None else key
    keys = [key] if len(leaves) == 1 else list(jax.random.split(key, len(leaves)))
    direction = jax.tree_util.tree_unflatten(
        treedef, [jax.random.normal(kk, jnp.shape(x), t) for kk, x, t in zip(keys, leaves, dtypes)]
    )
    d0 = jnp.asarray(d0, out_dtype)
    scale0 = d0 / distance(direction)
    perturbed = jax.tree_util.tree_map(lambda x, v: x + v * scale0, state, direction)
    run_pair = jax.vmap(lambda s: advance_fn(s, k))

    def member(pair, i):  # run i of the pair, in the starting state's dtypes
        flat = jax.tree_util.tree_leaves(pair)
        return jax.tree_util.tree_unflatten(treedef, [x[i].astype(t) for x, t in zip(flat, dtypes)])

    def segment(carry, _):
        pair, out = run_pair(jax.tree_util.tree_map(lambda a, b: jnp.stack([a, b]), *carry))
        ref, pert = member(pair, 0), member(pair, 1)
        delta = jax.tree_util.tree_map(jnp.subtract, pert, ref)
        d = distance(delta)
        scale = jnp.where(d > 0, d0 / d, 1.0)
        pert = jax.tree_util.tree_map(lambda r, dl: r + dl * scale, ref, delta)
        finite = jnp.all(jnp.isfinite(out))
        return (ref, pert), (jnp.log(d / d0), finite, jnp.max(jnp.abs(out[0])))

    _, (logs, finite, max_abs) = jax.lax.scan(segment, (state, perturbed), None, length=m + n)
    exponent = jnp.sum(logs[m:]) / (n * k * jnp.asarray(dt, out_dtype))
    exponent = jnp.where(jnp.all(finite), exponent, jnp.nan)
    return TwoTrajectoryResult(exponent, logs, jnp.max(max_abs))


def two_trajectory_lyapunov(
    advance_fn: Callable[[Trajectory, int], Trajectory],
    context: Trajectory,
    *,
    dt: float,
    steps_per_segment: int,
    n_segments: int,
    transient_segments: int,
    d0: float,
    key: Key | None = None,
) -> TwoTrajectoryResult:
    """Benettin's two-trajectory estimate of the largest Lyapunov exponent of the map
    ``context ↦ advance_fn(context, steps)`` (see the module docstring).

    Pure JAX: jit it, vmap it over contexts. ``advance_fn`` is vmapped over the pair of
    runs and always called with the same shapes, so it compiles once.

    **Arguments:**

    - `advance_fn`: ``advance_fn(context, steps) -> (steps, dim)``, continuing a window
      ``(L, dim)``; `steps` is a static int.
    - `context`: the starting window `(L, dim)`; ``L`` is kept throughout.
    - `dt`: time between consecutive steps (the exponent is per unit of this time).
    - `steps_per_segment`: ``K``, steps between renormalisations (static).
    - `n_segments`: segments whose growth is averaged (static).
    - `transient_segments`: segments run first and not averaged (static): they must cover
      the window (``K · transient ≥ L``, so the windows hold the map's own output) and a
      few Lyapunov times for the separation to align with the most unstable direction.
    - `d0`: the separation, RMS per step of the window, in the units of `context`.
    - `key`: PRNG key for the direction of the first perturbation (default key 0).

    **Returns:** a :class:`TwoTrajectoryResult`.
    """
    length = context.shape[0]

    def advance_window(window, steps):
        out = advance_fn(window, steps).astype(window.dtype)
        return jnp.concatenate([window, out])[-length:], out

    return benettin(
        advance_window,
        context,
        dt=dt,
        steps_per_segment=steps_per_segment,
        n_segments=n_segments,
        transient_segments=transient_segments,
        d0=d0,
        key=key,
        distance=_rms_distance,
    )


def working_precision_d0(forecaster: AbstractForecaster, fitted: Any, context: Trajectory) -> float:
    """The default separation for a forecaster: ``sqrt(eps)`` of the least precise
    floating dtype among its fitted state and its forecast (≈ 1.5e-8 for float64,
    3.5e-4 for float32).

    ``sqrt(eps)`` leaves the same margin, on a log scale, to rounding (a separation
    within a few ulps of the states is noise) and to non-linearity (a separation of
    order 1 in z-scored units is no longer infinitesimal). A model that computes in
    float32 and returns float64 (the sequence models) rounds a 1e-8 perturbation away
    entirely, which would read as a collapse (λ̂ = −inf); its float32 weights reveal it.
    """
    # filter_eval_shape: a fitted state may hold functions (the neural ODE's activation)
    out = eqx.filter_eval_shape(lambda f, c: forecaster.forecast(f, c, 1), fitted, context)
    dtypes = [out.dtype] + [
        leaf.dtype
        for leaf in jax.tree_util.tree_leaves(fitted)
        if eqx.is_array(leaf) and jnp.issubdtype(leaf.dtype, jnp.floating)
    ]
    eps = max(float(jnp.finfo(d).eps) for d in dtypes)
    return math.sqrt(eps)


def lyapunov_schedule(
    dt: float,
    max_lyapunov: float,
    context_length: int,
    *,
    segment_lyapunov_times: float = 1.0,
    total_lyapunov_times: float = 64.0,
    transient_lyapunov_times: float = 4.0,
    max_total_steps: int = 50_000,
) -> dict[str, int]:
    """Segment length and counts for :func:`forecaster_lyapunov`, in the system's
    Lyapunov times ``t_λ = 1 / λ_max`` (the true system's: the model's is unknown).

    Segments of one t_λ let the separation grow by e on average, far from both rounding
    and saturation; 64 of them estimate λ to about 2 % on Lorenz-63 (the spread of
    finite-time exponents; the facts' per-start spread over 300 t_λ is 1 %). The
    transient covers the context window (so the windows hold the model's own output) plus
    ``transient_lyapunov_times``; pass ``context_length=0`` for a forecaster with a state
    API (:func:`chaosbench.has_state`), whose perturbation acts on its state, not a window.
    ``max_total_steps`` caps the averaged steps (fewer Lyapunov times for systems whose
    t_λ spans thousands of samples).

    **Returns:** ``{"steps_per_segment", "n_segments", "transient_segments"}``.
    """
    if not (dt > 0 and max_lyapunov > 0 and context_length >= 0):
        raise ValueError(
            f"dt={dt} and max_lyapunov={max_lyapunov} must be positive (the schedule is set in "
            f"Lyapunov times of a chaotic system) and context_length={context_length} "
            "non-negative (0 for a forecaster that carries its state: no window to flush)"
        )
    t_lyap_steps = 1.0 / (max_lyapunov * dt)
    k = max(1, round(segment_lyapunov_times * t_lyap_steps))
    k = min(k, max_total_steps)
    total = min(total_lyapunov_times * t_lyap_steps, max_total_steps)
    n = max(1, math.floor(total / k))
    transient = math.ceil(context_length / k) + math.ceil(
        transient_lyapunov_times / segment_lyapunov_times
    )
    return {"steps_per_segment": k, "n_segments": n, "transient_segments": transient}


@eqx.filter_jit
def _forecaster_estimate(forecaster, fitted, context, dt, d0, key, k, n, m):
    schedule = dict(dt=dt, steps_per_segment=k, n_segments=n, transient_segments=m, d0=d0, key=key)
    if has_state(forecaster):
        return benettin(
            lambda state, steps: forecaster.advance(fitted, state, steps),
            forecaster.start(fitted, context),
            **schedule,
        )
    return two_trajectory_lyapunov(
        lambda c, steps: forecaster.forecast(fitted, c, steps), context, **schedule
    )


def forecaster_lyapunov(
    forecaster: AbstractForecaster,
    fitted: Any,
    context: Trajectory,
    *,
    dt: float,
    steps_per_segment: int,
    n_segments: int,
    transient_segments: int,
    d0: float | None = None,
    key: Key | None = None,
    explode_factor: float = EXPLODE_FACTOR,
) -> float:
    """The largest Lyapunov exponent of a fitted forecaster's own dynamics, per unit of
    physical time (Benettin's two-trajectory method; see the module docstring). One
    compiled program.

    A forecaster with the optional state API (:func:`chaosbench.has_state`) is perturbed
    in its own state (a reservoir, an RNN latent), advanced without re-reading a context:
    ``K`` model steps per segment instead of ``L + K``. Any other is estimated from
    ``forecast`` alone, its state being its context window. Both estimate the same exponent
    (it does not depend on the norm or coordinates of the state).

    **Arguments:**

    - `forecaster`, `fitted`: the model and its fitted state.
    - `context`: a z-scored window `(L, dim)`, ``L ≥ forecaster.min_context`` (the
      benchmark's test context, L = 500).
    - `dt`: the sampling interval of the data (physical time per step).
    - `steps_per_segment`, `n_segments`, `transient_segments`: see
      :func:`lyapunov_schedule`, which derives them from the system's facts.
    - `d0`: separation (z-scored units, RMS per step of the window; RMS per element of a
      carried state); default :func:`working_precision_d0`.
    - `key`: direction of the first perturbation (default key 0).
    - `explode_factor`: a reference run beyond this many stds counts as diverged.

    **Returns:** λ̂ as a float: NaN if the free run diverged (non-finite or beyond
    `explode_factor`), −inf if the two runs coincide (forecasts that ignore the context,
    or contract below rounding), else the estimate (0 for persistence).
    """
    context = jnp.asarray(context)
    if context.ndim != 2 or context.shape[0] < forecaster.min_context:
        raise ValueError(
            f"context must be a (time, dim) window of at least min_context="
            f"{forecaster.min_context} steps, got shape {tuple(context.shape)}"
        )
    _check_schedule(steps_per_segment, n_segments, transient_segments, d0, dt)
    if d0 is None:
        d0 = working_precision_d0(forecaster, fitted, context)
    key = jax.random.PRNGKey(0) if key is None else key
    result = _forecaster_estimate(
        forecaster,
        fitted,
        context,
        jnp.asarray(dt, context.dtype),
        jnp.asarray(d0, context.dtype),
        key,
        int(steps_per_segment),
        int(n_segments),
        int(transient_segments),
    )
    if not float(result.max_abs) <= explode_factor:  # NaN compares False: diverged
        return float("nan")
    return float(result.exponent)
