"""Chaotic advection: passive tracers in steady or time-periodic incompressible flows.

Time-periodic flows carry the time (or phase) as an extra, unbounded state variable, as
in dysts, so the dimension and initial condition match the catalogue."""

import math

import equinox as eqx
import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system

FAMILY = "fluid"


def _blink(phase, tau, stiffness=20.0):
    """A smoothed square wave in [0, 1] of period ``tau``: which stirrer is on."""
    return 0.5 + 0.5 * jnp.tanh(tau * stiffness * jnp.sin(2.0 * math.pi * phase / tau))


def _rotlet(r, theta, a, b, bc):
    """Radial and angular velocity of a rotlet at (b, 0) in a disc of radius ``a``.

    ``bc`` switches the no-slip image terms of the boundary on (1) or off (0).
    """
    cos = jnp.cos(theta)
    kappa = a**2 + (b * r / a) ** 2 - 2.0 * b * r * cos
    gamma = (1.0 - r**2 / a**2) * (a**2 - (b * r / a) ** 2)
    iota = b**2 * r / a**2 - b * cos
    zeta = b**2 + r**2 - 2.0 * b * r * cos
    nu = a**2 + b**2 - 2.0 * (b * r / a) ** 2
    v_r = b * jnp.sin(theta) * (-bc * gamma / kappa**2 - 1.0 / kappa + 1.0 / zeta)
    v_theta = (
        bc * gamma * iota / kappa**2
        + bc * r * nu / (a**2 * kappa)
        + iota / kappa
        - (r - b * cos) / zeta
    )
    return v_r, v_theta


def _blinking_rotlet(s, y):
    r, theta, phase = y
    weight = _blink(phase, s.tau)
    vr1, vt1 = _rotlet(r, theta, s.a, s.b, s.bc)
    vr2, vt2 = _rotlet(r, theta, s.a, -s.b, s.bc)
    v_r = weight * vr1 + (1.0 - weight) * vr2
    v_theta = (weight * vt1 + (1.0 - weight) * vt2) / r
    return jnp.stack([s.sigma * v_r, s.sigma * v_theta, jnp.ones_like(phase)])


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


@register_system(
    "arnold_beltrami_childress-v2", aliases=("ArnoldBeltramiChildress", "ABCFlow", "ABC")
)
class ArnoldBeltramiChildress(AbstractSystem):
    """Arnold–Beltrami–Childress steady Beltrami flow on the 3-torus.

    ẋ = a sin z + c cos y, ẏ = b sin x + a cos z, ż = c sin y + b cos x.
    """

    a: float = 1.73205
    b: float = 1.41421
    c: float = 1.0

    default_initial_condition = (147.91266, -1762.805, -647.37622)
    phase_indices = (0, 1, 2)  # dysts' unbounded_indices: observed as sin, cos
    citation = "V. I. Arnold, Journal of Applied Mathematics and Mechanics 30, 223 (1966)."
    description = (
        "An exact solution of Euler's equation for inviscid flow in 3D. Often referred to as the "
        "ABC flow."
    )
    dt_hint = 0.006

    def vector_field(self, t, y, args):
        x, yy, z = y
        return jnp.stack(
            [
                self.a * jnp.sin(z) + self.c * jnp.cos(yy),
                self.b * jnp.sin(x) + self.a * jnp.cos(z),
                self.c * jnp.sin(yy) + self.b * jnp.cos(x),
            ]
        )


