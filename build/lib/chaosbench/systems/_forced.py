"""Periodically forced nonlinear oscillators.

dysts carries the forcing phase θ as an extra state with θ̇ = ω; these systems keep that
form, so the phase is unbounded and the dimension matches the catalogue."""

import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system

FAMILY = "forced"


@register_system("duffing-v2", aliases=("Duffing",))
class Duffing(AbstractSystem):
    """Forced Duffing oscillator: ẍ + δẋ + βx + αx³ = γ cos θ, θ̇ = ω."""

    alpha: float = 1.0
    beta: float = -1.0
    delta: float = 0.1
    gamma: float = 0.35
    omega: float = 1.4

    default_initial_condition = (-1.1635382, -0.5092374, 0.0)
    phase_indices = (2,)  # dysts' unbounded_indices: observed as sin, cos
    citation = (
        "Duffing, G. (1918), Forced oscillations with variable natural frequency and their "
        "technical relevance, Heft 41/42, Braunschweig: Vieweg."
    )
    description = (
        "A monochromatically-forced rigid pendulum, with the nonlinearity approximated as cubic."
    )
    dt_hint = 0.01

    def vector_field(self, t, y, args):
        x, v, theta = y
        return jnp.stack(
            [
                v,
                -self.delta * v - self.beta * x - self.alpha * x**3 + self.gamma * jnp.cos(theta),
                jnp.full_like(theta, self.omega),
            ]
        )


@register_system("forced_van_der_pol-v2", aliases=("ForcedVanDerPol",))
class ForcedVanDerPol(AbstractSystem):
    """Forced van der Pol oscillator: ẍ − μ(1 − x²)ẋ + x = a sin θ, θ̇ = w."""

    a: float = 1.2
    mu: float = 8.53
    w: float = 0.63

    default_initial_condition = (-1.520504, 0.19640249, 687.39073)
    phase_indices = (2,)  # dysts' unbounded_indices: observed as sin, cos
    citation = (
        "B. van der Pol (1920). A theory of the amplitude of free and forced triode vibrations. "
        "Radio Review 1."
    )
    description = "An electronic circuit containing a triode."
    dt_hint = 0.03

    def vector_field(self, t, y, args):
        x, v, theta = y
        return jnp.stack(
            [
                v,
                self.mu * (1.0 - x**2) * v - x + self.a * jnp.sin(theta),
                jnp.full_like(theta, self.w),
            ]
        )


@register_system("forced_brusselator-v2", aliases=("ForcedBrusselator",))
class ForcedBrusselator(AbstractSystem):
    """Forced Brusselator reaction model.

    ẋ = a + x²y − (b + 1)x + f cos θ, ẏ = bx − x²y, θ̇ = w.
    """

    a: float = 0.4
    b: float = 1.2
    f: float = 0.05
    w: float = 0.81

    default_initial_condition = (0.40635464, 1.8192295, 6381.6484)
    phase_indices = (2,)  # dysts' unbounded_indices: observed as sin, cos
    citation = (
        "I. Prigogine, From Being to Becoming: Time and Complexity in the Physical Sciences, New "
        "York: W.H. Freeman and Company, 1980."
    )
    description = "An autocatalytic chemical system."
    dt_hint = 0.04

    def vector_field(self, t, y, args):
        x, yy, theta = y
        return jnp.stack(
            [
                self.a + x**2 * yy - (self.b + 1.0) * x + self.f * jnp.cos(theta),
                self.b * x - x**2 * yy,
                jnp.full_like(theta, self.w),
            ]
        )


@register_system("fluid_trampoline-v2", aliases=("FluidTrampoline",))
class FluidTrampoline(AbstractSystem):
    """A droplet bouncing on a vibrating fluid bath (Gilet and Bush).

    ẋ = v, v̇ = −1 − Θ(−x)(x + ψ v|v|) + γ cos θ, θ̇ = w (Θ the Heaviside step: the bath
    only pushes while the drop is below its rest level).
    """

    gamma: float = 1.82
    psi: float = 0.01019
    w: float = 1.21

    default_initial_condition = (-0.65820064, -2.8807787, 0.1)
    phase_indices = (2,)  # dysts' unbounded_indices: observed as sin, cos
    citation = "Gilet, Bush. The fluid trampoline: droplets bouncing on a soap film. JFM 2009."
    description = "A droplet bouncing on a horizontal soap film."
    dt_hint = 0.02

    def vector_field(self, t, y, args):
        x, v, theta = y
        contact = jnp.where(x < 0, 1.0, 0.0)
        return jnp.stack(
            [
                v,
                -1.0 - contact * (x + self.psi * v * jnp.abs(v)) + self.gamma * jnp.cos(theta),
                jnp.full_like(theta, self.w),
            ]
        )


@register_system("stick_slip_oscillator-v2", aliases=("StickSlipOscillator",))
class StickSlipOscillator(AbstractSystem):
    """Duffing-type oscillator with stick-slip friction, weakly forced (dysts' form):
    ẋ = v, v̇ = ε(γ cos θ − T(v)) + ax − bx³, θ̇ = w, where
    T(v) = t₀ sgn(v − v_s) − αv + β(v − v_s)³. The forcing phase θ is a state variable.

    The friction jumps at v = v_s: Lyapunov exponents from the linearised flow miss the
    jump and should be checked against nearby-trajectory estimates.
    """

    a: float = 1.0
    alpha: float = 0.3
    b: float = 1.0
    beta: float = 0.3
    eps: float = 0.05
    gamma: float = 1.0
    t0: float = 0.3
    vs: float = 0.4
    w: float = 2.0

    default_initial_condition = (0.85539847, -0.39125834, 0.0)
    phase_indices = (2,)  # dysts' unbounded_indices: observed as sin, cos
    citation = "Awrejcewicz, Jan, and M. M. Holicke (1999). Int J of Bifurcation and Chaos."
    description = (
        "A weakly forced (quasiautonomous) oscillator with dynamics similar to stick-slip "
        "friction. The parameter gamma controls the transition to chaos."
    )
    dt_hint = 3e-3

    def vector_field(self, t, y, args):
        x, v, th = y
        friction = self.t0 * jnp.sign(v - self.vs) - self.alpha * v + self.beta * (v - self.vs) ** 3
        return jnp.stack(
            [
                v,
                self.eps * (self.gamma * jnp.cos(th) - friction) + self.a * x - self.b * x**3,
                jnp.full_like(th, self.w),
            ]
        )
