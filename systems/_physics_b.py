"""Reduced models from physics: waves, molecular dynamics, nuclear structure, stellar convection."""

import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system


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


@register_system("nuclear_quadrupole-v1", aliases=("NuclearQuadrupole",))
class NuclearQuadrupole(AbstractSystem):
    """Baran–Raduta quadrupole boson Hamiltonian: q̇ᵢ = a pᵢ,
    ṗ₁ = −a q₁ + (3/√2) b (q₁² − q₂²) − d q₁ (q₁² + q₂²),
    ṗ₂ = −a q₂ − 3√2 b q₁ q₂ − d q₂ (q₁² + q₂²).
    """

    a: float = 1.0
    b: float = 0.55
    d: float = 0.4

    default_initial_condition = (-0.85591178, 1.48078342, -0.85075322, 1.63576085)
    citation = "Baran V. and Raduta A. A. (1998), International Journal of Modern Physics E"
    description = (
        "A quadrupole boson Hamiltonian that produces chaos via a resonance overlap mechanism"
    )
    dt_hint = 1e-2

    def vector_field(self, t, y, args):
        q1, q2, p1, p2 = y
        r2 = q1**2 + q2**2
        return jnp.stack(
            [
                self.a * p1,
                self.a * p2,
                -self.a * q1 + 3.0 / jnp.sqrt(2.0) * self.b * (q1**2 - q2**2) - self.d * q1 * r2,
                -self.a * q2 - 3.0 * jnp.sqrt(2.0) * self.b * q1 * q2 - self.d * q2 * r2,
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
