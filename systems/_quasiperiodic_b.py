"""Quasiperiodic reference flows (zero Lyapunov exponents)."""

import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system


@register_system("torus-v1", aliases=("Torus",))
class Torus(AbstractSystem):
    """A curve winding n times round a torus (radii r, a), as a time-dependent field: the
    velocity of (x, y, z) = ((r + a cos nt) cos t, (r + a cos nt) sin t, a sin nt).
    """

    a: float = 0.5
    n: float = 15.3
    r: float = 1.0

    default_initial_condition = (-13.72884, 1.9094726, 0.72831447)
    citation = "See, for example, Strogatz (1994). Nonlinear Dynamics and Chaos."
    description = (
        "A minimal quasiperiodic flow on a torus. All lyapunov exponents and related quantities"
        " are zero"
    )
    dt_hint = 1e-2

    def vector_field(self, t, y, args):
        del y  # the velocity depends on time only
        ring = self.r + self.a * jnp.cos(self.n * t)
        return jnp.stack(
            [
                -self.a * self.n * jnp.sin(self.n * t) * jnp.cos(t) - ring * jnp.sin(t),
                -self.a * self.n * jnp.sin(self.n * t) * jnp.sin(t) + ring * jnp.cos(t),
                self.a * self.n * jnp.cos(self.n * t),
            ]
        )
