"""Lorenz-like flows: two-lobe (butterfly) attractors of Lorenz's convection model and the
quadratic flows derived from it (Chen, Lü, Shimizu–Morioka, Rucklidge, Burke–Shaw, ...)."""

import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system

FAMILY = "lorenz_like"


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


@register_system("lorenz_bounded-v1", aliases=("LorenzBounded",))
class LorenzBounded(AbstractSystem):
    """Lorenz-63 in a confining potential: the Lorenz field times (1 − (x² + y² + z²)/r²)."""

    beta: float = 2.667
    r: float = 64.0
    rho: float = 28.0
    sigma: float = 10.0

    default_initial_condition = (-13.284881, -12.444334, 34.188198)
    citation = "Sprott & Xiong (2015). Chaos."
    description = "The Lorenz attractor in the presence of a confining potential."
    dt_hint = 3e-3

    def vector_field(self, t, y, args):
        x, yy, z = y
        damp = 1.0 - (x**2 + yy**2 + z**2) / self.r**2
        return jnp.stack(
            [
                self.sigma * (yy - x) * damp,
                (x * (self.rho - z) - yy) * damp,
                (x * yy - self.beta * z) * damp,
            ]
        )


@register_system("lorenz_coupled-v1", aliases=("LorenzCoupled",))
class LorenzCoupled(AbstractSystem):
    """Two Lorenz-63 systems (Rayleigh numbers ρ₁, ρ₂), the first driving the second's x by ε.

    The catalogue's `rho` is carried for comparability but does not enter the equations.
    """

    beta: float = 2.667
    eps: float = 2.85
    rho: float = 28.0
    rho1: float = 35.0
    rho2: float = 1.15
    sigma: float = 10.0

    default_initial_condition = (7.0921483, 10.117408, 25.708428, 2.1689893, 0.96121877, 0.89550187)
    citation = (
        "Lorenz, Edward N. Deterministic nonperiodic flow. Journal of the atmospheric sciences "
        "20.2 (1963): 130-141."
    )
    description = "Two coupled Lorenz attractors."
    dt_hint = 3e-3

    def vector_field(self, t, y, args):
        x1, y1, z1, x2, y2, z2 = y
        return jnp.stack(
            [
                self.sigma * (y1 - x1),
                x1 * (self.rho1 - z1) - y1,
                x1 * y1 - self.beta * z1,
                self.sigma * (y2 - x2) + self.eps * (x1 - x2),
                x2 * (self.rho2 - z2) - y2,
                x2 * y2 - self.beta * z2,
            ]
        )


@register_system("lu_chen-v1", aliases=("LuChen", "ChenCelikovsky"))
class LuChen(AbstractSystem):
    """Lü–Chen system: ẋ = a(y − x), ẏ = cy − xz, ż = xy − bz."""

    a: float = 36.0
    b: float = 3.0
    c: float = 18.0

    default_initial_condition = (10.956479, 9.8813092, 22.676714)
    citation = "Lu, Chen. Int J Bifurcat Chaos. 2002: 659-661."
    description = (
        "A system that switches shapes between the Lorenz and Chen attractors as the parameter "
        "c is varied from 12.7 to 28.5. Also called the Chen Celikovsky attractor"
    )
    dt_hint = 5e-3

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                self.a * (yy - x),
                self.c * yy - x * z,
                x * yy - self.b * z,
            ]
        )


@register_system("pan_xu_zhou-v1", aliases=("PanXuZhou",))
class PanXuZhou(AbstractSystem):
    """Pan–Xu–Zhou attractor in Dequan Li's form, ẋ = a(y − x) + dxz, ẏ = kx + fy − xz, ż =
    cz + xy − εx².

    At the catalogue's parameters (d = f = ε = 0: ẋ = a(y − x), ẏ = kx − xz, ż = cz + xy)
    the two non-trivial equilibria are linearly stable (Routh–Hurwitz: for k <
    a(a − c)/(a + c) ≈ 17.3), and the chaotic motion is a long transient: most
    trajectories settle on an equilibrium within a few hundred time units.
    """

    a: float = 10.0
    c: float = -2.6667
    d: float = 0.0
    eps: float = 0.0
    f: float = 0.0
    k: float = 16.0

    default_initial_condition = (-3.03805747, -1.98052429, 14.65665869)
    citation = (
        "Zhou, Wuneng, et al. On dynamics analysis of a new chaotic attractor. Physics Letters "
        "A 372.36 (2008): 5773-5777.."
    )
    description = "A named attractor related to the DequanLi attractor"
    dt_hint = 4e-3

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                self.a * (yy - x) + self.d * x * z,
                self.k * x + self.f * yy - x * z,
                self.c * z + x * yy - self.eps * x**2,
            ]
        )


