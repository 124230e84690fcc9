"""Short-term forecast scores, in Lyapunov times (and the VPT also in dominant periods).

The error at step t is the normalised RMSE e(t) = sqrt(mean_d ((ŷ_td − y_td) / σ_d)²)
with σ_d the training std of dimension d. Row t of a forecast is the state one step
(Δ) after row t − 1; row 0 is one step after the context, at time Δ, i.e. at
(t + 1)·Δ·λ_max Lyapunov times.

**References:**

- J. Pathak, B. Hunt, M. Girvan, Z. Lu, E. Ott. Model-free prediction of large
  spatiotemporally chaotic systems from data: a reservoir computing approach. PRL 120
  (2018) — valid prediction time.
- W. Gilpin. Chaos as an interpretable benchmark for forecasting and data-driven
  modelling. NeurIPS Datasets and Benchmarks (2021) — sMAPE on chaotic systems.
"""

import functools

import jax.numpy as jnp

from chaosbench import ScoringFacts, register_metric

HORIZONS = (0.5, 1.0, 2.0, 5.0)
VPT_THRESHOLD = 0.5


def normalised_error(forecast, truth, facts: ScoringFacts):
    """e(t): the per-step RMSE across dimensions in units of the training std."""
    return jnp.sqrt(jnp.mean(((forecast - truth) / facts.std) ** 2, axis=-1))


def valid_steps(forecast, truth, facts: ScoringFacts, threshold: float = VPT_THRESHOLD):
    """Steps before e(t) first exceeds ``threshold`` (the forecast's length if never): the
    valid prediction time in steps, which :func:`valid_prediction_time` and
    :func:`valid_prediction_periods` convert to their units."""
    error = normalised_error(forecast, truth, facts)
    exceeded = ~(error <= threshold)  # a NaN error counts as exceeded
    return jnp.where(exceeded.any(), jnp.argmax(exceeded), error.shape[0])


def valid_prediction_time(forecast, truth, facts: ScoringFacts, threshold: float = VPT_THRESHOLD):
    """Lyapunov times before e(t) first exceeds ``threshold`` (the horizon if never)."""
    return valid_steps(forecast, truth, facts, threshold) * facts.lyapunov_times_per_step


def valid_prediction_periods(
    forecast, truth, facts: ScoringFacts, threshold: float = VPT_THRESHOLD
):
    """Dominant periods before e(t) first exceeds ``threshold`` (the horizon if never):
    the same steps as :func:`valid_prediction_time` × Δ / period, i.e. the VPT in
    Lyapunov times / (λ_max · period). Systems whose Lyapunov time is many periods
    (λ_max · period ≪ 1) are compared on the oscillations a forecast follows."""
    return valid_steps(forecast, truth, facts, threshold) * facts.periods_per_step


def _step_at(horizon_lyap: float, facts: ScoringFacts):
    return jnp.round(horizon_lyap / facts.lyapunov_times_per_step).astype(int) - 1


def nrmse_at(forecast, truth, facts: ScoringFacts, horizon: float):
    """e(t) at ``horizon`` Lyapunov times (NaN if the forecast is shorter)."""
    error = normalised_error(forecast, truth, facts)
    step = _step_at(horizon, facts)
    return jnp.where(step < error.shape[0], error[jnp.clip(step, 0, error.shape[0] - 1)], jnp.nan)


def smape_at(forecast, truth, facts: ScoringFacts, horizon: float):
    """sMAPE (percent, 0–200) over all steps up to ``horizon`` Lyapunov times.

    sMAPE = 200/(T·D) Σ_{t ≤ T, d} |ŷ − y| / (|ŷ| + |y|), in physical units (as dysts).
    A step whose forecast is infinite (a window that blew up: see
    ``chaosbench.numerics._evaluate.blow_up_to_inf``) contributes the maximum, 200.
    """
    step = _step_at(horizon, facts)
    ratio = jnp.abs(forecast - truth) / jnp.maximum(jnp.abs(forecast) + jnp.abs(truth), 1e-300)
    ratio = jnp.where(jnp.isinf(forecast), 1.0, ratio)
    mask = (jnp.arange(forecast.shape[0]) <= step)[:, None]
    value = 200.0 * jnp.sum(jnp.where(mask, ratio, 0.0)) / (jnp.sum(mask) * forecast.shape[1])
    return jnp.where(step < forecast.shape[0], value, jnp.nan)


register_metric(
    "vpt_lyap-v1",
    direction="higher",
    kind="short",
    reference=VPT_THRESHOLD,
    name="VPT",
    unit="t_λ",
    description="valid prediction time in Lyapunov times",
    headline=True,
)(valid_prediction_time)
register_metric(  # after vpt_lyap: the headline stays vpt_lyap
    "vpt_periods-v1",
    direction="higher",
    kind="short",
    reference=VPT_THRESHOLD,
    name="VPT",
    unit="periods",
    description="valid prediction time in dominant periods",
)(valid_prediction_periods)
for _h in HORIZONS:
    register_metric(f"nrmse_h{_h:g}-v1", direction="lower", kind="short")(
        functools.partial(nrmse_at, horizon=_h)
    )
    register_metric(f"smape_h{_h:g}-v1", direction="lower", kind="short", failure=200.0)(
        functools.partial(smape_at, horizon=_h)
    )
