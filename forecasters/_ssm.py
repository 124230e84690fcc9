"""The base of the state-space forecasters (S4D, S5, Mamba): everything but the layer.

A state-space forecaster here is a :class:`SequenceStack` — encoder, residual blocks,
layer norm, decoder — whose blocks each wrap one state-space layer. The stack reads a
window in parallel for training (a convolution or an associative scan,
:func:`associative_linear_scan`) and one step at a time for forecasting
(:func:`recurrent_start`, :func:`recurrent_advance`: states warmed up on the
context, then fed the model's own predictions). It predicts the scaled
increment ``(u_{t+1} − u_t)/s`` at every position and is trained by
:func:`forecasters._sequence.fit_sequence_model` (AdamW, warm-up + cosine decay, random
windows). A model supplies only its block, through
:meth:`AbstractSSMForecaster.block`; a diagonal (linear time-invariant) layer inside the
usual pre-norm residual block subclasses :class:`AbstractResidualSSMBlock` and supplies
only the map after the layer.

**References:**

- A. Gu, K. Goel, C. Ré. Efficiently Modeling Long Sequences with Structured State
  Spaces. ICLR 2022 (the stacked, pre-norm residual SSM architecture).
- G. E. Blelloch. Prefix sums and their applications. Tech. report CMU-CS-90-190
  (1990); J. T. H. Smith, A. Warrington, S. W. Linderman. Simplified State Space Layers
  for Sequence Modeling. ICLR 2023 (the parallel scan of a linear recurrence).
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import Any, ClassVar

import equinox as eqx
import jax
import jax.numpy as jnp
from jaxtyping import Array, Float

from chaosbench import AbstractForecaster, SearchSpace

from ._sequence import SeqFitted, fit_sequence_model


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


def sequential_linear_scan(a: Array, b: Array) -> Array:
    """The states of :func:`associative_linear_scan`, one step after another (``lax.scan``)."""
    a = jnp.broadcast_to(a, b.shape)

    def body(x, ab):
        x = ab[0] * x + ab[1]
        return x, x

    _, xs = jax.lax.scan(body, jnp.zeros_like(b[0]), (a, b))
    return xs


def linear_scan(a: Array, b: Array) -> Array:
    """All states of x_k = a_k ⊙ x_{k−1} + b_k (x_{−1} = 0): sequential on CPU, parallel
    elsewhere.

    The parallel scan does O(T log T) work in O(log T) depth, which pays on an
    accelerator; on CPU the sequential scan is faster. Measured here (2 cores, gradient
    of a batch of 16 windows): Mamba's (64 steps, 64 channels, 8 states) 8–10 ms
    sequential vs 27–46 ms parallel (``/tmp`` micro-benchmark quoted in the commit).
    """
    if jax.default_backend() == "cpu":
        return sequential_linear_scan(a, b)
    return associative_linear_scan(a, b)


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


def recurrent_start(
    init_state: Callable[[], Any],
    step: Callable[[Any, Array], tuple[Any, Array]],
    context: Float[Array, "time dim"],
) -> tuple[Any, Float[Array, " dim"]]:
    """The state of a recurrent model after reading `context`: its layer states driven
    through ``context[:-1]`` (teacher forcing) and the last observed state ``u_T``
    (float32), from which :func:`recurrent_advance` continues."""
    context = context.astype(jnp.float32)
    state, _ = jax.lax.scan(lambda s, u: (step(s, u)[0], None), init_state(), context[:-1])
    return state, context[-1]


def recurrent_advance(
    step: Callable[[Any, Array], tuple[Any, Array]],
    state: tuple[Any, Float[Array, " dim"]],
    steps: int,
    scale: Float[Array, " dim"],
) -> tuple[tuple[Any, Array], Float[Array, "steps dim"]]:
    """Feed a recurrent model its own predictions for `steps` steps from `state`.

    ``step(state, u_t) -> (state, ŷ_t)`` with ŷ_t the scaled increment predicted for
    u_{t+1} − u_t; each new ``u_{t+1} = u_t + s ⊙ ŷ_t`` is fed back: O(1) work per step.
    Returns the new ``(layer states, u)`` and the states ``(steps, dim)`` (float32).
    """
    scale = scale.astype(jnp.float32)

    def body(carry, _):
        layers, u = carry
        layers, y = step(layers, u)
        u_next = u + scale * y
        return (layers, u_next), u_next

    return jax.lax.scan(body, state, None, length=steps)


class AbstractResidualSSMBlock(eqx.Module):
    """Pre-norm residual block around a sequence-to-sequence layer: x + out(layer(LN(x))).

    The layer offers ``__call__`` on a sequence ``(time, width)`` and
    ``init_state()``/``step(state, x_t)`` computing the same map one position at a time;
    a subclass supplies the fields `norm` and `ssm` and the position-wise map `_out`.
    """

    norm: eqx.AbstractVar[eqx.nn.LayerNorm]
    ssm: eqx.AbstractVar[Any]

    @abc.abstractmethod
    def _out(self, y: Float[Array, " width"]) -> Float[Array, " width"]:
        """The position-wise map applied to the layer's output before the residual sum."""

    def __call__(self, h: Float[Array, "time width"]) -> Float[Array, "time width"]:
        return h + jax.vmap(self._out)(self.ssm(jax.vmap(self.norm)(h)))

    def init_state(self):
        return self.ssm.init_state()

    def step(self, state, h: Float[Array, " width"]):
        state, y = self.ssm.step(state, self.norm(h))
        return state, h + self._out(y)


