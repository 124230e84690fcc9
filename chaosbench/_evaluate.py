"""Score one forecaster on one dataset for several seeds: fit, forecast, metrics.

Forecasters see z-scored data (training mean and std); forecasts are mapped back to
physical units before scoring. ``fit`` is vmapped over the seeds' keys when the
forecaster allows it (one compiled program for all seeds); ``forecast`` is vmapped over
the test windows. A forecast that turns non-finite or leaves the training range by more
than ``explode_factor`` standard deviations is a divergence: it is scored as a failure.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from ._dataset import Dataset
from ._forecaster import AbstractForecaster
from ._metric import Metric, ScoringFacts

EXPLODE_FACTOR = 100.0


class ForecastShapeError(ValueError):
    """A forecaster returned an array of the wrong shape or dtype."""


def _split_seed(tree, i: int):
    return jax.tree_util.tree_map(lambda x: x[i] if eqx.is_array(x) else x, tree)


def fit_seeds(forecaster: AbstractForecaster, train: jax.Array, seeds: Sequence[int]):
    """Fit one model per seed; returns a list of fitted states and the wall time."""
    keys = jnp.stack([jax.random.PRNGKey(s) for s in seeds])
    start = time.perf_counter()
    if forecaster.vmappable_fit:
        batched = eqx.filter_jit(eqx.filter_vmap(forecaster.fit, in_axes=(0, None)))(keys, train)
        batched = jax.block_until_ready(batched)
        fitted = [_split_seed(batched, i) for i in range(len(seeds))]
    else:
        fit = eqx.filter_jit(forecaster.fit)  # one compiled program, reused per seed
        fitted = [jax.block_until_ready(fit(k, train)) for k in keys]
    return fitted, time.perf_counter() - start


@eqx.filter_jit
def _forecast_windows(forecaster, fitted, contexts, steps):
    return jax.vmap(forecaster.forecast, in_axes=(None, 0, None))(fitted, contexts, steps)


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


def diverged(z: np.ndarray, factor: float = EXPLODE_FACTOR) -> bool:
    """Non-finite, or further than ``factor`` training stds from the training mean."""
    return bool((~np.isfinite(z)).any() or (np.abs(z) > factor).any())


def score(
    forecaster: AbstractForecaster,
    data: Dataset,
    facts: dict,
    seeds: Sequence[int],
    metrics: Sequence[Metric],
) -> list[dict[str, Any]]:
    """Fit and score ``forecaster`` on ``data`` for each seed; one result dict per seed."""
    if data.spec.context < forecaster.min_context:
        raise ValueError(
            f"{forecaster.id} needs a context of at least {forecaster.min_context} steps; the "
            f"dataset provides {data.spec.context}. Lower the forecaster's min_context or "
            "use a protocol with a longer context"
        )
    train = jnp.asarray(data.normalise(data.train))
    contexts = jnp.asarray(data.normalise(data.contexts))
    truths = jnp.asarray(data.truths)
    long_truth = jnp.asarray(data.long)
    scoring = ScoringFacts(
        dt=jnp.asarray(data.spec.dt),
        max_lyapunov=jnp.asarray(facts["max_lyapunov"]),
        mean=jnp.asarray(data.mean),
        std=jnp.asarray(data.std),
    )
    short = [m for m in metrics if m.kind == "short"]
    long = [m for m in metrics if m.kind == "long"]
    fitted_all, fit_seconds = fit_seeds(forecaster, train, seeds)
    results = []
    for seed, fitted in zip(seeds, fitted_all):
        start = time.perf_counter()
        z_windows = np.asarray(forecast_windows(forecaster, fitted, contexts, data.spec.horizon))
        z_long = np.asarray(forecast_windows(forecaster, fitted, contexts[:1], data.spec.n_long))[0]
        forecast_seconds = time.perf_counter() - start
        row: dict[str, Any] = {
            "seed": seed,
            "fit_seconds": fit_seconds / len(seeds),
            "forecast_seconds": forecast_seconds,
        }
        if diverged(z_windows) or diverged(z_long):
            row["status"] = "diverged"
            row.update({m.column: m.failure for m in metrics})
        else:
            row["status"] = "ok"
            windows = jnp.asarray(data.denormalise(z_windows))
            for m in short:
                values = np.asarray(jax.vmap(m.fn, in_axes=(0, 0, None))(windows, truths, scoring))
                row[m.column] = float(np.median(values))
            long_forecast = jnp.asarray(data.denormalise(z_long))
            for m in long:
                row[m.column] = float(m.fn(long_forecast, long_truth, scoring))
        results.append(row)
    return results
