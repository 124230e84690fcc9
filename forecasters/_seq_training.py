"""Shared pieces of the sequence forecasters (S4D, S5, Mamba, transformer).

Every sequence model here is trained the same way: random windows of the z-scored
training trajectory are drawn, the model reads the window causally and predicts, at every
position t, the *scaled increment* ``(u_{t+1} − u_t) / s`` (``s`` the per-dimension
standard deviation of one-step increments, so that the targets are O(1) however finely a
system is sampled). The loss is the mean squared error over all positions. The whole
optimisation runs under one ``jax.lax.scan`` so that ``fit`` is a pure traceable function
(the evaluator vmaps it over seeds).

Pieces:

- `optimiser`: AdamW with linear warm-up and cosine decay, after global-norm clipping.
- `sample_windows`: a batch of random windows of a trajectory.
- `increment_scale`: the per-dimension std of one-step increments.
- `train`: the lax.scan training loop; returns the trained model and its loss history.
- `SeqFitted`: what ``fit`` returns (model, increment scale, loss history).
- `recurrent_forecast`: warm a recurrent model's state on the context, then roll out.
- `associative_linear_scan`: x_k = a_k ⊙ x_{k−1} + b_k for all k by a parallel scan.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import optax
from jaxtyping import Array, Float


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


def sample_windows(
    key: jax.Array, series: Float[Array, "time dim"], batch: int, length: int
) -> Float[Array, "batch length dim"]:
    """`batch` windows of `length` consecutive rows of `series`, uniformly placed."""
    starts = jax.random.randint(key, (batch,), 0, series.shape[0] - length + 1)
    return jax.vmap(lambda s: jax.lax.dynamic_slice_in_dim(series, s, length, axis=0))(starts)


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
    """Minimise ``loss_fn(model, windows)`` over random windows; the loop is a lax.scan.

    **Arguments:** `key`; `model` an eqx.Module (its inexact arrays are trained);
    `loss_fn(model, windows)` with windows ``(batch, length, dim)``; `series` the
    trajectory to draw windows from; `steps`, `batch`, `length`; `optim` an optax
    transformation.

    **Returns:** the trained model and the loss at each step ``(steps,)``.
    """
    params, static = eqx.partition(model, eqx.is_inexact_array)
    opt_state = optim.init(params)

    def step(carry, step_key):
        params, opt_state = carry
        windows = sample_windows(step_key, series, batch, length)

        def objective(p):
            return loss_fn(eqx.combine(p, static), windows)

        loss, grads = jax.value_and_grad(objective)(params)
        updates, opt_state = optim.update(grads, opt_state, params)
        params = optax.apply_updates(params, updates)
        return (params, opt_state), loss

    (params, _), losses = jax.lax.scan(step, (params, opt_state), jax.random.split(key, steps))
    return eqx.combine(params, static), losses


def recurrent_forecast(
    init_state: Callable[[], Any],
    step: Callable[[Any, Array], tuple[Any, Array]],
    context: Float[Array, "time dim"],
    steps: int,
    scale: Float[Array, " dim"],
) -> Float[Array, "steps dim"]:
    """Warm a recurrent model on `context`, then feed its own predictions back.

    ``step(state, u_t) -> (state, ŷ_t)`` with ŷ_t the scaled increment predicted for
    u_{t+1} − u_t. The state is driven through ``context[:-1]`` (teacher forcing), then
    each new state ``u_{t+1} = u_t + s ⊙ ŷ_t`` is fed back: O(1) work per step.
    """
    dtype = context.dtype
    context = context.astype(jnp.float32)
    scale = scale.astype(jnp.float32)
    state, _ = jax.lax.scan(lambda s, u: (step(s, u)[0], None), init_state(), context[:-1])

    def body(carry, _):
        state, u = carry
        state, y = step(state, u)
        u_next = u + scale * y
        return (state, u_next), u_next

    _, out = jax.lax.scan(body, (state, context[-1]), None, length=steps)
    return out.astype(dtype)


def _linear_combine(left, right):
    a_l, b_l = left
    a_r, b_r = right
    return a_r * a_l, a_r * b_l + b_r


def associative_linear_scan(a: Array, b: Array) -> Array:
    """All states of x_k = a_k ⊙ x_{k−1} + b_k (x_{−1} = 0) along axis 0, in parallel.

    Uses ``jax.lax.associative_scan`` with the operator
    (a_l, b_l) ∘ (a_r, b_r) = (a_r a_l, a_r b_l + b_r) (Blelloch 1990; Smith et al. 2023).
    `a` broadcasts against `b`.
    """
    a = jnp.broadcast_to(a, b.shape)
    _, xs = jax.lax.associative_scan(_linear_combine, (a, b))
    return xs


class SequenceStack(eqx.Module):
    """Encoder → residual blocks → layer norm → decoder, read in parallel or step by step.

    Each block maps a sequence ``(time, width)`` to one of the same shape and offers
    ``init_state()`` and ``step(state, h_t) -> (state, h'_t)`` computing the same map one
    position at a time. The decoder starts at zero, so the untrained stack predicts a zero
    increment (persistence) and the initial loss is about 1.
    """

    encoder: eqx.nn.Linear
    blocks: tuple
    norm: eqx.nn.LayerNorm
    decoder: eqx.nn.Linear

    def __init__(self, dim: int, width: int, blocks, *, key: jax.Array):
        k_enc, k_dec = jax.random.split(key)
        self.encoder = eqx.nn.Linear(dim, width, key=k_enc, dtype=jnp.float32)
        self.blocks = tuple(blocks)
        self.norm = eqx.nn.LayerNorm(width, dtype=jnp.float32)
        decoder = eqx.nn.Linear(width, dim, key=k_dec, dtype=jnp.float32)
        self.decoder = eqx.tree_at(
            lambda d: (d.weight, d.bias),
            decoder,
            (jnp.zeros_like(decoder.weight), jnp.zeros_like(decoder.bias)),
        )

    def __call__(self, u: Float[Array, "time dim"]) -> Float[Array, "time dim"]:
        h = jax.vmap(self.encoder)(u)
        for block in self.blocks:
            h = block(h)
        return jax.vmap(lambda x: self.decoder(self.norm(x)))(h)

    def init_state(self):
        return tuple(block.init_state() for block in self.blocks)

    def step(self, state, u: Float[Array, " dim"]):
        h = self.encoder(u)
        new_state = []
        for block, s in zip(self.blocks, state):
            s, h = block.step(s, h)
            new_state.append(s)
        return tuple(new_state), self.decoder(self.norm(h))


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
