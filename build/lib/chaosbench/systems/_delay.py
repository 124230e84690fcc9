"""Delay-differential equations x'(t) = F(x(t), x(t − τ)): dysts' six scalar delay systems.

**Scheme.** Method of steps with a history buffer: the internal state holds x and x' on
the step grid t, t − h, …, t − (m − 1) h (newest first), and one classical RK4 step
needs x(t + c h − τ) for c = 0, ½, 1, which a cubic Hermite interpolant of the buffered
values and derivatives supplies between grid points — so τ need not be a multiple of h
and the scheme stays fourth order (the Hermite interpolant is the natural continuous
extension of RK4: its error is O(h⁴) like the step's). Each grid point stores its left
and right derivative: they differ only at t = 0, where an arbitrary history joins the
solution with a kink; keeping both keeps that kink out of the interpolation, so
x' = −x(t − 1) with history 1 is integrated exactly on [0, 3] (tested). The buffer is a
shift register (newest value first): copying m floats per step costs less than the
interpolation, and a flat state vector is what the tangent maps of the Lyapunov
spectrum need. It is sized for steps down to half the nominal ``step_size``; a smaller
step (a sampling interval below ``step_size / 2``) gives NaN, like a failed ODE solve.

**Observation: a delay embedding of dimension 10.** A delay equation is
infinite-dimensional: its state is the history segment on [t − τ, t]. dysts returns its
delay systems as the embedding (x(t), x(t − τ/9), …, x(t − τ)) — ``embedding_dimension``
10 in the catalogue, whose initial conditions, means and stds have ten entries — and we
follow it, for a reason beyond comparability: the benchmark's datasets burn initial
conditions in with ``advance`` and then restart ``sample`` from the observed vector
alone, so the observation must determine the state well enough to survive that round
trip. Ten points spanning the delay do (``init_state`` interpolates them linearly into a
history segment, a small perturbation of the true one that decays on the stable
manifold); the scalar x(t) alone would restart every trajectory from a constant history,
throwing away the burn-in. The cost: the forecasters see ten lagged copies of one
signal, and the Lyapunov facts report the leading 8 exponents (of infinitely many).

**Conventions of dysts kept:** its right-hand sides (including ScrollDelay's and
PiecewiseCircuit's damping of the *delayed* value), parameters, initial conditions and
embedding; a constant history is what dysts starts from (``ic[0]`` for all t < 0), ours
is the interpolated embedding. Changed: Mackey–Glass uses τ = 17, the standard chaotic
case (Farmer 1982: λ₁ ≈ 0.007), where dysts has τ = 16.
"""

from __future__ import annotations

import abc
import math
from typing import ClassVar

import jax
import jax.numpy as jnp

from chaosbench import AbstractSteppedSystem, register_system

FAMILY = "delay"


def _hermite(xs, dl, dr, lag, h):
    """x(t − lag) from the buffer (index i ↔ time t − i h), by cubic Hermite interpolation.

    The interval [t − (j + 1) h, t − j h] containing t − lag uses x and the right
    derivative at its older end, x and the left derivative at its newer end.
    """
    p = lag / h
    j = jnp.clip(jnp.floor(p), 0, xs.shape[0] - 2).astype(jnp.int32)
    u = 1 - (p - j)  # 0 at the older end (index j + 1), 1 at the newer (index j)
    x_a, d_a, x_b, d_b = xs[j + 1], dr[j + 1], xs[j], dl[j]
    u2, u3 = u * u, u * u * u
    return (
        (2 * u3 - 3 * u2 + 1) * x_a
        + (u3 - 2 * u2 + u) * h * d_a
        + (-2 * u3 + 3 * u2) * x_b
        + (u3 - u2) * h * d_b
    )


