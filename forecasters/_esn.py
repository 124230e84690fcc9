"""Echo state network: a leaky tanh reservoir with a ridge-regression readout.

r_{t+1} = (1 − a) r_t + a tanh(W r_t + W_in u_t + b),   ŷ_{t+1} = u_t + W_out φ(r_{t+1}, u_t),

with φ(r, u) = [1; u; r; r²] (a constant, the input, and the squared-state readout of
Pathak et al. 2018, which breaks the reservoir's odd symmetry), W a random reservoir
scaled to spectral radius ρ, W_in uniform in [−σ, σ]. The readout predicts the increment
u_{t+1} − u_t and is fitted in closed form by ridge regression after a washout.
Forecasting drives the reservoir with the context (teacher forcing) and then feeds its
own predictions back (closed loop).

**References:**

- H. Jaeger, H. Haas. Harnessing nonlinearity: predicting chaotic systems and saving
  energy in wireless communication. Science 304 (2004).
- J. Pathak, Z. Lu, B. Hunt, M. Girvan, E. Ott. Using machine learning to replicate
  chaotic attractors and calculate Lyapunov exponents from data. Chaos 27 (2017).
- J. Pathak, B. Hunt, M. Girvan, Z. Lu, E. Ott. Model-free prediction of large
  spatiotemporally chaotic systems from data. PRL 120 (2018).
"""

from typing import ClassVar

import equinox as eqx
import jax
import jax.numpy as jnp

from chaosbench import AbstractForecaster, register_forecaster

from ._ridge import ridge_solve, solve_normal_equations


def reservoir_step(w, w_in, bias, leak, r, u):
    """One leaky-tanh update ``(1 − a) r + a tanh(W r + W_in u + b)``."""
    return (1 - leak) * r + leak * jnp.tanh(w @ r + w_in @ u + bias)


def readout_features(r, u):
    """φ(r, u) = [1; u; r; r²], the readout's features (Pathak et al. 2018)."""
    return jnp.concatenate([jnp.ones(1, r.dtype), u, r, r**2])


def sparse_reservoir(key_w, key_mask, n: int, density: float, dtype):
    """A random ``(n, n)`` matrix with about ``density · n²`` standard-normal entries, and
    its spectral radius (the largest eigenvalue modulus)."""
    w = jax.random.normal(key_w, (n, n), dtype)
    w = w * (jax.random.uniform(key_mask, (n, n)) < density)
    return w, jnp.max(jnp.abs(jnp.linalg.eigvals(w)))


def closed_loop_forecast(step, w_out, context, size: int, steps: int):
    """Drive a reservoir ``step(r, u) -> r'`` from rest through ``context[:-1]`` (teacher
    forcing), then feed back ``u_{t+1} = u_t + W_out φ(r_{t+1}, u_t)``: ``(steps, dim)``."""
    r, _ = jax.lax.scan(
        lambda r, u: (step(r, u), None), jnp.zeros(size, context.dtype), context[:-1]
    )

    def body(carry, _):
        r, u = carry
        r = step(r, u)
        u_next = u + w_out @ readout_features(r, u)
        return (r, u_next), u_next

    _, out = jax.lax.scan(body, (r, context[-1]), None, length=steps)
    return out


class ESNState(eqx.Module):
    w: jax.Array
    w_in: jax.Array
    bias: jax.Array
    w_out: jax.Array


@register_forecaster("esn-v1")
class ESN(AbstractForecaster):
    """A leaky echo state network (see the module docstring for the equations).

    Defaults were chosen by a small grid search on Lorenz-63 at 100 points per period
    (leak ∈ {0.1…1}, ρ ∈ {0.1…0.9}, σ ∈ {0.1…1}, ridge ∈ {1e-9…1e-6}): a weakly
    recurrent reservoir (ρ = 0.3) driven hard (σ = 0.5) with a light ridge did best.

    **Arguments:** `size` reservoir units; `spectral_radius` ρ; `leak` a; `input_scale` σ;
    `bias_scale`; `density` fraction of non-zero reservoir weights; `ridge` Tikhonov
    weight; `washout` steps discarded before fitting; `min_context` steps of context.
    """

    size: int = eqx.field(default=600, static=True)
    spectral_radius: float = 0.3
    leak: float = 0.7
    input_scale: float = 0.5
    bias_scale: float = 0.2
    density: float = 0.05
    ridge: float = 1e-9
    washout: int = eqx.field(default=200, static=True)
    min_context: int = eqx.field(default=200, static=True)

    def _step(self, params: ESNState, r, u):
        return reservoir_step(params.w, params.w_in, params.bias, self.leak, r, u)

    def fit(self, key, train):
        n, dim = self.size, train.shape[-1]
        k_w, k_mask, k_in, k_b = jax.random.split(key, 4)
        w, radius = sparse_reservoir(k_w, k_mask, n, self.density, train.dtype)
        w = w * (self.spectral_radius / radius)
        w_in = jax.random.uniform(k_in, (n, dim), train.dtype, -self.input_scale, self.input_scale)
        bias = jax.random.uniform(k_b, (n,), train.dtype, -self.bias_scale, self.bias_scale)
        params = ESNState(w, w_in, bias, jnp.zeros((dim, 1 + dim + 2 * n), train.dtype))
        step = lambda r, u: self._step(params, r, u)
        _, states = jax.lax.scan(
            lambda r, u: (step(r, u),) * 2, jnp.zeros(n, train.dtype), train[:-1]
        )
        x = jax.vmap(readout_features)(states[self.washout :], train[:-1][self.washout :])
        y = (train[1:] - train[:-1])[self.washout :]
        w_out = ridge_solve(x, y, self.ridge * x.shape[0]).T
        return ESNState(w, w_in, bias, w_out)

    def forecast(self, fitted: ESNState, context, steps: int):
        step = lambda r, u: self._step(fitted, r, u)
        return closed_loop_forecast(step, fitted.w_out, context, self.size, steps)


