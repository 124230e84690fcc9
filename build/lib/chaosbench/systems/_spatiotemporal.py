"""Spatially extended systems: Lorenz-96 on a ring of sites, and the Kuramoto–Sivashinsky
equation on a periodic domain, integrated with ETDRK4."""

from typing import ClassVar

import equinox as eqx
import jax.numpy as jnp
import numpy as np

from chaosbench import AbstractSteppedSystem, AbstractSystem, register_system

FAMILY = "spatiotemporal"


def _lorenz96(x, forcing):
    return (jnp.roll(x, -1) - jnp.roll(x, 2)) * jnp.roll(x, 1) - x + forcing


_L96_CITATION = (
    "Lorenz, Edward (1996). Predictability: A problem partly solved. "
    "Seminar on Predictability, Vol. I, ECMWF."
)


_CITATION = (
    "Kassam, A.-K. and Trefethen, L. N. (2005). Fourth-order time-stepping for stiff "
    "PDEs. SIAM Journal on Scientific Computing 26(4): 1214-1233. "
    "Cox, S. M. and Matthews, P. C. (2002). Exponential time differencing for stiff "
    "systems. Journal of Computational Physics 176(2): 430-455. "
    "Kuramoto, Y. and Tsuzuki, T. (1976), Prog. Theor. Phys. 55: 356; "
    "Sivashinsky, G. I. (1977), Acta Astronautica 4: 1177."
)


_CONTOUR_POINTS = 64  # Kassam & Trefethen use 32 (real L) or 64; 64 costs nothing here


def _etdrk4_coefficients(linear, h):
    """``E, E/2, Q, f1, f2, f3`` of ETDRK4 for the diagonal linear part ``linear``.

    The φ-functions are evaluated as means over a circle of radius 1 around each
    ``h * linear`` (Kassam & Trefethen 2005, §3): direct formulas cancel catastrophically
    for small ``|h L|``, the contour mean does not.
    """
    hl = h * linear
    roots = jnp.exp(1j * jnp.pi * (jnp.arange(1, _CONTOUR_POINTS + 1) - 0.5) / _CONTOUR_POINTS)
    lr = hl[:, None] + roots[None, :]
    exp_lr = jnp.exp(lr)
    q = h * jnp.real(jnp.mean((jnp.exp(lr / 2) - 1) / lr, axis=1))
    f1 = h * jnp.real(jnp.mean((-4 - lr + exp_lr * (4 - 3 * lr + lr**2)) / lr**3, axis=1))
    f2 = h * jnp.real(jnp.mean((2 + lr + exp_lr * (-2 + lr)) / lr**3, axis=1))
    f3 = h * jnp.real(jnp.mean((-4 - 3 * lr - lr**2 + exp_lr * (4 - lr)) / lr**3, axis=1))
    return jnp.exp(hl), jnp.exp(hl / 2), q, f1, f2, f3


@register_system("lorenz96-v1")
class Lorenz96(AbstractSystem):
    """Lorenz-96 on a ring of ``n`` sites: ẋ_i = (x_{i+1} − x_{i−2}) x_{i−1} − x_i + F.

    Defaults: n = 10, F = 8 (the standard chaotic regime). The initial condition is the
    fixed point F with the first site nudged by 0.01, a common choice in the literature.
    """

    forcing: float = 8.0
    n: int = eqx.field(default=10, static=True)

    citation: ClassVar[str] = _L96_CITATION
    description: ClassVar[str] = "A ring of advected, damped, forced sites (atmospheric toy)."
    dt_hint: ClassVar[float] = 1e-3

    @property
    def initial_condition(self):
        return jnp.full(self.n, self.forcing).at[0].add(0.01)

    def vector_field(self, t, y, args):
        return _lorenz96(y, self.forcing)


@register_system("lorenz96_dysts-v1", aliases=("Lorenz96",))
class Lorenz96Dysts(AbstractSystem):
    """dysts' Lorenz-96: four sites at F = 20 (see :class:`Lorenz96` for the equation)."""

    f: float = 20.0

    default_initial_condition = (-2.46820633, 0.09570264, 1.59270902, 10.21372147)
    citation = _L96_CITATION
    description = "Lorenz-96 with four sites, as in the dysts catalogue."
    dt_hint = 1e-3

    def vector_field(self, t, y, args):
        return _lorenz96(y, self.f)


