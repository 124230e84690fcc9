"""The system base class: a chaotic ODE as an Equinox module."""

from __future__ import annotations

import abc
import dataclasses
import math
from typing import Any, ClassVar

import equinox as eqx
import jax.numpy as jnp
import numpy as np

from ._types import Array, State


class AbstractSystem(eqx.Module):
    """A chaotic ordinary differential equation dy/dt = f(t, y).

    Fields are the system's parameters (literature defaults). ``vector_field(t, y, args)``
    has diffrax's signature, so ``diffrax.ODETerm(system.vector_field)`` integrates it.

    Class-level data (``ClassVar``): ``default_initial_condition``, ``citation``,
    ``description``, ``dt_hint`` (a typical stable step, used as diffrax's first step)
    ``stiff`` (integrate with an implicit solver) and ``timescale`` (a characteristic time
    used as the "period" of the protocol — 100 samples per timescale — for systems whose
    power spectrum has no dominant peak, such as spatiotemporal chaos; by default the
    period is computed from the spectrum). The registry sets ``id``, ``aliases`` and
    ``family`` (the ``FAMILY`` its module declares, e.g. "lorenz_like") when the class is
    registered.

    ``phase_indices`` names the coordinates that are angles and grow without bound (the
    phase of a periodic forcing, a position on a torus; dysts' ``unbounded_indices``),
    and ``phase_periods`` their periods (2π unless a system says otherwise, e.g. a
    protocol clock of period τ). They are integrated as they are but never observed raw:
    :meth:`wrap_phases` maps each such θ of period P to ``sin(2πθ/P)`` in its own slot and
    appends ``cos(2πθ/P)`` after the state, so what datasets and attractor statistics see
    is bounded, smooth and one-to-one.
    """

    default_initial_condition: ClassVar[tuple[float, ...]]
    citation: ClassVar[str]
    description: ClassVar[str] = ""
    dt_hint: ClassVar[float] = 1e-2
    stiff: ClassVar[bool] = False
    timescale: ClassVar[float | None] = None
    phase_indices: ClassVar[tuple[int, ...]] = ()
    id: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()
    family: ClassVar[str] = ""

    @abc.abstractmethod
    def vector_field(self, t: Array, y: State, args: Any) -> State:
        """dy/dt at time ``t`` and state ``y`` (shape ``(dim,)``)."""

    @property
    def initial_condition(self) -> State:
        """A default initial condition (dysts' where the system comes from dysts)."""
        return jnp.asarray(self.default_initial_condition, dtype=jnp.float64)

    @property
    def dimension(self) -> int:
        return int(np.shape(self.initial_condition)[0])

    @property
    def observed_dimension(self) -> int:
        """Length of :meth:`wrap_phases`'s output: the state plus one ``cos θ`` per phase."""
        return self.dimension + len(self.phase_indices)

    @property
    def phase_periods(self) -> tuple[float, ...]:
        """Period of each of ``phase_indices`` (2π each unless a system overrides it)."""
        return (2 * math.pi,) * len(self.phase_indices)

    def wrap_phases(self, ys: Array) -> Array:
        """What the benchmark sees of states ``ys`` (``(..., dimension)``): the state with
        each phase θ (period P) replaced by ``sin(2πθ/P)``, followed by ``cos(2πθ/P)`` of
        each phase."""
        if not self.phase_indices:
            return ys
        xp = np if isinstance(ys, np.ndarray) else jnp
        idx = list(self.phase_indices)
        phases = ys[..., idx] * (2 * math.pi / np.asarray(self.phase_periods, dtype=float))
        if xp is np:
            ys = ys.copy()
            ys[..., idx] = np.sin(phases)
        else:
            ys = ys.at[..., idx].set(jnp.sin(phases))
        return xp.concatenate([ys, xp.cos(phases)], axis=-1)

    @property
    def parameters(self) -> dict[str, float]:
        """The parameter fields as a plain dict (in declaration order)."""
        return {
            f.name: _plain(getattr(self, f.name))
            for f in dataclasses.fields(self)
            if not f.name.startswith("_")
        }


def _plain(value: Any) -> Any:
    array = np.asarray(value)
    if array.ndim == 0:
        return array.item()
    return array.tolist()
