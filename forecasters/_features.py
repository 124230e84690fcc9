"""Feature maps of the regression forecasters: delay embedding and polynomial features.

- A *delay embedding* stacks a state with its past, ``[u_t, u_{t−s}, …, u_{t−(k−1)s}]``
  (Takens 1981): :func:`delay_matrix` for every time of a series with a full history
  (fitting), :func:`delay_vector` for the last time of a window (forecasting). The linear
  autoregression, NG-RC and EDMD all use it.
- A *polynomial feature map* lifts a vector to ``[1, x, unique monomials of degree
  2 … p]`` (:func:`polynomial_features`): NG-RC's nonlinear part (Gauthier et al. 2021)
  and EDMD's monomial dictionary (Williams et al. 2015).

**References:**

- F. Takens. Detecting strange attractors in turbulence. Lecture Notes in Mathematics
  898 (1981).
- D. J. Gauthier, E. Bollt, A. Griffith, W. A. S. Barbosa. Next generation reservoir
  computing. Nature Communications 12, 5564 (2021).
- M. O. Williams, I. G. Kevrekidis, C. W. Rowley. A data-driven approximation of the
  Koopman operator: extending dynamic mode decomposition. J. Nonlinear Science 25
  (2015).
"""

import itertools

import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float


def delay_matrix(
    series: Float[Array, "time dim"], delays: int, stride: int = 1
) -> Float[Array, "rows dim*delays"]:
    """Delay vectors of every time with a full history: ``(time − (k−1)s, dim·k)``.

    Row ``i`` is ``[u_t, u_{t−s}, …, u_{t−(k−1)s}]`` for ``t = i + (k−1)s``.
    """
    span = (delays - 1) * stride
    n = series.shape[0] - span
    cols = [series[span - j * stride : span - j * stride + n] for j in range(delays)]
    return jnp.concatenate(cols, axis=1)


def delay_vector(
    window: Float[Array, "time dim"], delays: int, stride: int = 1
) -> Float[Array, " dim*delays"]:
    """``[u_t, u_{t−s}, …, u_{t−(k−1)s}]`` for the last row ``u_t`` of `window`."""
    rows = window.shape[0] - 1 - stride * jnp.arange(delays)
    return window[rows].reshape(-1)


def monomial_indices(n: int, degree: int) -> np.ndarray:
    """Index tuples ``(i_1 ≤ … ≤ i_q)`` of the unique monomials of degree ``q``: ``(m, q)``."""
    return np.asarray(list(itertools.combinations_with_replacement(range(n), degree)), int)


def polynomial_features(x: Float[Array, " n"], order: int) -> Float[Array, " features"]:
    """``[1, x, unique monomials of x of degree 2 … order]`` of a vector ``x``."""
    parts = [jnp.ones((1,), x.dtype), x]
    for q in range(2, order + 1):
        idx = monomial_indices(x.shape[0], q)
        parts.append(jnp.prod(x[idx], axis=1))
    return jnp.concatenate(parts)
