"""Four-dimensional hyperchaotic flows."""

import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system


@register_system("qi-v1", aliases=("Qi",))
class Qi(AbstractSystem):
    """Qi's four-wing hyperchaotic system: ẋ = a(y − x) + yzw, ẏ = b(x + y) − xzw, ż = −cz + xyw,
    ẇ = −dw + xyz.
    """

    a: float = 45.0
    b: float = 10.0
    c: float = 1.0
    d: float = 10.0

    default_initial_condition = (
        0.2562042648386667,
        0.1956116640569919,
        7.259823760387948,
        1.3162558970131963,
    )
    citation = (
        "G. Qi, M. A. van Wyk, B. J. van Wyk, and G. Chen, (2008). On a new hyperchaotic "
        "system. Physics Letters A."
    )
    description = "A hyperchaotic system with a wide power spectrum."
    dt_hint = 8e-4

    def vector_field(self, t, y, args):
        x, yy, z, w = y
        return jnp.stack(
            [
                self.a * (yy - x) + yy * z * w,
                self.b * (x + yy) - x * z * w,
                -self.c * z + x * yy * w,
                -self.d * w + x * yy * z,
            ]
        )


@register_system("lorenz_stenflo-v1", aliases=("LorenzStenflo",))
class LorenzStenflo(AbstractSystem):
    """Lorenz–Stenflo acoustic-gravity wave model: ẋ = a(y − x) + dw, ẏ = cx − xz − y,
    ż = xy − bz, ẇ = −x − aw.
    """

    a: float = 2.0
    b: float = 0.7
    c: float = 26.0
    d: float = 1.5

    default_initial_condition = (
        4.233438598886809,
        9.08970605484108,
        21.86662535600487,
        -1.4080695182833802,
    )
    citation = "Letellier & Rossler (2007). Hyperchaos. Scholarpedia 2.8 (2007): 1936."
    description = "Atmospheric acoustic-gravity waves."
    dt_hint = 8e-3

    def vector_field(self, t, y, args):
        x, yy, z, w = y
        return jnp.stack(
            [
                self.a * (yy - x) + self.d * w,
                self.c * x - x * z - yy,
                x * yy - self.b * z,
                -x - self.a * w,
            ]
        )