class _AbstractKuramotoSivashinsky(AbstractSteppedSystem):
    r"""u_t = −u u_x − u_xx − u_xxxx on [0, L) with periodic boundary conditions.

    **State and observation:** u on the uniform grid x_j = j L / n, j = 0 … n−1
    (dimension n); the internal state is that same grid vector, so ``observe`` is the
    identity and any observed vector is a valid initial condition.

    **Scheme:** pseudo-spectral in space (``rfft``, the nonlinear term as −½ (u²)_x; no
    dealiasing, as in Kassam & Trefethen; the Nyquist mode's first derivative is set to
    zero) and ETDRK4 in time (Cox & Matthews 2002) with the φ-functions evaluated by
    Kassam & Trefethen's contour integrals. The linear part k² − k⁴ is diagonal in
    Fourier space and very stiff (k⁴ reaches ~10³ at the grid scale), which is why the
    system is a stepped system rather than a diffrax ODE: diffrax has no exponential
    integrator; its explicit solvers would be limited by that stiffness to steps ~10³
    times smaller, and its implicit/IMEX solvers (Kvaerno, KenCarp) would solve a dense
    n×n (tangent: n(k+1)) Newton system every stage. ETDRK4 treats the linear part
    exactly and is fourth order with steps of 1/4 (Kassam & Trefethen).

    **Initial condition:** u₀(x) = cos(2πx/L)(1 + sin(2πx/L)), Kassam & Trefethen's
    cos(x/16)(1 + sin(x/16)) on [0, 32π] rescaled to the domain; the mean of u is
    conserved and zero.
    """

    length: float
    n: int = eqx.field(static=True)

    citation: ClassVar[str] = _CITATION
    description: ClassVar[str] = (
        "A flame-front / phase-turbulence PDE: spatiotemporal chaos on a periodic domain."
    )
    step_size: ClassVar[float] = 0.25
    # No dominant temporal frequency: sample at Δ = 0.25 (100 points per 25 time units), the
    # step of Kassam & Trefethen and of most reservoir-computing studies of KS.
    timescale: ClassVar[float] = 25.0
    default_initial_condition: ClassVar[tuple[float, ...]] = ()  # see initial_condition

    @property
    def initial_condition(self):
        x = self.grid
        return jnp.cos(2 * jnp.pi * x / self.length) * (1 + jnp.sin(2 * jnp.pi * x / self.length))

    @property
    def grid(self):
        return jnp.asarray(np.arange(self.n) * (self.length / self.n))

    def _wavenumbers(self):
        k = 2 * jnp.pi * jnp.fft.rfftfreq(self.n, d=self.length / self.n)
        derivative = 1j * k
        if self.n % 2 == 0:
            derivative = derivative.at[-1].set(0.0)  # Nyquist: no odd derivative
        return k, derivative

    def init_state(self, y0, h):
        del h
        return y0

    def observe(self, state, h):
        del h
        return state

    def step(self, t, state, h):
        del t
        k, derivative = self._wavenumbers()
        linear = k**2 - k**4
        e, e2, q, f1, f2, f3 = _etdrk4_coefficients(linear, h)
        g = -0.5 * derivative

        def nonlinear(v):
            u = jnp.fft.irfft(v, n=self.n)
            return g * jnp.fft.rfft(u * u)

        v = jnp.fft.rfft(state)
        nv = nonlinear(v)
        a = e2 * v + q * nv
        na = nonlinear(a)
        b = e2 * v + q * na
        nb = nonlinear(b)
        c = e2 * a + q * (2 * nb - nv)
        nc = nonlinear(c)
        v = e * v + nv * f1 + 2 * (na + nb) * f2 + nc * f3
        return jnp.fft.irfft(v, n=self.n)


@register_system("kuramoto_sivashinsky-v1", aliases=("KuramotoSivashinsky",))
class KuramotoSivashinsky(_AbstractKuramotoSivashinsky):
    """Kuramoto–Sivashinsky at L = 22 on 64 grid points: the standard small chaotic domain.

    λ₁ ≈ 0.043–0.048 (Cvitanović, Davidchack & Siminos 2010, SIAM J. Appl. Dyn. Syst. 9:
    1–33; Edson, Bunder, Mattner & Roberts 2019, ANZIAM J. 61: 270–285); pinned by
    ``tests/test_kuramoto_sivashinsky.py``.
    """

    length: float = 22.0
    n: int = eqx.field(default=64, static=True)


@register_system("kuramoto_sivashinsky_l100-v1")
class KuramotoSivashinskyL100(_AbstractKuramotoSivashinsky):
    """Kuramoto–Sivashinsky at L = 100 on 128 grid points: extensive spatiotemporal chaos."""

    length: float = 100.0
    n: int = eqx.field(default=128, static=True)