class AbstractDelaySystem(AbstractSteppedSystem):
    """A scalar delay equation x'(t) = F(x(t), x(t − τ)) (see the module docstring).

    Subclasses set the parameter fields (one of them ``tau``, a Python float: it sizes
    the buffer), ``rhs(x, x_delayed)``, ``step_size`` and the class data.
    """

    tau: float

    embedding_dimension: ClassVar[int] = 10
    step_size: ClassVar[float] = 0.05

    @abc.abstractmethod
    def rhs(self, x, x_delayed):
        """F(x(t), x(t − τ))."""

    # -- the buffer ------------------------------------------------------------------

    @property
    def buffer_length(self) -> int:
        """Grid points kept: enough to look τ back with steps down to ``step_size / 2``."""
        return math.ceil(2 * float(self.tau) / self.step_size) + 4

    def _split(self, state):
        m = self.buffer_length
        return state[:m], state[m : 2 * m], state[2 * m :]

    def _lags(self, dtype):
        return jnp.linspace(0.0, self.tau, self.embedding_dimension, dtype=dtype)

    def _valid(self, h):
        return self.tau / h <= self.buffer_length - 2

    def history_state(self, x, dxdt, x_now, h):
        """The state of a history given on the grid: ``x``, ``dxdt`` at lags ``i h``.

        ``x``/``dxdt`` are the history's values and (left) derivatives at t − i h, i = 0
        … m − 1, with ``x[0] = x_now`` the value at t; the right derivative at t is
        F(x(t), x(t − τ)). NaN where ``h`` is too small for the buffer.
        """
        state_x = x.at[0].set(x_now)
        dr = dxdt.at[0].set(self.rhs(x_now, _hermite(state_x, dxdt, dxdt, self.tau, h)))
        state = jnp.concatenate([state_x, dxdt, dr])
        return jnp.where(self._valid(h), state, jnp.nan)

    def init_state(self, y0, h):
        """A history through the embedding ``y0`` (linear between lags, constant beyond τ)."""
        lags = self._lags(y0.dtype)
        grid = h * jnp.arange(self.buffer_length, dtype=y0.dtype)
        x = jnp.interp(grid, lags, y0)
        slopes = jnp.diff(y0) / jnp.diff(lags)  # dx/d(lag) on each segment
        segment = jnp.clip(jnp.searchsorted(lags, grid, side="left"), 1, lags.shape[0] - 1)
        dxdt = jnp.where(grid < self.tau, -slopes[segment - 1], 0.0)  # d/dt = −d/d(lag)
        return self.history_state(x, dxdt, y0[0], h)

    def observe(self, state, h):
        xs, dl, dr = self._split(state)
        interpolate = jax.vmap(_hermite, in_axes=(None, None, None, 0, None))
        return interpolate(xs, dl, dr, self._lags(state.dtype), h)

    def step(self, t, state, h):
        del t
        xs, dl, dr = self._split(state)
        x0, k1 = xs[0], dr[0]
        x_half = _hermite(xs, dl, dr, self.tau - h / 2, h)
        x_full = _hermite(xs, dl, dr, self.tau - h, h)
        k2 = self.rhs(x0 + h / 2 * k1, x_half)
        k3 = self.rhs(x0 + h / 2 * k2, x_half)
        k4 = self.rhs(x0 + h * k3, x_full)
        x1 = x0 + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        d1 = self.rhs(x1, x_full)  # x'(t + h): its delayed value is x(t + h − τ)

        def push(buffer, value):
            return jnp.concatenate([jnp.reshape(value, (1,)), buffer[:-1]])

        return jnp.concatenate([push(xs, x1), push(dl, d1), push(dr, d1)])


_DYSTS_NOTE = " Parameters and initial condition (a delay embedding) from dysts."


@register_system("mackey_glass-v1", aliases=("MackeyGlass",))
class MackeyGlass(AbstractDelaySystem):
    """Mackey–Glass: x' = β x_τ / (1 + x_τⁿ) − γ x, with x_τ = x(t − τ).

    τ = 17 (dysts: 16), the chaotic case used throughout reservoir computing; Farmer
    (1982, Physica D 4: 366) finds λ₁ ≈ 0.007 per unit time there.
    """

    beta: float = 0.2
    gamma: float = 0.1
    n: float = 10.0
    tau: float = 17.0

    default_initial_condition = (
        0.83347846, 1.04053938, 1.25764979, 0.38088098, 0.92160075,
        1.14714708, 0.80463944, 0.86849516, 1.16961728, 0.76980123,
    )  # fmt: skip
    citation = (
        "Glass, L. and Mackey, M. C. (1979). Pathological physiological conditions "
        "resulting from instabilities in physiological control systems. Ann. NY. Acad. "
        "Sci. Farmer, J. D. (1982). Chaotic attractors of an infinite-dimensional "
        "dynamical system. Physica D 4(3): 366-393."
    )
    description = "A physiological circuit with time-delayed feedback." + _DYSTS_NOTE
    step_size = 0.1  # a smooth, slow signal (period ≈ 50): RK4 error ~1e-8 per unit time

    def rhs(self, x, x_delayed):
        return self.beta * x_delayed / (1 + x_delayed**self.n) - self.gamma * x


