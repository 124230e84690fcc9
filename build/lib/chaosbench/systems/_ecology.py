"""Population dynamics: food chains, predator–prey coevolution, tumour–immune competition,
plankton competition, eco-epidemiology and food webs."""

import equinox as eqx
import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system

FAMILY = "ecology"


@register_system("coevolving_predator_prey-v1", aliases=("CoevolvingPredatorPrey",))
class CoevolvingPredatorPrey(AbstractSystem):
    """Gilpin and Feldman's predator–prey model with an evolving prey trait α.

    Prey x, predator y, trait α; the prey's growth and death depend on α (a fitness landscape
    with coefficients k₁, k₂, k₄ and scale δ), and α climbs the fitness gradient at rate vv.
    """

    a1: float = 2.5
    a2: float = 0.05
    a3: float = 0.4
    b1: float = 6.0
    b2: float = 1.333
    d1: float = 0.16
    d2: float = 0.004
    delta: float = 1.0
    k1: float = 6.0
    k2: float = 9.0
    k4: float = 9.0
    vv: float = 0.33333

    default_initial_condition = (0.10946017, 0.46664421, 0.66580212)
    citation = "Gilpin & Feldman (2017). PLOS Comp Biol"
    description = "A system of predator-prey equations with co-evolving prey."
    dt_hint = 0.2

    def vector_field(self, t, y, args):
        x, yy, alpha = y
        ad = alpha * self.delta
        growth = self.a1 * alpha * (1.0 - self.k1 * x * (ad - alpha)) / (1.0 + self.b1 * alpha)
        death = self.d1 * (1.0 - self.k2 * (ad**2 - alpha**2) + self.k4 * (ad**4 - alpha**4))
        x_dot = x * (growth - self.a3 * yy / (1.0 + self.b2 * x) - death)
        y_dot = yy * (self.a2 * x / (1.0 + self.b2 * x) - self.d2)
        alpha_dot = self.vv * (
            -self.a1 * self.k1 * x * alpha * self.delta / (1.0 + self.b1 * alpha)
            - self.d1
            * (-2.0 * self.k2 * alpha * self.delta**2 + 4.0 * self.k4 * alpha**3 * self.delta**4)
        )
        return jnp.stack([x_dot, y_dot, alpha_dot])


@register_system("hastings_powell-v1", aliases=("HastingsPowell",))
class HastingsPowell(AbstractSystem):
    """Hastings–Powell three-species food chain with Holling type-II responses.

    ẋ = x(1 − x) − f₁(x)y, ẏ = f₁(x)y − f₂(y)z − d₁y, ż = f₂(y)z − d₂z,
    fᵢ(u) = aᵢu/(1 + bᵢu).
    """

    a1: float = 5.0
    a2: float = 0.1
    b1: float = 3.0
    b2: float = 2.0
    d1: float = 0.4
    d2: float = 0.01

    default_initial_condition = (0.73207001, 0.17549271, 9.9014657)
    citation = "Hastings, Powell. Ecology 1991"
    description = "A three species food web."
    dt_hint = 0.3

    def vector_field(self, t, y, args):
        x, yy, z = y
        f1 = self.a1 * x / (1.0 + self.b1 * x)
        f2 = self.a2 * yy / (1.0 + self.b2 * yy)
        return jnp.stack(
            [x * (1.0 - x) - f1 * yy, f1 * yy - f2 * z - self.d1 * yy, f2 * z - self.d2 * z]
        )


