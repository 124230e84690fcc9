"""Sprott's algebraically simple chaotic flows (cases A–S and later examples)."""

import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system

FAMILY = "sprott"


@register_system("sprott_a-v1", aliases=("SprottA",))
class SprottA(AbstractSystem):
    """Sprott case A: ẋ = y, ẏ = −x + yz, ż = 1 − y²."""

    default_initial_condition = (1.54131864, 1.43079727, -1.52555412)
    citation = "Sprott (1994). Some simple chaotic flows. Physical Review E (1994)."
    description = "A member of the Sprott family of algebraically-simple chaotic sytems."
    dt_hint = 1e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                yy,
                -x + yy * z,
                1.0 - yy**2,
            ]
        )


@register_system("sprott_b-v1", aliases=("SprottB",))
class SprottB(AbstractSystem):
    """Sprott case B: ẋ = yz, ẏ = x − y, ż = 1 − xy."""

    default_initial_condition = (1.6878282, 1.4848132, -0.53706628)
    citation = "Sprott (1994). Some simple chaotic flows. Physical Review E (1994)."
    description = "A member of the Sprott family of algebraically-simple chaotic sytems."
    dt_hint = 2e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                yy * z,
                x - yy,
                1.0 - x * yy,
            ]
        )


@register_system("sprott_c-v1", aliases=("SprottC",))
class SprottC(AbstractSystem):
    """Sprott case C: ẋ = yz, ẏ = x − y, ż = 1 − x²."""

    default_initial_condition = (-0.47199823, -0.27198066, 1.9418244)
    citation = "Sprott (1994). Some simple chaotic flows. Physical Review E (1994)."
    description = "A member of the Sprott family of algebraically-simple chaotic sytems."
    dt_hint = 2e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                yy * z,
                x - yy,
                1.0 - x**2,
            ]
        )


@register_system("sprott_d-v1", aliases=("SprottD",))
class SprottD(AbstractSystem):
    """Sprott case D: ẋ = −y, ẏ = x + z, ż = xz + 3y²."""

    default_initial_condition = (-1.3396906, -0.21238338, 0.32982163)
    citation = "Sprott (1994). Some simple chaotic flows. Physical Review E (1994)."
    description = "A member of the Sprott family of algebraically-simple chaotic sytems."
    dt_hint = 1e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                -yy,
                x + z,
                x * z + 3.0 * yy**2,
            ]
        )


@register_system("sprott_e-v1", aliases=("SprottE",))
class SprottE(AbstractSystem):
    """Sprott case E: ẋ = yz, ẏ = x² − y, ż = 1 − 4x."""

    default_initial_condition = (0.6173759, 0.66599285, -1.6575023)
    citation = "Sprott (1994). Some simple chaotic flows. Physical Review E (1994)."
    description = "A member of the Sprott family of algebraically-simple chaotic sytems."
    dt_hint = 2e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                yy * z,
                x**2 - yy,
                1.0 - 4.0 * x,
            ]
        )


@register_system("sprott_f-v1", aliases=("SprottF",))
class SprottF(AbstractSystem):
    """Sprott case F: ẋ = y + z, ẏ = −x + ay, ż = x² − z."""

    a: float = 0.5

    default_initial_condition = (-0.98941275, -1.4191706, 0.85797204)
    citation = "Sprott (1994). Some simple chaotic flows. Physical Review E (1994)."
    description = "A member of the Sprott family of algebraically-simple chaotic sytems."
    dt_hint = 4e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                yy + z,
                -x + self.a * yy,
                x**2 - z,
            ]
        )


@register_system("sprott_g-v1", aliases=("SprottG",))
class SprottG(AbstractSystem):
    """Sprott case G: ẋ = ax + z, ẏ = xz − y, ż = −x + y."""

    a: float = 0.4

    default_initial_condition = (-0.77182478, -0.74756595, 1.3073285)
    citation = "Sprott (1994). Some simple chaotic flows. Physical Review E (1994)."
    description = "A member of the Sprott family of algebraically-simple chaotic sytems."
    dt_hint = 2e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                self.a * x + z,
                x * z - yy,
                yy - x,
            ]
        )


