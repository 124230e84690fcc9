"""The Lorenz family."""

from typing import ClassVar

import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system


@register_system("lorenz63-v1", aliases=("Lorenz",))
class Lorenz63(AbstractSystem):
    """Lorenz's convection model, dx/dt = σ(y − x), dy/dt = x(ρ − z) − y, dz/dt = xy − βz."""

    sigma: float = 10.0
    rho: float = 28.0
    beta: float = 2.667

    default_initial_condition = (-9.7869288, -15.03852, 20.533978)
    citation = ("Lorenz, Edward N (1963). Deterministic nonperiodic flow. "
                "Journal of the Atmospheric Sciences 20.2 (1963): 130-141.")
    description = "A minimal weather model based on atmospheric convection."
    dt_hint = 1e-3

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack([self.sigma * (yy - x), x * (self.rho - z) - yy, x * yy - self.beta * z])
