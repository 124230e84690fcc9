"""Population dynamics: plankton competition, eco-epidemiology, food webs."""

import equinox as eqx
import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system


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