@register_system("sprott_h-v1", aliases=("SprottH",))
class SprottH(AbstractSystem):
    """Sprott case H: ẋ = −y + z², ẏ = x + ay, ż = x − z."""

    a: float = 0.5

    default_initial_condition = (-1.360042, 0.62585352, -1.2788196)
    citation = "Sprott (1994). Some simple chaotic flows. Physical Review E (1994)."
    description = "A member of the Sprott family of algebraically-simple chaotic sytems."
    dt_hint = 4e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                z**2 - yy,
                x + self.a * yy,
                x - z,
            ]
        )


@register_system("sprott_i-v1", aliases=("SprottI",))
class SprottI(AbstractSystem):
    """Sprott case I: ẋ = −ay, ẏ = x + z, ż = x + y² − z."""

    a: float = 0.2

    default_initial_condition = (-0.060099389, -0.49558355, 0.023159035)
    citation = "Sprott (1994). Some simple chaotic flows. Physical Review E (1994)."
    description = "A member of the Sprott family of algebraically-simple chaotic sytems."
    dt_hint = 2e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                -self.a * yy,
                x + z,
                x + yy**2 - z,
            ]
        )


@register_system("sprott_j-v1", aliases=("SprottJ",))
class SprottJ(AbstractSystem):
    """Sprott case J: ẋ = 2z, ẏ = −2y + z, ż = −x + y + y²."""

    default_initial_condition = (4.4786928, 2.2977432, 6.5847115)
    citation = "Sprott (1994). Some simple chaotic flows. Physical Review E (1994)."
    description = "A member of the Sprott family of algebraically-simple chaotic sytems."
    dt_hint = 1e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                2.0 * z,
                z - 2.0 * yy,
                yy + yy**2 - x,
            ]
        )


@register_system("sprott_k-v1", aliases=("SprottK",))
class SprottK(AbstractSystem):
    """Sprott case K: ẋ = xy − z, ẏ = x − y, ż = x + az."""

    a: float = 0.3

    default_initial_condition = (-1.3165015, -1.5429951, 0.664053)
    citation = "Sprott (1994). Some simple chaotic flows. Physical Review E (1994)."
    description = "A member of the Sprott family of algebraically-simple chaotic sytems."
    dt_hint = 1e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                x * yy - z,
                x - yy,
                x + self.a * z,
            ]
        )


@register_system("sprott_l-v1", aliases=("SprottL",))
class SprottL(AbstractSystem):
    """Sprott case L: ẋ = y + bz, ẏ = ax² − y, ż = 1 − x."""

    a: float = 0.9
    b: float = 3.9

    default_initial_condition = (4.3611557, 13.705573, -2.6835659)
    citation = "Sprott (1994). Some simple chaotic flows. Physical Review E (1994)."
    description = "A member of the Sprott family of algebraically-simple chaotic sytems."
    dt_hint = 1e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                yy + self.b * z,
                self.a * x**2 - yy,
                1.0 - x,
            ]
        )


@register_system("sprott_m-v1", aliases=("SprottM",))
class SprottM(AbstractSystem):
    """Sprott case M: ẋ = −z, ẏ = −x² − y, ż = a(1 + x) + y."""

    a: float = 1.7

    default_initial_condition = (1.6024402, -1.5983203, -2.6236374)
    citation = "Sprott (1994). Some simple chaotic flows. Physical Review E (1994)."
    description = "A member of the Sprott family of algebraically-simple chaotic sytems."
    dt_hint = 1e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                -z,
                -(x**2) - yy,
                self.a * (1.0 + x) + yy,
            ]
        )


@register_system("sprott_n-v1", aliases=("SprottN",))
class SprottN(AbstractSystem):
    """Sprott case N: ẋ = −2y, ẏ = x + z², ż = 1 + y − 2z."""

    default_initial_condition = (-8.3258705, 7.3033716, 3.2798909)
    citation = "Sprott (1994). Some simple chaotic flows. Physical Review E (1994)."
    description = "A member of the Sprott family of algebraically-simple chaotic sytems."
    dt_hint = 1e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                -2.0 * yy,
                x + z**2,
                1.0 + yy - 2.0 * z,
            ]
        )


@register_system("sprott_o-v1", aliases=("SprottO",))
class SprottO(AbstractSystem):
    """Sprott case O: ẋ = y, ẏ = x − z, ż = x + xz + ay."""

    a: float = 2.7

    default_initial_condition = (0.20549455, 0.022792985, 0.93636949)
    citation = "Sprott (1994). Some simple chaotic flows. Physical Review E (1994)."
    description = "A member of the Sprott family of algebraically-simple chaotic sytems."
    dt_hint = 2e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                yy,
                x - z,
                x + x * z + self.a * yy,
            ]
        )


