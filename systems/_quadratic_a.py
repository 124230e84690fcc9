"""Three-dimensional flows with low-order polynomial nonlinearities (Lorenz-like and
related algebraic chaotic flows from the control and circuit literature)."""

import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system


@register_system("burke_shaw-v1", aliases=("BurkeShaw",))
class BurkeShaw(AbstractSystem):
    """Burke–Shaw flow: ẋ = −n(x + y), ẏ = y − nxz, ż = nxy + e."""

    e: float = 13.0
    n: float = 10.0

    default_initial_condition = (-0.79153188, 0.65244479, 0.22517831)
    citation = "Shaw (1981). Zeitschrift fur Naturforschung."
    description = "A scroll-like attractor with unique symmetry along the z axis."
    dt_hint = 0.002

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack([-self.n * (x + yy), yy - self.n * x * z, self.n * x * yy + self.e])


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


@register_system("dadras-v1", aliases=("Dadras",))
class Dadras(AbstractSystem):
    """Dadras–Momeni flow.

    ẋ = y − px + oyz, ẏ = ry − xz + z, ż = cxy − ez.
    """

    c: float = 2.0
    e: float = 9.0
    o: float = 2.7
    p: float = 3.0
    r: float = 1.7

    default_initial_condition = (1.0284085, -3.5348655, -0.72081646)
    citation = (
        "S Dadras, HR Momeni (2009). A novel three-dimensional autonomous chaotic system "
        "generating two, three and four-scroll attractors. Physics Letters A."
    )
    description = (
        "An electronic circuit capable of producing multiple attractors under bifurcations."
    )
    dt_hint = 0.007

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                yy - self.p * x + self.o * yy * z,
                self.r * yy - x * z + z,
                self.c * x * yy - self.e * z,
            ]
        )


@register_system("dequan_li-v1", aliases=("DequanLi",))
class DequanLi(AbstractSystem):
    """Dequan Li's three-scroll flow.

    ẋ = a(y − x) + dxz, ẏ = kx + fy − xz, ż = cz + xy − εx².
    """

    a: float = 40.0
    c: float = 1.833
    d: float = 0.16
    eps: float = 0.65
    f: float = 20.0
    k: float = 55.0

    default_initial_condition = (-11.395722, -104.12614, 202.46173)
    citation = "Li, Phys Lett A. 2008: 387-393."
    description = "Related to the Three Scroll unified attractor TSUCS-2"
    dt_hint = 0.0002

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                self.a * (yy - x) + self.d * x * z,
                self.k * x + self.f * yy - x * z,
                self.c * z + x * yy - self.eps * x**2,
            ]
        )


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


@register_system("guckenheimer_holmes-v1", aliases=("GuckenheimerHolmes",))
class GuckenheimerHolmes(AbstractSystem):
    """Guckenheimer–Holmes normal form of a torus bifurcation.

    ẋ = ax − by + czx + dz(x² + y²), ẏ = ay + bx + czy, ż = e − z² − f(x² + y²) − az³.
    """

    a: float = 0.4
    b: float = 20.25
    c: float = 3.0
    d: float = 1.6
    e: float = 1.7
    f: float = 0.44

    default_initial_condition = (-0.55582369, 0.05181624, 0.37766104)
    citation = (
        "Guckenheimer, John, and Philip Holmes (1983).  Nonlinear oscillations, dynamical "
        "systems, and bifurcations of vector fields. Vol. 42. Springer Science & Business Media."
    )
    description = "A nonlinear oscillator."
    dt_hint = 0.0006

    def vector_field(self, t, y, args):
        x, yy, z = y
        r2 = x**2 + yy**2
        return jnp.stack(
            [
                self.a * x - self.b * yy + self.c * z * x + self.d * z * r2,
                self.a * yy + self.b * x + self.c * z * yy,
                self.e - z**2 - self.f * r2 - self.a * z**3,
            ]
        )
