"""Almost-linear RNN (AL-RNN) and its symbolic code.

Latent model (``M`` units of which the last ``P`` are piecewise linear, ``A`` diagonal,
``W`` full):

    z_t = A ⊙ z_{t−1} + W Φ*(z_{t−1}) + h,
    Φ*(z) = (z_1, …, z_{M−P}, relu(z_{M−P+1}), …, relu(z_M)).

The map is affine inside each of the ``2^P`` linear subregions given by the on/off
pattern of the ``P`` ReLU units, so a trajectory is coded by the sequence of subregions
it visits (its *symbolic code*, :func:`symbolic_code`). Observation model: identity on
the first ``N`` latent units; the other ``M − N`` start from ``L x₁`` (``L`` learned).
Training (:mod:`forecasters._teacher_forcing`): sparse teacher forcing, replacing the observed units
by the (noise-perturbed) data every ``tau`` steps, which also stops the gradient through
them; optionally generalized teacher forcing (``alpha < 1`` at the forcing times, or the
adaptive "product upper bound" α of Hess et al. with ``adaptive_alpha``). Forecasting
infers the latent state at the end of the context by forcing through its last
``min_context`` rows every ``tau`` steps, then runs freely.

Authors' settings: Lorenz-63 ``M = 20, P = 2, τ = 16``, sequence 200; Rössler
``M = 20, P = 1, τ = 8``, sequence 300; batch 16, input noise 0.05, RAdam with an
exponentially decaying learning rate (1e-3 → 1e-5 Lorenz, 5e-3 → 1e-5 Rössler) for
100,000–150,000 batches. The registered default trains ``train_steps`` = 3,000
batches (so that three seeds fit in about a minute on one CPU core) with a learning
rate decaying from 1e-2 to 1e-4; that budget is far below the authors' and reaches a
much poorer reconstruction (see ``benchmarks/dsr_quality.py``).

**References:**

- M. Brenner, C. J. Hemmer, Z. Monfared, D. Durstewitz. Almost-linear RNNs yield highly
  interpretable symbolic codes in dynamical systems reconstruction. NeurIPS 2024.
  (Reference code: DurstewitzLab/ALRNN-DSR.)
- J. Mikhaeil, Z. Monfared, D. Durstewitz. On the difficulty of learning chaotic
  dynamics with RNNs. NeurIPS 2022 (sparse teacher forcing).
"""

from __future__ import annotations

import dataclasses

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from chaosbench import SearchSpace, register_forecaster

from . import _teacher_forcing as forcing


class ALRNNParams(eqx.Module):
    """Fitted parameters of an AL-RNN (``M`` latent, ``P`` ReLU units, ``N`` observed)."""

    A: jax.Array  # (M,)
    W: jax.Array  # (M, M)
    h: jax.Array  # (M,)
    L: jax.Array  # (M − N, N): initial state of the unobserved units
    pwl_units: int = eqx.field(static=True)

    def phi(self, z: jax.Array) -> jax.Array:
        """``Φ*``: identity on the first ``M − P`` units, ReLU on the last ``P``."""
        linear = jnp.arange(z.shape[-1]) < z.shape[-1] - self.pwl_units
        return jnp.where(linear, z, jax.nn.relu(z))

    def step(self, z: jax.Array) -> jax.Array:
        """One step of the latent map on a state ``(M,)``."""
        return self.A * z + self.W @ self.phi(z) + self.h

    def init_state(self, x: jax.Array) -> jax.Array:
        """Latent state from an observation ``(N,)``: ``[x; L x]``."""
        return jnp.concatenate([x, self.L @ x])

    def generate(self, context: jax.Array, steps: int, tau: int = 1) -> jax.Array:
        """Latent trajectory ``(steps, M)`` continuing ``context`` ``(time, N)``."""
        z = forcing.warm_start(self.step, self.init_state(context[0]), context, tau)
        return forcing.free_rollout(self.step, z, steps)


