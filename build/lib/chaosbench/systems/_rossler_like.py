"""Rössler's flows: the spiral (screw-type) attractor and its four-dimensional hyperchaotic
extension."""

import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system

FAMILY = "rossler_like"


@register_system("rossler-v1", aliases=("Rossler",))
class Rossler(AbstractSystem):
    """Rössler's spiral chaos: ẋ = −y − z, ẏ = x + ay, ż = b + z(x − c)."""

    a: float = 0.2
    b: float = 0.2
    c: float = 5.7

    default_initial_condition = (6.5134412, 0.4772013, 0.34164294)
    citation = (
        "Rossler, O. E. (1976), An Equation for Continuous Chaos, Physics Letters, 57A (5): "
        "397-398."
    )
    description = "A spiral-type chaotic attractor with one nonlinear term."
    dt_hint = 1e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack([-yy - z, x + self.a * yy, self.b + z * (x - self.c)])


@register_system("hyper_rossler-v1", aliases=("HyperRossler",))
class HyperRossler(AbstractSystem):
    """Rössler's hyperchaos: ẋ = −y − z, ẏ = x + ay + w, ż = b + xz, ẇ = −cz + dw."""

    a: float = 0.25
    b: float = 3.0
    c: float = 0.5
    d: float = 0.05

    default_initial_condition = (-93.667697, 15.5078, 0.032086964, 43.792796)
    citation = "Rossler, O. E. (1979). An equation for hyperchaos. Physics Letters A 71.2-3."
    description = "The first four-dimensional flow with two positive Lyapunov exponents."
    dt_hint = 1e-3

    def vector_field(self, t, y, args):
        x, yy, z, w = y
        return jnp.stack([-yy - z, x + self.a * yy + w, self.b + x * z, -self.c * z + self.d * w])
