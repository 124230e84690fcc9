"""Score one forecaster on one dataset for several seeds: fit, forecast, metrics.

Forecasters see z-scored data (training mean and std); forecasts are mapped back to
physical units before scoring. A row's model is fitted by :func:`fit_slots`: the seeds
of a group (each on its own dataset) share one vmapped program of a fixed number of
slots (``Protocol.fit_slots``), unused slots repeating a seed, so a seed's model is the
same bits whichever seeds share its program, and each seed is then scored on its own.
``forecast`` is vmapped over the test windows.

Protocol v4 keeps short-term skill and long-run stability apart:

- **short-term** metrics score the test windows alone. A window whose forecast turns
  non-finite or leaves the training range by more than ``EXPLODE_FACTOR`` standard
  deviations has infinite error from that step on (:func:`blow_up_to_inf`), so its valid
  prediction time ends there at the latest and later horizons score as failures. A row's
  score is the median over windows; for the headline metric the row also keeps the
  value of every window (``<column>_windows``, for bootstrap intervals over seeds and
  windows, :mod:`chaosbench.numerics._statistics`) and how many windows score as a
  perfect forecast would (``<column>_censored``: for the VPT, windows whose error never
  crossed the threshold, so their VPT is only a lower bound: the horizon), and every row
  the horizon in Lyapunov times (``horizon_lyap``: horizon steps × Δ × λ_max);
- **long-term** metrics score one long free run. A free run that blows up anywhere is
  ``long_run = "diverged"`` and its long-term metrics take their failure values; a free
  run never changes a short-term score;
- **the forecaster's own largest Lyapunov exponent** is estimated through ``forecast``
  (Benettin's two trajectories, :func:`chaosbench.numerics._two_trajectory.forecaster_lyapunov`)
  and stored as ``lyap``; metrics of kind ``"lyapunov"`` score it against λ_max.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from ..base._forecaster import AbstractForecaster, has_state
from ..base._metric import Metric, ScoringFacts
from ..base._precision import float64
from ._dataset import Dataset
from ._protocol import Protocol
from ._rows import DIVERGED, OFF_ATTRACTOR, OK, ON_ATTRACTOR, STABLE

EXPLODE_FACTOR = 100.0
ON_ATTRACTOR_FACTOR = 10.0
"""A bounded free run is on the attractor when its D_stsp (the registered metric with
``attractor=True``) is at most this multiple of the truth floor, the D_stsp between two
independent true runs; otherwise it is off the attractor (a fixed point, a cycle, a
distorted or partial attractor). Measured on the default suite's four systems (the raw
D_stsp of the committed v5 rows over the floors of facts v3): the best forecasters score
0.8–1.2 floors, climatology 23–263, persistence 73–263, a model that settles on a cycle or
a fixed point (EDMD, linear AR) 23–243; an independent true Lorenz-63 run 1.05. One order
of magnitude separates the first group from the others."""


NOT_THESE: Mapping[str, Any] = {"coordinates": "other"}
"""Stands for truth floors of other coordinates than the data's (:func:`score_forecasts`)."""


class ForecastShapeError(ValueError):
    """A forecaster returned an array of the wrong shape or dtype."""


@float64
def fit_seed(forecaster: AbstractForecaster, train: jax.Array, seed: int):
    """Fit one model for ``seed`` (``jax.random.PRNGKey(seed)``); the compiled program is
    the same for every seed, so the result does not depend on other seeds."""
    return jax.block_until_ready(eqx.filter_jit(forecaster.fit)(jax.random.PRNGKey(seed), train))


@float64
def fit_seeds(forecaster: AbstractForecaster, train: jax.Array, seeds: Sequence[int]):
    """Fit one model per seed; returns a list of fitted states and the wall time."""
    start = time.perf_counter()
    fitted = [fit_seed(forecaster, train, s) for s in seeds]
    return fitted, time.perf_counter() - start


@eqx.filter_jit
def _fit_program(forecaster, keys, trains):
    return eqx.filter_vmap(forecaster.fit)(keys, trains)