class TunedESNState(eqx.Module):
    w: jax.Array
    w_in: jax.Array
    bias: jax.Array
    w_out: jax.Array
    leak: jax.Array
    candidates: jax.Array  # (n_candidates, 4): spectral radius, leak, input scale, bias scale
    scores: jax.Array  # (n_candidates, n_ridges): mean validation valid steps
    choice: jax.Array  # (5,): the chosen spectral radius, leak, input scale, bias, ridge


def _loguniform(key, n, low, high):
    return jnp.exp(jax.random.uniform(key, (n,), minval=jnp.log(low), maxval=jnp.log(high)))


@register_forecaster("esn_tuned-v1")
class TunedESN(AbstractForecaster):
    """An echo state network whose hyperparameters are chosen on a validation split.

    Same equations and readout φ(r, u) = [1; u; r; r²] as ``esn-v1``. ``fit`` draws
    ``n_candidates`` settings of (spectral radius ρ, leak a, input scale σ, bias scale)
    log-uniformly from the given ranges — one random reservoir per seed, rescaled per
    candidate, so candidates differ only in their hyperparameters — and for each one
    drives the reservoir through the whole training trajectory once, fits the readout on
    the first ``1 − val_fraction`` of it for every ridge weight in ``ridges`` (one Gram
    matrix, several solves), and scores it by the mean valid time (steps before the
    normalised error exceeds 0.5) of ``val_windows`` closed-loop forecasts of
    ``val_horizon`` steps started in the held-out tail. The best (candidate, ridge) is
    refitted on all the training data. Candidates run one after another in a
    ``lax.map`` by default (``search_batch = 1``); ``search_batch > 1`` vmaps that many
    at a time. Everything is one traced program (jitted once; seeds are fitted one after
    another, see the caveat).

    Caveat measured on this CPU (jaxlib 0.10.2): vmapping the candidates (``search_batch``
    > 1, or a plain ``vmap``) of a 300-unit reservoir on a 10,000-step series stalled —
    every XLA thread idle, no progress in minutes — while the sequential map finishes in
    10 s; so the default stays sequential. Vmapping ``fit`` over two seeds stalls the
    same way on the 10-variable Lorenz-96 (a single seed fits in 32 s; gdb shows the
    main thread waiting for a buffer and every XLA/Eigen/OpenBLAS worker parked;
    ``--xla_cpu_multi_thread_eigen=false``, ``--xla_cpu_experimental_ynn_fusion_type=``
    and ``OPENBLAS_NUM_THREADS=1`` do not help), so ``vmappable_fit`` is ``False``: the
    runner fits seeds one after another with the same compiled program.

    **Arguments:** `size` units; `density` of the reservoir matrix (sparse, as in
    Pathak et al. 2018: about 10 connections per unit at the default); `*_range`
    (low, high) for the log-uniform search; `ridges` Tikhonov weights (scaled by the
    number of samples, as ``esn-v1``); `washout`; the validation split as above.

    **References:** the search space follows the knobs of M. Lukoševičius, A practical
    guide to applying echo state networks, Neural Networks: Tricks of the Trade (2012),
    and the ESN benchmarks of P. R. Vlachas et al., Backpropagation algorithms and
    reservoir computing in recurrent neural networks for the forecasting of complex
    spatiotemporal dynamics, Neural Networks 126 (2020) (random search over radius,
    input scaling, ridge; validation by closed-loop forecasts).
    """

    vmappable_fit: ClassVar[bool] = False  # see the caveat above
    size: int = eqx.field(default=1000, static=True)
    smoke_hyperparameters = {"size": 100, "n_candidates": 2, "val_horizon": 100}
    density: float = 0.01
    spectral_radius_range: tuple[float, float] = eqx.field(default=(0.1, 0.9), static=True)
    leak_range: tuple[float, float] = eqx.field(default=(0.3, 1.0), static=True)
    input_scale_range: tuple[float, float] = eqx.field(default=(0.2, 1.0), static=True)
    bias_scale_range: tuple[float, float] = eqx.field(default=(0.1, 1.0), static=True)
    ridges: tuple[float, ...] = eqx.field(default=(1e-12, 1e-11, 1e-10), static=True)
    n_candidates: int = eqx.field(default=8, static=True)
    search_batch: int = eqx.field(default=1, static=True)
    val_fraction: float = eqx.field(default=0.4, static=True)
    val_windows: int = eqx.field(default=4, static=True)
    val_horizon: int = eqx.field(default=2000, static=True)
    washout: int = eqx.field(default=200, static=True)
    min_context: int = eqx.field(default=200, static=True)

    def _reservoir(self, key, dim, dtype):
        n = self.size
        k_w, k_mask, k_in, k_b = jax.random.split(key, 4)
        w, radius = sparse_reservoir(k_w, k_mask, n, self.density, dtype)
        w = w / radius
        w_in = jax.random.uniform(k_in, (n, dim), dtype, -1.0, 1.0)
        bias = jax.random.uniform(k_b, (n,), dtype, -1.0, 1.0)
        return w, w_in, bias

    def _evaluate(self, base, train, hyper):
        """Drive one candidate; its Gram blocks and validation scores per ridge."""
        rho, leak, sigma, beta = hyper
        w, w_in, bias = base[0] * rho, base[1] * sigma, base[2] * beta
        n_total = train.shape[0] - 1
        n_fit = int(n_total * (1 - self.val_fraction))

        def drive(r, u):
            r = reservoir_step(w, w_in, bias, leak, r, u)
            return r, r

        _, states = jax.lax.scan(drive, jnp.zeros(self.size, train.dtype), train[:-1])
        x = jax.vmap(readout_features)(states, train[:-1])
        y = train[1:] - train[:-1]
        x_fit, y_fit = x[self.washout : n_fit], y[self.washout : n_fit]
        x_val, y_val = x[n_fit:], y[n_fit:]
        gram_fit, xy_fit = x_fit.T @ x_fit, x_fit.T @ y_fit
        gram_val, xy_val = x_val.T @ x_val, x_val.T @ y_val

        stride = max(1, (n_total - n_fit - self.val_horizon - 1) // max(1, self.val_windows))
        starts = n_fit + 1 + stride * jnp.arange(self.val_windows)
        offsets = jnp.arange(1, self.val_horizon + 1)

        def valid_steps(w_out, start):
            def body(carry, _):
                r, u = carry
                r = reservoir_step(w, w_in, bias, leak, r, u)
                u = u + w_out @ readout_features(r, u)
                return (r, u), u

            carry = (states[start - 1], train[start])
            _, pred = jax.lax.scan(body, carry, None, length=self.val_horizon)
            truth = train[jnp.minimum(start + offsets, n_total)]
            error = jnp.sqrt(jnp.mean((pred - truth) ** 2, axis=-1))
            bad = ~(error <= 0.5)
            return jnp.where(bad.any(), jnp.argmax(bad), self.val_horizon)

        def score(ridge):
            w_out = solve_normal_equations(gram_fit, xy_fit, ridge * x_fit.shape[0]).T
            return jnp.mean(jax.vmap(valid_steps, in_axes=(None, 0))(w_out, starts))

        # One ridge after another (lax.map), never side by side: with a batched search
        # (search_batch > 1) each solve is a batched LAPACK call that jaxlib spreads over
        # XLA's intra-op thread pool and then waits for; independent solves running at
        # once can occupy every pool thread with such waits and deadlock (seen on 2 cores:
        # all tf_XLAEigen threads parked in ParallelBatchMap, 0 % CPU).
        scores = jax.lax.map(score, jnp.asarray(self.ridges, train.dtype))
        return scores, gram_fit + gram_val, xy_fit + xy_val

    def fit(self, key, train):
        dim = train.shape[-1]
        k_res, k1, k2, k3, k4 = jax.random.split(key, 5)
        base = self._reservoir(k_res, dim, train.dtype)
        c = self.n_candidates
        hyper = jnp.stack(
            [
                _loguniform(k1, c, *self.spectral_radius_range),
                _loguniform(k2, c, *self.leak_range),
                _loguniform(k3, c, *self.input_scale_range),
                _loguniform(k4, c, *self.bias_scale_range),
            ],
            axis=1,
        ).astype(train.dtype)
        scores, grams, xys = jax.lax.map(
            lambda h: self._evaluate(base, train, h),
            hyper,
            batch_size=self.search_batch if self.search_batch > 1 else None,
        )
        best = jnp.argmax(scores.reshape(-1))
        i, j = best // len(self.ridges), best % len(self.ridges)
        ridge = jnp.asarray(self.ridges, train.dtype)[j]
        gram, xy = grams[i], xys[i]  # the winner's normal equations on all the data
        n_rows = train.shape[0] - 1 - self.washout
        w_out = solve_normal_equations(gram, xy, ridge * n_rows).T
        rho, leak, sigma, beta = hyper[i]
        return TunedESNState(
            base[0] * rho,
            base[1] * sigma,
            base[2] * beta,
            w_out,
            leak,
            hyper,
            scores,
            jnp.stack([rho, leak, sigma, beta, ridge]),
        )

    def forecast(self, fitted: TunedESNState, context, steps: int):
        def step(r, u):
            return reservoir_step(fitted.w, fitted.w_in, fitted.bias, fitted.leak, r, u)

        return closed_loop_forecast(step, fitted.w_out, context, self.size, steps)
