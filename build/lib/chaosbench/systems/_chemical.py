"""Chemical reaction kinetics: oscillating reactions in well-stirred reactors."""

import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system

FAMILY = "chemical"


@register_system("belousov_zhabotinsky-v1", aliases=("BelousovZhabotinsky",))
class BelousovZhabotinsky(AbstractSystem):
    """Györgyi–Field reduced model of the Belousov–Zhabotinsky reaction (dysts form).

    Three concentrations (x, z, v); the fast intermediate is slaved,
    ȳ = yb1·z·v / (y0 (yb2·x + yb3 + kf)), and time is rescaled by ``t0``. The
    bromate-driven rate uses √x, with x clipped at zero.
    """

    c1: float = -8.03474
    c10: float = 0.0223915
    c11: float = 7.53559e-05
    c12: float = 8.07384e-06
    c13: float = -0.000499825
    c2: float = 0.05408
    c3: float = -0.0115886
    c4: float = 832.587
    c5: float = -0.029155
    c6: float = 0.00321617
    c7: float = -0.01352
    c8: float = -0.0831709
    c9: float = -0.0199985
    ci: float = 0.000833
    kf: float = 0.00035
    t0: float = 2308.62
    y0: float = 7.72571e-06
    yb1: float = 6.92813e-07
    yb2: float = 2.00869
    yb3: float = 0.01352
    z0: float = 8.33e-06

    default_initial_condition = (0.023491701, 0.61703254, 0.84669066)
    citation = (
        "Gyorgyi and Field (1992). A three-variable model of deterministic chaos in the Belousov-"
        "Zhabotinsky reaction. Nature."
    )
    description = (
        "A reduced-order model of the BZ reaction that exhibits period doubling. The bifurcation "
        "parameter for controlling the onset of chaos is kf. The system undergoes regular cycling"
        " when kf=3e-4, and chaotic oscillations when kf=3.5e-4"
    )
    dt_hint = 4e-05

    def vector_field(self, t, y, args):
        x, z, v = y
        ybar = self.yb1 * z * v / (self.y0 * (self.yb2 * x + self.yb3 + self.kf))
        x = jnp.maximum(x, 0.0)
        positive = x > 0
        sqrt_x = jnp.where(positive, jnp.sqrt(jnp.where(positive, x, 1.0)), 0.0)
        rf = (self.ci - self.z0 * z) * sqrt_x
        x_dot = (
            self.c1 * x * ybar
            + self.c2 * ybar
            + self.c3 * x**2
            + self.c4 * rf
            + self.c5 * x * z
            - self.kf * x
        )
        z_dot = (
            self.c6 / self.z0 * rf + self.c7 * x * z + self.c8 * z * v + self.c9 * z - self.kf * z
        )
        v_dot = (
            self.c10 * x * ybar + self.c11 * ybar + self.c12 * x**2 + self.c13 * z * v - self.kf * v
        )
        return self.t0 * jnp.stack([x_dot, z_dot, v_dot])


@register_system("isothermal_chemical-v1", aliases=("IsothermalChemical",))
class IsothermalChemical(AbstractSystem):
    """Isothermal autocatalytic reaction in a flow reactor (Petrov, Scott and Showalter).

    α̇ = μ(κ + γ) − αβ² − α, σβ̇ = αβ² + α − β, δγ̇ = β − γ.
    """

    delta: float = 1.0
    kappa: float = 2.5
    mu: float = 0.29786
    sigma: float = 0.013

    default_initial_condition = (0.5141505602006595, 0.9984288208727641, 1.0061777118724)
    citation = (
        "Petrov, Scott, Showalter. Mixed-mode oscillations in chemical systems. J Chem Phys 1992"
    )
    description = "An isothermal chemical system with mixed-mode oscillations"
    dt_hint = 0.001

    def vector_field(self, t, y, args):
        alpha, beta, gamma = y
        return jnp.stack(
            [
                self.mu * (self.kappa + gamma) - alpha * beta**2 - alpha,
                (alpha * beta**2 + alpha - beta) / self.sigma,
                (beta - gamma) / self.delta,
            ]
        )


@register_system("kawczynski_strizhak-v1", aliases=("KawczynskiStrizhak",))
class KawczynskiStrizhak(AbstractSystem):
    """Kawczyński–Strizhak model of the Belousov–Zhabotinsky reaction in a CSTR.

    ẋ = γ(y − x³ + 3μx), ẏ = −2μx − y − z + β, ż = κ(x − z).
    """

    beta: float = -0.4
    gamma: float = 0.49
    kappa: float = 0.2
    mu: float = 2.1

    default_initial_condition = (-1.160501, 5.8636902, -1.2031947)
    citation = "P. E. Strizhak and A. L. Kawczynski, J. Phys. Chem. 99, 10830 (1995)."
    description = "A chemical oscillator model describing mixed-modes in the BZ equations."
    dt_hint = 0.02

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                self.gamma * (yy - x**3 + 3.0 * self.mu * x),
                -2.0 * self.mu * x - yy - z + self.beta,
                self.kappa * (x - z),
            ]
        )
