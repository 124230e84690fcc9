"""The one gradient-training loop of the forecasters, and the window sampler it draws from.

Every trained forecaster here (the sequence models, the PLRNN family, the neural ODE)
minimises a loss over random windows of its training trajectory with an optax
optimiser. :func:`train` is that loop, once: a ``jax.lax.scan`` over per-step inputs
(PRNG keys, step indices), pure and traceable so that the evaluator can ``vmap`` it over
seeds; optionally skipping steps whose gradients are not finite
(``optax.apply_if_finite``) and keeping the checkpoint with the best score. The model
supplies only what makes it itself: how a step draws its batch (and any state it carries
from step to step, e.g. the teacher-forcing α) and the loss of a batch.

Pieces:

- `sample_windows`: a batch of random windows of a trajectory.
- `train`: the loop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import optax
from jaxtyping import Array, Float


def sample_windows(
    key: jax.Array, series: Float[Array, "time dim"], batch: int, length: int
) -> Float[Array, "batch length dim"]:
    """`batch` windows of `length` consecutive rows of `series`, uniformly placed.

    **Arguments:** `key`; `series` ``(time, dim)``; `batch`; `length` the rows per window
    (a model that reads ``L`` steps and predicts the next one asks for ``L + 1``).

    **Returns:** ``(batch, length, dim)``; window starts are uniform on
    ``0 … time − length``.
    """
    starts = jax.random.randint(key, (batch,), 0, series.shape[0] - length + 1)
    return jax.vmap(lambda s: jax.lax.dynamic_slice_in_dim(series, s, length, axis=0))(starts)


def train(
    model: Any,
    loss_fn: Callable[[Any, Any], Array],
    optim: optax.GradientTransformation,
    draw: Callable[[Any, Any, Any], tuple[Any, Any]],
    inputs: Any,
    state: Any = None,
    *,
    skip_nonfinite: int = 0,
    select_every: int = 0,
    score: Callable[[Any], Array] | None = None,
) -> tuple[Any, Array, Any]:
    """Minimise ``loss_fn(model, batch)`` with `optim`, one ``lax.scan`` over `inputs`.

    **Arguments:**

    - `model`: an ``eqx.Module`` (or any pytree); its inexact arrays are trained.
    - `loss_fn(model, batch) -> scalar`.
    - `optim`: an optax transformation, initialised on the model's arrays.
    - `draw(model, state, x) -> (batch, state)`: the batch of a step (and the carried
      `state`, e.g. a forcing weight, updated) from that step's input `x`.
    - `inputs`: a pytree whose leaves have a leading axis of length ``steps``, e.g.
      ``jax.random.split(key, steps)``; step ``i`` receives the ``i``-th slice.
    - `state`: the initial carried state (``None`` if there is none).
    - `skip_nonfinite`: if positive, a step whose gradients are not finite leaves the
      model unchanged (``optax.apply_if_finite`` with that many consecutive skips
      allowed before it gives up).
    - `select_every`, `score`: if `select_every` > 0, ``score(model)`` is computed every
      `select_every` steps (which must divide ``steps``) and the model with the lowest
      score is returned, or the last one if no score is finite (checkpoint selection:
      the reference code's ``use_best_model`` in Hess et al. 2023).

    **Returns:** the trained model, the loss at each step ``(steps,)`` and the carried
    state after each step (leading axis ``steps``).
    """
    if skip_nonfinite > 0:
        optim = optax.apply_if_finite(optim, skip_nonfinite)
    params, static = eqx.partition(model, eqx.is_array)  # the scan carries arrays only
    opt_state = optim.init(params)

    def body(carry, x):
        params, opt_state, state = carry
        model = eqx.combine(params, static)
        batch, state = draw(model, state, x)
        loss, grads = eqx.filter_value_and_grad(loss_fn)(model, batch)
        updates, opt_state = optim.update(grads, opt_state, params)
        params = optax.apply_updates(params, updates)
        return (params, opt_state, state), (loss, state)

    carry = (params, opt_state, state)
    if select_every <= 0:
        (params, _, _), (losses, states) = jax.lax.scan(body, carry, inputs)
        return eqx.combine(params, static), losses, states

    steps = jax.tree.leaves(inputs)[0].shape[0]
    if steps % select_every:
        raise ValueError(
            f"the training steps ({steps}) must be a multiple of select_every={select_every}"
        )
    if score is None:
        raise ValueError("select_every > 0 needs a score(model) to select checkpoints by")

    def where(pred, on_true, on_false):
        return jax.tree.map(lambda x, y: jnp.where(pred, x, y), on_true, on_false)

    def epoch(outer, xs):
        carry, best, best_score = outer
        carry, history = jax.lax.scan(body, carry, xs)
        current = score(eqx.combine(carry[0], static))
        best = where(current < best_score, carry[0], best)
        return (carry, best, jnp.minimum(current, best_score)), history

    epochs = jax.tree.map(lambda x: x.reshape(-1, select_every, *x.shape[1:]), inputs)
    inf = jnp.asarray(jnp.inf, jax.eval_shape(score, model).dtype)
    (carry, best, best_score), history = jax.lax.scan(epoch, (carry, params, inf), epochs)
    params = where(jnp.isfinite(best_score), best, carry[0])
    losses, states = jax.tree.map(lambda x: x.reshape(-1, *x.shape[2:]), history)
    return eqx.combine(params, static), losses, states
