"""Conservative (Hamiltonian) systems: no attractor; chaos in the chaotic sea of an energy
shell."""

import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system

FAMILY = "hamiltonian"


_G = 9.82  # gravitational acceleration, as in dysts


@register_system("arnold_web-v2", aliases=("ArnoldWeb",))
class ArnoldWeb(AbstractSystem):
    """Froeschlé–Guzzo–Lega quasi-integrable Hamiltonian showing the Arnold web.

    H = (p₁² + p₂²)/2 + μ/(4 + cos x₁ + cos x₂ + cos z), z = wt carried as a state:
    ṗᵢ = −μ sin xᵢ / D², ẋᵢ = pᵢ, ż = w.
    """

    mu: float = 0.01
    w: float = 1.0

    default_initial_condition = (0.10469507, 0.0892929984, 11025.3686, 6055.32273, 0.1)
    phase_indices = (2, 3, 4)  # dysts' unbounded_indices: observed as sin, cos
    citation = (
        "Froeschle, C., Guzzo, M. & Legga, E (2000). Graphical evolution of the Arnold web: From "
        "order to chaos. Science 289."
    )
    description = (
        "A quasi-integrable system that transitions to Chirikov diffusive dynamics when perturbed."
    )
    dt_hint = 0.1

    def vector_field(self, t, y, args):
        p1, p2, x1, x2, z = y
        denom = 4.0 + jnp.cos(z) + jnp.cos(x1) + jnp.cos(x2)
        return jnp.stack(
            [
                -self.mu * jnp.sin(x1) / denom**2,
                -self.mu * jnp.sin(x2) / denom**2,
                p1,
                p2,
                jnp.full_like(z, self.w),
            ]
        )


@register_system("double_pendulum-v2", aliases=("DoublePendulum",))
class DoublePendulum(AbstractSystem):
    """Frictionless double pendulum of point masses in Hamiltonian form (θ₁, θ₂, p₁, p₂).

    With Δ = θ₁ − θ₂ and D = l₁l₂(m₁ + m₂ sin²Δ):
    θ̇₁ = (l₂p₁ − l₁p₂ cos Δ)/(l₁D), θ̇₂ = (l₁(m₁ + m₂)p₂ − l₂m₂p₁ cos Δ)/(l₂m₂D),
    ṗ₁ = −(m₁ + m₂)gl₁ sin θ₁ − A + B, ṗ₂ = −m₂gl₂ sin θ₂ + A − B,
    A = p₁p₂ sin Δ / D,
    B = (m₂l₂²p₁² + (m₁ + m₂)l₁²p₂² − 2m₂l₁l₂p₁p₂ cos Δ) sin 2Δ / (2D²).
    """

    g: float = 9.81
    l1: float = 1.0
    l2: float = 1.0
    m1: float = 1.0
    m2: float = 1.0

    default_initial_condition = (-44.334542, 223.53554, -1.2249799, 2.535486)
    phase_indices = (0, 1)  # dysts' unbounded_indices: observed as sin, cos
    citation = "See, for example: Marion (2013). Classical dynamics of particles and systems."
    description = "Two coupled rigid pendula without damping."
    dt_hint = 0.008

    def vector_field(self, t, y, args):
        th1, th2, p1, p2 = y
        l1, l2, m1, m2, g = self.l1, self.l2, self.m1, self.m2, self.g
        delta = th1 - th2
        cos, sin = jnp.cos(delta), jnp.sin(delta)
        den = l1 * l2 * (m1 + m2 * sin**2)
        th1_dot = (l2 * p1 - l1 * p2 * cos) / (l1 * den)
        th2_dot = (l1 * (m1 + m2) * p2 - l2 * m2 * p1 * cos) / (l2 * m2 * den)
        a = p1 * p2 * sin / den
        b = (
            (m2 * l2**2 * p1**2 + (m1 + m2) * l1**2 * p2**2 - 2.0 * m2 * l1 * l2 * p1 * p2 * cos)
            * jnp.sin(2.0 * delta)
            / (2.0 * den**2)
        )
        return jnp.stack(
            [
                th1_dot,
                th2_dot,
                -(m1 + m2) * g * l1 * jnp.sin(th1) - a + b,
                -m2 * g * l2 * jnp.sin(th2) + a - b,
            ]
        )


@register_system("henon_heiles-v1", aliases=("HenonHeiles",))
class HenonHeiles(AbstractSystem):
    """Hénon–Heiles galactic potential: H = (pₓ² + p_y² + x² + y²)/2 + λ(x²y − y³/3)."""

    lam: float = 1.0

    default_initial_condition = (-0.29707259, -0.0031367513, 0.42548865, 0.071905482)
    citation = (
        "Henon, M.; Heiles, C. (1964). The applicability of the third integral of motion: Some "
        "numerical experiments. The Astronomical Journal. 69: 73."
    )
    description = "A star's motion around the galactic center."
    dt_hint = 0.01

    def vector_field(self, t, y, args):
        x, yy, px, py = y
        return jnp.stack([px, py, -x - 2.0 * self.lam * x * yy, -yy - self.lam * (x**2 - yy**2)])


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


@register_system("nuclear_quadrupole-v1", aliases=("NuclearQuadrupole",))
class NuclearQuadrupole(AbstractSystem):
    """Baran–Raduta quadrupole boson Hamiltonian: q̇ᵢ = a pᵢ,
    ṗ₁ = −a q₁ + (3/√2) b (q₁² − q₂²) − d q₁ (q₁² + q₂²),
    ṗ₂ = −a q₂ − 3√2 b q₁ q₂ − d q₂ (q₁² + q₂²).
    """

    a: float = 1.0
    b: float = 0.55
    d: float = 0.4

    default_initial_condition = (-0.85591178, 1.48078342, -0.85075322, 1.63576085)
    citation = "Baran V. and Raduta A. A. (1998), International Journal of Modern Physics E"
    description = (
        "A quadrupole boson Hamiltonian that produces chaos via a resonance overlap mechanism"
    )
    dt_hint = 1e-2

    def vector_field(self, t, y, args):
        q1, q2, p1, p2 = y
        r2 = q1**2 + q2**2
        return jnp.stack(
            [
                self.a * p1,
                self.a * p2,
                -self.a * q1 + 3.0 / jnp.sqrt(2.0) * self.b * (q1**2 - q2**2) - self.d * q1 * r2,
                -self.a * q2 - 3.0 * jnp.sqrt(2.0) * self.b * q1 * q2 - self.d * q2 * r2,
            ]
        )
