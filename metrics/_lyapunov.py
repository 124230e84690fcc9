"""The largest Lyapunov exponent of the forecaster's own dynamics, against the system's.

The evaluator estimates λ̂, the largest exponent of the map a forecaster defines, from two
of its free runs (Benettin's two-trajectory method:
``chaosbench.numerics._two_trajectory.forecaster_lyapunov``) and stores it, raw, as
``lyap``. This metric scores it:

    lyap_rel_error = |max(λ̂, −λ_max) − λ_max| / λ_max.

**The rule for a forecaster with no positive exponent.** λ̂ is clipped from below at
−λ_max before it is scored, so every λ̂ ≤ λ_max scores in [0, 2] and the error is finite
wherever λ̂ is not NaN:

| λ̂ | error | who |
| --- | --- | --- |
| λ_max | 0 | the right exponent |
| 2 λ_max | 1 | twice too unstable (above λ_max nothing is clipped) |
| 0 | 1 | persistence; a neutral model (EDMD's conserved constant feature) |
| ≤ −λ_max | 2 | a contracting model: its forecasts from nearby contexts converge |
| −∞ | 2 | a forecast insensitive to its context (analogues, climatology) |

Why clip, and why at −λ_max: without it the error of a model whose runs converge grows
without bound with its contraction rate, and a forecast that ignores its context (λ̂ = −∞,
the two runs coincide exactly) scores ∞, the same as a run that blew up (the metric's
failure value), so the tables could not tell "no sensitivity to the initial state" from
"no forecast". Below zero the size of the contraction says nothing about chaos: every
λ̂ < 0 misses the sign, the property the metric checks. −λ_max is the mirror image of
the truth, so the scale is symmetric about persistence (λ̂ = 0 scores 1, halfway), and the
bound 2 equals the error of the true exponent with the wrong sign. A NaN λ̂ (a diverged
run) is not an estimate; the evaluator scores it as the failure value (+∞).

**References:**

- G. Benettin, L. Galgani, J.-M. Strelcyn. Kolmogorov entropy and numerical experiments.
  Phys. Rev. A 14 (1976) 2338.
- J. Pathak, Z. Lu, B. Hunt, M. Girvan, E. Ott. Using machine learning to replicate
  chaotic attractors and calculate Lyapunov exponents from data. Chaos 27 (2017) 121102.
"""

import jax.numpy as jnp

from chaosbench import ScoringFacts, register_metric


def lyapunov_relative_error(estimate, max_lyapunov, facts: ScoringFacts):
    """``|max(λ̂, −λ_max) − λ_max| / λ_max``: the relative error of λ̂ clipped from below at
    −λ_max (the module docstring's rule), in [0, 2] for every λ̂ ≤ λ_max; NaN stays NaN.

    **Arguments:**

    - `estimate`: λ̂, the forecaster's largest exponent (−inf: its forecast ignores its
      context).
    - `max_lyapunov`: λ_max > 0, the system's.
    - `facts`: unused.

    **Returns:** the error, a scalar ≥ 0.
    """
    del facts
    clipped = jnp.maximum(estimate, -max_lyapunov)  # jnp.maximum propagates NaN
    return jnp.abs(clipped - max_lyapunov) / max_lyapunov


register_metric(
    "lyap_rel_error-v2",
    direction="lower",
    kind="lyapunov",
    name="λ error",
    description="|λ̂ − λ_max| / λ_max with λ̂ clipped below at −λ_max (0 to 2 for λ̂ ≤ λ_max), "
    "λ̂ the forecaster's own largest Lyapunov exponent",
)(lyapunov_relative_error)
