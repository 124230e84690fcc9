"""Jerk flows: third-order scalar equations x''' = J(x, x', x'') written as 3-D systems."""

import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system

FAMILY = "jerk"


@register_system("arneodo-v1", aliases=("Arneodo", "ACT", "ArneodoCoulletTresser"))
class Arneodo(AbstractSystem):
    """Arneodo–Coullet–Tresser cubic jerk: x''' = −ax − bx' − cx'' + dx³."""

    a: float = -5.5
    b: float = 4.5
    c: float = 1.0
    d: float = -1.0

    default_initial_condition = (-2.7515698, 0.19079818, 3.4703629)
    citation = (
        "Arneodo, A., Coullet, P. & Tresser, C. Occurence of strange attractors in three-"
        "dimensional Volterra equations. Physics Letters A 79, 259--263 (1980)"
    )
    description = "A modified Lotka-Volterra ecosystem, also known as the ACT attractor."
    dt_hint = 0.006

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack([yy, z, -self.a * x - self.b * yy - self.c * z + self.d * x**3])


@register_system("coullet-v1", aliases=("Coullet",))
class Coullet(AbstractSystem):
    """Coullet's cubic jerk (the Arneodo form at other parameters).

    x''' = −ax − bx' − cx'' + dx³.
    """

    a: float = -0.8
    b: float = 1.1
    c: float = 0.45
    d: float = -1.0

    default_initial_condition = (0.34539837958549907, 0.4284701181998099, 0.086983698175975)
    citation = (
        "Arneodo, A., Coullet, P. & Tresser, C. Occurence of strange attractors in three-"
        "dimensional volterra equations. Physics Letters A 79, 259--263 (1980)"
    )
    description = "A variant of the Arneodo attractor"
    dt_hint = 0.01

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack([yy, z, -self.a * x - self.b * yy - self.c * z + self.d * x**3])


@register_system("genesio_tesi-v1", aliases=("GenesioTesi",))
class GenesioTesi(AbstractSystem):
    """Genesio–Tesi quadratic jerk: x''' = −cx − bx' − ax'' + x²."""

    a: float = 0.44
    b: float = 1.1
    c: float = 1.0

    default_initial_condition = (-0.053772565, -0.26162564, 0.33501557)
    citation = (
        "Genesio, Tesi (1992). Harmonic balance methods for the analysis of chaotic dynamics in "
        "nonlinear systems. Automatica 28.3 (1992): 531-548."
    )
    description = "A nonlinear control system with feedback."
    dt_hint = 0.01

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack([yy, z, -self.c * x - self.b * yy - self.a * z + x**2])


@register_system("sprott_jerk-v1", aliases=("SprottJerk",))
class SprottJerk(AbstractSystem):
    """Sprott's simplest quadratic jerk flow: x‴ = −μẍ + ẋ² − x, as ẋ = y, ẏ = z, ż = −x +
    y² − μz.
    """

    mu: float = 2.017

    default_initial_condition = (-0.54106056, 0.59383201, 0.45127217)
    citation = "Sprott, J. C. Simplest dissipative chaotic flow. Physics Letters A (1997)."
    description = (
        "An algebraidally simple flow depending on a third time derivative. Numerical "
        "integration of this attractor is extremely sensitive to the initial conditions"
    )
    dt_hint = 2e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                yy,
                z,
                -x + yy**2 - self.mu * z,
            ]
        )
