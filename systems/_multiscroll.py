"""Multi-scroll and multi-wing attractors from quadratic and piecewise flows."""

import equinox as eqx
import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system

FAMILY = "multiscroll"


@register_system("liu_chen-v1", aliases=("LiuChen",))
class LiuChen(AbstractSystem):
    """Liu–Chen attractor, in the Sakarya form ẋ = ax + hy + syz, ẏ = −by − px + qxz, ż =
    cz − rxy.
    """

    a: float = 0.4
    b: float = 12.0
    c: float = -5.0
    h: float = 0.0
    p: float = 0.0
    q: float = -1.0
    r: float = 1.0
    s: float = 1.0

    default_initial_condition = (4.6722764, 5.2437205e-10, -6.4444208e-10)
    citation = "Liu, Chen. Int J Bifurcat Chaos. 2004: 1395-1403."
    description = "Derived from Sakarya."
    dt_hint = 2e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                self.a * x + self.h * yy + self.s * yy * z,
                -self.b * yy - self.p * x + self.q * x * z,
                self.c * z - self.r * x * yy,
            ]
        )


@register_system("lu_chen_cheng-v1", aliases=("LuChenCheng",))
class LuChenCheng(AbstractSystem):
    """Lü–Chen–Cheng four-scroll system: ẋ = −ab/(a + b) x − yz + c, ẏ = ay + xz, ż = bz +
    xy.
    """

    a: float = -10.0
    b: float = -4.0
    c: float = 18.1

    default_initial_condition = (-5.5177615, 2.4990595, 10.461798)
    citation = "Lu, Chen, Cheng. Int J Bifurcat Chaos. 2004: 1507--1537."
    description = "A four scroll attractor that reduces to Lorenz-like dynamics under bifurcations."
    dt_hint = 2e-3

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                -(self.a * self.b) / (self.a + self.b) * x - yy * z + self.c,
                self.a * yy + x * z,
                self.b * z + x * yy,
            ]
        )


@register_system("multi_chua-v1", aliases=("MultiChua",))
class MultiChua(AbstractSystem):
    """Multi-scroll Chua circuit: ẋ = a(y − g(x)), ẏ = x − y + z, ż = −by, with the
    piecewise-linear diode g(x) = m₅x + Σᵢ₌₁⁵ (mᵢ₋₁ − mᵢ)(|x + cᵢ| − |x − cᵢ|)/2.
    """

    a: float = 9.0
    b: float = 14.286
    c: tuple = eqx.field(default=(0.0, 1.0, 2.15, 3.6, 8.2, 13.0), static=True)
    m: tuple = eqx.field(
        default=(-0.14285714, 0.28571429, -0.57142857, 0.28571429, -0.57142857, 0.28571429),
        static=True,
    )

    default_initial_condition = (-21.160123, 1.0322356, 27.405269)
    citation = (
        "Mufcstak E. Yalcin, Johan A. K. Suykens, Joos Vandewalle. Cellular Neural Networks, "
        "Multi-Scroll Chaos And Synchronization."
    )
    description = "Multiple interacting Chua electronic circuits."
    dt_hint = 5e-3

    def vector_field(self, t, y, args):
        x, yy, z = y
        m, c = jnp.asarray(self.m), jnp.asarray(self.c)
        kinks = jnp.abs(x + c[1:]) - jnp.abs(x - c[1:])
        g = m[-1] * x + 0.5 * jnp.sum((m[:-1] - m[1:]) * kinks)
        return jnp.stack(
            [
                self.a * (yy - g),
                x - yy + z,
                -self.b * yy,
            ]
        )


@register_system("newton_liepnik-v1", aliases=("NewtonLiepnik",))
class NewtonLiepnik(AbstractSystem):
    """Leipnik–Newton rigid body with feedback: ẋ = −ax + y + 10yz, ẏ = −x − 0.4y + 5xz, ż
    = bz − 5xy.
    """

    a: float = 0.4
    b: float = 0.175

    default_initial_condition = (0.29430753, 0.10649486, 0.29081125)
    citation = (
        "Leipnik, R. B., and T. A. Newton (1981). Double strange attractors in rigid body "
        "motion with linear feedback control. Physics Letters A 86.2 (1981): 63-67."
    )
    description = "Euler's equations for a rigid body, augmented with a linear feedback term."
    dt_hint = 2e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                -self.a * x + yy + 10.0 * yy * z,
                -x - 0.4 * yy + 5.0 * x * z,
                self.b * z - 5.0 * x * yy,
            ]
        )


@register_system("pehlivan_wei-v1", aliases=("PehlivanWei",))
class PehlivanWei(AbstractSystem):
    """Pehlivan–Wei system: ẋ = y − yz, ẏ = y + yz − 2x, ż = 2 − xy − y²."""

    default_initial_condition = (0.21665608, 0.86710502, 0.50627859)
    citation = (
        "Pehlivan, Ihsan, and Wei Zhouchao (2012). Analysis, nonlinear control, and chaos "
        "generator circuit of another strange chaotic system."
    )
    description = (
        "A system with quadratic nonlinearity, which undergoes Hopf bifurcations of codimension"
        " 1 and 2."
    )
    dt_hint = 7e-3

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                yy - yy * z,
                yy + yy * z - 2.0 * x,
                2.0 - x * yy - yy**2,
            ]
        )


