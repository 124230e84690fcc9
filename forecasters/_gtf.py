"""The generalized-teacher-forcing α of Hess et al. (ICML 2023): the spectral norms of a
model's Jacobians along a batch of sequences, the "product upper bound" rule that turns
them into α, and its annealing (used by :func:`._teacher_forcing.train`).

**References:**

- F. Hess, Z. Monfared, M. Brenner, D. Durstewitz. Generalized teacher forcing for
  learning chaotic dynamics. ICML 2023.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp

StepFn = Callable[[jax.Array], jax.Array]


def spectral_norms(jacobians: jax.Array, iterations: int = 30) -> jax.Array:
    """Spectral norms ``‖J‖₂`` of a stack of square matrices ``(..., M, M)``.

    Power iteration on ``JᵀJ`` (vectorised; batched SVDs of thousands of tiny matrices
    are far slower on CPU). The iterate starts from a fixed generic vector, so it
    converges to the top singular value for all but a measure-zero set of matrices; 30
    iterations of ``JᵀJ`` give the ratio ``(σ₂/σ₁)⁶⁰``.
    """
    m = jacobians.shape[-1]
    gram = jnp.swapaxes(jacobians, -1, -2) @ jacobians
    v0 = 1.0 + jnp.arange(m, dtype=jacobians.dtype) / (m + 1.0)
    v0 = jnp.broadcast_to(v0 / jnp.linalg.norm(v0), jacobians.shape[:-1])

    def body(_, v):
        w = jnp.einsum("...ij,...j->...i", gram, v)
        return w / jnp.maximum(jnp.linalg.norm(w, axis=-1, keepdims=True), 1e-30)

    v = jax.lax.fori_loop(0, iterations, body, v0)
    return jnp.sqrt(jnp.linalg.norm(jnp.einsum("...ij,...j->...i", gram, v), axis=-1))


def gtf_alpha(jacobians: jax.Array, eps: float = 1e-12) -> tuple[jax.Array, jax.Array]:
    """The "product upper bound" GTF α from Jacobians ``(batch, T, M, M)`` along a batch.

    ``G = max_sequences geomean_t ‖J_t‖₂`` bounds the growth rate of the Jacobian product
    along the worst sequence of the batch; ``α = max(0, 1 − 1/G)`` makes
    ``(1 − α) G ≤ 1``, so the forced product ``∏ (1 − α) J_t`` cannot explode. Returns
    ``(α, G)``.
    """
    norms = spectral_norms(jacobians)
    g = jnp.max(jnp.exp(jnp.mean(jnp.log(jnp.maximum(norms, eps)), axis=-1)))
    return jnp.maximum(0.0, 1.0 - 1.0 / g), g


def anneal_alpha(alpha, estimate, gamma: float):
    """α annealing: take the estimate if it is larger, else ``γ α + (1 − γ) estimate``."""
    return jnp.where(estimate > alpha, estimate, gamma * alpha + (1 - gamma) * estimate)


def batch_jacobians(step: StepFn, states: jax.Array, jacobian: StepFn | None = None) -> jax.Array:
    """Jacobians of ``step`` at each of ``states`` ``(batch, T, M)``: ``(batch, T, M, M)``.

    ``jacobian(z)`` computes one in closed form; by default ``jax.jacfwd(step)``.
    """
    jacobian = jax.jacfwd(step) if jacobian is None else jacobian
    return jax.vmap(jax.vmap(jacobian))(states)
