"""Cyclically symmetric flows (Thomas, Halvorsen) and Aizawa's torus-like flow."""

import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system

FAMILY = "cyclic"


@register_system("aizawa-v1", aliases=("Aizawa",))
class Aizawa(AbstractSystem):
    """Aizawa's torus-like flow.

    ẋ = (z − b)x − dy, ẏ = dx + (z − b)y,
    ż = c + az − z³/3 − (x² + y²)(1 + ez) + f z x³.
    """

    a: float = 0.95
    b: float = 0.7
    c: float = 0.6
    d: float = 3.5
    e: float = 0.25
    f: float = 0.1

    default_initial_condition = (-0.78450179, -0.62887672, -0.17620268)
    citation = (
        "Aizawa, Yoji, and Tatsuya Uezu (1982). Topological Aspects in Chaos and in 2 "
        "k-Period Doubling Cascade. Progress of Theoretical Physics 67.3 (1982): 982-985."
    )
    description = "A torus-like attractor related to the forced Lorenz system."
    dt_hint = 1e-3

    def vector_field(self, t, y, args):
        x, yy, z = y
        r2 = x**2 + yy**2
        return jnp.stack(
            [
                (z - self.b) * x - self.d * yy,
                self.d * x + (z - self.b) * yy,
                self.c + self.a * z - z**3 / 3 - r2 * (1 + self.e * z) + self.f * z * x**3,
            ]
        )


@register_system("halvorsen-v1", aliases=("Halvorsen",))
class Halvorsen(AbstractSystem):
    """Halvorsen's cyclic flow: ẋ = −ax − b(y + z) − y², and cyclically."""

    a: float = 1.4
    b: float = 4.0

    default_initial_condition = (-8.6807408, -2.4741399, 0.070775762)
    citation = (
        "Sprott, Julien C (2010). Elegant chaos: algebraically simple chaotic flows. "
        "World Scientific, 2010."
    )
    description = "An algebraically simple, cyclically symmetric chaotic flow."
    dt_hint = 1e-3

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                -self.a * x - self.b * (yy + z) - yy**2,
                -self.a * yy - self.b * (z + x) - z**2,
                -self.a * z - self.b * (x + yy) - x**2,
            ]
        )


@register_system("thomas-v1", aliases=("Thomas",))
class Thomas(AbstractSystem):
    """Thomas' labyrinth-type flow (dysts form): ẋ = −ax + b sin y, and cyclically."""

    a: float = 1.85
    b: float = 10.0

    default_initial_condition = (2.199442, 2.3634225, 3.220197)
    citation = (
        "Thomas, Rene (1999). Deterministic chaos seen in terms of feedback circuits: "
        "Analysis, synthesis, labyrinth chaos. Int. J. Bifurc. Chaos."
    )
    description = "A cyclically symmetric feedback circuit."
    dt_hint = 1e-3

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                -self.a * x + self.b * jnp.sin(yy),
                -self.a * yy + self.b * jnp.sin(z),
                -self.a * z + self.b * jnp.sin(x),
            ]
        )


@register_system("thomas_labyrinth-v1", aliases=("ThomasLabyrinth",))
class ThomasLabyrinth(AbstractSystem):
    """Thomas' labyrinth chaos at weak damping: ẋ = −ax + b sin y, and cyclically."""

    a: float = 0.5
    b: float = 10.0

    default_initial_condition = (-4.9599545, 1.0302034, -4.6883893)
    citation = (
        "Thomas, Rene. Deterministic chaos seen in terms of feedback circuits: Analysis, "
        "synthesis, labyrinth chaos. Int. J. Bifurc. Chaos. (1999)."
    )
    description = (
        "A system in which trajectories seemingly undergo Brownian motion on an infinite "
        "lattice, but remain bounded when the parameter a is less than one."
    )
    dt_hint = 1e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                -self.a * x + self.b * jnp.sin(yy),
                -self.a * yy + self.b * jnp.sin(z),
                -self.a * z + self.b * jnp.sin(x),
            ]
        )