@register_system("sprott_p-v1", aliases=("SprottP",))
class SprottP(AbstractSystem):
    """Sprott case P: ẋ = ay + z, ẏ = −x + y², ż = x + y."""

    a: float = 2.7

    default_initial_condition = (0.83420675, 0.14915817, 0.44028635)
    citation = "Sprott (1994). Some simple chaotic flows. Physical Review E (1994)."
    description = "A member of the Sprott family of algebraically-simple chaotic sytems."
    dt_hint = 1e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                self.a * yy + z,
                yy**2 - x,
                x + yy,
            ]
        )


@register_system("sprott_q-v1", aliases=("SprottQ",))
class SprottQ(AbstractSystem):
    """Sprott case Q: ẋ = −z, ẏ = x − y, ż = ax + y² + bz."""

    a: float = 3.1
    b: float = 0.5

    default_initial_condition = (2.978102, -0.065260683, -2.8031286)
    citation = "Sprott (1994). Some simple chaotic flows. Physical Review E (1994)."
    description = "A member of the Sprott family of algebraically-simple chaotic sytems."
    dt_hint = 1e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                -z,
                x - yy,
                self.a * x + yy**2 + self.b * z,
            ]
        )


@register_system("sprott_r-v1", aliases=("SprottR",))
class SprottR(AbstractSystem):
    """Sprott case R: ẋ = a − y, ẏ = b + z, ż = xy − z."""

    a: float = 0.9
    b: float = 0.4

    default_initial_condition = (-1.6914909, -1.9783678, 1.9807775)
    citation = "Sprott (1994). Some simple chaotic flows. Physical Review E (1994)."
    description = "A member of the Sprott family of algebraically-simple chaotic sytems."
    dt_hint = 1e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                self.a - yy,
                self.b + z,
                x * yy - z,
            ]
        )


@register_system("sprott_s-v1", aliases=("SprottS",))
class SprottS(AbstractSystem):
    """Sprott case S: ẋ = −x − 4y, ẏ = x + z², ż = 1 + x."""

    default_initial_condition = (0.12635702, 0.12260693, 1.2215429)
    citation = "Sprott (1994). Some simple chaotic flows. Physical Review E (1994)."
    description = "A member of the Sprott family of algebraically-simple chaotic sytems."
    dt_hint = 7e-3

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                -x - 4.0 * yy,
                x + z**2,
                1.0 + x,
            ]
        )


@register_system("sprott_more-v1", aliases=("SprottMore",))
class SprottMore(AbstractSystem):
    """Sprott's 2020 example: ẋ = y, ẏ = −x − sgn(z) y, ż = y² − exp(−x²).

    The field jumps across z = 0. Lyapunov exponents from the linearised flow miss the
    jump (its saltation matrix) and come out far too small (≈ 0.02); two nearby
    trajectories give λ_max ≈ 0.24.
    """

    default_initial_condition = (-1.3396906, -0.21238338, 0.32982163)
    citation = (
        "Sprott, J. C. (2020). Do We Need More Chaos Examples? Chaos Theory and Applications "
        "2(2),1-3, 2020."
    )
    description = "A multifractal system with a nearly 3D attractor"
    dt_hint = 1e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                yy,
                -x - jnp.sign(z) * yy,
                yy**2 - jnp.exp(-(x**2)),
            ]
        )


@register_system("sprott_torus-v1", aliases=("SprottTorus",))
class SprottTorus(AbstractSystem):
    """Sprott's torus-or-chaos flow: ẋ = y + 2xy + xz, ẏ = 1 − 2x² + yz, ż = x − x² − y²."""

    default_initial_condition = (0.6883476, -0.18017646, 0.58539724)
    citation = "Sprott Physics Letters A 2014"
    description = (
        "A multiattractor system that goes to a torus or a complex attractor depending on the "
        "initial conditions."
    )
    dt_hint = 3e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                yy + 2.0 * x * yy + x * z,
                1.0 - 2.0 * x**2 + yy * z,
                x - x**2 - yy**2,
            ]
        )
