"""Reduced models from physics: lasers, plasma waves, rigid bodies, molecular dynamics and
stellar convection."""

import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system

FAMILY = "physics"


@register_system("laser-v1", aliases=("Laser",))
class Laser(AbstractSystem):
    """Abooee et al.'s laser model.

    ẋ = a(y − x) + byz², ẏ = cx + dxz², ż = hz + kx².
    """

    a: float = 10.0
    b: float = 1.0
    c: float = 5.0
    d: float = -1.0
    h: float = -5.0
    k: float = -6.0

    default_initial_condition = (-2.540801356216252, -1.940570579119389, -2.9680975444071955)
    citation = (
        "Abooee, Yaghini-Bonabi, Jahed-Motlagh (2013). Analysis and circuitry realization of a "
        "novel three-dimensional chaotic system. Comm Nonline Sci 2013"
    )
    description = "A semiconductor laser model"
    dt_hint = 0.002

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                self.a * (yy - x) + self.b * yy * z**2,
                self.c * x + self.d * x * z**2,
                self.h * z + self.k * x**2,
            ]
        )


@register_system("chen_lee-v1", aliases=("ChenLee",))
class ChenLee(AbstractSystem):
    """Chen–Lee rigid-body-like flow: ẋ = ax − yz, ẏ = by + xz, ż = cz + xy/3."""

    a: float = 5.0
    b: float = -10.0
    c: float = -0.38

    default_initial_condition = (0.17177112, 0.10360479, 6.2553878)
    citation = (
        "Chen HK, Lee CI (2004). Anti-control of chaos in rigid body motion. Chaos, Solitons & "
        "Fractals"
    )
    description = "A rigid body with feedback anti-control."
    dt_hint = 0.006

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack([self.a * x - yy * z, self.b * yy + x * z, self.c * z + x * yy / 3.0])


@register_system("rabinovich_fabrikant-v1", aliases=("RabinovichFabrikant",))
class RabinovichFabrikant(AbstractSystem):
    """Rabinovich–Fabrikant wave self-modulation: ẋ = y(z − 1 + x²) + gx, ẏ = x(3z + 1 − x²) + gy,
    ż = −2z(a + xy).
    """

    a: float = 1.1
    g: float = 0.87

    default_initial_condition = (-1.8207276, 0.83440917, 0.2078248)
    citation = (
        "Rabinovich, Mikhail I.; Fabrikant, A. L. (1979). Stochastic Self-Modulation of Waves "
        "in Nonequilibrium Media. Sov. Phys. JETP."
    )
    description = "A reduced-order model of propagating waves in monequilibrium media."
    dt_hint = 5e-3

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                yy * (z - 1.0 + x**2) + self.g * x,
                x * (3.0 * z + 1.0 - x**2) + self.g * yy,
                -2.0 * z * (self.a + x * yy),
            ]
        )


@register_system("nose_hoover-v1", aliases=("NoseHoover",))
class NoseHoover(AbstractSystem):
    """Nosé–Hoover thermostatted oscillator: ẋ = y, ẏ = −x + yz, ż = a − y²."""

    a: float = 1.5

    default_initial_condition = (-1.9758582, 0.24647527, 0.79024299)
    citation = (
        "Nose, S (1985). A unified formulation of the constant temperature molecular-dynamics "
        "methods. Journal of Chemical Physics (1984). Hoover, William G. Canonical dynamics: "
        "Equilibrium phase-space distributions. Phys. Rev. A. Hoover, William G., Anthony JC "
        "Ladd, and Bill Moran (1982). High-strain-rate plastic flow studied via nonequilibrium "
        "molecular dynamics. Physical Review Letters."
    )
    description = (
        "Fixed temperature molecular dynamics for a strained flow under a reduced order model."
    )
    dt_hint = 1e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                yy,
                -x + yy * z,
                self.a - yy**2,
            ]
        )


@register_system("moore_spiegel-v1", aliases=("MooreSpiegel",))
class MooreSpiegel(AbstractSystem):
    """Moore–Spiegel thermally excited oscillator: ẋ = y, ẏ = az, ż = −z + εy − yx² − bx."""

    a: float = 10.0
    b: float = 4.0
    eps: float = 9.0

    default_initial_condition = (-3.4733266, 19.666962, -3.8262485)
    citation = "Moore, Spiegel. A Thermally Excited Nonlinear Oscillator, Ap. J., 143, 871 (1966)"
    description = "A thermo-mechanical oscillator."
    dt_hint = 3e-3

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                yy,
                self.a * z,
                -z + self.eps * yy - yy * x**2 - self.b * x,
            ]
        )