def init_alrnn(key, n_obs: int, latent: int, pwl_units: int, dtype=jnp.float32) -> ALRNNParams:
    """The authors' initialisation: ``A`` from a normalised positive-definite matrix,
    ``W ~ N(0, 0.01²)``, ``h = 0``; ``L`` uniform ``±1/√N``."""
    k_a, k_w, k_l = jax.random.split(key, 3)
    return ALRNNParams(
        A=jnp.diag(forcing.normalized_positive_definite(k_a, latent, dtype)),
        W=0.01 * jax.random.normal(k_w, (latent, latent), dtype),
        h=jnp.zeros(latent, dtype),
        L=forcing.uniform_init(k_l, (latent - n_obs, n_obs), n_obs, dtype),
        pwl_units=pwl_units,
    )


@register_forecaster("alrnn-v5")
class ALRNN(forcing.AbstractTeacherForcingForecaster):
    """Almost-linear RNN trained with sparse (or generalized) teacher forcing.

    **Arguments:** `latent_dim` M (raised to the data dimension if smaller);
    `pwl_units` P, the number of ReLU units (the rest are linear); `tau` forcing
    interval; `train_steps` batches of training; `batch_size`; `seq_len` window length;
    `lr_start`, `lr_end` RAdam learning rate, decaying exponentially; `noise` std of
    Gaussian input noise; `alpha` forcing strength at the forcing times (1: replace);
    `adaptive_alpha` use the GTF product-upper-bound α (then `alpha` is the initial α,
    annealed with `gamma` every `alpha_interval` batches); `min_context` rows of context
    used to infer the latent state; `select_every` batches between checkpoint scores and
    `select_steps` the length of the scoring free run (0 disables checkpoint
    selection) and `select_starts` how many free runs from observations spread over the
    training data it averages (see :func:`forecasters._teacher_forcing.train`). Version 2
    adds checkpoint selection (v1 returned the last params); version 3 scores each
    checkpoint from four starts (v2 from the first observation only, which kept one-lobe
    Lorenz models that a held-out start exposes). Version 4 has the `defaults` track's
    choice (the one tuner on the development systems, ``chaosbench/data/defaults.json``):
    M = 20, P = 2, τ = 16, learning rate 5e-3 → 1e-4, 3,700 batches (the tuned cells'
    budget, 1/27 of the authors' 100,000; v3: 1e-2 → 1e-4, 3,000 batches). Version 5 is
    the choice on five development systems: M = 30 (the rest unchanged).

    **Search space** (the one tuner, :func:`chaosbench.tune`): the resource is
    `train_steps` up to the authors' 100,000 batches (the low end of their 100k–150k;
    successive halving's rungs at the declared budget: 11,100, 33,300, 100,000; the
    benchmark's budget runs 1/27 of it); the grid holds the authors' Lorenz-63 (M = 20,
    P = 2, τ = 16, 1e-3 → 1e-5) and Rössler (P = 1, τ = 8, 5e-3 → 1e-5) settings.
    """

    latent_dim: int = eqx.field(default=30, static=True)
    pwl_units: int = eqx.field(default=2, static=True)
    tau: int = eqx.field(default=16, static=True)
    train_steps: int = eqx.field(default=3700, static=True)
    # the fast conformance test only
    smoke_hyperparameters = {"train_steps": 10, "select_every": 5, "select_steps": 100}
    search_space = SearchSpace(
        {
            "latent_dim": (10, 20, 30),
            "pwl_units": (1, 2, 4),
            "tau": (8, 16, 32),
            "lr_start": (1e-3, 5e-3, 1e-2),
            "lr_end": (1e-5, 1e-4),
        },
        resource="train_steps",
        budget=100_000,
        multiple=100,  # select_every
    )
    batch_size: int = eqx.field(default=16, static=True)
    seq_len: int = eqx.field(default=200, static=True)
    adaptive_alpha: bool = eqx.field(default=False, static=True)
    alpha_interval: int = eqx.field(default=5, static=True)
    min_context: int = eqx.field(default=65, static=True)
    select_every: int = eqx.field(default=100, static=True)
    select_steps: int = eqx.field(default=10_000, static=True)
    select_starts: int = eqx.field(default=4, static=True)
    lr_start: float = 5e-3
    lr_end: float = 1e-4
    noise: float = 0.05
    alpha: float = 1.0
    gamma: float = 0.99

    def train_config(self) -> forcing.TrainConfig:
        return self._train_config(
            tau=self.tau,
            adaptive_alpha=self.adaptive_alpha,
            alpha0=self.alpha,
            select_starts=self.select_starts,
        )

    def init_params(self, key, n_obs: int) -> ALRNNParams:
        latent = max(self.latent_dim, n_obs)
        if not 0 <= self.pwl_units <= latent:
            raise ValueError(f"pwl_units={self.pwl_units} must lie in [0, M={latent}]")
        return init_alrnn(key, n_obs, latent, self.pwl_units)

    def regulariser(self, params: ALRNNParams) -> jax.Array:
        del params
        return jnp.zeros(())


