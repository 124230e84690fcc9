"""Four-dimensional hyperchaotic flows (two positive Lyapunov exponents) of the Lorenz lineage.

Most add a fourth variable ``w`` fed back linearly into a Lorenz-, Lü-, Chen- or Yang-like
core; Lorenz–Stenflo and Qi's four-wing system couple it nonlinearly. (Rössler's
hyperchaos lives with its parent in ``_rossler_like``.)"""

import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system

FAMILY = "hyperchaotic"


@register_system("hyper_bao-v1", aliases=("HyperBao",))
class HyperBao(AbstractSystem):
    """Bao's hyperchaotic Lü-type flow.

    ẋ = a(y − x) + w, ẏ = cy − xz, ż = xy − bz, ẇ = ex + dyz.
    """

    a: float = 36.0
    b: float = 3.0
    c: float = 20.0
    d: float = 0.1
    e: float = 21.0

    default_initial_condition = (
        9.271308063781017,
        9.752247178805291,
        23.919154915696105,
        -16.69675939965203,
    )
    citation = (
        "Bao, Liu  (2008). A hyperchaotic attractor coined from the chaotic Lu system. Chin. "
        "Physics Letters, Vol. 25, pp 2396-2399."
    )
    description = "Hyperchaos in the Lu system."
    dt_hint = 0.001

    def vector_field(self, t, y, args):
        x, yy, z, w = y
        return jnp.stack(
            [
                self.a * (yy - x) + w,
                self.c * yy - x * z,
                x * yy - self.b * z,
                self.e * x + self.d * yy * z,
            ]
        )


@register_system("hyper_cai-v1", aliases=("HyperCai",))
class HyperCai(AbstractSystem):
    """Cai's hyperchaotic flow.

    ẋ = a(y − x), ẏ = bx + cy − xz + w, ż = −dz + y², ẇ = −ex.
    """

    a: float = 27.5
    b: float = 3.0
    c: float = 19.3
    d: float = 2.9
    e: float = 3.3

    default_initial_condition = (
        -10.691273602120157,
        -15.541159376570342,
        18.388272900250726,
        -14.904493939514888,
    )
    citation = (
        "Guoliang, Huang (2007). A New Finance Chaotic Attractor. International Journal of "
        "Nonlinear Science."
    )
    description = "A hyperchaotic variant of the Finance system."
    dt_hint = 0.001

    def vector_field(self, t, y, args):
        x, yy, z, w = y
        return jnp.stack(
            [
                self.a * (yy - x),
                self.b * x + self.c * yy - x * z + w,
                -self.d * z + yy**2,
                -self.e * x,
            ]
        )


@register_system("hyper_jha-v1", aliases=("HyperJha",))
class HyperJha(AbstractSystem):
    """Jha's hyperchaotic Lorenz variant.

    ẋ = a(y − x) + w, ẏ = bx − y − xz, ż = xy − cz, ẇ = dw − xz.
    """

    a: float = 10.0
    b: float = 28.0
    c: float = 2.667
    d: float = 1.3

    default_initial_condition = (
        13.76544888070825,
        20.203791990082554,
        32.08179795423583,
        -51.189321449994914,
    )
    citation = "Jürgen Meier (2003). Presentation of Attractors with Cinema."
    description = "A hyperchaotic system."
    dt_hint = 0.002

    def vector_field(self, t, y, args):
        x, yy, z, w = y
        return jnp.stack(
            [
                self.a * (yy - x) + w,
                self.b * x - yy - x * z,
                x * yy - self.c * z,
                self.d * w - x * z,
            ]
        )


@register_system("hyper_lorenz-v1", aliases=("HyperLorenz",))
class HyperLorenz(AbstractSystem):
    """Hyperchaotic Lorenz flow (Wang et al.).

    ẋ = a(y − x) + w, ẏ = cx − y − xz, ż = xy − bz, ẇ = dw − xz.
    """

    a: float = 10.0
    b: float = 2.667
    c: float = 28.0
    d: float = 1.1

    default_initial_condition = (
        -9.186073735061425,
        -0.6744570634419695,
        16.440536886214517,
        -145.0243848950473,
    )
    citation = "Jürgen Meier (2003). Presentation of Attractors with Cinema."
    description = "A hyperchaotic variant of the Lorenz attractor."
    dt_hint = 0.003

    def vector_field(self, t, y, args):
        x, yy, z, w = y
        return jnp.stack(
            [
                self.a * (yy - x) + w,
                self.c * x - yy - x * z,
                x * yy - self.b * z,
                self.d * w - x * z,
            ]
        )


