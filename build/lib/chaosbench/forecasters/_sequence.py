"""Increment-target training of the sequence forecasters (S4D, S5, Mamba, transformer).

Every sequence model here is trained the same way: random windows of the z-scored
training trajectory are drawn, the model reads the window causally and predicts, at every
position t, the *scaled increment* ``(u_{t+1} − u_t) / s`` (``s`` the per-dimension
standard deviation of one-step increments, so that the targets are O(1) however finely a
system is sampled). The loss is the mean squared error over all positions. The whole
optimisation runs under one ``jax.lax.scan`` so that ``fit`` is a pure traceable function
(the evaluator vmaps it over seeds).

Pieces:

- `optimiser`: AdamW with linear warm-up and cosine decay, after global-norm clipping.
- `increment_scale`: the per-dimension std of one-step increments.
- `train`: random-window training with the shared loop (:mod:`forecasters._training`).
- `SeqFitted`: what ``fit`` returns (model, increment scale, loss history).
- `fit_sequence_model`: all of the above for a model ``u ↦ ŷ`` read causally (optionally
  from noisy inputs).

**References:**

- C. M. Bishop. Training with noise is equivalent to Tikhonov regularization. Neural
  Computation 7(1), 108–116 (1995).
- P. R. Vlachas, J. Pathak, B. R. Hunt, T. P. Sapsis, M. Girvan, E. Ott,
  P. Koumoutsakos. Backpropagation algorithms and reservoir computing in recurrent
  neural networks for the forecasting of complex spatiotemporal dynamics. Neural
  Networks 126, 191–217 (2020).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import optax
from jaxtyping import Array, Float

from . import _training
from ._training import sample_windows


class SeqFitted(eqx.Module):
    """The fitted state of a sequence forecaster.

    **Fields:** `model` the trained network (float32); `scale` ``(dim,)`` the increment
    scale s; `losses` ``(steps,)`` the training-loss history (the first and last entries
    show how far training went).
    """

    model: Any
    scale: Float[Array, " dim"]
    losses: Float[Array, " steps"]


def optimiser(
    learning_rate: float,
    steps: int,
    warmup: int = 100,
    weight_decay: float = 1e-4,
    clip: float = 1.0,
) -> optax.GradientTransformation:
    """AdamW (Loshchilov & Hutter 2019) under a warm-up + cosine-decay schedule.

    The learning rate rises linearly from 0 to `learning_rate` over `warmup` steps and
    decays along a cosine to 1% of it at `steps`; gradients are clipped to global norm
    `clip` first. Weight decay applies to the weights of linear maps only.
    """
    schedule = optax.warmup_cosine_decay_schedule(
        0.0,
        learning_rate,
        min(warmup, max(steps - 1, 1)),
        max(steps, 2),
        end_value=0.01 * learning_rate,
    )
    return optax.chain(
        optax.clip_by_global_norm(clip),
        optax.adamw(schedule, weight_decay=weight_decay, mask=_matrices),
    )


def _matrices(params):
    # Decay the weights of linear maps only: not biases, norms, step sizes or eigenvalues.
    def is_linear(x):
        return isinstance(x, eqx.nn.Linear)

    def mark(x):
        false = jax.tree_util.tree_map(lambda _: False, x)
        return eqx.tree_at(lambda lin: lin.weight, false, True) if is_linear(x) else false

    return jax.tree_util.tree_map(mark, params, is_leaf=is_linear)


def increment_scale(series: Float[Array, "time dim"]) -> Float[Array, " dim"]:
    """Standard deviation of the one-step increments of `series`, per dimension."""
    return jnp.std(jnp.diff(series, axis=0), axis=0) + 1e-8


def train(
    key: jax.Array,
    model: Any,
    loss_fn: Callable[[Any, Array], Array],
    series: Float[Array, "time dim"],
    *,
    steps: int,
    batch: int,
    length: int,
    optim: optax.GradientTransformation,
) -> tuple[Any, Float[Array, " steps"]]:
    """Minimise ``loss_fn(model, windows)`` over random windows (:func:`_training.train`).

    **Arguments:** `key`; `model` an eqx.Module (its inexact arrays are trained);
    `loss_fn(model, windows)` with windows ``(batch, length, dim)``; `series` the
    trajectory to draw windows from; `steps`, `batch`, `length`; `optim` an optax
    transformation.

    **Returns:** the trained model and the loss at each step ``(steps,)``.
    """

    def draw(model, state, step_key):
        del model
        return sample_windows(step_key, series, batch, length), state

    model, losses, _ = _training.train(model, loss_fn, optim, draw, jax.random.split(key, steps))
    return model, losses


def fit_sequence_model(
    key: jax.Array,
    model: Any,
    train_series: Float[Array, "time dim"],
    *,
    steps: int,
    batch: int,
    length: int,
    learning_rate: float,
    weight_decay: float,
    warmup: int = 100,
    noise: float = 0.0,
) -> SeqFitted:
    """Train `model` (called as ``model(u) -> ŷ``) as a scaled-increment predictor.

    With `noise` > 0 the model reads noisy inputs ``ũ_t = u_t + noise · s ⊙ ε_t``
    (ε_t standard normal, independent per step and window; s the increment scale) and
    learns the increment from there to the clean next state, ``(u_{t+1} − ũ_t)/s``: it
    is taught to pull a state that has left the data back towards it, which keeps its
    own closed-loop runs near the attractor (training with input noise: Bishop 1995,
    and for the closed-loop stability of learned chaotic models, Vlachas et al. 2020).
    """
    series = train_series.astype(jnp.float32)
    scale = increment_scale(series)

    def loss_fn(m, batch_):
        windows, eps = batch_
        inputs = windows[:, :-1] + noise * scale * eps
        targets = (windows[:, 1:] - inputs) / scale
        preds = jax.vmap(m)(inputs)
        return jnp.mean((preds - targets) ** 2)

    def draw(m, state, step_key):
        del m
        k_w, k_e = jax.random.split(step_key)
        windows = sample_windows(k_w, series, batch, length + 1)
        eps = jax.random.normal(k_e, (batch, length, series.shape[-1]), series.dtype)
        return (windows, eps), state

    optim = optimiser(learning_rate, steps, warmup, weight_decay)
    keys = jax.random.split(key, steps)
    model, losses, _ = _training.train(model, loss_fn, optim, draw, keys)
    return SeqFitted(model, scale, losses)
