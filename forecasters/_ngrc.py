"""Next-generation reservoir computing (NG-RC): a nonlinear vector autoregression.

The feature vector at time t concatenates a constant, the linear part — the current
state and k − 1 delayed states at stride s,

    O_lin(t) = [u_t, u_{t−s}, …, u_{t−(k−1)s}]        (d·k entries),

and the nonlinear part: every unique monomial of the entries of O_lin of degree 2 … p
(C(dk + q − 1, q) monomials of degree q). A linear readout is fitted in closed form by
ridge regression (Tikhonov weight α, not scaled by the number of samples, as in the
paper) onto the increment u_{t+1} − u_t, and the forecast iterates
u_{t+1} = u_t + W_out O(t), feeding predictions back into the delay line.

**The ridge weight is chosen per system.** The paper tunes α for its one system; one α
does not transfer across the catalogue (on the catalogue's rich task, order 3, stride 3,
median VPT over the test windows: Rössler 0.23 t_λ at α = 1e-8 but 7.4 at 1e-5; Chua 0.20
at 1e-8, 2.1 at 0.1; Lorenz-63 14.3 at 1e-8, 7.7 at 0.1). So ``fit`` chooses α from a
declared candidate set on a validation split of the training trajectory, as the tuned
echo state network does (:class:`forecasters._esn.TunedESN`): one Gram matrix of the
first ``1 − val_fraction`` of the rows, one Cholesky solve per α, each scored by the mean
number of steps that ``val_windows`` closed-loop forecasts started in the held-out tail
stay within a z-scored RMS error of 0.5; the best α is refitted on all the rows. A
one-element candidate set is a fixed α (no validation).

**A bounded dictionary.** The full dictionary grows as (dk)^p: 84 features for
Lorenz-63 but about 370,000 for Kuramoto–Sivashinsky's 64 variables at k = 2, p = 3 (a
2 TB design matrix). Above ``max_features`` NG-RC keeps only *local* monomials — those
whose factors belong to ``span + 1`` cyclically consecutive variables (all their taps),
as Barbosa & Gauthier (2022) restrict the nonlinear features to neighbouring sites for
spatiotemporal chaos — taking the first of (local, span = ``span``), (local, span = 1)
that fits the budget; the linear part stays complete. The choice is a fixed function of
(d, k, p, span, max_features), see :func:`dictionary`.

**References:**

- D. J. Gauthier, E. Bollt, A. Griffith, W. A. S. Barbosa. Next generation reservoir
  computing. Nature Communications 12, 5564 (2021).
- W. A. S. Barbosa, D. J. Gauthier. Learning spatiotemporal chaos using next-generation
  reservoir computing. Chaos 32, 093137 (2022).
"""

import math

import equinox as eqx
import jax
import jax.numpy as jnp

from chaosbench import AbstractForecaster, SearchSpace, register_forecaster

from ._features import (
    delay_matrix,
    delay_vector,
    local_monomial_indices,
    polynomial_features,
)
from ._ridge import solve_normal_equations

VALID_ERROR = 0.5  # z-scored RMS error below which a validation forecast counts as valid


def feature_count(dim: int, delays: int, order: int) -> int:
    """1 + Σ_{q=1}^{p} C(dk + q − 1, q): the NG-RC feature count (constant included)."""
    n = dim * delays
    return 1 + sum(math.comb(n + q - 1, q) for q in range(1, order + 1))


def dictionary(dim: int, delays: int, order: int, span: int, max_features: int):
    """The nonlinear monomials NG-RC uses: ``None`` for the full dictionary when
    :func:`feature_count` ``≤ max_features``; else the local ones (one ``(m_q, q)``
    index array per degree 2 … p) at ``span``, or at span 1 if that is still over the
    budget (whichever fits first; span 1 is used even if it does not fit)."""
    if feature_count(dim, delays, order) <= max_features:
        return None
    for width in dict.fromkeys((span, 1)):
        monomials = [local_monomial_indices(dim, delays, q, width) for q in range(2, order + 1)]
        if 1 + dim * delays + sum(len(m) for m in monomials) <= max_features:
            break
    return monomials


class NGRCFit(eqx.Module):
    """A fitted NG-RC: the readout and the record of the ridge search."""

    w_out: jax.Array  # (features, dim)
    ridge: jax.Array  # the chosen α
    scores: jax.Array  # (n_ridges,): mean valid validation steps per candidate α


