"""The largest Lyapunov exponent of the forecaster's own dynamics, against the system's.

The evaluator estimates λ̂, the largest exponent of the map a forecaster defines, from two
of its free runs (Benettin's two-trajectory method:
``chaosbench.numerics._two_trajectory.forecaster_lyapunov``) and stores it as ``lyap``. This
metric scores it: ``lyap_rel_error = |λ̂ − λ_max| / λ_max``. A forecaster with the right
short-term error growth has the right exponent; persistence has λ̂ = 0 (error 1).

**References:**

- G. Benettin, L. Galgani, J.-M. Strelcyn. Kolmogorov entropy and numerical experiments.
  Phys. Rev. A 14 (1976) 2338.
- J. Pathak, Z. Lu, B. Hunt, M. Girvan, E. Ott. Using machine learning to replicate
  chaotic attractors and calculate Lyapunov exponents from data. Chaos 27 (2017) 121102.
"""

import jax.numpy as jnp

from chaosbench import ScoringFacts, register_metric


def lyapunov_relative_error(estimate, max_lyapunov, facts: ScoringFacts):
    """|λ̂ − λ_max| / λ_max."""
    del facts
    return jnp.abs(estimate - max_lyapunov) / max_lyapunov


register_metric(
    "lyap_rel_error-v1",
    direction="lower",
    kind="lyapunov",
    name="λ error",
    description="|λ̂ − λ_max| / λ_max, λ̂ the forecaster's own largest Lyapunov exponent",
)(lyapunov_relative_error)