class AbstractSSMForecaster(AbstractForecaster):
    """A :class:`SequenceStack` of `depth` blocks of `width` channels predicting the next
    increment; a subclass declares its layer's own hyperparameters and :meth:`block`.

    **Arguments** (shared by S4D, S5 and Mamba): `width` channels; `depth` blocks;
    `steps` optimiser steps; `batch` windows per step; `window` steps per training
    window; `dt_min`, `dt_max` the log-uniform range of the layers' initial step Δ (in
    sampling steps); `learning_rate`, `weight_decay` (AdamW, warm-up + cosine decay);
    `min_context` the fewest context rows.

    **Search space** (the one tuner, shared by S4D, S5 and Mamba): width, depth,
    learning rate and training window; the resource is `steps`, up to 27,000 (rungs
    3,000, 9,000, 27,000: the lowest already above every default), the budget of every
    gradient-trained model that has no authors' training length to match.
    """

    width: int = eqx.field(default=32, static=True)
    depth: int = eqx.field(default=2, static=True)
    steps: int = eqx.field(default=1500, static=True)
    batch: int = eqx.field(default=16, static=True)
    window: int = eqx.field(default=64, static=True)
    dt_min: float = 0.03
    dt_max: float = 0.3
    learning_rate: float = 3e-3
    weight_decay: float = 1e-4
    noise: float = 0.0
    min_context: int = eqx.field(default=2, static=True)
    smoke_hyperparameters: ClassVar[dict] = {"steps": 10}  # the fast conformance test only
    search_space: ClassVar[SearchSpace] = SearchSpace(
        {
            "width": (32, 64, 128),
            "depth": (2, 4),
            "learning_rate": (1e-3, 3e-3, 1e-2),
            "window": (64, 128),
        },
        resource="steps",
        budget=27_000,
    )

    @abc.abstractmethod
    def block(self, key: jax.Array) -> eqx.Module:
        """One residual block of width `width` (``__call__``, ``init_state``, ``step``)."""

    def build(self, key: jax.Array, dim: int) -> SequenceStack:
        keys = jax.random.split(key, self.depth + 1)
        return SequenceStack(dim, self.width, [self.block(k) for k in keys[1:]], key=keys[0])

    def fit(self, key, train) -> SeqFitted:
        k_init, k_train = jax.random.split(key)
        return fit_sequence_model(
            k_train,
            self.build(k_init, train.shape[-1]),
            train,
            steps=self.steps,
            batch=self.batch,
            length=self.window,
            learning_rate=self.learning_rate,
            weight_decay=self.weight_decay,
            noise=self.noise,
        )

    def start(self, fitted: SeqFitted, context):
        """The stack's state after reading `context`: ``(per-block states, u_T)``."""
        return recurrent_start(fitted.model.init_state, fitted.model.step, context)

    def advance(self, fitted: SeqFitted, state, steps: int):
        """Continue `steps` steps closed loop from `state` (:func:`recurrent_advance`)."""
        return recurrent_advance(fitted.model.step, state, steps, fitted.scale)

    def forecast(self, fitted: SeqFitted, context, steps: int):
        _, out = self.advance(fitted, self.start(fitted, context), steps)
        return out.astype(context.dtype)