@register_system("itik_banks_tumor-v1", aliases=("ItikBanksTumor",))
class ItikBanksTumor(AbstractSystem):
    """Itik–Banks tumour (x), healthy-cell (y) and effector-immune-cell (z) model.

    ẋ = x(1 − x) − a₁₂xy − a₁₃xz, ẏ = r₂y(1 − y) − a₂₁xy, ż = r₃xz/(x + k₃) − a₃₁xz − d₃z.
    """

    a12: float = 1.0
    a13: float = 2.5
    a21: float = 1.5
    a31: float = 0.2
    d3: float = 0.5
    k3: float = 1.0
    r2: float = 0.6
    r3: float = 4.5

    default_initial_condition = (0.051730215, 0.87071642, 0.015926427)
    citation = "Itik, Banks. Int J Bifurcat Chaos 2010"
    description = "A model of cancer cell populations."
    dt_hint = 0.1

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                x * (1.0 - x) - self.a12 * x * yy - self.a13 * x * z,
                self.r2 * yy * (1.0 - yy) - self.a21 * x * yy,
                self.r3 * x * z / (x + self.k3) - self.a31 * x * z - self.d3 * z,
            ]
        )


@register_system("blasius-v1", aliases=("Blasius",))
class Blasius(AbstractSystem):
    """Blasius–Huppert–Stone vegetation–herbivore–predator food chain.

    ẋ = ax − g₁(x)y, ẏ = −by + g₁(x)y − g₂(y)z, ż = −c(z − z_s) + g₂(y)z,
    g₁(x) = α₁x/(1 + k₁x), g₂(y) = α₂y/(1 + k₂y).
    """

    a: float = 1.0
    alpha1: float = 0.2
    alpha2: float = 1.0
    b: float = 1.0
    c: float = 10.0
    k1: float = 0.05
    k2: float = 0.0
    zs: float = 0.006

    default_initial_condition = (4.031713, 5.1113788, 0.016508812)
    citation = "Blasius, Huppert, Stone. Nature 1999"
    description = (
        "A chaotic food web composed of interacting predators,, consumers, and vegetation."
    )
    dt_hint = 0.01

    def vector_field(self, t, y, args):
        x, yy, z = y
        g1 = self.alpha1 * x / (1.0 + self.k1 * x)
        g2 = self.alpha2 * yy / (1.0 + self.k2 * yy)
        return jnp.stack(
            [
                self.a * x - g1 * yy,
                -self.b * yy + g1 * yy - g2 * z,
                -self.c * (z - self.zs) + g2 * z,
            ]
        )


@register_system("mac_arthur-v1", aliases=("MacArthur",))
class MacArthur(AbstractSystem):
    """MacArthur consumer–resource model (Huisman–Weissing plankton): five species N, five
    resources R; growth is Liebig's minimum μᵢ = minⱼ r Rⱼ/(Kⱼᵢ + Rⱼ),
    Ṅᵢ = Nᵢ(μᵢ − m), Ṙⱼ = d(Sⱼ − Rⱼ) − Σᵢ cⱼᵢ μᵢ Nᵢ. `k[j][i]` and `c[j][i]` index
    (resource, species).
    """

    c: tuple = eqx.field(
        default=(
            (0.04, 0.04, 0.07, 0.04, 0.04),
            (0.08, 0.08, 0.08, 0.1, 0.08),
            (0.1, 0.1, 0.1, 0.1, 0.14),
            (0.05, 0.03, 0.03, 0.03, 0.03),
            (0.07, 0.09, 0.07, 0.07, 0.07),
        ),
        static=True,
    )
    d: float = 0.25
    k: tuple = eqx.field(
        default=(
            (0.39, 0.34, 0.3, 0.24, 0.23),
            (0.22, 0.39, 0.34, 0.3, 0.27),
            (0.27, 0.22, 0.39, 0.34, 0.3),
            (0.3, 0.24, 0.22, 0.39, 0.34),
            (0.34, 0.3, 0.22, 0.2, 0.39),
        ),
        static=True,
    )
    m: float = 0.25
    r: float = 1.0
    s: tuple = eqx.field(default=(6.0, 10.0, 14.0, 4.0, 9.0), static=True)

    default_initial_condition = (
        9.4323333,
        18.838654,
        34.37572,
        15.08545,
        42.228427,
        0.17030505,
        0.10144427,
        0.3148045,
        0.21253581,
        0.22598604,
    )
    citation = (
        "MacArthur, R. 1969. Species packing, and what competition minimizes. PNAS 64:1369. "
        "Parameter values taken from a model of phytoplankton in Huisman & Weissing. Nature "
        "1999."
    )
    description = (
        "Population abundances in a plankton community, based on MacArthur's consumer resource "
        "model. Growth rates are determined using Liebig's law of the maximum"
    )
    dt_hint = 9e-2

    def vector_field(self, t, y, args):
        n, res = y[:5], y[5:]
        k, c = jnp.asarray(self.k), jnp.asarray(self.c)
        # Monod growth of each species (columns) on each resource (rows); Liebig's minimum
        monod = self.r * res[:, None] / (k + res[:, None])
        mu = jnp.min(monod, axis=0)
        dn = n * (mu - self.m)
        dres = self.d * (jnp.asarray(self.s) - res) - c @ (mu * n)
        return jnp.concatenate([dn, dres])