@register_system("sakarya-v1", aliases=("Sakarya",))
class Sakarya(AbstractSystem):
    """Sakarya four-wing attractor: ẋ = ax + hy + syz, ẏ = −by − px + qxz, ż = cz − rxy."""

    a: float = -1.0
    b: float = 1.0
    c: float = 1.0
    h: float = 1.0
    p: float = 1.0
    q: float = 0.4
    r: float = 0.3
    s: float = 1.0

    default_initial_condition = (-2.8976045, 3.8877978, 3.07465)
    citation = (
        "Li, Chunbiao, et al (2015). A novel four-wing strange attractor born in bistability. "
        "IEICE Electronics Express 12.4."
    )
    description = "An attractor that arises due to merging of two disjoint bistable attractors."
    dt_hint = 1e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                self.a * x + self.h * yy + self.s * yy * z,
                -self.b * yy - self.p * x + self.q * x * z,
                self.c * z - self.r * x * yy,
            ]
        )


@register_system("san_um_srisuchinwong-v1", aliases=("SanUmSrisuchinwong", "WimolBanlue"))
class SanUmSrisuchinwong(AbstractSystem):
    """San-Um–Srisuchinwong two-scroll system: ẋ = y − x, ẏ = −z tanh x, ż = −a + xy + |y|."""

    a: float = 2.0

    default_initial_condition = (0.63878078, 1.0901873, 2.4479814)
    citation = "San-Um, Srisuchinwong. J. Comp 2012"
    description = (
        "A two-scroll attractor arising from dynamical equations with piecewise nonlinearities."
        " Equivalent to the Wimol-Banlue system"
    )
    dt_hint = 1e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                yy - x,
                -z * jnp.tanh(x),
                -self.a + x * yy + jnp.abs(yy),
            ]
        )


@register_system("wang_sun-v1", aliases=("WangSun",))
class WangSun(AbstractSystem):
    """Wang–Sun four-wing system: ẋ = ax + qyz, ẏ = bx + dy − xz, ż = ez + fxy."""

    a: float = 0.2
    b: float = -0.01
    d: float = -0.4
    e: float = -1.0
    f: float = -1.0
    q: float = 1.0

    default_initial_condition = (-0.54770787, 0.73876479, -0.0049284531)
    citation = (
        "Wang, Z., Sun, Y., van Wyk, B. J., Qi, G. & van Wyk, M. A (2009). A 3-D four-wing "
        "attractor and its analysis. Brazilian J. Phys. 39."
    )
    description = "A four-scroll attractor"
    dt_hint = 5e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                self.a * x + self.q * yy * z,
                self.b * x + self.d * yy - x * z,
                self.e * z + self.f * x * yy,
            ]
        )


@register_system("zhou_chen-v1", aliases=("ZhouChen",))
class ZhouChen(AbstractSystem):
    """Zhou–Chen three-layer system: ẋ = ax + by + yz, ẏ = cy − xz + dyz, ż = ez − xy."""

    a: float = 2.97
    b: float = 0.15
    c: float = -3.0
    d: float = 1.0
    e: float = -8.78

    default_initial_condition = (-0.60390203, 0.012111953, 0.00083277923)
    citation = (
        "Zhou, Chen (2004). A simple smooth chaotic system with a 3-layer attractor. Int J "
        "Bifurcat Chaos, 2004"
    )
    description = "A feedback circuit model."
    dt_hint = 2e-3

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                self.a * x + self.b * yy + yy * z,
                self.c * yy - x * z + self.d * yy * z,
                self.e * z - x * yy,
            ]
        )


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


@register_system("tsucs2-v1", aliases=("Tsucs2",))
class Tsucs2(AbstractSystem):
    """Three-scroll unified chaotic system (TSUCS-2) in Dequan Li's form, ẋ = a(y − x) +
    dxz, ẏ = kx + fy − xz, ż = cz + xy − εx².
    """

    a: float = 40.0
    c: float = 0.833
    d: float = 0.5
    eps: float = 0.65
    f: float = 20.0
    k: float = 0.0

    default_initial_condition = (1.2969944, 1.12138, 50.028988)
    citation = (
        "Pan, Zhou, Li (2013). Synchronization of Three-Scroll Unified Chaotic System (TSUCS) "
        "and its hyper-chaotic system using active pinning control"
    )
    description = "A named attractor related to the DequanLi attractor"
    dt_hint = 7e-4

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                self.a * (yy - x) + self.d * x * z,
                self.k * x + self.f * yy - x * z,
                self.c * z + x * yy - self.eps * x**2,
            ]
        )
