"""Long-term attractor fidelity: state-space divergence and power-spectrum distance.

Both compare a long free-running forecast with a long true trajectory and do not depend
on their phase alignment.

**References:**

- M. Brenner, F. Hess, J. Mikhaeil, L. Bereska, Z. Monfared, P.-C. Kuo, D. Durstewitz.
  Tractable dendritic RNNs for reconstructing nonlinear dynamical systems. ICML 2022
  (D_stsp by binning, D_H).
- J. Mikhaeil, Z. Monfared, D. Durstewitz. On the difficulty of learning chaotic dynamics
  with RNNs. NeurIPS 2022 (Gaussian-mixture D_stsp for high dimension).
- F. Hess, Z. Monfared, M. Brenner, D. Durstewitz. Generalized teacher forcing for
  learning chaotic dynamics. ICML 2023.
"""

import jax
import jax.numpy as jnp

from chaosbench import ScoringFacts, attractor_divergence, register_metric

SPECTRUM_SMOOTHING = 20.0


def state_space_divergence(forecast, truth, facts: ScoringFacts):
    """D_stsp on z-scored states: binned KL for dim ≤ 3, Gaussian-mixture KL above."""
    zf = (forecast - facts.mean) / facts.std
    zt = (truth - facts.mean) / facts.std
    return attractor_divergence(zf, zt)


def _gaussian_smooth(x, sigma: float):
    half = int(4 * sigma)
    grid = jnp.arange(-half, half + 1, dtype=x.dtype)
    kernel = jnp.exp(-0.5 * (grid / sigma) ** 2)
    return jnp.convolve(x, kernel / kernel.sum(), mode="same")


def _spectrum(x, sigma: float):
    z = (x - x.mean()) / jnp.maximum(x.std(), 1e-300)
    power = jnp.abs(jnp.fft.rfft(z)) ** 2
    smooth = _gaussian_smooth(power, sigma)
    return smooth / jnp.maximum(smooth.sum(), 1e-300)  # a constant series has no spectrum


def hellinger_spectrum_distance(
    forecast, truth, facts: ScoringFacts, sigma: float = SPECTRUM_SMOOTHING
):
    """D_H: Hellinger distance of smoothed power spectra, averaged over dimensions.

    Per dimension: z-score, |rfft|², Gaussian smoothing with ``sigma`` bins, normalise to
    unit sum; H(p, q) = sqrt(1 − Σ sqrt(p q)). Both series are cut to a common length.
    """
    del facts
    n = min(forecast.shape[0], truth.shape[0])
    p = jax.vmap(lambda x: _spectrum(x, sigma), in_axes=1)(truth[:n])
    q = jax.vmap(lambda x: _spectrum(x, sigma), in_axes=1)(forecast[:n])
    bc = jnp.sum(jnp.sqrt(p * q), axis=1)
    value = jnp.mean(jnp.sqrt(jnp.clip(1.0 - bc, 0.0, 1.0)))
    return jnp.where(jnp.all(jnp.isfinite(forecast)), value, 1.0)


# Registered in this order, the leaderboard shows D_stsp, then D_H (then the λ error).
register_metric(
    "d_stsp-v1",
    direction="lower",
    kind="long",
    name="D_stsp",
    description="state-space divergence (lower ok)",
    per_system=True,
)(state_space_divergence)
register_metric(
    "d_h-v1",
    direction="lower",
    kind="long",
    failure=1.0,
    name="D_H",
    description="power-spectrum Hellinger distance (0–1)",
)(hellinger_spectrum_distance)
