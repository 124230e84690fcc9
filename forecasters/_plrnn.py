"""Shallow PLRNN trained with generalized teacher forcing (shPLRNN + GTF).

Latent model (``M`` units, ``H`` hidden units, ``A`` diagonal):

    z_t = A ⊙ z_{t−1} + W₁ relu(W₂ z_{t−1} + h₂) + h₁,

or, ``clipped=True``, ``z_t = A ⊙ z_{t−1} + W₁ [relu(W₂ z_{t−1} + h₂) − relu(W₂ z_{t−1})] + h₁``
whose orbits are bounded when ``max|A| < 1``. Observation model: identity on the first
``N`` (data dimension) latent units; the other ``M − N`` units start from ``L x₁``
(``L`` learned). Training (:mod:`forecasters._teacher_forcing`): generalized teacher forcing
``z̃_t = (1 − α) F(z̃_{t−1}) + α ẑ_t`` on windows of the training trajectory, loss on the
unforced ``F(z̃_{t−1})``, α from the "product upper bound" on the Jacobians along the
batch, updated every ``alpha_interval`` batches and annealed with ``gamma``; RAdam with
an exponentially decaying learning rate; an L2 latent regularisation pulling ``A``
towards 1 and the other parameters towards 0. Forecasting infers the latent state at
the end of the context by forcing the observed units through the last ``min_context``
rows, then runs the model freely.

Faithful to the authors' settings (Lorenz-63: M = 3, H = 100, batch 16, sequence 200,
RAdam 1e-3 → 1e-6, γ = 0.999, k = 5, λ = 1e-5) except the training budget: the
authors train 250,000 batches from a learning rate of 1e-3 decaying to 1e-6; the
registered default trains ``train_steps`` = 3,000 batches (three seeds fit in about a
minute on one CPU core) from 1e-2 decaying to 1e-4 (at the authors' rate, 3,000 batches
leave the model far from converged), and anneals α faster (``gamma`` = 0.99) to
match. With ``M > N`` the unobserved units are not forced (the authors'
``partial_forcing`` setting).

**References:**

- F. Hess, Z. Monfared, M. Brenner, D. Durstewitz. Generalized teacher forcing for
  learning chaotic dynamics. ICML 2023. (Reference code: DurstewitzLab/GTF-shPLRNN.)
- M. Brenner, F. Hess, J. Mikhaeil, L. Bereska, Z. Monfared, P.-C. Kuo,
  D. Durstewitz. Tractable dendritic RNNs for reconstructing nonlinear dynamical
  systems. ICML 2022.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp

from chaosbench import SearchSpace, register_forecaster

from . import _teacher_forcing as forcing


class ShPLRNNParams(eqx.Module):
    """Fitted parameters of a shallow PLRNN (``M`` latent, ``H`` hidden, ``N`` observed)."""

    A: jax.Array  # (M,)
    W1: jax.Array  # (M, H)
    W2: jax.Array  # (H, M)
    h1: jax.Array  # (M,)
    h2: jax.Array  # (H,)
    L: jax.Array  # (M − N, N): initial state of the unobserved units
    clipped: bool = eqx.field(default=False, static=True)

    def step(self, z: jax.Array) -> jax.Array:
        """One step of the latent map ``F`` on a state ``(M,)``."""
        pre = self.W2 @ z
        phi = jax.nn.relu(pre + self.h2)
        if self.clipped:
            phi = phi - jax.nn.relu(pre)
        return self.A * z + self.W1 @ phi + self.h1

    def jacobian(self, z: jax.Array) -> jax.Array:
        """``∂F/∂z`` at ``z``: ``diag(A) + W₁ diag(φ'(W₂ z)) W₂``."""
        pre = self.W2 @ z
        slope = (pre + self.h2 > 0).astype(z.dtype)
        if self.clipped:
            slope = slope - (pre > 0).astype(z.dtype)
        return jnp.diag(self.A) + (self.W1 * slope) @ self.W2

    def init_state(self, x: jax.Array) -> jax.Array:
        """Latent state from an observation ``(N,)``: ``[x; L x]``."""
        return jnp.concatenate([x, self.L @ x])


def init_shplrnn(
    key, n_obs: int, latent: int, hidden: int, clipped: bool, dtype=jnp.float32
) -> ShPLRNNParams:
    """The authors' initialisation: ``A`` from a normalised positive-definite matrix,
    ``W₁, W₂`` uniform ``±1/√fan_in``, ``h₁ = 0``, ``h₂ = 0`` (uniform when clipped),
    ``L`` Glorot-uniform."""
    k_a, k_w1, k_w2, k_h2, k_l = jax.random.split(key, 5)
    m, n = latent, n_obs
    glorot = jnp.sqrt(6.0 / (m - n + n)) if m > n else 0.0
    return ShPLRNNParams(
        A=jnp.diag(forcing.normalized_positive_definite(k_a, m, dtype)),
        W1=forcing.uniform_init(k_w1, (m, hidden), hidden, dtype),
        W2=forcing.uniform_init(k_w2, (hidden, m), m, dtype),
        h1=jnp.zeros(m, dtype),
        h2=(
            forcing.uniform_init(k_h2, (hidden,), hidden, dtype)
            if clipped
            else jnp.zeros(hidden, dtype)
        ),
        L=jax.random.uniform(k_l, (m - n, n), dtype, -glorot, glorot),
        clipped=clipped,
    )


def shplrnn_regularisation(params: ShPLRNNParams, weight: float) -> jax.Array:
    """``λ (‖1 − A‖² + ‖W₁‖² + ‖W₂‖² + ‖h₁‖² + ‖h₂‖²)`` (the authors' latent L2)."""
    sq = lambda a: jnp.sum(a**2)
    return weight * (
        sq(1 - params.A) + sq(params.W1) + sq(params.W2) + sq(params.h1) + sq(params.h2)
    )


@register_forecaster("shplrnn_gtf-v4")
class ShPLRNNGTF(forcing.AbstractTeacherForcingForecaster):
    """Shallow PLRNN trained with adaptive generalized teacher forcing (Hess et al. 2023).

    **Arguments:** `latent_dim` M (raised to the data dimension if smaller);
    `hidden_dim` H; `clipped` use the clipped nonlinearity; `train_steps` batches of
    training; `batch_size`; `seq_len` window length; `lr_start`, `lr_end` RAdam learning
    rate, decaying exponentially; `alpha0` initial α; `gamma` α annealing factor;
    `alpha_interval` k (batches between α updates); `reg` latent L2 weight; `noise` std
    of Gaussian noise added to training windows; `min_context` rows of context used to
    infer the latent state; `select_every` batches between checkpoint scores and
    `select_steps` the length of the scoring free run (0 disables checkpoint
    selection; see :func:`forecasters._teacher_forcing.train`). Version 2 adds checkpoint
    selection (v1 returned the last params). Version 3 has the `defaults` track's choice
    (the one tuner on the development systems, ``chaosbench/data/defaults.json``): H =
    200, RAdam 1e-2 → 1e-6, γ = 0.99, λ = 1e-4, 9,300 batches (the tuned cells' budget,
    1/27 of the authors' 250,000; v2: H = 100, 1e-2 → 1e-4, λ = 1e-5, 3,000 batches).
    Version 4 has the choice under the defaults' cost cap (a projected 30 s a cell,
    ``chaosbench.harness._defaults.CELL_SECONDS``) and the budget's 50,000-step free-run
    screen: H = 50, RAdam 1e-2 → 1e-6, γ = 0.99, λ = 1e-5, 9,300 batches (v3 cost 62 s a
    cell on the default suite; 7 of the 9 drawn candidates fit the cap).

    **Search space** (the one tuner, :func:`chaosbench.tune`): the resource is
    `train_steps` up to the authors' 250,000 batches (successive halving's rungs at the
    declared budget: 27,800, 83,300, 250,000; the benchmark's budget runs 1/27 of it);
    the grid holds the authors' setting (H = 100, RAdam 1e-3 → 1e-6, γ = 0.999, λ =
    1e-5) beside v2's faster schedule (1e-2 → 1e-4, γ = 0.99).
    """

    latent_dim: int = eqx.field(default=3, static=True)
    hidden_dim: int = eqx.field(default=50, static=True)
    clipped: bool = eqx.field(default=False, static=True)
    train_steps: int = eqx.field(default=9300, static=True)
    # the fast conformance test only
    smoke_hyperparameters = {"train_steps": 10, "select_every": 5, "select_steps": 100}
    search_space = SearchSpace(
        {
            "hidden_dim": (50, 100, 200),
            "lr_start": (1e-3, 1e-2),
            "lr_end": (1e-6, 1e-4),
            "gamma": (0.99, 0.999),
            "reg": (1e-5, 1e-4),
        },
        resource="train_steps",
        budget=250_000,
        multiple=100,  # select_every
    )
    batch_size: int = eqx.field(default=16, static=True)
    seq_len: int = eqx.field(default=200, static=True)
    alpha_interval: int = eqx.field(default=5, static=True)
    min_context: int = eqx.field(default=20, static=True)
    select_every: int = eqx.field(default=100, static=True)
    select_steps: int = eqx.field(default=10_000, static=True)
    lr_start: float = 1e-2
    lr_end: float = 1e-6
    alpha0: float = 1.0
    gamma: float = 0.99
    reg: float = 1e-5
    noise: float = 0.0

    def train_config(self) -> forcing.TrainConfig:
        return self._train_config(tau=1, adaptive_alpha=True, alpha0=self.alpha0)

    def init_params(self, key, n_obs: int) -> ShPLRNNParams:
        latent = max(self.latent_dim, n_obs)
        return init_shplrnn(key, n_obs, latent, self.hidden_dim, self.clipped)

    def regulariser(self, params: ShPLRNNParams) -> jax.Array:
        return shplrnn_regularisation(params, self.reg)
