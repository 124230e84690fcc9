"""Cyclically symmetric feedback circuits (Thomas' labyrinth chaos)."""

import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system


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
