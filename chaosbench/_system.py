"""The system base class: a chaotic ODE as an Equinox module."""

from __future__ import annotations

import abc
import dataclasses
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
    period is computed from the spectrum). The registry sets ``id`` and ``aliases`` when
    the class is registered.
    """

    default_initial_condition: ClassVar[tuple[float, ...]]
    citation: ClassVar[str]
    description: ClassVar[str] = ""
    dt_hint: ClassVar[float] = 1e-2
    stiff: ClassVar[bool] = False
    timescale: ClassVar[float | None] = None
    id: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()

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
