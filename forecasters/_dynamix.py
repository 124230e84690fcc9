"""DynaMix: the pretrained mixture-of-experts AL-RNN of Hemmer & Durstewitz, zero-shot.

DynaMix forecasts a dynamical system from a context window alone: no training on the
system. A latent state ``z`` (``M`` units, the first ``N`` of them observed) advances as
a mixture of ``J`` AL-RNN experts,

    z_{t+1} = Σ_j w_j(z_t, C) [A_j ⊙ z_t + W_j Φ*(z_t) + h_j],
    Φ*(z) = (z_1, …, z_{M−P}, relu(z_{M−P+1}), …, relu(z_M)),

and the expert weights come from a gating network reading the context ``C`` (``T × N``):

1. ``x = D z + σ ⊙ ε`` (``ε`` standard normal: the gate is stochastic at inference too);
2. attention over the context frames ``c_1 … c_{T−1}``: ``softmax_τ(−‖c_τ − x‖₁ / |τ₁|)``;
3. a 2-tap convolution of the context (Flux's ``Conv``: a true convolution, so output
   frame ``τ`` is ``b + K₂ᵀ c_τ + K₁ᵀ c_{τ+1}``), averaged with that attention: ``e``;
4. ``w = softmax(−W₂ relu(W₁ [e; z]) / |τ₂|)``.

The forecasting pipeline of the reference code: the context is standardised per
coordinate (mean, sample std); a context of ``d < N`` coordinates gets ``N − d``
positional coordinates ``sin(2π t / τ + φ)``, ``t = 1 … T``, ``φ`` evenly spaced in
``[0, π/2]`` (``0`` alone when one is needed), ``τ`` the lag of the highest
autocorrelation peak beyond ``T/10`` (the highest autocorrelation if there is none),
the largest over coordinates. The last embedded context row ``x_T`` starts the latent
state ``z = [x_T; L x_T]``; the first ``d`` latent units, de-standardised, are the forecast.

**Dimensions.** The published model has ``N = 3``: contexts of 1, 2 or 3 coordinates
are forecast as above (the Julia pipeline the weights come from). Above ``N`` the Julia
pipeline has no rule and the model is refused with :class:`DynaMixDimensionError`;
``channel_independent=True`` applies the authors' Python pipeline's rule instead: each
coordinate is forecast as its own one-dimensional series.

**Weights.** The model ships as ``dynamix-3d-alrnn-v1.0.bson`` in the authors'
repository (GPL-3.0; not distributed with chaosbench): point the environment variable
``CHAOSBENCH_DYNAMIX_WEIGHTS`` at it, or call :func:`set_weights_path`. It is read by our
own BSON reader (:mod:`forecasters._bson`). The file's sha256 is the field
``weights_sha256``, set when the forecaster is built, so run ids change with the weights.
``fit`` returns the model (and the key of the gating noise), nothing learned from the
system. The state API carries the latent state *and* the embedded context (the gate
reads it at every step), so the Lyapunov estimate perturbs both.

**Conformance** (``benchmarks/dynamix_conformance.py``, 8 noise seeds): on the authors'
Lorenz-63 test trajectory (context 2,000, horizon 10⁴) D_stsp 0.69 [0.54, 0.82] and
D_H 0.074 [0.061, 0.092] by their measures, against their notebooks' single draws
0.850 / 0.077 (Julia) and 0.804 / 0.064 (Python); Chua 2.01 / 0.085 against 1.98 /
0.095 and 2.21 / 0.088. With the convolution read as a cross-correlation instead,
D_stsp ≈ 12. Their trajectories have about 35 steps per Lorenz period; the model does
markedly worse at 100 per period (the benchmark's sampling).

**Sampling.** ``stride=s`` runs the model at its training resolution without changing the
benchmark's windows: the context's every s-th row, ending at its last, is what the model
reads, the model steps s·Δ, and the s − 1 benchmark steps between two model steps are the
linear interpolation of its outputs (the first between the context's last row and the
first model step). ``s = 3`` puts the benchmark's ~100 steps a period near the authors'
~35; the zero-shot suite runs both ``dynamix`` and ``dynamix:stride=3``.

**References:**

- C. J. Hemmer, D. Durstewitz. True zero-shot inference of dynamical systems preserving
  long-term statistics. NeurIPS 2025; arXiv:2505.13192. (Reference code and weights:
  DurstewitzLab/DynaMix-julia; pipeline also in DurstewitzLab/DynaMix-python.)
- M. Brenner, C. J. Hemmer, Z. Monfared, D. Durstewitz. Almost-linear RNNs yield highly
  interpretable symbolic codes in dynamical systems reconstruction. NeurIPS 2024.
"""

