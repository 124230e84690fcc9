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
- `fit_sequence_model`: all of the above for a model ``u ↦ ŷ`` read causally.
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


def increment_loss(
    apply: Callable[[Any, Array], Array], model: Any, windows: Array, scale: Array
) -> Array:
    """MSE between ``apply(model, window[:-1])`` and the scaled increments of `windows`."""
    inputs = windows[:, :-1]
    targets = (windows[:, 1:] - windows[:, :-1]) / scale
    preds = jax.vmap(lambda w: apply(model, w))(inputs)
    return jnp.mean((preds - targets) ** 2)


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
) -> SeqFitted:
    """Train `model` (called as ``model(u) -> ŷ``) as a scaled-increment predictor."""
    series = train_series.astype(jnp.float32)
    scale = increment_scale(series)

    def loss_fn(m, windows):
        return increment_loss(lambda mm, w: mm(w), m, windows, scale)

    model, losses = train(
        key,
        model,
        loss_fn,
        series,
        steps=steps,
        batch=batch,
        length=length + 1,
        optim=optimiser(learning_rate, steps, warmup, weight_decay),
    )
    return SeqFitted(model, scale, losses)
