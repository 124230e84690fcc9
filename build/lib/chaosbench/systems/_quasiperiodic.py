"""Flows on or near invariant tori: a quasiperiodic reference torus (zero Lyapunov
exponents) and the normal form of a torus bifurcation, whose torus breaks into chaos."""

import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system

FAMILY = "quasiperiodic"


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


@register_system("guckenheimer_holmes-v1", aliases=("GuckenheimerHolmes",))
class GuckenheimerHolmes(AbstractSystem):
    """Guckenheimer–Holmes normal form of a torus bifurcation.

    ẋ = ax − by + czx + dz(x² + y²), ẏ = ay + bx + czy, ż = e − z² − f(x² + y²) − az³.
    """

    a: float = 0.4
    b: float = 20.25
    c: float = 3.0
    d: float = 1.6
    e: float = 1.7
    f: float = 0.44

    default_initial_condition = (-0.55582369, 0.05181624, 0.37766104)
    citation = (
        "Guckenheimer, John, and Philip Holmes (1983).  Nonlinear oscillations, dynamical "
        "systems, and bifurcations of vector fields. Vol. 42. Springer Science & Business Media."
    )
    description = "A nonlinear oscillator."
    dt_hint = 0.0006

    def vector_field(self, t, y, args):
        x, yy, z = y
        r2 = x**2 + yy**2
        return jnp.stack(
            [
                self.a * x - self.b * yy + self.c * z * x + self.d * z * r2,
                self.a * yy + self.b * x + self.c * z * yy,
                self.e - z**2 - self.f * r2 - self.a * z**3,
            ]
        )