# ------------------------------------------------------------------- symbolic code


@dataclasses.dataclass(frozen=True)
class SymbolicCode:
    """The linear subregions an AL-RNN trajectory visits.

    A subregion is the on/off pattern of the ``P`` ReLU units (unit ``M − P`` first),
    numbered by reading the pattern as a binary number (``"10"`` → 2).

    **Fields:** `symbols` ``(time,)`` the subregion of each state; `pwl_units` P;
    `regions` the distinct subregions in order of first visit; `counts` how often each
    was visited; `transitions` ``{(from, to): count}`` over consecutive states with
    ``from ≠ to`` (the edges of the transition graph); `self_transitions`
    ``{region: count}`` of steps that stay in a subregion.
    """

    symbols: np.ndarray
    pwl_units: int
    regions: tuple[int, ...]
    counts: dict[int, int]
    transitions: dict[tuple[int, int], int]
    self_transitions: dict[int, int]

    @property
    def n_regions(self) -> int:
        """Number of distinct subregions visited."""
        return len(self.regions)

    def pattern(self, region: int) -> str:
        """On/off pattern of a subregion as a bit string (``1`` = ReLU unit active)."""
        return format(region, f"0{self.pwl_units}b") if self.pwl_units else "-"

    def __str__(self) -> str:
        total = len(self.symbols)
        lines = [
            f"AL-RNN symbolic code: {total} states, P = {self.pwl_units} ReLU units, "
            f"{self.n_regions} of {2**self.pwl_units} linear subregions visited",
            "subregions (pattern: share of time):",
        ]
        for r in self.regions:
            lines.append(f"  {self.pattern(r)}: {self.counts[r] / total:.3f}")
        lines.append("transitions (from -> to: count):")
        for (a, b), c in sorted(self.transitions.items()):
            lines.append(f"  {self.pattern(a)} -> {self.pattern(b)}: {c}")
        head = " ".join(self.pattern(int(s)) for s in self.symbols[:20])
        lines.append(f"first symbols: {head}{' ...' if total > 20 else ''}")
        return "\n".join(lines)


def symbolic_code(fitted: ALRNNParams, trajectory) -> SymbolicCode:
    """Symbolic code of a latent AL-RNN trajectory.

    **Arguments:** `fitted` the AL-RNN's parameters (what ``ALRNN.fit`` returns; it
    knows ``P``); `trajectory` latent states ``(time, M)``, e.g. from
    ``fitted.generate(context, steps)``.

    **Returns:** a :class:`SymbolicCode` (``print`` it for a readable summary).
    """
    z = np.asarray(trajectory)
    m, p = fitted.A.shape[-1], fitted.pwl_units
    if z.ndim != 2 or z.shape[1] != m:
        raise ValueError(
            f"symbolic_code needs latent states (time, M={m}); got shape {z.shape}. "
            "Generate them with fitted.generate(context, steps)."
        )
    bits = (z[:, m - p :] > 0).astype(np.int64)
    symbols = bits @ (2 ** np.arange(p - 1, -1, -1, dtype=np.int64))
    regions = tuple(int(r) for r in dict.fromkeys(symbols.tolist()))
    counts = {r: int(np.sum(symbols == r)) for r in regions}
    transitions: dict[tuple[int, int], int] = {}
    selfs: dict[int, int] = {}
    for a, b in zip(symbols[:-1].tolist(), symbols[1:].tolist()):
        if a == b:
            selfs[a] = selfs.get(a, 0) + 1
        else:
            transitions[(a, b)] = transitions.get((a, b), 0) + 1
    return SymbolicCode(symbols, p, regions, counts, transitions, selfs)