@float64
def fit_slots(
    forecaster: AbstractForecaster,
    trains: Sequence[jax.Array],
    seeds: Sequence[int],
    slots: int = Protocol.fit_slots,
) -> tuple[list[Any], float]:
    """Fit one model per ``(trains[i], seeds[i])``, ``slots`` at a time by one
    ``vmap``-ed program (the benchmark's rows: ``Protocol.fit_slots``).

    Each program has exactly ``slots`` slots; a chunk with fewer seeds fills the rest by
    repeating its last seed (their models are discarded). Nothing crosses slots, so a
    seed's model does not depend on the other slots' data or keys, only on the slot count
    (``tests/test_execute.py`` checks the bits): a seed fitted alone (a resumed group,
    ``chaosbench verify``) equals the same seed fitted with others. Only forecasters that
    set ``vmappable_fit`` (those measured faster so: the shPLRNN's three Lorenz-63 seeds
    fit 1.38× faster in one 3-slot program than one after another on this CPU; the
    transformer's 0.92×, so it does not) are fitted so; the others one seed at a time by
    :func:`fit_seed`, whose program does not depend on other seeds either.

    **Returns:** the fitted states in the order of ``seeds`` and the wall seconds of all
    the fits.
    """
    if len(trains) != len(seeds):
        raise ValueError(f"{len(trains)} training sets for {len(seeds)} seeds")
    start = time.perf_counter()
    if not type(forecaster).vmappable_fit:
        fitted = [fit_seed(forecaster, t, s) for t, s in zip(trains, seeds)]
        return fitted, time.perf_counter() - start
    fitted = []
    for first in range(0, len(seeds), slots):
        chunk = list(zip(trains, seeds))[first : first + slots]
        chunk += [chunk[-1]] * (slots - len(chunk))
        keys = jnp.stack([jax.random.PRNGKey(s) for _, s in chunk])
        batch = jax.block_until_ready(
            _fit_program(forecaster, keys, jnp.stack([jnp.asarray(t) for t, _ in chunk]))
        )
        for i in range(min(slots, len(seeds) - first)):
            fitted.append(jax.tree.map(lambda x: x[i] if eqx.is_array(x) else x, batch))
    return fitted, time.perf_counter() - start


def n_parameters(fitted: Any) -> int:
    """The stored numbers of a fitted state: the scalar entries of its inexact (floating
    or complex; a complex entry counts once) arrays. Integer arrays (indices, step
    counts), Python scalars and static fields are not counted.

    For a trained model these are its learned weights (with whatever else its state
    keeps, such as a reservoir's fixed random matrices). For a non-parametric forecaster
    they are the data it stores: the method of analogues keeps the training trajectory,
    parroting keeps nothing (it copies from the context). So this is a model's size in
    stored numbers, not a count of learned weights.

    **Arguments:**

    - `fitted`: what ``forecaster.fit`` returned (a pytree).

    **Returns:** the number of scalar entries, an `int`.
    """
    leaves = jax.tree_util.tree_leaves(eqx.filter(fitted, eqx.is_inexact_array))
    return int(sum(np.size(leaf) for leaf in leaves))


@eqx.filter_jit
def _forecast_windows(forecaster, fitted, contexts, steps):
    return jax.vmap(forecaster.forecast, in_axes=(None, 0, None))(fitted, contexts, steps)


@float64
def forecast_windows(
    forecaster: AbstractForecaster, fitted: Any, contexts: jax.Array, steps: int
) -> jax.Array:
    """Forecast ``steps`` steps from each of ``contexts`` ``(windows, time, dim)``."""
    out = _forecast_windows(forecaster, fitted, contexts, int(steps))
    expected = (contexts.shape[0], int(steps), contexts.shape[2])
    if tuple(out.shape) != expected:
        raise ForecastShapeError(
            f"{forecaster.id or type(forecaster).__name__}.forecast returned shape "
            f"{tuple(out.shape[1:])} for a context of shape {tuple(contexts.shape[1:])} and "
            f"steps={steps}; it must return (steps, dim) = {expected[1:]}"
        )
    if not jnp.issubdtype(out.dtype, jnp.floating):
        raise ForecastShapeError(
            f"{forecaster.id or type(forecaster).__name__}.forecast returned dtype "
            f"{out.dtype}; it must return floating-point states"
        )
    return out


def _bad(z: np.ndarray, factor: float) -> np.ndarray:
    """Per step (last axis reduced): non-finite, or beyond ``factor`` training stds."""
    with np.errstate(invalid="ignore"):
        return (~np.isfinite(z) | (np.abs(z) > factor)).any(axis=-1)


def diverged(z: np.ndarray, factor: float = EXPLODE_FACTOR) -> bool:
    """Non-finite, or further than ``factor`` training stds from the training mean."""
    return bool(_bad(z, factor).any())


def blow_up_to_inf(z_windows: np.ndarray, factor: float = EXPLODE_FACTOR) -> np.ndarray:
    """``z_windows`` ``(windows, steps, dim)`` with every state from a window's first
    non-finite or exploded step on set to +inf (the error is infinite from there on)."""
    bad = np.logical_or.accumulate(_bad(z_windows, factor), axis=1)
    return np.where(bad[..., None], np.inf, z_windows)


