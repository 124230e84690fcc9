"""Mechanical oscillators: swinging Atwood's machine, stick-slip friction."""

import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system

_G = 9.82  # gravitational acceleration, as in dysts


@register_system("swinging_atwood-v2", aliases=("SwingingAtwood",))
class SwingingAtwood(AbstractSystem):
    """Swinging Atwood's machine in Hamiltonian form (g = 9.82): state (r, θ, p_r, p_θ),
    ṙ = p_r/(m₁ + m₂), θ̇ = p_θ/(m₁r²), ṗ_r = p_θ²/(m₁r³) − m₂g + m₁g cos θ,
    ṗ_θ = −m₁ g r sin θ.
    """

    m1: float = 1.0
    m2: float = 4.5

    default_initial_condition = (0.113296, 1.5707963267948966, 0.10992, 0.17747)
    phase_indices = (1,)  # dysts' unbounded_indices: observed as sin, cos
    citation = (
        "Tufillaro, Nicholas B.; Abbott, Tyler A.; Griffiths, David J. (1984). Swinging "
        "Atwood's Machine. American Journal of Physics. 52 (10): 895--903."
    )
    description = (
        "A mechanical system consisting of two swinging weights connected by ropes and pulleys."
        " This is only chaotic when m2 is sufficiently larger than m1, and there are nonzero "
        "initial momenta"
    )
    dt_hint = 7e-4

    def vector_field(self, t, y, args):
        r, th, pr, pth = y
        return jnp.stack(
            [
                pr / (self.m1 + self.m2),
                pth / (self.m1 * r**2),
                pth**2 / (self.m1 * r**3) - self.m2 * _G + self.m1 * _G * jnp.cos(th),
                -self.m1 * _G * r * jnp.sin(th),
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