@register_system("hyper_lu-v1", aliases=("HyperLu",))
class HyperLu(AbstractSystem):
    """Hyperchaotic Lü flow (Chen et al.).

    ẋ = a(y − x) + w, ẏ = cy − xz, ż = xy − bz, ẇ = dw + xz.
    """

    a: float = 36.0
    b: float = 3.0
    c: float = 20.0
    d: float = 1.3

    default_initial_condition = (8.11348619, 10.55664382, 18.44590719, -28.38151717)
    citation = (
        "Chen, A., Lu, J., Lü, J., & Yu, S. (2006). Generating hyperchaotic Lü attractor via "
        "state feedback control. Physica A: Statistical Mechanics and its Applications, 364, "
        "103-110."
    )
    description = "A hyperchaotic variant of the Lu attractor."
    dt_hint = 0.001

    def vector_field(self, t, y, args):
        x, yy, z, w = y
        return jnp.stack(
            [
                self.a * (yy - x) + w,
                self.c * yy - x * z,
                x * yy - self.b * z,
                self.d * w + x * z,
            ]
        )


@register_system("hyper_pang-v1", aliases=("HyperPang",))
class HyperPang(AbstractSystem):
    """Pang and Liu's hyperchaotic Lü-type flow.

    ẋ = a(y − x), ẏ = cy − xz + w, ż = xy − bz, ẇ = −d(x + y).
    """

    a: float = 36.0
    b: float = 3.0
    c: float = 20.0
    d: float = 2.0

    default_initial_condition = (8.40863585, 4.67210241, 27.91032548, -1.26300886)
    citation = (
        "Pang, S., & Liu, Y. (2011). A new hyperchaotic system from the Lü system and its "
        "control. Journal of Computational and Applied Mathematics, 235(8), 2775-2789."
    )
    description = "A hyperchaotic system."
    dt_hint = 0.002

    def vector_field(self, t, y, args):
        x, yy, z, w = y
        return jnp.stack(
            [
                self.a * (yy - x),
                self.c * yy - x * z + w,
                x * yy - self.b * z,
                -self.d * (x + yy),
            ]
        )


@register_system("hyper_qi-v1", aliases=("HyperQi",))
class HyperQi(AbstractSystem):
    """Qi et al.'s hyperchaotic flow with a broad spectrum.

    ẋ = a(y − x) + yz, ẏ = b(x + y) − xz, ż = −cz − ew + xy, ẇ = −dw + fz + xy.
    """

    a: float = 50.0
    b: float = 24.0
    c: float = 13.0
    d: float = 8.0
    e: float = 33.0
    f: float = 30.0

    default_initial_condition = (
        11.250900857894639,
        -3.647077762541555,
        50.16987924937642,
        -168.2485185683687,
    )
    citation = (
        "G. Qi, M. A. van Wyk, B. J. van Wyk, and G. Chen, (2008). On a new hyperchaotic system. "
        "Physics Letters A."
    )
    description = "A hyperchaotic variant of the Qi system."
    dt_hint = 0.0001

    def vector_field(self, t, y, args):
        x, yy, z, w = y
        return jnp.stack(
            [
                self.a * (yy - x) + yy * z,
                self.b * (x + yy) - x * z,
                -self.c * z - self.e * w + x * yy,
                -self.d * w + self.f * z + x * yy,
            ]
        )


@register_system("hyper_wang-v1", aliases=("HyperWang",))
class HyperWang(AbstractSystem):
    """Wang and Liu's hyperchaotic flow.

    ẋ = a(y − x), ẏ = bx − xz + w, ż = −cz + ex², ẇ = −dx.
    """

    a: float = 10.0
    b: float = 40.0
    c: float = 2.5
    d: float = 10.6
    e: float = 4.0

    default_initial_condition = (0.16824907, 0.16854103, 37.04033781, -15.29027381)
    citation = (
        "Wang, Z., Sun, Y., van Wyk, B. J., Qi, G. & van Wyk, M. A (2009). A 3-D four-wing "
        "attractor and its analysis. Brazilian J. Phys. 39."
    )
    description = "A hyperchaotic variant of the Wang system."
    dt_hint = 0.001

    def vector_field(self, t, y, args):
        x, yy, z, w = y
        return jnp.stack(
            [
                self.a * (yy - x),
                self.b * x - x * z + w,
                -self.c * z + self.e * x**2,
                -self.d * x,
            ]
        )


