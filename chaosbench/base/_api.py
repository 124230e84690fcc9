"""The three registries and the public lookup functions."""

from __future__ import annotations

import inspect
import math
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any, Literal

from ._forecaster import AbstractForecaster, check_forecaster
from ._metric import Metric, MetricFn
from ._registry import Registry, RegistryError
from ._system import AbstractSystem


class MalformedSystemError(TypeError):
    """Raised when a registered system does not follow the system protocol."""


def _check_system(id_: str, cls: Any) -> None:
    if not (isinstance(cls, type) and issubclass(cls, AbstractSystem)):
        raise MalformedSystemError(
            f"system {id_!r} must be a subclass of chaosbench.AbstractSystem"
        )
    problems = []
    if inspect.isabstract(cls):
        problems.append("vector_field(self, t, y, args) is not implemented")
    if not getattr(cls, "citation", "").strip():
        problems.append("citation is missing: set the ClassVar `citation` to the source")
    if "default_initial_condition" not in dir(cls) and "initial_condition" not in cls.__dict__:
        problems.append("default_initial_condition is missing")
    try:
        _family_of(cls)
    except MalformedSystemError as error:
        problems.append(str(error))
    if problems:
        raise MalformedSystemError(f"system {id_!r} is malformed: " + "; ".join(problems))


_FAMILY = re.compile(r"^[a-z][a-z0-9_]*$")


def _family_of(cls: type) -> str:
    """The family a system belongs to: the ``FAMILY`` its module declares.

    The family lives in the module, not in the class, so that it can be set or changed
    without touching the class's source text (which keys the system's computed facts).
    """
    module = sys.modules.get(cls.__module__)
    family = getattr(module, "FAMILY", None)
    if family is None:
        raise MalformedSystemError(
            f"module {cls.__module__!r} declares no FAMILY: add a module-level "
            'FAMILY = "..." (a short lower-case name such as "lorenz_like") above its '
            "systems, or move the class into a family module under systems/"
        )
    if not (isinstance(family, str) and _FAMILY.match(family)):
        raise MalformedSystemError(
            f"module {cls.__module__!r} declares FAMILY = {family!r}: it must be a short "
            'lower-case name of letters, digits and underscores, such as "lorenz_like"'
        )
    return family


systems: Registry[type[AbstractSystem]] = Registry("system", _check_system)
forecasters: Registry[type[AbstractForecaster]] = Registry("forecaster", check_forecaster)


def _check_metric(id_: str, metric: Metric) -> None:
    """One headline: a second metric (another name, not a new version) may not claim it."""
    if metric.headline:
        held = [m.id for m in metrics._entries.values() if m.headline and m.column != metric.column]
        if held:
            raise RegistryError(
                f"metric {id_!r} claims the headline, which {held[0]!r} already holds; "
                "register it without headline=True"
            )


metrics: Registry[Metric] = Registry("metric", _check_metric)


def register_system(id_: str, *, aliases: Iterable[str] = ()) -> Callable:
    """Class decorator registering a system under a versioned id (``lorenz63-v1``).

    Sets ``cls.id``, ``cls.aliases`` and ``cls.family``, the family being the
    ``FAMILY`` declared by the class's module (refused with a clear error if it has none).
    """
    aliases = tuple(aliases)
    inner = systems.register(id_, aliases=aliases)

    def decorator(cls):
        cls = inner(cls)
        cls.id, cls.aliases, cls.family = id_, aliases, _family_of(cls)
        return cls

    return decorator


def register_forecaster(id_: str, *, aliases: Iterable[str] = ()) -> Callable:
    """Class decorator registering a forecaster under a versioned id (``esn-v1``)."""
    aliases = tuple(aliases)
    inner = forecasters.register(id_, aliases=aliases)

    def decorator(cls):
        cls = inner(cls)
        cls.id, cls.aliases = id_, aliases
        return cls

    return decorator


def register_metric(
    id_: str,
    *,
    direction: Literal["higher", "lower"],
    kind: Literal["short", "long", "lyapunov"],
    failure: float | None = None,
    reference: float | None = None,
    name: str = "",
    unit: str = "",
    description: str = "",
    headline: bool = False,
    per_system: bool = False,
    floor: str | None = None,
    attractor: bool = False,
) -> Callable[[MetricFn], MetricFn]:
    """Decorator registering ``fn(forecast, truth, facts) -> scalar`` as a metric.

    ``kind``: ``"short"`` scores each test window (``forecast``, ``truth``: ``(steps,
    dim)``), ``"long"`` the long free run against the long truth, ``"lyapunov"`` the
    forecaster's own largest Lyapunov exponent (``forecast``: its estimate, ``truth``: the
    system's λ_max).

    A failed forecast scores ``failure`` (default: 0 when higher is better, +inf when
    lower is better). ``name``, ``unit`` and ``description`` are what tables show;
    ``headline`` makes it the score the leaderboard orders by (one metric only, of kind
    ``"short"``), ``per_system`` names each system's winner by it; ``floor`` names the
    metric's truth floor in the facts (a ``"long"`` metric: rows then carry the value
    normalised by it) and ``attractor`` makes its normalised value decide whether a free
    run is on the attractor (see :class:`chaosbench.Metric`). Returns ``fn`` unchanged.
    """
    if direction not in ("higher", "lower"):
        raise RegistryError(f"metric direction must be 'higher' or 'lower', not {direction!r}")
    if kind not in ("short", "long", "lyapunov"):
        raise RegistryError(f"metric kind must be 'short', 'long' or 'lyapunov', not {kind!r}")
    if failure is None:
        failure = 0.0 if direction == "higher" else math.inf
    if headline and kind != "short":
        raise RegistryError(f"the headline metric must be of kind 'short', not {kind!r}")
    if (floor or attractor) and kind != "long":
        raise RegistryError(f"only a metric of kind 'long' has a truth floor, not {kind!r}")
    if attractor and not floor:
        raise RegistryError("a metric that decides the attractor state needs a `floor`")

    def decorator(fn: MetricFn) -> MetricFn:
        metric = Metric(
            id_,
            fn,
            direction,
            kind,
            failure,
            reference,
            name=name,
            unit=unit,
            description=description,
            headline=headline,
            per_system=per_system or headline,
            floor=floor,
            attractor=attractor,
        )
        metrics.register(id_)(metric)
        return fn

    return decorator


def get_system(id_: str, **parameters: Any) -> AbstractSystem:
    """The system with this id, bare name or alias, at its defaults or given parameters."""
    return systems.get(id_)(**parameters)


def get_forecaster(id_: str, **hyperparameters: Any) -> AbstractForecaster:
    """The forecaster with this id or bare name, at its defaults or given hyperparameters."""
    return forecasters.get(id_)(**hyperparameters)


def get_metric(id_: str) -> Metric:
    """The registered metric with this id or bare name."""
    return metrics.get(id_)


def list_systems() -> list[str]:
    return systems.ids()


def list_forecasters() -> list[str]:
    return forecasters.ids()


def list_metrics() -> list[str]:
    return metrics.ids()
