"""Honest baselines: persistence and climatology."""

import jax.numpy as jnp

from chaosbench import AbstractForecaster, register_forecaster


@register_forecaster("persistence-v1")
class Persistence(AbstractForecaster):
    """Repeat the last context state: ŷ_{t+k} = y_t."""

    def fit(self, key, train):
        del key, train
        return ()

    def forecast(self, fitted, context, steps: int):
        del fitted
        return jnp.broadcast_to(context[-1], (steps, context.shape[-1]))


@register_forecaster("climatology-v1")
class Climatology(AbstractForecaster):
    """Predict the training mean at every step."""

    def fit(self, key, train):
        del key
        return train.mean(axis=0)

    def forecast(self, fitted, context, steps: int):
        del context
        return jnp.broadcast_to(fitted, (steps, fitted.shape[-1]))
