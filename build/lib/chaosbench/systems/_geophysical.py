"""Reduced models of the atmosphere, ocean, geodynamo and magnetosphere."""

import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system

FAMILY = "geophysical"


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


@register_system("lorenz84-v1", aliases=("Lorenz84",))
class Lorenz84(AbstractSystem):
    """Lorenz's 1984 Hadley circulation model: ẋ = −ax − y² − z² + af, ẏ = −y + xy − bxz + g,
    ż = −z + bxy + xz.
    """

    a: float = 1.32
    b: float = 7.91
    f: float = 4.83
    g: float = 4.194

    default_initial_condition = (1.926479236120359, -0.13402110197257552, -1.72146730664761)
    citation = (
        "E. Lorenz (1984). Irregularity: a fundamental property of the atmosphere. Tellus A, "
        "vol. 36, no. 2, pp. 98--110, 1984."
    )
    description = "Atmospheric circulation analogous to Hadley convection."
    dt_hint = 1e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                -self.a * x - yy**2 - z**2 + self.a * self.f,
                -yy + x * yy - self.b * x * z + self.g,
                -z + self.b * x * yy + x * z,
            ]
        )


@register_system("rikitake_dynamo-v1", aliases=("RikitakeDynamo",))
class RikitakeDynamo(AbstractSystem):
    """Rikitake's two-disk dynamo: ẋ = −μx + yz, ẏ = −μy − ax + xz, ż = 1 − xy."""

    a: float = 1.0
    mu: float = 1.0

    default_initial_condition = (-0.7791562791136255, -0.6302244598741468, 2.671200187214492)
    citation = (
        "Rikitake, T., Oscillations of a system of disk dynamos, Mathematical Proceedings of "
        "the Cambridge Philosophical Society, 1958."
    )
    description = "Electric current and magnetic field of two coupled disk dynamos."
    dt_hint = 1e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                -self.mu * x + yy * z,
                -self.mu * yy - self.a * x + x * z,
                1.0 - x * yy,
            ]
        )


@register_system("vallis_el_nino-v1", aliases=("VallisElNino",))
class VallisElNino(AbstractSystem):
    """Vallis' conceptual El Niño model: ẋ = by − c(x + p), ẏ = −y + xz, ż = −z − xy + 1."""

    b: float = 102.0
    c: float = 3.0
    p: float = 0.0

    default_initial_condition = (-6.99286331487343, 0.023254276622294345, -0.1658177563067799)
    citation = (
        "Vallis GK. Conceptual models of El Nio and the southern oscillation. J Geophys Res 1988"
    )
    description = "Atmospheric temperature fluctuations with annual forcing."
    dt_hint = 4e-3

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                self.b * yy - self.c * (x + self.p),
                -yy + x * z,
                -z - x * yy + 1.0,
            ]
        )


@register_system("windmi_reduced-v1", aliases=("WindmiReduced",))
class WindmiReduced(AbstractSystem):
    """Reduced WINDMI solar-wind–magnetosphere–ionosphere model (dysts' form):
    i̇ = a₁(v_sw − v), v̇ = b₁i − b₂p/2 − b₃v,
    ṗ = v_sw² − p^{5/4} v_sw^{1/2} (1 + tanh(d₁(i − 1)))/2.

    The published model has b₂p^{1/2} in v̇; dysts writes ``p**1 / 2`` (= p/2), and its
    catalogue was computed with that form. At these parameters the p^{1/2} form settles
    on a non-chaotic state, so the catalogue's (chaotic) form is kept.
    """

    a1: float = 0.247
    b1: float = 10.8
    b2: float = 0.0752
    b3: float = 1.06
    d1: float = 2200.0
    vsw: float = 5.0

    default_initial_condition = (0.93337506, 6.2678923, 41.969547)
    citation = "Smith, Thiffeault, Horton. J Geophys Res. 2000. Horton, Weigel, Sprott. Chaos 2001."
    description = (
        "Energy transfer into the ionosphere and magnetosphere by the solar wind. The parameter"
        " vsw controls the onset of chaos."
    )
    dt_hint = 9e-3

    def vector_field(self, t, y, args):
        i, v, p = y
        return jnp.stack(
            [
                self.a1 * (self.vsw - v),
                self.b1 * i - self.b2 * p / 2.0 - self.b3 * v,
                self.vsw**2
                - p**1.25 * jnp.sqrt(self.vsw) * (1.0 + jnp.tanh(self.d1 * (i - 1.0))) / 2.0,
            ]
        )
