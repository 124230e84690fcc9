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
- W. A. S. Barbosa, D. J. Gauthier. Learning spatiotemporal chaos using next-generation
  reservoir computing. Chaos 32, 093137 (2022).
- M. O. Williams, I. G. Kevrekidis, C. W. Rowley. A data-driven approximation of the
  Koopman operator: extending dynamic mode decomposition. J. Nonlinear Science 25
  (2015).
"""

import itertools
from collections.abc import Sequence

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


def local_monomial_indices(dim: int, delays: int, degree: int, span: int) -> np.ndarray:
    """The unique degree-``q`` monomials of a delay vector whose factors all belong to
    ``span + 1`` cyclically consecutive variables: ``(m, q)`` index tuples, sorted.

    Entries of a delay vector ``[u_t, u_{t−s}, …]`` (:func:`delay_vector`) are numbered
    ``tap · dim + variable``. A monomial is kept when its variables fit in one window
    ``{i, i+1, …, i+span} mod dim``: a local dictionary for spatially extended systems
    (Barbosa & Gauthier 2022 restrict NG-RC's nonlinear features to neighbouring sites
    for Kuramoto–Sivashinsky), whose size grows linearly with ``dim`` rather than as
    ``dim^q``.
    """
    found = set()
    for i in range(dim):
        variables = sorted({(i + j) % dim for j in range(min(span, dim - 1) + 1)})
        entries = sorted(t * dim + v for v in variables for t in range(delays))
        found.update(itertools.combinations_with_replacement(entries, degree))
    return np.asarray(sorted(found), int).reshape(-1, degree)


def polynomial_features(
    x: Float[Array, " n"], order: int, monomials: Sequence[np.ndarray] | None = None
) -> Float[Array, " features"]:
    """``[1, x, unique monomials of x of degree 2 … order]`` of a vector ``x``.

    `monomials`, if given, replaces the full dictionary: one ``(m_q, q)`` index array per
    degree ``q = 2 … order`` (e.g. from :func:`local_monomial_indices`).
    """
    parts = [jnp.ones((1,), x.dtype), x]
    for q in range(2, order + 1):
        idx = monomial_indices(x.shape[0], q) if monomials is None else monomials[q - 2]
        parts.append(jnp.prod(x[idx], axis=1))
    return jnp.concatenate(parts)
