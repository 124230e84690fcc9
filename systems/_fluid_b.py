"""Chaotic advection of tracers in time-periodic two-dimensional flows."""

import math

import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system


def _cavity_velocity(x, y, a, b, u1, u2):
    """Velocity of the first two Stokes modes of a lid-driven a × b cavity (Grover et al.).

    Mode n has wavenumber k = nπ/a and lid speed u_n; the cavity's walls are at x = 0, a.
    """
    u, v = 0.0, 0.0
    for n, speed in ((1, u1), (2, u2)):
        k = n * jnp.pi / a
        norm = 2.0 * n * b * jnp.pi + a * jnp.sinh(2.0 * n * jnp.pi * b / a)
        shape_u = -n * b * jnp.pi * jnp.sinh(k * b) * jnp.sinh(k * y) + jnp.cosh(k * b) * (
            n * jnp.pi * y * jnp.cosh(k * y) + a * jnp.sinh(k * y)
        )
        shape_v = b * jnp.sinh(k * b) * jnp.cosh(k * y) - jnp.cosh(k * b) * y * jnp.sinh(k * y)
        u = u + 2.0 * speed * jnp.sin(k * x) / norm * shape_u
        v = v + 2.0 * n * jnp.pi * speed * jnp.cos(k * x) / norm * shape_v
    return u, v


@register_system("lid_driven_cavity_flow-v2", aliases=("LidDrivenCavityFlow",))
class LidDrivenCavityFlow(AbstractSystem):
    """Tracer in a rectangular cavity (width a, height b) whose two lids drive in turn
    (Grover et al. 2012): two Stokes modes, the first reversing sign as the protocol
    switches with period τ (a smoothed square wave). State (x, y, φ) with φ̇ = 1 the
    protocol's clock, as in dysts.
    """

    a: float = 6.0
    b: float = 1.0
    tau: float = 1.1
    u1: float = 9.92786
    u2: float = 8.34932

    default_initial_condition = (3.966790341130254, 0.18425981346720144, 0.0)
    phase_indices = (2,)  # dysts' unbounded_indices: observed as sin, cos

    @property
    def phase_periods(self):  # the protocol clock of period τ
        return (self.tau,)

    citation = (
        "Grover et al. Chaos (2012). Topological chaos, braiding and bifurcation of almost-"
        "cyclic sets."
    )
    description = (
        "A two-dimensional flow alternately driven by translation of the left and right walls."
    )
    dt_hint = 5e-3

    def vector_field(self, t, y, args):
        x, yy, phase = y
        s = 0.5 + 0.5 * jnp.tanh(20.0 * self.tau * jnp.sin(2.0 * jnp.pi * phase / self.tau))
        u_fwd, v_fwd = _cavity_velocity(x, yy, self.a, self.b, self.u1, self.u2)
        u_bwd, v_bwd = _cavity_velocity(x, yy, self.a, self.b, -self.u1, self.u2)
        return jnp.stack(
            [
                s * u_fwd + (1.0 - s) * u_bwd,
                s * v_fwd + (1.0 - s) * v_bwd,
                jnp.ones_like(phase),
            ]
        )


@register_system("oscillating_flow-v2", aliases=("OscillatingFlow",))
class OscillatingFlow(AbstractSystem):
    """Solomon–Gollub oscillating convection rolls: with f = x + b sin z,
    ẋ = u cos(ky) sin(kf), ẏ = −u sin(ky) cos(kf), ż = ω (forcing phase as a state).
    """

    b: float = 0.48
    k: float = 1.0
    omega: float = 0.49
    u: float = 0.72

    default_initial_condition = (3.14159265, 1.04719755, 0.4)
    phase_indices = (0, 2)  # dysts' unbounded_indices: observed as sin, cos

    @property
    def phase_periods(self):  # x enters through sin(k f), z through sin z
        return (2 * math.pi / self.k, 2 * math.pi)

    citation = "T. H. Solomon and J. P. Gollub, Phys. Rev. A 38, 6280 (1988)."
    description = (
        "A model fluid flow that produces KAM tori. Original parameters have been rescaled by k"
    )
    dt_hint = 5e-2

    def vector_field(self, t, y, args):
        x, yy, z = y
        f = x + self.b * jnp.sin(z)
        return jnp.stack(
            [
                self.u * jnp.cos(self.k * yy) * jnp.sin(self.k * f),
                -self.u * jnp.sin(self.k * yy) * jnp.cos(self.k * f),
                jnp.full_like(z, self.omega),
            ]
        )
