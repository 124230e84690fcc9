"""Distances between the long-run statistics of two trajectories: the state-space
divergence D_stsp on z-scored coordinates and the power-spectrum distance D_H.

One home for both formulas, used by the `d_stsp` and `d_h` metrics (scoring a free run
against the truth), by the facts (their truth floors: the same distances between two
independent true runs, :mod:`chaosbench.catalogue._facts`) and by forecasters that select
a checkpoint during training by the same criterion the benchmark scores (as the DSR
papers' reference code does).

**References:**

- M. Brenner, F. Hess, J. Mikhaeil, L. Bereska, Z. Monfared, P.-C. Kuo, D. Durstewitz.
  Tractable dendritic RNNs for reconstructing nonlinear dynamical systems. ICML 2022
  (D_stsp by binning).
- J. Mikhaeil, Z. Monfared, D. Durstewitz. On the difficulty of learning chaotic dynamics
  with RNNs. NeurIPS 2022 (Gaussian-mixture D_stsp for high dimension).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from ..base._types import Scalar, Trajectory

N_BINS = 30
LAPLACE_ALPHA = 1e-5
GMM_POINTS = 1_000
GMM_SAMPLES = 1_000
GMM_SCALE = 1.0
BINNED_MAX_DIM = 3
SPECTRUM_SMOOTHING = 20.0


def _histogram(z, lo, hi, n_bins: int):
    """Normalised D-dimensional histogram with Laplace smoothing; outliers dropped."""
    dim = z.shape[1]
    idx = jnp.clip(jnp.floor(n_bins * (z - lo) / (hi - lo)).astype(int), 0, n_bins - 1)
    inside = jnp.all((z >= lo) & (z <= hi), axis=1)  # the range is closed: hi falls in the last bin
    flat = jnp.ravel_multi_index(tuple(idx.T), (n_bins,) * dim, mode="clip")
    counts = jnp.zeros(n_bins**dim, z.dtype).at[flat].add(inside.astype(z.dtype))
    return (counts + LAPLACE_ALPHA) / (counts.sum() + LAPLACE_ALPHA * n_bins**dim)


def binned_kl(forecast: Trajectory, truth: Trajectory, n_bins: int = N_BINS) -> Scalar:
    """KL(p_true ‖ p_gen) of ``n_bins``-per-dimension histograms over the truth's range."""
    lo, hi = truth.min(axis=0), truth.max(axis=0)
    hi = jnp.where(hi > lo, hi, lo + 1.0)
    p = _histogram(truth, lo, hi, n_bins)
    q = _histogram(forecast, lo, hi, n_bins)
    return jnp.sum(p * (jnp.log(p) - jnp.log(q)))


def _gmm_logpdf(x, centres, scale):
    d = centres.shape[1]
    sq = jnp.sum((x[:, None, :] - centres[None]) ** 2, axis=-1)
    log_norm = -0.5 * d * jnp.log(2 * jnp.pi * scale**2)
    return jax.nn.logsumexp(-0.5 * sq / scale**2, axis=1) - jnp.log(centres.shape[0]) + log_norm


def gmm_kl(
    forecast: Trajectory,
    truth: Trajectory,
    n_points: int = GMM_POINTS,
    n_samples: int = GMM_SAMPLES,
    scale: float = GMM_SCALE,
) -> Scalar:
    """Monte-Carlo KL between Gaussian mixtures placed on the two trajectories.

    Each trajectory is subsampled to ``n_points`` evenly spaced states; an isotropic
    Gaussian of std ``scale`` sits on each. The KL is estimated from ``n_samples`` draws of
    the true mixture with a fixed key, so the divergence is a pure function.
    """
    stride_t = max(truth.shape[0] // n_points, 1)
    stride_f = max(forecast.shape[0] // n_points, 1)
    mu_p, mu_q = truth[::stride_t][:n_points], forecast[::stride_f][:n_points]
    k1, k2 = jax.random.split(jax.random.PRNGKey(0))
    pick = jax.random.randint(k1, (n_samples,), 0, mu_p.shape[0])
    x = mu_p[pick] + scale * jax.random.normal(k2, (n_samples, truth.shape[1]), truth.dtype)
    return jnp.mean(_gmm_logpdf(x, mu_p, scale) - _gmm_logpdf(x, mu_q, scale))


def attractor_divergence(forecast: Trajectory, truth: Trajectory) -> Scalar:
    """D_stsp of two z-scored trajectories ``(time, dim)``: binned KL for dim ≤ 3,
    Gaussian-mixture KL above; ``inf`` if the forecast is not finite."""
    if truth.shape[1] <= BINNED_MAX_DIM:
        value = binned_kl(forecast, truth)
    else:
        value = gmm_kl(forecast, truth)
    return jnp.where(jnp.all(jnp.isfinite(forecast)), value, jnp.inf)


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


def spectrum_distance(
    forecast: Trajectory, truth: Trajectory, sigma: float = SPECTRUM_SMOOTHING
) -> Scalar:
    """D_H: Hellinger distance of smoothed power spectra, averaged over dimensions.

    Per dimension: z-score, |rfft|², Gaussian smoothing with ``sigma`` bins, normalise to
    unit sum; H(p, q) = sqrt(1 − Σ sqrt(p q)). Both series are cut to a common length; a
    forecast that is not finite scores 1, the maximum.
    """
    n = min(forecast.shape[0], truth.shape[0])
    p = jax.vmap(lambda x: _spectrum(x, sigma), in_axes=1)(truth[:n])
    q = jax.vmap(lambda x: _spectrum(x, sigma), in_axes=1)(forecast[:n])
    bc = jnp.sum(jnp.sqrt(p * q), axis=1)
    value = jnp.mean(jnp.sqrt(jnp.clip(1.0 - bc, 0.0, 1.0)))
    return jnp.where(jnp.all(jnp.isfinite(forecast)), value, 1.0)