@register_system("qi_chen-v1", aliases=("QiChen",))
class QiChen(AbstractSystem):
    """Qi–Chen double-wing system: ẋ = a(y − x) + yz, ẏ = cx + y − xz, ż = xy − bz."""

    a: float = 38.0
    b: float = 2.666
    c: float = 80.0

    default_initial_condition = (17.420882, 5.5459627, 78.89139)
    citation = "Qi et al. Chaos, Solitons & Fractals 2008."
    description = (
        "A double-wing chaotic attractor that arises from two bistable attractors. The system "
        "has quadratic nonlinearity."
    )
    dt_hint = 8e-4

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                self.a * (yy - x) + yy * z,
                self.c * x + yy - x * z,
                x * yy - self.b * z,
            ]
        )


@register_system("rayleigh_benard-v1", aliases=("RayleighBenard",))
class RayleighBenard(AbstractSystem):
    """Yanagita–Kaneko convection cell: ẋ = a(y − x), ẏ = ry − xz, ż = xy − bz."""

    a: float = 30.0
    b: float = 5.0
    r: float = 18.0

    default_initial_condition = (-15.660582, -13.32018, 26.879362)
    citation = (
        "Yanagita, Kaneko (1995). Rayleigh-Bénard convection patterns, chaos, spatiotemporal "
        "chaos and turbulence. Physica D: Nonlinear Phenomena 82.3 (1995): 288-313."
    )
    description = "A reduced-order model of a convective cell."
    dt_hint = 2e-3

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                self.a * (yy - x),
                self.r * yy - x * z,
                x * yy - self.b * z,
            ]
        )


@register_system("rucklidge-v1", aliases=("Rucklidge",))
class Rucklidge(AbstractSystem):
    """Rucklidge's double-convection model: ẋ = −ax + by − yz, ẏ = x, ż = −z + y²."""

    a: float = 2.0
    b: float = 6.7

    default_initial_condition = (1.9257158, 3.1923835, 5.7829655)
    citation = (
        "Rucklidge, A.M. (1992). Chaos in models of double convection. Journal of Fluid Mechanics."
    )
    description = (
        "Two-dimensional convection in a horizontal layer of Boussinesq fluid with lateral "
        "constraints."
    )
    dt_hint = 1e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                -self.a * x + self.b * yy - yy * z,
                x,
                yy**2 - z,
            ]
        )


@register_system("shimizu_morioka-v1", aliases=("ShimizuMorioka",))
class ShimizuMorioka(AbstractSystem):
    """Shimizu–Morioka system: ẋ = y, ẏ = x − ay − xz, ż = −bz + x²."""

    a: float = 0.85
    b: float = 0.5

    default_initial_condition = (0.016838697, 0.03489384, 0.35346848)
    citation = "Shimizu, Morioka. Phys Lett A. 1980: 201-204"
    description = (
        "A system that bifurcates from a symmetric limit cycle to an asymmetric one, similar to"
        " the Lorenz attractor."
    )
    dt_hint = 2e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                yy,
                x - self.a * yy - x * z,
                x**2 - self.b * z,
            ]
        )


@register_system("yu_wang-v1", aliases=("YuWang",))
class YuWang(AbstractSystem):
    """Yu–Wang system: ẋ = a(y − x), ẏ = bx − cxz, ż = exp(xy) − dz."""

    a: float = 10.0
    b: float = 40.0
    c: float = 2.0
    d: float = 2.5

    default_initial_condition = (-0.21422356, -0.17935495, 14.105516)
    citation = (
        "Yu, Wang (2012). A novel three dimension autonomous chaotic system with a quadratic "
        "exponential nonlinear term. Eng Techn & Applied Science Research."
    )
    description = "A temperature-compensation circuit with an operational amplifier"
    dt_hint = 3e-3

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                self.a * (yy - x),
                self.b * x - self.c * x * z,
                jnp.exp(x * yy) - self.d * z,
            ]
        )


@register_system("yu_wang2-v1", aliases=("YuWang2",))
class YuWang2(AbstractSystem):
    """Yu–Wang system, cosh variant: ẋ = a(y − x), ẏ = bx − cxz, ż = cosh(xy) − dz."""

    a: float = 10.0
    b: float = 30.0
    c: float = 2.0
    d: float = 2.5

    default_initial_condition = (0.12581483, 1.2467348, 18.358568)
    citation = (
        "Yu, Wang (2012). A novel three dimension autonomous chaotic system with a quadratic "
        "exponential nonlinear term. Eng Techn & Applied Science Research."
    )
    description = "An alternative temperature-compensation circuit with an operational amplifier"
    dt_hint = 8e-4

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                self.a * (yy - x),
                self.b * x - self.c * x * z,
                jnp.cosh(x * yy) - self.d * z,
            ]
        )


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