@register_system("bickley_jet-v2", aliases=("BickleyJet",))
class BickleyJet(AbstractSystem):
    """Tracer in a perturbed Bickley jet (state: cross-stream y, along-stream x, time τ).

    ẏ = ℓU sech²(y/ℓ) Σₙ εₙkₙ sin(kₙ(x − σₙτ)),
    ẋ = −U sech²(y/ℓ)(1 + 2 tanh(y/ℓ) Σₙ εₙ cos(kₙ(x − σₙτ))), τ̇ = ω.
    """

    ell: float = 1.77
    eps: tuple[float, ...] = eqx.field(default=(0.0075, 0.15, 0.3), static=True)
    k: tuple[float, ...] = eqx.field(default=(0.313922, 0.627845, 0.941767), static=True)
    omega: float = 1.0
    sigma: tuple[float, ...] = eqx.field(
        default=(9.05854e-06, 1.28453e-05, 2.88863e-05), static=True
    )
    u: float = 6.266e-05

    default_initial_condition = (-0.4, 0.3, 0.0)
    phase_indices = (1, 2)  # dysts' unbounded_indices: observed as sin, cos

    @property
    def phase_periods(self):
        # x enters through kₙx (kₙ multiples of k₁); τ through the quasi-periodic kₙσₙτ:
        # the period of its slowest mode
        return (2 * math.pi / self.k[0], 2 * math.pi / (self.k[0] * self.sigma[0]))

    citation = (
        "Hadjighasem, Karrasch, Teramoto, Haller (2016). A Spectral Clustering Approach to "
        "Lagrangian Vortex Detection Phys Rev E."
    )
    description = (
        "A zonal jet passing between two counter rotating vortices. A steady Hamiltonian with a "
        "time-dependent perturbation."
    )
    dt_hint = 200.0

    def vector_field(self, t, y, args):
        yy, x, tau = y
        eps, k, sigma = jnp.asarray(self.eps), jnp.asarray(self.k), jnp.asarray(self.sigma)
        sech2 = 1.0 / jnp.cosh(yy / self.ell) ** 2
        phases = k * (x - tau * sigma)
        y_dot = self.ell * self.u * sech2 * jnp.sum(eps * k * jnp.sin(phases))
        x_dot = (
            self.u * sech2 * (-1.0 - 2.0 * jnp.sum(eps * jnp.cos(phases)) * jnp.tanh(yy / self.ell))
        )
        return jnp.stack([y_dot, x_dot, jnp.full_like(tau, self.omega)])


@register_system("blinking_rotlet-v2", aliases=("BlinkingRotlet",))
class BlinkingRotlet(AbstractSystem):
    """Meleshko and Aref's blinking rotlet: two rotlets at (±b, 0) in a disc, switched
    periodically (polar state r, θ and time).
    """

    a: float = 1.0
    b: float = 0.5298833894399929
    bc: float = 1.0
    sigma: float = -1.0
    tau: float = 3.0

    default_initial_condition = (-0.08541919, -0.05204435, 0.0)
    phase_indices = (1, 2)  # dysts' unbounded_indices: observed as sin, cos

    @property
    def phase_periods(self):  # the polar angle, and the protocol clock of period τ
        return (2 * math.pi, self.tau)

    citation = (
        "Meleshko & Aref. A blinking rotlet model for chaotic advection. Physics of Fluids 1996. "
        "See also Tallapragada and Sudarsanam PRE 2019"
    )
    description = (
        "The location of the mixer is chosen so that there is a stagnation point at its symmetric"
        " complement. Solution is given in polar coordinates (r, theta)."
    )
    dt_hint = 0.006

    def vector_field(self, t, y, args):
        return _blinking_rotlet(self, y)


@register_system("blinking_vortex-v2", aliases=("BlinkingVortex",))
class BlinkingVortex(AbstractSystem):
    """Aref's blinking vortex: the blinking-rotlet flow without the wall image terms
    (``bc = 0``); polar state r, θ and time.
    """

    a: float = 1.0
    b: float = 0.5
    bc: float = 0.0
    sigma: float = -1.0
    tau: float = 3.0

    default_initial_condition = (-0.08541919, -0.05204435, 0.0)
    phase_indices = (1, 2)  # dysts' unbounded_indices: observed as sin, cos

    @property
    def phase_periods(self):  # the polar angle, and the protocol clock of period τ
        return (2 * math.pi, self.tau)

    citation = "Aref (1984). Stirring by chaotic advection. J. Fluid Mechanics."
    description = (
        "A classic minimal chaotic mixing flow. Solution is given in polar coordinates (r, theta)"
    )
    dt_hint = 0.006

    def vector_field(self, t, y, args):
        return _blinking_rotlet(self, y)