def scoring_facts(data: Dataset, facts: dict) -> ScoringFacts:
    """What a metric may know of ``data``'s system: Δ, λ_max, the period and the training
    mean and std (one construction for native, tuned and external scoring)."""
    return ScoringFacts(
        dt=jnp.asarray(data.spec.dt),
        max_lyapunov=jnp.asarray(facts["max_lyapunov"]),
        period=jnp.asarray(facts["period"]),
        mean=jnp.asarray(data.mean),
        std=jnp.asarray(data.std),
    )


def _lyapunov_estimate(forecaster, fitted, context, dt: float, max_lyapunov: float) -> float:
    """λ̂ of the fitted forecaster from one test context, on the schedule set by the
    system's Lyapunov time (:func:`chaosbench.numerics._two_trajectory.lyapunov_schedule`)."""
    from ._two_trajectory import forecaster_lyapunov, lyapunov_schedule

    window = 0 if has_state(forecaster) else context.shape[0]  # a carried state: no window
    schedule = lyapunov_schedule(dt, max_lyapunov, window)
    return float(forecaster_lyapunov(forecaster, fitted, context, dt=dt, **schedule))


@float64
def score(
    forecaster: AbstractForecaster,
    data: Dataset | Sequence[Dataset],
    facts: dict,
    seeds: Sequence[int],
    metrics: Sequence[Metric],
    slots: int = Protocol.fit_slots,
) -> list[dict[str, Any]]:
    """Fit and score ``forecaster`` for each seed; one result dict per seed.

    ``data`` is one dataset for every seed, or one per seed (protocol v5: seed ``s``
    draws its own). The models are fitted by :func:`fit_slots` with ``slots`` slots
    (``Protocol.fit_slots``); each result's ``fit_seconds`` is its share of their wall
    time.

    Each result has ``seed``, ``status`` (``ok``), ``long_run`` (``stable`` or
    ``diverged``), ``lyap`` (when a metric of kind ``"lyapunov"`` is registered: the
    forecaster's own largest exponent, NaN if its runs blew up), the timings,
    ``n_parameters`` (:func:`n_parameters` of the fitted state) and one column per metric.
    """
    datasets = [data] * len(seeds) if isinstance(data, Dataset) else list(data)
    if len(datasets) != len(seeds):
        raise ValueError(f"{len(datasets)} datasets for {len(seeds)} seeds")
    for d in datasets:
        if d.spec.context < forecaster.min_context:
            raise ValueError(
                f"{forecaster.id} needs a context of at least {forecaster.min_context} "
                f"steps; the dataset provides {d.spec.context}. Lower the forecaster's "
                "min_context or use a protocol with a longer context"
            )
    trains = [jnp.asarray(d.normalise(d.train)) for d in datasets]
    fitted_all, fit_wall = fit_slots(forecaster, trains, seeds, slots)
    results = []
    for d, seed, fitted in zip(datasets, seeds, fitted_all):
        contexts = jnp.asarray(d.normalise(d.contexts))
        start = time.perf_counter()
        z_windows = np.asarray(forecast_windows(forecaster, fitted, contexts, d.spec.horizon))
        z_long = np.asarray(forecast_windows(forecaster, fitted, contexts[:1], d.spec.n_long))[0]
        lyap = None
        if any(m.kind == "lyapunov" for m in metrics):
            lyap = _lyapunov_estimate(
                forecaster, fitted, contexts[0], d.spec.dt, facts["max_lyapunov"]
            )
        forecast_seconds = time.perf_counter() - start
        row = {"seed": seed, "fit_seconds": fit_wall / len(seeds)}
        row["forecast_seconds"] = forecast_seconds
        row["n_parameters"] = n_parameters(fitted)
        floors = facts.get("truth_floor")
        row.update(
            score_forecasts(d, scoring_facts(d, facts), z_windows, z_long, lyap, metrics, floors)
        )
        results.append(row)
    return results


def window_columns(metric: Metric, values: np.ndarray, perfect: np.ndarray) -> dict[str, Any]:
    """The headline's per-window diagnostics of a row.

    **Arguments:**

    - `metric`: the headline metric.
    - `values`: its value on each test window, shape `(windows,)`.
    - `perfect`: its value on each window for a perfect forecast (the truth scored against
      itself), shape `(windows,)`: for the VPT, the horizon.

    **Returns:** ``<column>_windows``, the values as a JSON list (``json.dumps`` of the
    floats: the same bytes for the same values), and ``<column>_censored``, how many
    windows score as a perfect forecast would (for the VPT: the error never crossed the
    threshold within the horizon, so the window's true VPT is only known to be at least
    the horizon; a right-censored observation).
    """
    return {
        f"{metric.column}_windows": json.dumps([float(v) for v in values]),
        f"{metric.column}_censored": int(np.sum(values == perfect)),
    }


