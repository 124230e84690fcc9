"""Teacher-forcing training shared by the PLRNN-family forecasters (shPLRNN, AL-RNN).

Both models are trained by backpropagation through time on short windows of the
training trajectory while the observed latent units are pulled towards the data:

- *sparse teacher forcing* (STF): every τ steps the observed units are replaced by the
  data, which cuts the gradient through those units (Mikhaeil, Monfared & Durstewitz,
  NeurIPS 2022; Brenner et al., NeurIPS 2024);
- *generalized teacher forcing* (GTF): every step the state is a convex combination
  ``z̃_t = (1 − α) F(z̃_{t−1}) + α ẑ_t`` of the model's prediction and the data-inferred
  state, which scales every Jacobian in the backward pass by ``(1 − α)``; with
  ``α = max(0, 1 − 1/G)``, ``G`` the geometric mean of the Jacobians' spectral norms
  along a sequence, the product of the scaled Jacobians stays bounded (Hess, Monfared,
  Brenner & Durstewitz, ICML 2023, the "product upper bound" rule).

One forcing step covers both: at forcing times the observed units become
``(1 − α) z[:N] + α x`` (STF is α = 1, GTF is τ = 1). The loss is always on the
*unforced* predictions ``F(z̃_{t−1})``. The whole training loop is one ``lax.scan``
over batches (pure, traceable, so it can be ``vmap``-ed over seeds).

**References:**

- F. Hess, Z. Monfared, M. Brenner, D. Durstewitz. Generalized teacher forcing for
  learning chaotic dynamics. ICML 2023.
- M. Brenner, C. J. Hemmer, Z. Monfared, D. Durstewitz. Almost-linear RNNs yield highly
  interpretable symbolic codes in dynamical systems reconstruction. NeurIPS 2024.
- J. Mikhaeil, Z. Monfared, D. Durstewitz. On the difficulty of learning chaotic
  dynamics with RNNs. NeurIPS 2022.
- K. Doya. Bifurcations in the learning of recurrent neural networks. ISCAS 1992.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import Any, ClassVar

import equinox as eqx
import jax
import jax.numpy as jnp
import optax

from chaosbench import AbstractForecaster, attractor_divergence

from ._gtf import StepFn, anneal_alpha, batch_jacobians, gtf_alpha
from ._training import sample_windows
from ._training import train as train_loop


def normalized_positive_definite(key, m: int, dtype=jnp.float32) -> jax.Array:
    """``K = RᵀR/M + I`` scaled to unit largest eigenvalue (Talathi & Vartak 2016).

    The PLRNN family initialises its diagonal ``A`` from ``diag(K)``.
    """
    r = jax.random.normal(key, (m, m), dtype)
    k = r.T @ r / m + jnp.eye(m, dtype=dtype)
    return k / jnp.max(jnp.linalg.eigvalsh(k))


def uniform_init(key, shape: tuple[int, ...], fan: int, dtype=jnp.float32) -> jax.Array:
    """Uniform in ``[−1/√fan, 1/√fan]``."""
    r = 1.0 / jnp.sqrt(jnp.asarray(fan, dtype))
    return jax.random.uniform(key, shape, dtype, -r, r)


def exponential_lr(start: float, end: float, steps: int) -> optax.Schedule:
    """Learning rate decaying exponentially from ``start`` to ``end`` over ``steps``."""
    return optax.exponential_decay(start, max(steps, 1), end / start)


# --------------------------------------------------------------------------- forcing


def force(z_pred: jax.Array, x: jax.Array, alpha) -> jax.Array:
    """Forced state ``(1 − α) z + α ẑ`` with ``ẑ`` = ``z`` whose observed units are ``x``.

    ``z_pred`` ``(M,)`` is the model's prediction, ``x`` ``(N,)`` the data (``N ≤ M``):
    the observed units become ``(1 − α) z[:N] + α x``; the others keep the model's value
    (ẑ takes them from the model, so the convex combination leaves them unchanged). With
    ``α = 1`` the observed units are replaced and no gradient flows through them.
    """
    n = x.shape[-1]
    observed = jnp.where(alpha == 1, x, (1 - alpha) * z_pred[:n] + alpha * x)
    return z_pred.at[:n].set(observed)


def forced_rollout(
    step: StepFn, z0: jax.Array, xs: jax.Array, alpha, tau: int = 1
) -> tuple[jax.Array, jax.Array]:
    """Roll ``step`` from ``z0`` along ``xs`` ``(T, N)`` with forcing every ``tau`` steps.

    Time ``t = 1..T``: ``z_t = F(z̃_{t−1})`` (the prediction of ``xs[t−1]``); the state is
    forced (:func:`force`) when ``t % tau == 0``. Returns the predictions ``(T, M)`` (the
    loss is on these) and the forced states ``(T, M)``.
    """

    def body(z, inputs):
        t, x = inputs
        pred = step(z)
        forced = force(pred, x, alpha)
        if tau > 1:
            forced = jnp.where(t % tau == 0, forced, pred)
        return forced, (pred, forced)

    ts = jnp.arange(1, xs.shape[0] + 1)
    _, (preds, states) = jax.lax.scan(body, z0, (ts, xs))
    return preds, states


def warm_start(step: StepFn, z0: jax.Array, xs: jax.Array, tau: int = 1) -> jax.Array:
    """Latent state at the last row of ``xs`` ``(T, N)``, inferred by teacher forcing.

    Starting from ``z0`` (the state at ``xs[0]``), steps the model along ``xs`` replacing
    the observed units by the data every ``tau`` steps, aligned so that the final state
    is forced (its observed units equal ``xs[-1]``).
    """
    last = xs.shape[0] - 1

    def body(z, inputs):
        t, x = inputs
        pred = step(z)
        z = jnp.where((last - t) % tau == 0, pred.at[: x.shape[-1]].set(x), pred)
        return z, None

    ts = jnp.arange(1, xs.shape[0])
    z, _ = jax.lax.scan(body, z0, (ts, xs[1:]))
    return z


def free_rollout(step: StepFn, z0: jax.Array, steps: int) -> jax.Array:
    """``steps`` latent states ``F(z0), F²(z0), …``: ``(steps, M)``."""

    def body(z, _):
        z = step(z)
        return z, z

    _, zs = jax.lax.scan(body, z0, None, length=steps)
    return zs


# ------------------------------------------------------------------------- training


class TrainConfig(eqx.Module):
    """Settings of :func:`train` (hyperparameters of the forecaster that owns it)."""

    steps: int = eqx.field(static=True)
    batch_size: int = eqx.field(static=True)
    seq_len: int = eqx.field(static=True)
    tau: int = eqx.field(static=True)
    adaptive_alpha: bool = eqx.field(static=True)
    alpha_interval: int = eqx.field(static=True)
    alpha0: float
    gamma: float
    lr_start: float
    lr_end: float
    noise: float
    select_every: int = eqx.field(static=True, default=0)
    select_steps: int = eqx.field(static=True, default=10_000)
    select_starts: int = eqx.field(static=True, default=1)


def train(
    key,
    params: Any,
    data: jax.Array,
    config: TrainConfig,
    step_fn: Callable[[Any, jax.Array], jax.Array],
    init_fn: Callable[[Any, jax.Array], jax.Array],
    regulariser: Callable[[Any], jax.Array] = lambda p: jnp.zeros(()),
    jacobian_fn: Callable[[Any, jax.Array], jax.Array] | None = None,
) -> tuple[Any, jax.Array, jax.Array]:
    """Train ``params`` with (generalized/sparse) teacher forcing; one ``lax.scan``.

    **Arguments:** ``step_fn(params, z) -> z'`` the latent map; ``init_fn(params, x0)``
    the initial latent state from the first observation; ``data`` ``(time, N)``; the
    ``config``; optionally ``jacobian_fn(params, z)`` the closed-form Jacobian. Each
    step samples ``batch_size`` windows of ``seq_len + 1`` rows (adds Gaussian noise of
    std ``noise`` if positive), updates α every ``alpha_interval`` batches when
    ``adaptive_alpha`` (Jacobians at the data-inferred states of the batch,
    :func:`gtf_alpha`, :func:`anneal_alpha`), and takes one RAdam step on the MSE of the
    unforced predictions plus ``regulariser(params)``. Non-finite gradients are skipped.

    With ``select_every > 0`` the model is also scored every ``select_every`` batches:
    a free run of ``select_steps`` steps from the first observation is compared with the
    training data by :func:`chaosbench.attractor_divergence` (D_stsp), and the params
    with the lowest score are returned (the reference code's ``use_best_model``: the
    training loss alone does not tell a model that has learnt the attractor from one
    that collapses onto a cycle). If no checkpoint gives a finite score, the last
    params are returned. With ``select_starts = K > 1`` the score is the mean D_stsp of
    ``K`` free runs started from observations spread evenly over the training data (a
    model with coexisting attractors, e.g. one cycle per Lorenz lobe beside the chaotic
    set, scores well from one start and badly from others; the benchmark's free runs
    start from held-out contexts, not from the first training point).

    **Returns:** the trained params, the per-step losses ``(steps,)`` and α ``(steps,)``.
    """
    n_obs = data.shape[-1]
    optim = optax.radam(exponential_lr(config.lr_start, config.lr_end, config.steps))

    def sequence_loss(p, seq, alpha):
        step = lambda z: step_fn(p, z)
        preds, _ = forced_rollout(step, init_fn(p, seq[0]), seq[1:], alpha, config.tau)
        return jnp.mean((preds[:, :n_obs] - seq[1:]) ** 2)

    def loss_fn(p, batch):
        windows, alpha = batch
        losses = jax.vmap(sequence_loss, in_axes=(None, 0, None))(p, windows, alpha)
        return jnp.mean(losses) + regulariser(p)

    def estimate_alpha(p, batch, alpha):
        p = jax.lax.stop_gradient(p)
        step = lambda z: step_fn(p, z)

        def states(seq):
            _, forced = forced_rollout(step, init_fn(p, seq[0]), seq[1:], alpha, config.tau)
            return forced.at[:, :n_obs].set(seq[1:])  # ẑ_t: data on the observed units

        jacobian = None if jacobian_fn is None else (lambda z: jacobian_fn(p, z))
        estimate, _ = gtf_alpha(batch_jacobians(step, jax.vmap(states)(batch), jacobian))
        return anneal_alpha(alpha, estimate, config.gamma)

    def draw(p, state, i):
        alpha, key = state
        key, k_batch, k_noise = jax.random.split(key, 3)
        batch = sample_windows(k_batch, data, config.batch_size, config.seq_len + 1)
        if config.noise > 0:
            batch = batch + config.noise * jax.random.normal(k_noise, batch.shape, batch.dtype)
        if config.adaptive_alpha:
            alpha = jax.lax.cond(
                (i + 1) % config.alpha_interval == 0,
                lambda: estimate_alpha(p, batch, alpha),
                lambda: alpha,
            )
        return (batch, alpha), (alpha, key)

    starts = data[jnp.linspace(0, data.shape[0] - 1, config.select_starts).astype(int)]

    def score(p):
        def one(x0):
            zs = free_rollout(lambda z: step_fn(p, z), init_fn(p, x0), config.select_steps)
            return attractor_divergence(zs[:, :n_obs], data)

        if config.select_starts == 1:
            return one(starts[0])
        return jnp.mean(jax.vmap(one)(starts))

    if config.select_every > 0 and config.steps % config.select_every:
        raise ValueError(
            f"train_steps={config.steps} must be a multiple of select_every={config.select_every}"
        )
    params, losses, (alphas, _) = train_loop(
        params,
        loss_fn,
        optim,
        draw,
        jnp.arange(config.steps),
        (jnp.asarray(config.alpha0, data.dtype), key),
        skip_nonfinite=20,
        select_every=config.select_every,
        score=score,
    )
    return params, losses, alphas


# ----------------------------------------------------------------------- forecasters


class AbstractTeacherForcingForecaster(AbstractForecaster):
    """A latent RNN trained by :func:`train`; a subclass supplies the model.

    The fitted params are an ``eqx.Module`` with ``A`` (its dtype is the model's),
    ``step(z) -> z'`` (the latent map) and ``init_state(x) -> z`` (the latent state of an
    observation). ``fit`` trains them on the float32 data; ``forecast`` infers the latent
    state at the end of the context by teacher forcing through its last ``min_context``
    rows (every ``tau`` steps, :func:`warm_start`) and then runs the model freely,
    reading the observed units. The latent state is the model's whole state, so
    :meth:`start` / :meth:`advance` expose it (``forecast`` is their composition).
    """

    # the seeds of a group train in one vmapped program (fit_slots): three Lorenz-63 rich
    # fits 1.38× (shPLRNN) and 1.54× (AL-RNN) faster than one after another on this CPU
    vmappable_fit: ClassVar[bool] = True

    @abc.abstractmethod
    def init_params(self, key, n_obs: int) -> Any:
        """The initial params for data of dimension ``n_obs``."""

    @abc.abstractmethod
    def train_config(self) -> TrainConfig:
        """The :class:`TrainConfig` built from the hyperparameters."""

    def _train_config(self, **model_specific) -> TrainConfig:
        """A :class:`TrainConfig` from the hyperparameters both models declare
        (`train_steps`, `batch_size`, `seq_len`, `alpha_interval`, `gamma`, `lr_start`,
        `lr_end`, `noise`, `select_every`, `select_steps`) and `model_specific` (`tau`,
        `adaptive_alpha`, `alpha0`, optionally `select_starts`)."""
        return TrainConfig(
            steps=self.train_steps,
            batch_size=self.batch_size,
            seq_len=self.seq_len,
            alpha_interval=self.alpha_interval,
            gamma=self.gamma,
            lr_start=self.lr_start,
            lr_end=self.lr_end,
            noise=self.noise,
            select_every=self.select_every,
            select_steps=self.select_steps,
            **model_specific,
        )

    @abc.abstractmethod
    def regulariser(self, params) -> jax.Array:
        """The penalty added to the training loss (a scalar)."""

    def fit_with_history(self, key, series):
        """Fit and also return the per-batch losses and α: ``(params, losses, alphas)``."""
        data = series.astype(jnp.float32)
        k_init, k_train = jax.random.split(key)
        params = self.init_params(k_init, data.shape[-1])
        return train(
            k_train,
            params,
            data,
            self.train_config(),
            step_fn=lambda p, z: p.step(z),
            init_fn=lambda p, x: p.init_state(x),
            regulariser=self.regulariser,
        )

    def fit(self, key, train):
        params, _, _ = self.fit_with_history(key, train)
        return params

    def start(self, fitted, context) -> jax.Array:
        """The latent state ``(M,)`` at the end of `context`, inferred by teacher forcing
        through its last ``min_context`` rows (:func:`warm_start`)."""
        xs = context[-self.min_context :].astype(fitted.A.dtype)
        return warm_start(fitted.step, fitted.init_state(xs[0]), xs, self.train_config().tau)

    def advance(self, fitted, state: jax.Array, steps: int) -> tuple[jax.Array, jax.Array]:
        """Run the latent map freely for `steps` steps from `state`: the last latent state
        and the observed units of every new state ``(steps, N)``."""
        n_obs = fitted.L.shape[-1]

        def body(z, _):
            z = fitted.step(z)
            return z, z[:n_obs]

        return jax.lax.scan(body, state, None, length=steps)

    def forecast(self, fitted, context, steps: int):
        _, out = self.advance(fitted, self.start(fitted, context), steps)
        return out.astype(context.dtype)
