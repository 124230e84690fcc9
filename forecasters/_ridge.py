"""The one ridge (Tikhonov-regularised least-squares) solve of the forecasters.

Every closed-form forecaster here — the linear autoregression, NG-RC, EDMD and the echo
state networks' readouts — fits ``W`` minimising ``‖X W − Y‖² + α ‖W‖²`` through the
normal equations ``(XᵀX + α I) W = XᵀY``. Some form ``XᵀX`` and ``XᵀY`` once and
solve them for several α (the tuned ESN), so both entry points are here.

**Reference:**

- A. E. Hoerl, R. W. Kennard. Ridge regression: biased estimation for nonorthogonal
  problems. Technometrics 12 (1970).
"""

import jax.numpy as jnp
from jaxtyping import Array, Float


def solve_normal_equations(
    gram: Float[Array, "features features"], xy: Float[Array, "features out"], ridge
) -> Float[Array, "features out"]:
    """``W = (G + ridge I)⁻¹ B`` for a Gram matrix ``G = XᵀX`` and ``B = XᵀY``.

    **Arguments:** `gram` ``(f, f)``; `xy` ``(f, d)``; `ridge` α, a scalar (a Python
    float or a traced one; the caller scales it by the number of samples if it wants).

    **Returns:** ``(f, d)``.
    """
    return jnp.linalg.solve(gram + ridge * jnp.eye(gram.shape[0], dtype=gram.dtype), xy)


def ridge_solve(
    x: Float[Array, "samples features"], y: Float[Array, "samples out"], ridge
) -> Float[Array, "features out"]:
    """``W`` minimising ``‖x W − y‖² + ridge ‖W‖²``: ``(features, out)``.

    **Arguments:** `x` ``(n, f)`` the design matrix; `y` ``(n, d)`` the targets; `ridge`
    α (not scaled by ``n`` here).
    """
    return solve_normal_equations(x.T @ x, x.T @ y, ridge)