@register_system("ikeda_delay-v1", aliases=("IkedaDelay",))
class IkedaDelay(AbstractDelaySystem):
    """Ikeda's delayed optical feedback: x' = μ sin(x_τ − x₀) − c x."""

    c: float = 1.0
    mu: float = -20.0
    tau: float = 2.0
    x0: float = 0.0

    default_initial_condition = (
        0.024144317, 3.79262024, 3.17466302, -3.87959208, 2.05198674,
        0.95755518, 1.45382405, 3.04462032, -1.70340258, 1.00350536,
    )  # fmt: skip
    citation = (
        "K. Ikeda and K. Matsumoto (1987). High-dimensional chaotic behavior in systems "
        "with time-delayed feedback, Physica D, 29 (1-2), 223-235"
    )
    description = "A passive optical resonator system." + _DYSTS_NOTE
    step_size = 0.005  # |μ| = 20 makes the delayed feedback fast

    def rhs(self, x, x_delayed):
        return self.mu * jnp.sin(x_delayed - self.x0) - self.c * x


@register_system("sprott_delay-v1", aliases=("SprottDelay",))
class SprottDelay(AbstractDelaySystem):
    """Sprott's delay equation x' = sin(x_τ) (dysts: Ikeda's form with μ = 1, c = 0)."""

    c: float = 0.0
    mu: float = 1.0
    x0: float = 0.0
    tau: float = 5.1

    default_initial_condition = (
        9.30770542, 12.7465327, 9.98335715, 7.33212279, 8.554363,
        11.19207081, 10.35063786, 6.07706904, 8.05360832, 8.98894939,
    )  # fmt: skip
    citation = (
        "Sprott, J. C (2007). A simple chaotic delay differential equation. Physics "
        "Letters A 366.4-5: 397-402."
    )
    description = "An algebraically simple delay equation." + _DYSTS_NOTE
    step_size = 0.05

    def rhs(self, x, x_delayed):
        return self.mu * jnp.sin(x_delayed - self.x0) - self.c * x


@register_system("voss_delay-v1", aliases=("VossDelay",))
class VossDelay(AbstractDelaySystem):
    """Voss's circuit: x' = −α x + f(x_τ), f(x) = −10.44x³ − 13.95x² − 3.63x + 0.85."""

    alpha: float = 3.24
    tau: float = 13.28

    default_initial_condition = (
        0.24640194, 0.02997028, 0.02899997, 0.07092207, 0.29465271,
        -0.46294535, 0.27610925, -0.52696993, 0.19878552, -0.23221942,
    )  # fmt: skip
    citation = "Voss (2002). Real-time anticipation of chaotic states of an electronic circuit."
    description = "An electronic circuit with delayed feedback." + _DYSTS_NOTE
    step_size = 0.02

    def rhs(self, x, x_delayed):
        f = -10.44 * x_delayed**3 - 13.95 * x_delayed**2 - 3.63 * x_delayed + 0.85
        return -self.alpha * x + f


@register_system("scroll_delay-v1", aliases=("ScrollDelay",))
class ScrollDelay(AbstractDelaySystem):
    """A scroll-generating delay circuit: x' = −α x_τ + β tanh(10 x_τ) (dysts' form)."""

    alpha: float = 0.2
    beta: float = 0.2
    tau: float = 10.0

    default_initial_condition = (
        -0.70009241, -0.1619611, -1.3858096, -2.00973849, -0.3170297,
        0.33881451, 0.97378904, 1.95957145, 0.89772925, -0.340544,
    )  # fmt: skip
    citation = "R.D. Driver, Ordinary and Delay Differential Equations (Springer, New York, 1977)."
    description = "A delay model that can be implemented as an electronic circuit." + _DYSTS_NOTE
    step_size = 0.05

    def rhs(self, x, x_delayed):
        return -self.alpha * x_delayed + self.beta * jnp.tanh(10 * x_delayed)


@register_system("piecewise_circuit-v1", aliases=("PiecewiseCircuit",))
class PiecewiseCircuit(AbstractDelaySystem):
    """Tamaševičius et al.'s circuit: x' = −α x_τ + β f(x_τ), f(x) = −(x/c)³ + 3x/c."""

    alpha: float = 1.0
    beta: float = 1.0
    c: float = 2.24
    tau: float = 4.9

    default_initial_condition = (
        -0.37155972, -0.55024994, -1.07760125, -2.08210946, -2.92172609,
        0.22026821, 2.18909877, 1.43553442, 0.47734972, 1.36510289,
    )  # fmt: skip
    citation = "A. Tamasevicius, G. Mykolaitis, S. Bumeliene, Electron. Lett. 42, 13 (2006)"
    description = "A delay model that can be implemented as an electronic circuit." + _DYSTS_NOTE
    step_size = 0.05

    def rhs(self, x, x_delayed):
        f = -((x_delayed / self.c) ** 3) + 3 * x_delayed / self.c
        return -self.alpha * x_delayed + self.beta * f