@register_system("double_gyre-v2", aliases=("DoubleGyre",))
class DoubleGyre(AbstractSystem):
    """Shadden et al.'s time-periodic double gyre (state x, y and forcing phase θ).

    ψ = α sin(πf(x, θ)) sin(πy), f = ε sin θ · x² + (1 − 2ε sin θ)x, θ̇ = ω.
    """

    alpha: float = 0.1
    eps: float = 0.1
    omega: float = 0.62832

    default_initial_condition = (1.5327241, 0.99802126, 3879.3323)
    phase_indices = (2,)  # dysts' unbounded_indices: observed as sin, cos
    citation = (
        "Shadden, Lekien, Marsden (2005). Definition and properties of Lagrangian coherent "
        "structures from finite-time Lyapunov exponents in two-dimensional aperiodic flows. "
        "Physica D."
    )
    description = "A time-dependent fluid flow exhibiting Lagrangian coherent structures"
    dt_hint = 0.03

    def vector_field(self, t, y, args):
        x, yy, theta = y
        a = self.eps * jnp.sin(theta)
        b = 1.0 - 2.0 * a
        f = a * x**2 + b * x
        return jnp.stack(
            [
                -self.alpha * math.pi * jnp.sin(math.pi * f) * jnp.cos(math.pi * yy),
                self.alpha
                * math.pi
                * jnp.cos(math.pi * f)
                * jnp.sin(math.pi * yy)
                * (2.0 * a * x + b),
                jnp.full_like(theta, self.omega),
            ]
        )


@register_system("interior_squirmer-v2", aliases=("InteriorSquirmer",))
class InteriorSquirmer(AbstractSystem):
    """Stokes flow inside a cylinder driven by a blinking tangential boundary slip.

    Polar state (r, θ) and time; the slip's Fourier coefficients ``a`` (sine) and ``g``
    (cosine) are switched on alternately with period ``tau``.
    """

    a: tuple[float, ...] = eqx.field(default=(0.5, 0.5, 0.5, 0.5, 0.5), static=True)
    g: tuple[float, ...] = eqx.field(default=(0.5, 0.5, 0.5, 0.5, 0.5), static=True)
    tau: float = 3.0

    default_initial_condition = (0.1, 0.1, 0.1)
    phase_indices = (1, 2)  # dysts' unbounded_indices: observed as sin, cos

    @property
    def phase_periods(self):  # the polar angle, and the protocol clock of period τ
        return (2 * math.pi, self.tau)

    citation = (
        "Blake, J. R. Self propulsion due to oscillations on the surface of a cylinder at low "
        "Reynolds number. AMS Bulletin 1971."
    )
    description = (
        "Boundary-driven flow of a viscous fluid within a cylinder. Any slip boundary condition "
        "can be used, as long as it is parametrized by its Fourier coefficients."
    )
    dt_hint = 0.06

    def vector_field(self, t, y, args):
        r, theta, phase = y
        weight = _blink(phase, self.tau)
        a = jnp.asarray(self.a) * weight
        g = jnp.asarray(self.g) * (1.0 - weight)
        n = jnp.arange(1, a.shape[0] + 1, dtype=r.dtype)
        sin_n, cos_n = jnp.sin(n * theta), jnp.cos(n * theta)
        r_n = r**n
        v_r = jnp.sum((g * cos_n + a * sin_n) * n * r_n * (r**2 - 1.0) / r)
        v_theta = jnp.sum((2.0 * r + (r**2 - 1.0) * n / r) * (a * cos_n - g * sin_n) * r_n)
        return jnp.stack([v_r, v_theta / r, jnp.ones_like(phase)])


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
