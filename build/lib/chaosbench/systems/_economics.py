"""Economic models: Ma and Chen's finance system and Bouali's economic-cycle flows."""

import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system

FAMILY = "economics"


@register_system("finance-v1", aliases=("Finance",))
class Finance(AbstractSystem):
    """Ma and Chen's finance model (interest rate x, investment demand y, price index z).

    ẋ = (1/b − a)x + z + xy, ẏ = −by − x², ż = −x − cz.
    """

    a: float = 0.001
    b: float = 0.2
    c: float = 1.1

    default_initial_condition = (-0.51664739, -3.9568707, 0.0012893581)
    citation = (
        "Guoliang Cai, Juanjuan Huang. International Journal of Nonlinear Science, Vol. 3 (2007)"
    )
    description = "Stock fluctuations under varying investment demand and interest rates"
    dt_hint = 0.02

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                (1.0 / self.b - self.a) * x + z + x * yy,
                -self.b * yy - x**2,
                -x - self.c * z,
            ]
        )


@register_system("bouali-v1", aliases=("Bouali",))
class Bouali(AbstractSystem):
    """Bouali's flow (dysts form, shared with :class:`Bouali2`).

    ẋ = ax(y₀ − y) − bz, ẏ = gy(x² − 1), ż = m(bb·xz − 1.5x) − cz.
    """

    a: float = 1.0
    b: float = -0.3
    bb: float = 1.0
    c: float = 0.05
    g: float = 1.0
    m: float = 1.0
    y0: float = 4.0

    default_initial_condition = (0.38673159, 3.0544196, -0.0067836194)
    citation = (
        "Bouali (1999). Feedback loop in extended Van der Pols equation applied to an economic "
        "model of cycles. International Journal of Bifurkation and Chaos, Vol. 9, No. 4"
    )
    description = "Economic cycles with fluctuating demand. Related to the DequanLi attractor"
    dt_hint = 0.006

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                self.a * x * (self.y0 - yy) - self.b * z,
                self.g * yy * (x**2 - 1.0),
                self.m * (self.bb * x * z - 1.5 * x) - self.c * z,
            ]
        )


@register_system("bouali2-v1", aliases=("Bouali2",))
class Bouali2(AbstractSystem):
    """Bouali's economic-cycle flow.

    ẋ = ax(y₀ − y) − bz, ẏ = gy(x² − 1), ż = m(bb·xz − 1.5x) − cz.
    """

    a: float = 3.0
    b: float = 2.2
    bb: float = 0.0
    c: float = 0.0
    g: float = 1.0
    m: float = -0.0026667
    y0: float = 1.0

    default_initial_condition = (-0.79392257, 1.3617589, -0.030578888)
    citation = (
        "Bouali (1999). Feedback loop in extended Van der Pols equation applied to an economic "
        "model of cycles. International Journal of Bifurkation and Chaos, Vol. 9, No. 4"
    )
    description = "A modified economic cycle model."
    dt_hint = 0.005

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                self.a * x * (self.y0 - yy) - self.b * z,
                self.g * yy * (x**2 - 1.0),
                self.m * (self.bb * x * z - 1.5 * x) - self.c * z,
            ]
        )
