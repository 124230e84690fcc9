"""Copying baselines: context parroting and the method of analogues.

Both forecast by nearest-neighbour look-up in a delay embedding and copy what followed the
neighbour; neither fits a parameter. They differ in where they look: context parroting
searches the forecast's own context (zero-shot: the training data is never read), the
method of analogues searches the training trajectory.

A delay vector of length L ending at step j is (u_{j−L+1}, …, u_j): L consecutive states
of all dimensions, compared in the Euclidean norm over all L · dim entries (the data are
z-scored, so every dimension weighs alike). Ties go to the earliest stretch (the first
index ``jnp.argmin`` returns).

**References:**

- Y. Zhang, W. Gilpin. Context parroting: a simple but tough-to-beat baseline for
  foundation models in scientific machine learning. ICLR (2026); arXiv:2505.11349.
- E. N. Lorenz. Atmospheric predictability as revealed by naturally occurring analogues.
  J. Atmos. Sci. 26, 636–646 (1969).
"""

from typing import ClassVar

import equinox as eqx
import jax
import jax.numpy as jnp

from chaosbench import AbstractForecaster, register_forecaster


def _cross(series: jax.Array, query: jax.Array, n: int) -> jax.Array:
    """⟨delay vector of ``series`` starting at i, ``query``⟩ for i < ``n``; shape ``(n,)``.

    ``query`` is ``(L, dim)``; one ``(time, dim) @ (dim, L)`` product, then the columns of
    the L lags are summed along diagonals, so no ``(n, L·dim)`` embedding is materialised.
    """
    products = series @ query.T
    return sum(products[k : k + n, k] for k in range(query.shape[0]))


def _sq_norms(series: jax.Array, length: int, n: int) -> jax.Array:
    """Squared norms of the length-``length`` delay vectors starting at i < ``n``."""
    sq = jnp.sum(series**2, axis=-1)
    return sum(sq[k : k + n] for k in range(length))


@register_forecaster("parroting-v1")
class ContextParroting(AbstractForecaster):
    """Context parroting (Zhang & Gilpin 2025): copy what followed the best-matching stretch.

    The last `embedding` states of the context form the query motif. Among the earlier
    stretches of the context of the same length that do not overlap it (ending at least
    `embedding` steps before the context ends), the one nearest the query (Euclidean, all
    dimensions jointly) is chosen, and the forecast copies the states that followed it.
    When the copy reaches the end of the context it carries on with the forecast's own
    first states, so the forecast repeats the stretch between the match and the end of
    the context with period p = (context end − match end): ŷ_{T+h} = u_{s+1+((h−1) mod p)}.
    An exactly periodic signal whose period fits in the context is therefore continued
    exactly, for any horizon.

    Zero-shot: `fit` ignores the training data. Overlapping matches are excluded because
    on a finely sampled flow the motif shifted by one step is almost always the nearest,
    and copying it degenerates to repeating the last few states.

    **Arguments:** `embedding` D, the motif length in states (the context must hold at
    least 2D states). The default 10 was chosen on a held-out Lorenz-63 dataset (seed 1,
    20 windows, 500-step contexts): D = 5, 10, 20, 40 all gave a median VPT of 0.56–0.57
    Lyapunov times, D = 80 gave 0.02; compile time grows with D.
    """

    zero_shot: ClassVar[bool] = True  # learns nothing from the system: the context alone

    embedding: int = eqx.field(default=10, static=True)

    def __check_init__(self):
        if self.embedding < 1:
            raise ValueError(f"parroting needs embedding ≥ 1, got {self.embedding}")

    @property
    def min_context(self) -> int:
        return 2 * self.embedding

    def fit(self, key, train):
        del key, train
        return ()

    def forecast(self, fitted, context, steps: int):
        del fitted
        d, t = self.embedding, context.shape[0]
        if t < 2 * d:
            raise ValueError(
                f"parroting needs a context of at least 2 × embedding = {2 * d} states; got "
                f"{t}. Lower `embedding` or pass a longer context"
            )
        n = t - 2 * d + 1  # candidate motifs start at 0 … n − 1 and end at ≤ t − 1 − d
        query = context[t - d :]
        distance = _sq_norms(context, d, n) - 2 * _cross(context, query, n)
        end = jnp.argmin(distance) + d - 1  # last state of the best match
        period = t - 1 - end
        return context[end + 1 + jnp.arange(steps) % period]


@register_forecaster("analogues-v1")
class Analogues(AbstractForecaster):
    """The method of analogues (Lorenz 1969): follow the nearest training analogue.

    The last `embedding` context states form a delay vector; its nearest neighbour among
    the training delay vectors is the analogue, and the forecast copies the `segment`
    training states that followed it. Then the search is repeated from the delay vector
    of the last copied states. While that vector is a training delay vector with at
    least `segment` states after it, it is its own nearest neighbour (distance zero), so
    the forecast keeps following the same analogue; only when the analogue gets within
    `segment` states of the end of the training data does the search jump to another
    one. A forecast of any length is thus stitched from stretches of the training
    trajectory, each joined where the trajectory returns close to itself.

    Cost: one search (O(N · L · dim), a matrix–vector product on the training data)
    per `segment` steps, in a `lax.scan`; memory O(N · dim + steps · dim). A free run is a
    deterministic walk over finitely many training states, so it ends in a cycle through
    part of the training data (its long-run statistics are those of that cycle).

    **Arguments:** `embedding` L, the number of consecutive states in a delay vector;
    `segment`, the number of states copied between two searches (a cost knob: it does
    not change which analogue is followed, only how close to the end of the training
    data the jump happens). The defaults were chosen on a held-out Lorenz-63 dataset
    (seed 1, 10,000 training states, 20 windows): L = 1, 4, 16 all gave a median VPT of
    2.07 Lyapunov times; the search cost grows with L.
    """

    embedding: int = eqx.field(default=4, static=True)
    segment: int = eqx.field(default=16, static=True)

    def __check_init__(self):
        if self.embedding < 1 or self.segment < 1:
            raise ValueError(
                f"analogues needs embedding ≥ 1 and segment ≥ 1, got embedding="
                f"{self.embedding}, segment={self.segment}"
            )

    @property
    def min_context(self) -> int:
        return self.embedding

    def fit(self, key, train):
        del key
        n = train.shape[0] - self.embedding + 1 - self.segment
        if n < 1:
            raise ValueError(
                f"analogues needs at least embedding + segment = "
                f"{self.embedding + self.segment} training states; got {train.shape[0]}"
            )
        # Candidates: delay vectors with at least `segment` training states after them.
        return train, _sq_norms(train, self.embedding, n)

    def forecast(self, fitted, context, steps: int):
        train, sq_norms = fitted
        n, el, seg = sq_norms.shape[0], self.embedding, self.segment

        def search(window, _):
            start = jnp.argmin(sq_norms - 2 * _cross(train, window, n))
            copied = jax.lax.dynamic_slice_in_dim(train, start + el, seg)
            return jnp.concatenate([window, copied])[-el:], copied

        _, out = jax.lax.scan(search, context[-el:], None, length=-(-steps // seg))
        return out.reshape(-1, train.shape[-1])[:steps]
