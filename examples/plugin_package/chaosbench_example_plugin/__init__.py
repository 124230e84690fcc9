"""An example chaosbench plug-in: one forecaster, registered when this module is imported.

Install it (``pip install -e examples/plugin_package``) and every chaosbench command finds
it through the ``chaosbench.plugins`` entry point; or, without installing, pass the path:
``chaosbench run --plugin examples/plugin_package/chaosbench_example_plugin ...``.
"""

import jax.numpy as jnp

import chaosbench as cb


@cb.register_forecaster("damped_persistence-v1")
class DampedPersistence(cb.AbstractForecaster):
    """The last observed state relaxing to the training mean: ŷ_{t+k} = a^k · y_t.

    Forecasters see z-scored data, so the training mean is 0. With ``a = 1`` this is
    persistence, with ``a = 0`` climatology's mean.
    """

    decay: float = 0.99  # a, per step

    def fit(self, key, train):
        del key, train
        return ()

    def forecast(self, fitted, context, steps: int):
        del fitted
        powers = self.decay ** jnp.arange(1, steps + 1, dtype=context.dtype)
        return powers[:, None] * context[-1]
