"""Float64, scoped: the benchmark's numerics run in double precision without touching
JAX's global configuration.

Importing chaosbench leaves the host program's JAX configuration as it found it (a
user's float32 model stays float32). The entry points that generate data, compute a
system's facts, fit, forecast and score are wrapped in :func:`float64`, so that a
library user who never enabled x64 still gets float64 datasets and the benchmark's
numbers. The CLI and its workers switch x64 on globally
(:func:`chaosbench.configure`); inside the scope nothing changes for them, so their rows
are the same bits.

``jax.enable_x64(True)`` is JAX's own scoped switch (a thread-local context manager that
is also part of the jit cache key); :func:`float64` is that switch used as a decorator.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import jax

P = ParamSpec("P")
R = TypeVar("R")


def float64(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` with JAX's x64 mode on in this thread (``jax.enable_x64(True)``), and
    restore the caller's mode when it returns. Arrays it returns keep their float64
    dtype (numpy arrays are unaffected by the mode anyway)."""

    @functools.wraps(fn)
    def scoped(*args: P.args, **kwargs: P.kwargs) -> R:
        with jax.enable_x64(True):
            return fn(*args, **kwargs)

    return scoped
