"""Linear autoregression: ridge least squares on delay vectors.

u_{t+1} = u_t + W [1; u_t; u_{t−1}; …; u_{t−p+1}],

with W fitted in closed form by ridge regression (Tikhonov weight α on the z-scored
delay vectors) onto the increment u_{t+1} − u_t. A VAR(p) model: the best one-step
linear predictor, and the floor any nonlinear forecaster has to beat.

**References:**

- G. E. P. Box, G. M. Jenkins. Time series analysis: forecasting and control.
  Holden-Day (1970) — autoregressive models fitted by least squares.
"""

import equinox as eqx
import jax
import jax.numpy as jnp

from chaosbench import AbstractForecaster, SearchSpace, register_forecaster

from ._features import delay_matrix, delay_vector
from ._ridge import ridge_solve


@register_forecaster("linear_ar-v2")
class LinearAR(AbstractForecaster):
    """A ridge-regularised VAR(p) on increments (see the module docstring).

    **Arguments:** `lags` p, the number of past states in a delay vector (current one
    included); `ridge` α, the Tikhonov weight (not scaled by the number of samples).
    Search space (the one tuner): lags and α; closed form, single-fidelity. Defaults:
    the `defaults` track's choice: the one tuner on the development systems
    (``chaosbench/data/defaults.json``); v2 has 16 lags (v1: 4, hand-picked).
    """

    search_space = SearchSpace({"lags": (1, 2, 4, 8, 16), "ridge": (1e-8, 1e-6, 1e-4, 1e-2)})

    lags: int = eqx.field(default=16, static=True)
    ridge: float = 1e-8

    @property
    def min_context(self) -> int:
        return self.lags

    def _design(self, lagged):
        return jnp.concatenate([jnp.ones((*lagged.shape[:-1], 1), lagged.dtype), lagged], -1)

    def fit(self, key, train):
        del key
        x = self._design(delay_matrix(train[:-1], self.lags))
        y = train[self.lags :] - train[self.lags - 1 : -1]
        return ridge_solve(x, y, self.ridge)

    def forecast(self, fitted, context, steps: int):
        def body(window, _):
            nxt = window[-1] + self._design(delay_vector(window, self.lags)) @ fitted
            return jnp.concatenate([window[1:], nxt[None]]), nxt

        _, out = jax.lax.scan(body, context[-self.lags :], None, length=steps)
        return out
