"""Low-order atmospheric circulation models."""

import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system


@register_system("hadley-v1", aliases=("Hadley",))
class Hadley(AbstractSystem):
    """Lorenz-84 model of the Hadley circulation.

    ẋ = −y² − z² − a(x − f), ẏ = xy − bxz − y + g, ż = bxy + xz − z.
    """

    a: float = 0.2
    b: float = 4.0
    f: float = 9.0
    g: float = 1.0

    default_initial_condition = (1.3664423, 0.9309146, 0.64283417)
    citation = (
        "G. Hadley (1735). On the cause of the general trade winds. Philosophical Transactions of"
        " the Royal Society, vol. 34, pp. 58--62."
    )
    description = "An atmospheric convective cell."
    dt_hint = 0.003

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                -(yy**2) - z**2 - self.a * (x - self.f),
                x * yy - self.b * x * z - yy + self.g,
                self.b * x * yy + x * z - z,
            ]
        )


@register_system("atmospheric_regime-v1", aliases=("AtmosphericRegime",))
class AtmosphericRegime(AbstractSystem):
    """Tuwankotta's coupled-oscillator model of atmospheric regimes.

    ẋ = μ₁x + σxy, ẏ = μ₂y + ωz + αyz + βz² − σx², ż = μ₂z − ωy − αy² − βyz.
    """

    alpha: float = -2.0
    beta: float = -5.0
    mu1: float = 0.05
    mu2: float = -0.01
    omega: float = 3.0
    sigma: float = 1.1

    default_initial_condition = (0.026544189906947246, 0.20580772677536016, 0.43758119702219506)
    citation = (
        "Tuwankotta (2006). Chaos in a coupled oscillators system with widely spaced frequencies "
        "and energy-preserving non-linearity"
    )
    description = (
        "A model of regime transition in atmospheric flows. Contains widely-separated timescales "
        "due a quadratic term, which itself arises from a conservation law."
    )
    dt_hint = 0.2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                self.mu1 * x + self.sigma * x * yy,
                self.mu2 * yy
                + self.omega * z
                + self.alpha * yy * z
                + self.beta * z**2
                - self.sigma * x**2,
                self.mu2 * z - self.omega * yy - self.alpha * yy**2 - self.beta * yy * z,
            ]
        )
