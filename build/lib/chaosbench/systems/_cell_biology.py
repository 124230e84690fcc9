"""Biochemical oscillators of the cell: calcium signalling, the cell cycle, circadian
clocks and glycolysis (Goldbeter and co-workers' models)."""

import math

import jax.numpy as jnp

from chaosbench import AbstractSystem, register_system

FAMILY = "cell_biology"


def _hill(x, k, n):
    """xⁿ / (kⁿ + xⁿ)."""
    return x**n / (k**n + x**n)


def _ca_two_plus(system, y):
    """Houart et al.'s cytosolic/stored Ca²⁺ (z, y) and IP₃ (a) model."""
    z, yy, a = y
    influx = system.V0 + system.V1 * system.beta
    pump = system.Vm2 * _hill(z, system.K2, 2.0)
    release = (
        system.Vm3
        * _hill(z, system.Kz, system.m)
        * _hill(yy, system.Ky, 2.0)
        * _hill(a, system.Ka, 4.0)
    )
    degradation = system.Vm5 * _hill(a, system.K5, system.p) * _hill(z, system.Kd, system.n)
    return jnp.stack(
        [
            influx - pump + release + system.kf * yy - system.k * z,
            pump - release - system.kf * yy,
            system.beta * system.V4 - degradation - system.eps * a,
        ]
    )


def _cdk_module(s, c, m, x, partner_m):
    """One Goldbeter cyclin (c) / cdk (m) / protease (x) cascade, inhibited by its partner."""
    v1 = s.Vm1 * c / (s.Kc + c)
    v3 = s.Vm3 * m
    c_dot = s.vi * s.Kim / (s.Kim + partner_m) - s.vd * x * c / (s.Kd1 + c) - s.kd1 * c
    m_dot = v1 * (1.0 - m) / (s.K + 1.0 - m) - s.V2 * m / (s.K + m)
    x_dot = v3 * (1.0 - x) / (s.K + 1.0 - x) - s.V4 * x / (s.K + x)
    return c_dot, m_dot, x_dot


@register_system("ca_two_plus-v1", aliases=("CaTwoPlus",))
class CaTwoPlus(AbstractSystem):
    """Houart, Dupont and Goldbeter's Ca²⁺ oscillations with IP₃ metabolism (chaotic set).

    ż = V_in − V₂ + V₃ + k_f y − kz, ẏ = V₂ − V₃ − k_f y, ȧ = βV₄ − V₅ − εa, with Hill-type
    pump V₂, Ca²⁺-induced release V₃ and IP₃ degradation V₅.
    """

    K2: float = 0.1
    K5: float = 0.3194
    Ka: float = 0.1
    Kd: float = 1.0
    Ky: float = 0.3
    Kz: float = 0.6
    V0: float = 2.0
    V1: float = 2.0
    V4: float = 3.0
    Vm2: float = 6.0
    Vm3: float = 30.0
    Vm5: float = 50.0
    beta: float = 0.65
    eps: float = 13.0
    k: float = 10.0
    kf: float = 1.0
    m: float = 2.0
    n: float = 4.0
    p: float = 1.0

    default_initial_condition = (0.26162904, 1.0055612, 0.14407867)
    citation = "Houart, Dupont, Goldbeter. Bull Math Biol 1999."
    description = "Intracellular calcium ion oscillations."
    dt_hint = 0.003

    def vector_field(self, t, y, args):
        return _ca_two_plus(self, y)


@register_system("ca_two_plus_quasiperiodic-v1", aliases=("CaTwoPlusQuasiperiodic",))
class CaTwoPlusQuasiperiodic(AbstractSystem):
    """The Houart–Dupont–Goldbeter Ca²⁺ model at dysts' quasiperiodic-regime parameters.

    Same equations as :class:`CaTwoPlus`.
    """

    K2: float = 0.1
    K5: float = 0.3
    Ka: float = 0.2
    Kd: float = 0.5
    Ky: float = 0.2
    Kz: float = 0.5
    V0: float = 2.0
    V1: float = 2.0
    V4: float = 5.0
    Vm2: float = 6.0
    Vm3: float = 20.0
    Vm5: float = 30.0
    beta: float = 0.51
    eps: float = 0.1
    k: float = 10.0
    kf: float = 1.0
    m: float = 2.0
    n: float = 4.0
    p: float = 2.0

    default_initial_condition = (0.26321067, 0.87886607, 0.3148781)
    citation = "Houart, Dupont, Goldbeter. Bull Math Biol 1999."
    description = (
        "Intracellular calcium ion oscillations with quasiperiodic parameter values. The original"
        " paper also includes parameters for a limit cycle"
    )
    dt_hint = 0.001

    def vector_field(self, t, y, args):
        return _ca_two_plus(self, y)