from __future__ import annotations

import functools
import os
from typing import ClassVar

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from chaosbench import AbstractForecaster, register_forecaster

from . import _bson
from ._dynamix_weights import (  # noqa: F401 (the weights' names, re-exported here)
    MISSING,
    WEIGHTS_ENV,
    WEIGHTS_FILE,
    WEIGHTS_SOURCE,
    DynaMixWeightsError,
    set_weights_path,
    weights_digest,
    weights_path,
)


class DynaMixDimensionError(ValueError):
    """A context of more coordinates than the pretrained model has, without a rule."""


class DynaMixModel(eqx.Module):
    """The pretrained DynaMix: ``J`` experts, ``M`` latent and ``N`` observed units."""

    A: jax.Array  # (J, M) diagonal of each expert
    W: jax.Array  # (J, M, M)
    h: jax.Array  # (J, M)
    conv_weight: jax.Array  # (2, N, N): [tap, in, out], Flux's layout
    conv_bias: jax.Array  # (N,)
    temperature_context: jax.Array  # () τ₁ of the attention over the context
    D: jax.Array  # (N, M) the gate's read-out of the latent state
    mlp1: jax.Array  # (J, N + M)
    mlp2: jax.Array  # (J, J)
    temperature_experts: jax.Array  # () τ₂ of the expert weights
    sigma: jax.Array  # (N,) std of the gate's noise
    L: jax.Array  # (M − N, N) the unobserved units' initial state
    pwl_units: int = eqx.field(static=True)

    @property
    def observed(self) -> int:
        return self.D.shape[0]

    def encode(self, context: jax.Array) -> jax.Array:
        """The gate's convolution of an embedded context ``(T, N)``: ``(T − 1, N)``."""
        return (
            self.conv_bias + context[:-1] @ self.conv_weight[1] + context[1:] @ self.conv_weight[0]
        )

    def expert_weights(self, context, encoded, z, noise) -> jax.Array:
        """The gating network: weights ``(J,)`` of the experts at latent state ``z``."""
        x = self.D @ z + self.sigma * noise
        distance = jnp.sum(jnp.abs(context[:-1] - x), axis=-1)
        attention = jax.nn.softmax(-distance / jnp.abs(self.temperature_context))
        embedding = encoded.T @ attention
        hidden = jax.nn.relu(self.mlp1 @ jnp.concatenate([embedding, z]))
        return jax.nn.softmax(-(self.mlp2 @ hidden) / jnp.abs(self.temperature_experts))

    def step(self, context, encoded, z, noise) -> jax.Array:
        """One step of the latent map ``(M,) → (M,)`` given the context and gate noise."""
        linear = jnp.arange(z.shape[-1]) < z.shape[-1] - self.pwl_units
        phi = jnp.where(linear, z, jax.nn.relu(z))
        experts = self.A * z + jnp.einsum("jmk,k->jm", self.W, phi) + self.h
        return self.expert_weights(context, encoded, z, noise) @ experts


# Field order of the reference structs (BSON.jl stores values, not names).
_LAYOUT = {
    "DynaMix": ("A_MoE", "W_MoE", "h_MoE", "gating_network", "N", "Experts", "P"),
    "GatingNetwork": (
        "conv",
        "softmax_temp1",
        "D",
        "mlp_layer1",
        "mlp_layer2",
        "softmax_temp2",
        "sigma",
    ),
    "Conv": ("σ", "weight", "bias", "stride", "pad", "dilation", "groups"),
    "Identity": ("B", "b", "use_bias", "L"),
}


