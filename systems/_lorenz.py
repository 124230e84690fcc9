"""The Lorenz family: Lorenz-63, Lorenz-96 and the Chen system."""

from typing import ClassVar

import equinox as eqx
import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system


@register_system("lorenz63-v1", aliases=("Lorenz",))
class Lorenz63(AbstractSystem):
    """Lorenz's convection model: ẋ = σ(y − x), ẏ = x(ρ − z) − y, ż = xy − βz."""

    sigma: float = 10.0
    rho: float = 28.0
    beta: float = 2.667

    default_initial_condition = (-9.7869288, -15.03852, 20.533978)
    citation = (
        "Lorenz, Edward N (1963). Deterministic nonperiodic flow. "
        "Journal of the Atmospheric Sciences 20.2 (1963): 130-141."
    )
    description = "A minimal weather model based on atmospheric convection."
    dt_hint = 1e-3

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack([self.sigma * (yy - x), x * (self.rho - z) - yy, x * yy - self.beta * z])


def _lorenz96(x, forcing):
    return (jnp.roll(x, -1) - jnp.roll(x, 2)) * jnp.roll(x, 1) - x + forcing


_L96_CITATION = (
    "Lorenz, Edward (1996). Predictability: A problem partly solved. "
    "Seminar on Predictability, Vol. I, ECMWF."
)


@register_system("lorenz96-v1")
class Lorenz96(AbstractSystem):
    """Lorenz-96 on a ring of ``n`` sites: ẋ_i = (x_{i+1} − x_{i−2}) x_{i−1} − x_i + F.

    Defaults: n = 10, F = 8 (the standard chaotic regime). The initial condition is the
    fixed point F with the first site nudged by 0.01, a common choice in the literature.
    """

    forcing: float = 8.0
    n: int = eqx.field(default=10, static=True)

    citation: ClassVar[str] = _L96_CITATION
    description: ClassVar[str] = "A ring of advected, damped, forced sites (atmospheric toy)."
    dt_hint: ClassVar[float] = 1e-3

    @property
    def initial_condition(self):
        return jnp.full(self.n, self.forcing).at[0].add(0.01)

    def vector_field(self, t, y, args):
        return _lorenz96(y, self.forcing)


@register_system("lorenz96_dysts-v1", aliases=("Lorenz96",))
class Lorenz96Dysts(AbstractSystem):
    """dysts' Lorenz-96: four sites at F = 20 (see :class:`Lorenz96` for the equation)."""

    f: float = 20.0

    default_initial_condition = (-2.46820633, 0.09570264, 1.59270902, 10.21372147)
    citation = _L96_CITATION
    description = "Lorenz-96 with four sites, as in the dysts catalogue."
    dt_hint = 1e-3

    def vector_field(self, t, y, args):
        return _lorenz96(y, self.f)


@register_system("chen-v1", aliases=("Chen",))
class Chen(AbstractSystem):
    """Chen's system: ẋ = a(y − x), ẏ = (c − a)x − xz + cy, ż = xy − bz."""

    a: float = 35.0
    b: float = 3.0
    c: float = 28.0

    default_initial_condition = (3.2689697, 5.2990458, 19.435349)
    citation = "Chen (1997). Proc. First Int. Conf. Control of Oscillations and Chaos."
    description = "A Lorenz-like system that is not topologically equivalent to Lorenz."
    dt_hint = 1e-3

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [self.a * (yy - x), (self.c - self.a) * x - x * z + self.c * yy, x * yy - self.b * z]
        )
