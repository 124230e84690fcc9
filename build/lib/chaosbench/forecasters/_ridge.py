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
import jax.scipy.linalg as jsl
from jaxtyping import Array, Float


def solve_normal_equations(
    gram: Float[Array, "features features"],
    xy: Float[Array, "features out"],
    ridge,
    *,
    cholesky: bool = False,
) -> Float[Array, "features out"]:
    """``W = (G + ridge I)⁻¹ B`` for a Gram matrix ``G = XᵀX`` and ``B = XᵀY``.

    **Arguments:** `gram` ``(f, f)``; `xy` ``(f, d)``; `ridge` α, a scalar (a Python
    float or a traced one; the caller scales it by the number of samples if it wants);
    `cholesky` solve through a Cholesky factorisation (half the flops of the default LU
    solve; ``G + αI`` is symmetric positive definite for α > 0) — the echo state
    networks use it; the default stays LU so that other callers' results do not move.

    **Returns:** ``(f, d)``.
    """
    a = gram + ridge * jnp.eye(gram.shape[0], dtype=gram.dtype)
    if cholesky:
        return jsl.cho_solve(jsl.cho_factor(a, lower=True), xy)
    return jnp.linalg.solve(a, xy)


def ridge_solve(
    x: Float[Array, "samples features"], y: Float[Array, "samples out"], ridge
) -> Float[Array, "features out"]:
    """``W`` minimising ``‖x W − y‖² + ridge ‖W‖²``: ``(features, out)``.

    **Arguments:** `x` ``(n, f)`` the design matrix; `y` ``(n, d)`` the targets; `ridge`
    α (not scaled by ``n`` here).
    """
    return solve_normal_equations(x.T @ x, x.T @ y, ridge)
