"""Electronic oscillator circuits with piecewise or exponential nonlinearities."""

import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system

FAMILY = "circuits"


def _ramp_positive(x):
    """x² for x > 0 and 0 otherwise (a half-wave square-law element)."""
    return jnp.where(x > 0, x**2, 0.0)


@register_system("anishchenko_astakhov-v1", aliases=("AnishchenkoAstakhov",))
class AnishchenkoAstakhov(AbstractSystem):
    """Anishchenko–Astakhov generator with inertial nonlinearity.

    ẋ = μx + y − xz, ẏ = −x, ż = −ηz + η·Θ(x)x² (Θ the Heaviside step).
    """

    eta: float = 0.5
    mu: float = 1.2

    default_initial_condition = (3.6225814, 3.3226339, 1.9973142)
    citation = (
        "Anishchenko, et al. Nonlinear dynamics of chaotic and stochastic systems: tutorial and "
        "modern developments. 2007."
    )
    description = "Stochastic resonance in forced oscillators."
    dt_hint = 0.01

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                self.mu * x + yy - x * z,
                -x,
                -self.eta * z + self.eta * _ramp_positive(x),
            ]
        )


@register_system("chua-v1", aliases=("Chua",))
class Chua(AbstractSystem):
    """Chua's circuit with a three-segment piecewise-linear diode.

    ẋ = α(y − x − h(x)), ẏ = x − y + z, ż = −βy,
    h(x) = m₁x + ½(m₀ − m₁)(|x + 1| − |x − 1|).
    """

    alpha: float = 15.6
    beta: float = 28.0
    m0: float = -1.142857
    m1: float = -0.71429

    default_initial_condition = (1.1262351, -0.11386474, -0.78324421)
    citation = "Chua, L. O. (1969) Introduction to Nonlinear Network Theory, McGraw-Hill, New York."
    description = "An electronic circuit with a diode providing negative resistance."
    dt_hint = 0.003

    def vector_field(self, t, y, args):
        x, yy, z = y
        h = self.m1 * x + 0.5 * (self.m0 - self.m1) * (jnp.abs(x + 1.0) - jnp.abs(x - 1.0))
        return jnp.stack([self.alpha * (yy - x - h), x - yy + z, -self.beta * yy])


@register_system("colpitts-v1", aliases=("Colpitts",))
class Colpitts(AbstractSystem):
    """Colpitts oscillator with a piecewise-linear transistor characteristic.

    ẋ = y − a·f(z), ẏ = c − x − by − z, ż = y − dz, f(z) = max(0, (e − 1) − z).
    """

    a: float = 30.0
    b: float = 0.8
    c: float = 20.0
    d: float = 0.08
    e: float = 10.0

    default_initial_condition = (8.9389043, 0.64637337, 8.7869304)
    citation = (
        "Kennedy (2007). IEEE Trans Circuits & Systems. 1994: 771-774. Li, Zhou, Yang. Chaos, "
        "Solitons, & Fractals."
    )
    description = "An electrical circuit used as a signal generator."
    dt_hint = 0.009

    def vector_field(self, t, y, args):
        x, yy, z = y
        f = jnp.maximum(self.e - 1.0 - z, 0.0)
        return jnp.stack([yy - self.a * f, self.c - x - self.b * yy - z, yy - self.d * z])


@register_system("jerk_circuit-v1", aliases=("JerkCircuit",))
class JerkCircuit(AbstractSystem):
    """Sprott's diode jerk circuit: x''' = −x'' − x − ε(exp(x'/y₀) − 1)."""

    eps: float = 1e-09
    y0: float = 0.026

    default_initial_condition = (-1.300882, 0.065382947, 0.91801911)
    citation = "Sprott (2011). A new chaotic jerk circuit. IEEE Circ. Sys. 2011."
    description = "An electronic circuit with nonlinearity provided by a diode."
    dt_hint = 0.04

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack([yy, z, -z - x - self.eps * (jnp.exp(yy / self.y0) - 1.0)])