def _fields(node, name: str) -> dict:
    if not isinstance(node, _bson.JuliaStruct) or node.type.short != name:
        found = node.type.short if isinstance(node, _bson.JuliaStruct) else type(node).__name__
        raise DynaMixWeightsError(f"not a DynaMix weights file: expected a {name}, found {found}")
    if len(node.fields) < len(_LAYOUT[name]):
        raise DynaMixWeightsError(f"not a DynaMix weights file: {name} has too few fields")
    return dict(zip(_LAYOUT[name], node.fields, strict=False))


def load_dynamix(path: str | os.PathLike) -> DynaMixModel:
    """Read a DynaMix BSON file (the ``(model, observation model)`` pair that the
    reference's ``load_model`` reads) into a :class:`DynaMixModel` of numpy float32;
    :class:`DynaMixWeightsError` names what is wrong with any other file."""
    try:
        tree = _bson.lower(_bson.read_bson(path))
    except _bson.BSONError as error:
        raise DynaMixWeightsError(f"{path} is not a readable BSON file: {error}") from error
    try:
        return _from_tree(path, tree)
    except (ValueError, TypeError, IndexError, KeyError) as error:
        raise DynaMixWeightsError(f"{path} is not a DynaMix weights file: {error}") from error


def _from_tree(path, tree: dict) -> DynaMixModel:
    pair = tree.get("model")
    if not isinstance(pair, list | tuple) or len(pair) != 2:
        raise DynaMixWeightsError(f"{path}: expected an entry 'model' = (DynaMix, Identity)")
    model, obs = _fields(pair[0], "DynaMix"), _fields(pair[1], "Identity")
    gate = _fields(model["gating_network"], "GatingNetwork")
    conv = _fields(gate["conv"], "Conv")

    def f32(x) -> np.ndarray:
        return np.asarray(x, dtype=np.float32)

    A, W, h = (np.stack([f32(a) for a in model[k]]) for k in ("A_MoE", "W_MoE", "h_MoE"))
    n, m = f32(gate["D"]).shape
    L = f32(obs["L"]) if obs["L"] is not None else np.zeros((0, n), np.float32)
    out = DynaMixModel(
        A=A, W=W, h=h, conv_weight=f32(conv["weight"]), conv_bias=f32(conv["bias"]),
        temperature_context=f32(gate["softmax_temp1"]).reshape(()), D=f32(gate["D"]),
        mlp1=f32(gate["mlp_layer1"]), mlp2=f32(gate["mlp_layer2"]),
        temperature_experts=f32(gate["softmax_temp2"]).reshape(()), sigma=f32(gate["sigma"]),
        L=L, pwl_units=int(model["P"]),
    )  # fmt: skip
    j = A.shape[0]
    expected = {
        "A": (j, m), "W": (j, m, m), "h": (j, m), "conv_weight": (2, n, n), "conv_bias": (n,),
        "mlp1": (j, n + m), "mlp2": (j, j), "sigma": (n,), "L": (m - n, n),
    }  # fmt: skip
    wrong = [
        f"{k} {getattr(out, k).shape} ≠ {s}"
        for k, s in expected.items()
        if getattr(out, k).shape != s
    ]
    if wrong or int(model["N"]) != n or int(model["Experts"]) != j or not 0 <= out.pwl_units <= m:
        raise DynaMixWeightsError(f"{path}: inconsistent DynaMix shapes: {'; '.join(wrong)}")
    return out


@functools.lru_cache(maxsize=4)
def _cached_model(path: str, digest: str) -> DynaMixModel:
    del digest  # the cache key: a changed file is read again
    return load_dynamix(path)


def positional_period(x: jax.Array) -> jax.Array:
    """The reference's ``τ`` of a context ``(T, d)``: per coordinate the lag (1 … T − 1)
    of the highest autocorrelation peak beyond ``round(T/10)`` (or of the highest
    autocorrelation if there is no peak); the largest over coordinates (an int array)."""
    t = x.shape[0]
    lags = jnp.arange(1, t)
    min_lag = round(t / 10)

    def one(u):
        u = u - u.mean()
        spectrum = jnp.abs(jnp.fft.rfft(u, 2 * t)) ** 2
        acf = jnp.fft.irfft(spectrum, 2 * t)[:t]
        acf = acf / jnp.where(acf[0] > 0, acf[0], 1.0)
        a = acf[1:]  # lags 1 … T − 1
        left = jnp.concatenate([acf[:1], a[:-1]])
        right = jnp.concatenate([a[1:], a[-1:]])
        peak = (lags > min_lag) & (lags < t - 1) & (left < a) & (a > right)
        best = jnp.argmax(jnp.where(peak, a, -jnp.inf))
        return jnp.where(peak.any(), best, jnp.argmax(a)) + 1

    return jnp.max(jax.vmap(one, in_axes=1)(x))


