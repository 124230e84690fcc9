"""Input-noise training of the sequence models (`fit_sequence_model(noise=...)`).

The untrained stack predicts a zero increment, so its first loss is the mean square of
the targets ``(u_{t+1} − ũ_t)/s = Δu/s − noise · ε``: about ``E[(Δu/s)²] + noise²``
(ε standard normal, independent of the data). Training with noise must add noise² to
that first loss, and still learn.
"""

import jax
import jax.numpy as jnp
import numpy as np

from chaosbench.forecasters._sequence import fit_sequence_model
from chaosbench.forecasters._ssm import SequenceStack


def _series(n=600):
    t = 0.05 * np.arange(n)
    return jnp.asarray(np.stack([np.sin(t), np.cos(1.3 * t), np.sin(0.7 * t + 1)], 1))


def test_noise_adds_its_square_to_the_initial_loss():
    series = _series()
    model = SequenceStack(3, 8, [], key=jax.random.PRNGKey(0))  # decoder 0: predicts 0
    kw = dict(steps=1, batch=64, length=64, learning_rate=1e-3, weight_decay=0.0)
    clean = fit_sequence_model(jax.random.PRNGKey(1), model, series, **kw).losses[0]
    noisy = fit_sequence_model(jax.random.PRNGKey(1), model, series, noise=2.0, **kw).losses[0]
    # same windows (same key), so the difference is noise² ± sampling error (12,288 draws)
    assert abs(float(noisy - clean) - 4.0) < 0.3