@register_system("salton_sea-v1", aliases=("SaltonSea",))
class SaltonSea(AbstractSystem):
    """Upadhyay et al. Salton Sea eco-epidemiology: fish x (susceptible), y (infected), birds z,
    ẋ = rx(1 − (x + y)/k) − λxy, ẏ = λxy − myz/(y + a) − μy, ż = θyz/(y + a) − dz.
    """

    a: float = 15.0
    d: float = 8.3
    k: float = 400.0
    lam: float = 0.06
    m: float = 15.5
    mu: float = 3.4
    r: float = 22.0
    th: float = 10.0

    default_initial_condition = (231.92548, 89.511944, 56.753804)
    citation = (
        "Upadhyay, Bairagi, Kundu, Chattopadhyay (2007).Chaos in eco-epidemiological problem of"
        " the Salton Sea and its possible control. Applied mathematics and computation."
    )
    description = (
        "An eco-epidemiological model of bird and fish abundances in the Salton sea of southern"
        " California."
    )
    dt_hint = 2e-3

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                self.r * x * (1.0 - (x + yy) / self.k) - self.lam * x * yy,
                self.lam * x * yy - self.m * yy * z / (yy + self.a) - self.mu * yy,
                self.th * yy * z / (yy + self.a) - self.d * z,
            ]
        )


@register_system("turchin_hanski-v2", aliases=("TurchinHanski",))
class TurchinHanski(AbstractSystem):
    """Turchin–Hanski vole–weasel model with seasonal forcing (dysts' form): with
    σ = 1 − e sin z, ṅ = rσn − rn² − gn²/(n² + h²) − anp/(n + d), ṗ = sσp − sp²/n,
    ż = 2π. The catalogue's `lamb` is carried for comparability but unused.
    """

    a: float = 8.0
    d: float = 0.04
    e: float = 0.5
    g: float = 0.1
    h: float = 0.8
    lamb: float = 1.0
    r: float = 8.12
    s: float = 1.25

    default_initial_condition = (0.018027788, 0.013649976, 30363.85)
    phase_indices = (2,)  # dysts' unbounded_indices: observed as sin, cos
    citation = "Turchin, Hanski. The American Naturalist 1997. Turchin, Hanski. Ecology 2000"
    description = (
        "A chaotic three species food web. The species growth rate has been increased from the "
        "default parameters in the original paper, in order to ensure that the system exhibits "
        "sustained chaotic oscillations."
    )
    dt_hint = 9e-3

    def vector_field(self, t, y, args):
        n, p, z = y
        season = 1.0 - self.e * jnp.sin(z)
        return jnp.stack(
            [
                self.r * season * n
                - self.r * n**2
                - self.g * n**2 / (n**2 + self.h**2)
                - self.a * n * p / (n + self.d),
                self.s * season * p - self.s * p**2 / n,
                jnp.full_like(z, 2.0 * jnp.pi),
            ]
        )