@register_forecaster("ngrc-v3")
class NGRC(AbstractForecaster):
    """NG-RC / NVAR (see the module docstring for the equations and the ridge search).

    **Arguments:**

    - `delays`: k, the number of time-delay taps (current state included).
    - `stride`: s, steps between taps.
    - `order`: p, the largest monomial degree.
    - `ridges`: the candidate Tikhonov weights α (on features of the z-scored data); one
      value is a fixed α.
    - `val_fraction`, `val_windows`, `val_horizon`: the validation split (the held-out
      tail of the training trajectory), the closed-loop forecasts started in it and their
      length in steps (at most half the tail).

    **Defaults, and why:** the paper's Lorenz-63 recipe uses k = 2 taps Δ = 0.025 time
    units apart, i.e. a delay span of about 0.023 Lyapunov times. At the benchmark's
    sampling (100 points per period, Δ ≈ 0.0077 for Lorenz-63) a stride of 3 gives the
    same span (3Δ ≈ 0.023), so taps carry comparable information about the local
    derivative. With 10,000 training points rather than 400, an order-3 polynomial
    (the Δ-step flow map of a quadratic field has significant cubic terms) is affordable
    (84 features for d = 3 at k = 2) and lengthens Lorenz-63's valid prediction time from
    about 9 to about 14 Lyapunov times. The candidate α run from 1e-8 (v2's fixed value,
    chosen on Lorenz-63) to 100, two decades apart; the search picks 1e-8 on Lorenz-63,
    1e-6 on Rössler, 1 on Chua and on KS L = 22, 100 on the double pendulum. For
    10-dimensional systems the order-3 dictionary has 1,771 features, still a cheap
    closed-form solve. Above ``max_features`` = 4,096 (a 10,000 × 4,096 float64 design
    matrix is 330 MB and its Gram a few seconds) the nonlinear part becomes local (module
    docstring): Kuramoto–Sivashinsky L = 22 (64 variables) gets 3,137 features (span 2),
    L = 100 (128 variables) 3,201 (span 1).

    - `span`: neighbouring variables a local monomial may join (used above the budget).
    - `max_features`: the budget on the dictionary's size.

    Version 3 chooses α on the validation split (v2 used α = 1e-8 everywhere and fell
    below persistence on about a third of the catalogue's first 21 systems).

    **Search space** (the one tuner): taps, stride, order and one α per candidate
    (``ridges=(α,)``: a fixed α, no validation of its own); closed form, single-fidelity.
    """

    search_space = SearchSpace(
        {
            "delays": (2, 3),
            "stride": (1, 2, 3, 5),
            "order": (2, 3),
            "ridges": ((1e-8,), (1e-6,), (1e-4,), (1e-2,), (1.0,), (100.0,)),
        }
    )

    delays: int = eqx.field(default=2, static=True)
    stride: int = eqx.field(default=3, static=True)
    order: int = eqx.field(default=3, static=True)
    ridges: tuple[float, ...] = eqx.field(default=(1e-8, 1e-6, 1e-4, 1e-2, 1.0, 100.0), static=True)
    val_fraction: float = eqx.field(default=0.4, static=True)
    val_windows: int = eqx.field(default=4, static=True)
    val_horizon: int = eqx.field(default=2000, static=True)
    span: int = eqx.field(default=2, static=True)
    max_features: int = eqx.field(default=4096, static=True)

    @property
    def min_context(self) -> int:
        return (self.delays - 1) * self.stride + 1

    def _features(self, lin):
        dim = lin.shape[0] // self.delays
        monomials = dictionary(dim, self.delays, self.order, self.span, self.max_features)
        return polynomial_features(lin, self.order, monomials)

    def _run(self, w_out, history, steps: int):
        """Closed loop from the last ``(k − 1)s + 1`` states ``history``: ``(steps, dim)``."""

        def body(window, _):
            lin = delay_vector(window, self.delays, self.stride)
            nxt = window[-1] + self._features(lin) @ w_out
            return jnp.concatenate([window[1:], nxt[None]]), nxt

        _, out = jax.lax.scan(body, history, None, length=steps)
        return out

    def _valid_steps(self, w_out, train, start, horizon: int):
        """Steps (≤ ``horizon``) before a closed-loop forecast from ``train[:start]``
        leaves the truth."""
        history = jax.lax.dynamic_slice_in_dim(train, start - self.min_context, self.min_context)
        pred = self._run(w_out, history, horizon)
        truth = jax.lax.dynamic_slice_in_dim(train, start, horizon)
        bad = ~(jnp.sqrt(jnp.mean((pred - truth) ** 2, axis=-1)) <= VALID_ERROR)
        return jnp.where(bad.any(), jnp.argmax(bad), horizon)

    def fit(self, key, train):
        del key
        span = (self.delays - 1) * self.stride
        x = jax.vmap(self._features)(delay_matrix(train[:-1], self.delays, self.stride))
        y = train[span + 1 :] - train[span:-1]  # row i predicts train[span + i + 1]
        ridges = jnp.asarray(self.ridges, train.dtype)
        if len(self.ridges) == 1:
            gram, xy = x.T @ x, x.T @ y
            w_out = solve_normal_equations(gram, xy, ridges[0])
            return NGRCFit(w_out, ridges[0], jnp.full((1,), jnp.nan, train.dtype))
        n_fit = int(x.shape[0] * (1 - self.val_fraction))
        gram_fit, xy_fit = x[:n_fit].T @ x[:n_fit], x[:n_fit].T @ y[:n_fit]
        gram_val, xy_val = x[n_fit:].T @ x[n_fit:], x[n_fit:].T @ y[n_fit:]
        # validation forecasts start after the fitted rows' targets, inside the tail; a
        # short tail (the `limited` task) shortens them to half its length
        first = span + n_fit + 1
        horizon = min(self.val_horizon, (train.shape[0] - first) // 2)
        if horizon < 1:
            raise ValueError(
                f"ngrc: a training series of {train.shape[0]} steps is too short for a "
                f"{self.val_fraction:.0%} validation split; pass a single ridge "
                "(ridges=(α,)) to fit without validation"
            )
        last = train.shape[0] - horizon
        starts = jnp.linspace(first, last, self.val_windows).astype(int)

        def score(ridge):
            w_out = solve_normal_equations(gram_fit, xy_fit, ridge)
            valid = jax.vmap(lambda s: self._valid_steps(w_out, train, s, horizon))(starts)
            return jnp.mean(valid)

        scores = jax.lax.map(score, ridges)  # one α after another (see TunedESN)
        best = ridges[jnp.argmax(scores)]
        w_out = solve_normal_equations(gram_fit + gram_val, xy_fit + xy_val, best)
        return NGRCFit(w_out, best, scores)

    def forecast(self, fitted, context, steps: int):
        return self._run(fitted.w_out, context[-self.min_context :], steps)