def embed(x: jax.Array, n: int) -> jax.Array:
    """The positional embedding of a standardised context ``(T, d)`` to ``(T, n)``."""
    t, d = x.shape
    if d >= n:
        return x
    phases = np.linspace(0.0, np.pi / 2, n - d) if n - d != 1 else np.zeros(1)
    time = jnp.arange(1, t + 1, dtype=x.dtype)[:, None]
    omega = 2 * jnp.pi / positional_period(x).astype(x.dtype)
    return jnp.concatenate([x, jnp.sin(omega * time + jnp.asarray(phases, x.dtype))], axis=1)


class DynaMixState(eqx.Module):
    """What a DynaMix forecast carries: per series ``b`` (one, or one per coordinate) the
    latent state, the embedded standardised context and its scaling; the steps taken."""

    z: jax.Array  # (B, M)
    context: jax.Array  # (B, T, N)
    mean: jax.Array  # (B, n)
    std: jax.Array  # (B, n)
    step: jax.Array  # () steps taken (a float, so the state is floating; it indexes the noise)


@register_forecaster("dynamix-v1", aliases=("DynaMix",))
class DynaMix(AbstractForecaster):
    """DynaMix (Hemmer & Durstewitz, NeurIPS 2025), the published 3-D model, zero-shot.

    - `gating_noise`: draw the gate's noise ``σ ⊙ ε`` as the reference does at inference
      (from the key given to `fit`: seeds differ by their noise); ``False``: ``ε = 0``.
    - `channel_independent`: forecast a context of more than ``N = 3`` coordinates one
      coordinate at a time (the Python pipeline's rule); ``False``: refuse it.
    - `stride`: run the model at every ``stride``-th step of the benchmark's sampling
      (see *Sampling* in the module docstring); 1 is the reference pipeline as it is.
    - `weights_sha256` (not settable): the weights file's digest, read when built.
    """

    pretraining_systems: ClassVar[tuple[str, ...]] = (
        "aizawa", "anishchenko_astakhov", "arneodo", "belousov_zhabotinsky", "blasius",
        "ca_two_plus", "cellular_neural_network", "chen", "colpitts", "excitable_cell",
        "forced_brusselator", "glycolytic_oscillation", "hastings_powell", "lorenz_bounded",
        "lu_chen_cheng", "newton_liepnik", "qi_chen", "rabinovich_fabrikant",
        "rayleigh_benard", "rikitake_dynamo", "rossler", "rucklidge", "salton_sea",
        "shimizu_morioka", "sprott_e", "sprott_h", "sprott_j", "sprott_jerk", "sprott_k",
        "sprott_n",
    )  # fmt: skip
    # its training corpus ("seen in pretraining" in the tables): the 30 dysts flows of
    # DurstewitzLab/DynaMix-python src/dynamix/utilities/generate_data.py (7801a5a; its
    # test system is Lorenz-63); the paper's appendix list was not available to check

    gating_noise: bool = eqx.field(default=True, static=True)
    channel_independent: bool = eqx.field(default=False, static=True)
    stride: int = eqx.field(default=1, static=True)
    weights_sha256: str = eqx.field(init=False, static=True)
    min_context: ClassVar[int] = 2
    zero_shot: ClassVar[bool] = True

    def __post_init__(self):
        if not (isinstance(self.stride, int) and self.stride >= 1):
            raise ValueError(f"dynamix stride={self.stride!r}: a positive integer (1: no stride)")
        self.weights_sha256 = weights_digest()

    @property
    def max_observed(self) -> int | None:
        """3, the pretrained model's dimension (``None`` with `channel_independent`)."""
        return None if self.channel_independent else 3

    def unavailable(self) -> str | None:
        """Why it cannot run here: the weights file is missing (see :func:`weights_path`)."""
        if self.weights_sha256 != MISSING:
            return None
        try:
            weights_path()
        except DynaMixWeightsError as error:
            return str(error)
        return f"its weights file cannot be read; set {WEIGHTS_ENV}"

    def _model(self) -> DynaMixModel:
        path = weights_path()
        digest = weights_digest()
        if digest != self.weights_sha256:
            raise DynaMixWeightsError(
                f"{path} (sha256 {digest[:12]}) is not the weights this forecaster was built "
                f"with ({self.weights_sha256[:12]}); build it again after setting {WEIGHTS_ENV}"
            )
        return _cached_model(str(path), digest)

    def _check(self, model: DynaMixModel, dim: int) -> None:
        if dim > model.observed and not self.channel_independent:
            raise DynaMixDimensionError(
                f"dynamix-v1 forecasts series of at most {model.observed} coordinates (its "
                f"pretrained model's dimension; fewer are padded by a positional embedding); "
                f"this one has {dim}. Use dynamix:channel_independent=True to forecast each "
                "coordinate as its own series (the authors' Python pipeline's rule)"
            )

    def fit(self, key, train):
        """The pretrained model (float32) and the gate's noise key; ``train`` is unused
        beyond its dimension."""
        model = self._model()
        self._check(model, train.shape[-1])
        return jax.tree_util.tree_map(jnp.asarray, model), key

    def start(self, fitted, context):
        """Standardise and embed ``context`` ``(T, d)``; the state at its last row."""
        model, _ = fitted
        self._check(model, context.shape[-1])
        context = context[(context.shape[0] - 1) % self.stride :: self.stride]  # ends at T
        n = model.observed
        series = context.T[:, :, None] if context.shape[-1] > n else context[None]
        mean = series.mean(axis=1)
        std = jnp.maximum(series.std(axis=1, ddof=1), 1e-6)
        embedded = jax.vmap(lambda x: embed(x, n))((series - mean[:, None]) / std[:, None])
        last = embedded[:, -1]
        z = jnp.concatenate([last, last @ model.L.T.astype(last.dtype)], axis=-1)
        return DynaMixState(z, embedded, mean, std, jnp.zeros((), context.dtype))

    def advance(self, fitted, state: DynaMixState, steps: int):
        """``steps`` free-running steps: the new state and the forecast ``(steps, d)``.

        With a ``stride`` s the state is the model's at step ``m = ⌊t/s⌋`` (``t`` the
        benchmark steps taken); the model runs ``⌈(steps + s − 1)/s⌉`` steps of s·Δ and the
        benchmark's steps between them are linear interpolations of its outputs."""
        model, key = fitted
        dtype = state.z.dtype
        model = jax.tree_util.tree_map(lambda a: a.astype(dtype), model)
        encoded = jax.vmap(model.encode)(state.context)
        shape = (state.z.shape[0], model.observed)
        taken = jnp.round(state.step).astype(jnp.int32)
        s = self.stride
        first = taken // s  # the model step the state is at: indexes the gate's noise

        def body(z, i):
            noise = jax.random.normal(jax.random.fold_in(key, first + i), shape, dtype)
            noise = noise if self.gating_noise else jnp.zeros_like(noise)
            z = jax.vmap(model.step)(state.context, encoded, z, noise)
            return z, z

        n = state.mean.shape[-1]
        if s == 1:
            z, zs = jax.lax.scan(body, state.z, jnp.arange(steps))
            out = zs[:, :, :n]
        else:
            _, zs = jax.lax.scan(body, state.z, jnp.arange((steps + 2 * s - 2) // s))
            zs = jnp.concatenate([state.z[None], zs])  # model steps m, m + 1, …
            position = taken - first * s + jnp.arange(1, steps + 1)  # from m, in steps
            k, w = position // s, ((position % s) / s).astype(dtype)[:, None, None]
            upper = jnp.minimum(k + 1, zs.shape[0] - 1)  # w = 0 where it is clipped
            out = (1 - w) * zs[k, :, :n] + w * zs[upper, :, :n]
            z = zs[(taken + steps) // s - first]
        out = out * state.std + state.mean
        new = DynaMixState(z, state.context, state.mean, state.std, state.step + steps)
        return new, out.reshape(steps, -1)

    def forecast(self, fitted, context, steps: int):
        return self.advance(fitted, self.start(fitted, context), steps)[1]