@register_system("cell_cycle-v1", aliases=("CellCycle",))
class CellCycle(AbstractSystem):
    """Romond et al.'s two coupled cdk oscillators (G1/S and G2/M) with mutual inhibition.

    State (c₁, m₁, x₁, c₂, m₂, x₂): cyclin, active cdk and active protease of each module; the
    cyclin synthesis of each module is inhibited by the partner's active cdk.
    """

    K: float = 0.01
    Kc: float = 0.5
    Kd1: float = 0.02
    Kim: float = 0.65
    V2: float = 0.15
    V4: float = 0.05
    Vm1: float = 0.3
    Vm3: float = 0.1
    kd1: float = 0.001
    vd: float = 0.025
    vi: float = 0.05

    default_initial_condition = (
        0.71565329,
        0.9489355,
        0.98910371,
        0.72138631,
        0.94987035,
        0.98912572,
    )
    citation = "Romond, Rustici, Gonze, Goldbeter. 1999."
    description = (
        "A simplified model of the cell cycle. The parameter `Kim` controls the bifurcations."
    )
    dt_hint = 0.4

    def vector_field(self, t, y, args):
        c1, m1, x1, c2, m2, x2 = y
        d1 = _cdk_module(self, c1, m1, x1, m2)
        d2 = _cdk_module(self, c2, m2, x2, m1)
        return jnp.stack([*d1, *d2])


@register_system("circadian_rhythm-v2", aliases=("CircadianRhythm",))
class CircadianRhythm(AbstractSystem):
    """Leloup–Gonze–Goldbeter Drosophila PER clock under light/dark forcing (dysts form).

    State (m, f_c, f_s, f_n, θ): mRNA, cytosolic, slow and nuclear protein, forcing phase.
    ṁ = v_s Kiⁿ/(Kiⁿ + f_nⁿ) − v_m m/(k_m + m), ḟ_c = k_s m − (k₁ + k) f_c + k₂ f_n,
    ḟ_s = k f_c − v_d f_s/(k_d + f_s), ḟ_n = k₁ f_c − k₂ f_n − v_dn f_n/(k_dn + f_n),
    θ̇ = 2π/p_s, with the transcription rate v_s = v_c((1 + cos θ)/2 + v_min)(v_max − v_min)
    as in dysts.
    """

    Ki: float = 1.0
    k: float = 0.5
    k1: float = 0.3
    k2: float = 0.15
    kd: float = 1.4
    kdn: float = 0.4
    km: float = 0.4
    ks: float = 1.0
    n: float = 4.0
    ps: float = 24.0
    vc: float = 2.5
    vd: float = 6.0
    vdn: float = 1.5
    vm: float = 0.7
    vmax: float = 4.7
    vmin: float = 1.0

    default_initial_condition = (1.5401187, 5.3707921, 41.054266, 11.619073, 2004.0233)
    phase_indices = (4,)  # dysts' unbounded_indices: observed as sin, cos
    citation = "Leloup, Gonze, Goldbeter. 1999. Gonze, Leloup, Goldbeter. 2000"
    description = "The Drosophila circadian rhythm under periodic light/dark forcing."
    dt_hint = 0.05

    def vector_field(self, t, y, args):
        m, fc, fs, fn, theta = y
        vs = self.vc * ((0.5 + 0.5 * jnp.cos(theta)) + self.vmin) * (self.vmax - self.vmin)
        return jnp.stack(
            [
                vs * self.Ki**self.n / (self.Ki**self.n + fn**self.n) - self.vm * m / (self.km + m),
                self.ks * m - self.k1 * fc + self.k2 * fn - self.k * fc,
                self.k * fc - self.vd * fs / (self.kd + fs),
                self.k1 * fc - self.k2 * fn - self.vdn * fn / (self.kdn + fn),
                jnp.full_like(theta, 2.0 * math.pi / self.ps),
            ]
        )


@register_system("glycolytic_oscillation-v1", aliases=("GlycolyticOscillation",))
class GlycolyticOscillation(AbstractSystem):
    """Decroly–Goldbeter model of two coupled allosteric enzymes in glycolysis.

    ȧ = ν − s₁φ, ḃ = q₁s₁φ − s₂η, ċ = q₂s₂η − kc, with the Monod–Wyman–Changeux rates
    φ = a(1 + a)(1 + b)²/(l₁ + (1 + a)²(1 + b)²) and
    η = b(1 + db)(1 + c)²/(l₂ + (1 + db)²(1 + c)²).
    """

    d: float = 0.0
    k: float = 4.422
    l1: float = 500000000.0
    l2: float = 100.0
    nu: float = 1.0
    q1: float = 50.0
    q2: float = 0.02
    s1: float = 22.2222
    s2: float = 22.2222

    default_initial_condition = (29.453349256846987, 130.19350141357407, 0.18407087674169492)
    citation = (
        "Decroly, O.; Goldbeter, An amplified sensitivity arising from covalent modification in "
        "biological systems. A. Proc. Natl. Acad. Sci. USA 1982, 79,6917–6921."
    )
    description = (
        "A model of feedback in glycolytic reactions. Based on the Monod–Wyman–Changeux model."
    )
    dt_hint = 0.1

    def vector_field(self, t, y, args):
        a, b, c = y
        phi = a * (1.0 + a) * (1.0 + b) ** 2 / (self.l1 + (1.0 + a) ** 2 * (1.0 + b) ** 2)
        eta = (
            b
            * (1.0 + self.d * b)
            * (1.0 + c) ** 2
            / (self.l2 + (1.0 + self.d * b) ** 2 * (1.0 + c) ** 2)
        )
        return jnp.stack(
            [
                self.nu - self.s1 * phi,
                self.q1 * self.s1 * phi - self.s2 * eta,
                self.q2 * self.s2 * eta - self.k * c,
            ]
        )