@float64
def score_forecasts(
    data: Dataset,
    scoring: ScoringFacts,
    z_windows: np.ndarray,
    z_long: np.ndarray,
    lyap: float | None,
    metrics: Sequence[Metric],
    floors: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Score z-scored forecasts of the test windows ``(windows, horizon, dim)`` and of the
    long free run ``(n_long, dim)`` (and a Lyapunov estimate, if any): the status, long-run
    and metric columns of a row. Native and external forecasts are scored here alike.

    ``floors`` are the system's truth floors (``facts["truth_floor"]``), needed when a
    registered long metric has one (:func:`long_run_scores`). A dataset of a subset of the
    coordinates (a one-variable task) needs the floors of that subset (their
    ``coordinates``: :mod:`chaosbench.catalogue._coordinate_floors`, which the harness
    passes); given the full state's, which do not apply to it, its normalised long-run
    columns are NaN and a bounded free run stays unjudged (``stable``)."""
    observed = data.spec.observed
    if observed is not None and floors is not None:
        floors = floors if floors.get("coordinates") == list(observed) else NOT_THESE
    row: dict[str, Any] = {"status": OK}
    windows = jnp.asarray(data.denormalise(blow_up_to_inf(np.asarray(z_windows, dtype=float))))
    truths = jnp.asarray(data.truths)
    row["horizon_lyap"] = float(data.spec.horizon * scoring.lyapunov_times_per_step)
    for m in (m for m in metrics if m.kind == "short"):
        per_window = jax.vmap(m.fn, in_axes=(0, 0, None))
        values = np.asarray(per_window(windows, truths, scoring))
        row[m.column] = float(np.median(values))
        if m.headline:
            row.update(window_columns(m, values, np.asarray(per_window(truths, truths, scoring))))
    long_ok = not diverged(np.asarray(z_long, dtype=float))
    long_forecast = jnp.asarray(data.denormalise(z_long)) if long_ok else None
    row.update(long_run_scores(long_forecast, jnp.asarray(data.long), scoring, metrics, floors))
    if lyap is not None:
        # −inf is an answer (the forecast ignores its context), NaN is not (a run blew up)
        usable = long_ok and not np.isnan(lyap)
        row["lyap"] = float(lyap) if usable else float("nan")
        for m in (m for m in metrics if m.kind == "lyapunov"):
            value = m.fn(jnp.asarray(lyap), scoring.max_lyapunov, scoring) if usable else m.failure
            row[m.column] = float(value)
    return row


def long_run_scores(
    forecast: jax.Array | None,
    truth: jax.Array,
    scoring: ScoringFacts,
    metrics: Sequence[Metric],
    floors: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The long-run state and scores of one free run (``None``: it diverged).

    Each metric of kind ``"long"`` gives its raw column and, with a truth floor, its
    normalised one (``<column>_norm`` = raw / floor). ``long_run`` is ``diverged`` for a
    run that blew up, else ``on_attractor`` when the deciding metric's normalised value is
    at most :data:`ON_ATTRACTOR_FACTOR` (``off_attractor`` otherwise; with no deciding
    metric registered a bounded run counts as on the attractor).
    """
    row: dict[str, Any] = {"long_run": DIVERGED if forecast is None else ON_ATTRACTOR}
    for m in (m for m in metrics if m.kind == "long"):
        raw = m.failure if forecast is None else float(m.fn(forecast, truth, scoring))
        row[m.column] = raw
        if not m.floor:
            continue
        if floors is NOT_THESE:  # floors of other coordinates: no normalised value, no verdict
            row[m.normalised_column] = m.failure if forecast is None else float("nan")
            row["long_run"] = DIVERGED if forecast is None else STABLE
            continue
        floor = (floors or {}).get(m.floor)
        if floor is None or not floor > 0:
            raise ValueError(
                f"metric {m.id} is normalised by the truth floor {m.floor!r}, which the "
                "system's facts do not have (facts computed before FACTS_VERSION 3, or a "
                "system without chaos): recompute them with `chaosbench systems --only ID`"
            )
        row[m.normalised_column] = m.failure if forecast is None else raw / floor
        if m.attractor and forecast is not None and not raw / floor <= ON_ATTRACTOR_FACTOR:
            row["long_run"] = OFF_ATTRACTOR
    return row