@register_system("hyper_xu-v1", aliases=("HyperXu",))
class HyperXu(AbstractSystem):
    """Letellier and Rössler's hyperchaotic Xu-type flow.

    ẋ = a(y − x) + w, ẏ = bx + exz, ż = −cz − xy, ẇ = xz − dy.
    """

    a: float = 10.0
    b: float = 40.0
    c: float = 2.5
    d: float = 2.0
    e: float = 16.0

    default_initial_condition = (0.68944486, -0.60254126, -0.5814657, 0.26629277)
    citation = "Letellier & Rossler (2007). Hyperchaos. Scholarpedia 2.8 (2007): 1936."
    description = "A hyperchaotic system."
    dt_hint = 0.002

    def vector_field(self, t, y, args):
        x, yy, z, w = y
        return jnp.stack(
            [
                self.a * (yy - x) + w,
                self.b * x + self.e * x * z,
                -self.c * z - x * yy,
                x * z - self.d * yy,
            ]
        )


@register_system("hyper_yan-v1", aliases=("HyperYan",))
class HyperYan(AbstractSystem):
    """Yan's hyperchaotic Chen-type flow.

    ẋ = a(y − x), ẏ = (c − a)x − xz + cy, ż = −bz + xy − yz + xz − w, ẇ = −dw + yz − xz.
    """

    a: float = 37.0
    b: float = 3.0
    c: float = 26.0
    d: float = 38.0

    default_initial_condition = (
        -6.576620730899293,
        -4.617145437320736,
        17.796515255115004,
        0.8072357311545831,
    )
    citation = "Jürgen Meier (2003). Presentation of Attractors with Cinema."
    description = "A hyperchaotic system."
    dt_hint = 0.002

    def vector_field(self, t, y, args):
        x, yy, z, w = y
        return jnp.stack(
            [
                self.a * (yy - x),
                (self.c - self.a) * x - x * z + self.c * yy,
                -self.b * z + x * yy - yy * z + x * z - w,
                -self.d * w + yy * z - x * z,
            ]
        )


@register_system("hyper_yang_chen-v1", aliases=("HyperYangChen",))
class HyperYangChen(AbstractSystem):
    """Yang and Chen's hyperchaotic flow.

    ẋ = a(y − x), ẏ = cx − xz + w, ż = −bz + xy, ẇ = −dx.
    """

    a: float = 30.0
    b: float = 3.0
    c: float = 35.0
    d: float = 8.0

    default_initial_condition = (
        3.534464234888686,
        4.82852516302869,
        25.04917588890622,
        17.118520274514353,
    )
    citation = "Jürgen Meier (2003). Presentation of Attractors with Cinema."
    description = "A hyperchaotic system."
    dt_hint = 0.002

    def vector_field(self, t, y, args):
        x, yy, z, w = y
        return jnp.stack(
            [
                self.a * (yy - x),
                self.c * x - x * z + w,
                -self.b * z + x * yy,
                -self.d * x,
            ]
        )


@register_system("lorenz_stenflo-v1", aliases=("LorenzStenflo",))
class LorenzStenflo(AbstractSystem):
    """Lorenz–Stenflo acoustic-gravity wave model: ẋ = a(y − x) + dw, ẏ = cx − xz − y,
    ż = xy − bz, ẇ = −x − aw.
    """

    a: float = 2.0
    b: float = 0.7
    c: float = 26.0
    d: float = 1.5

    default_initial_condition = (
        4.233438598886809,
        9.08970605484108,
        21.86662535600487,
        -1.4080695182833802,
    )
    citation = "Letellier & Rossler (2007). Hyperchaos. Scholarpedia 2.8 (2007): 1936."
    description = "Atmospheric acoustic-gravity waves."
    dt_hint = 8e-3

    def vector_field(self, t, y, args):
        x, yy, z, w = y
        return jnp.stack(
            [
                self.a * (yy - x) + self.d * w,
                self.c * x - x * z - yy,
                x * yy - self.b * z,
                -x - self.a * w,
            ]
        )


@register_system("qi-v1", aliases=("Qi",))
class Qi(AbstractSystem):
    """Qi's four-wing hyperchaotic system: ẋ = a(y − x) + yzw, ẏ = b(x + y) − xzw, ż = −cz + xyw,
    ẇ = −dw + xyz.
    """

    a: float = 45.0
    b: float = 10.0
    c: float = 1.0
    d: float = 10.0

    default_initial_condition = (
        0.2562042648386667,
        0.1956116640569919,
        7.259823760387948,
        1.3162558970131963,
    )
    citation = (
        "G. Qi, M. A. van Wyk, B. J. van Wyk, and G. Chen, (2008). On a new hyperchaotic "
        "system. Physics Letters A."
    )
    description = "A hyperchaotic system with a wide power spectrum."
    dt_hint = 8e-4

    def vector_field(self, t, y, args):
        x, yy, z, w = y
        return jnp.stack(
            [
                self.a * (yy - x) + yy * z * w,
                self.b * (x + yy) - x * z * w,
                -self.c * z + x * yy * w,
                -self.d * w + x * yy * z,
            ]
        )
