"""Registries: a dict and a decorator, with versioned ids.

Ids have the form ``name-vN`` (``lorenz63-v1``). Looking up a bare ``name`` resolves to
the newest registered version; an alias (e.g. the dysts name ``Lorenz``) resolves to
the newest version that declares it. An unknown id raises :class:`UnknownIdError`, which
names the closest matches and how to list every id.

Registering an id twice is refused, unless both registrations are the same code: the same
class (or function) name from the same source file, or from a byte-identical copy of it.
That is one plug-in loaded twice (installed with an entry point, and named by
``--plugin``; or one file imported under two module names), not a conflict; the first
registration stays.
"""

from __future__ import annotations

import difflib
import hashlib
import inspect
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")

_ID = re.compile(r"^(?P<name>[a-z0-9][a-z0-9_.]*)-v(?P<version>[0-9]+)$")


class RegistryError(ValueError):
    """Base class of registry errors."""


class DuplicateIdError(RegistryError):
    """Raised when an id (or alias) is registered twice."""


class UnknownIdError(RegistryError, KeyError):
    """Raised when an id is not registered; the message lists close matches."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0])


def parse_id(id_: str) -> tuple[str, int]:
    """Split ``name-vN`` into ``(name, N)``; raise a clear error on a malformed id."""
    match = _ID.match(id_)
    if match is None:
        raise RegistryError(
            f"malformed id {id_!r}: ids are lower-case names with a version suffix, "
            "e.g. 'lorenz63-v1'"
        )
    return match["name"], int(match["version"])


def _origin(entry: object) -> tuple[str, str, str] | None:
    """``(qualified name, source file, SHA-256 of the file)`` of the class or function
    behind ``entry`` (a metric's function for a metric); ``None`` when it has no file."""
    code = entry if inspect.isclass(entry) or inspect.isfunction(entry) else None
    code = code or getattr(entry, "fn", None)
    if not (inspect.isclass(code) or inspect.isfunction(code)):
        return None
    try:
        path = Path(inspect.getfile(code)).resolve()
        source = path.read_bytes()
    except (TypeError, OSError):
        return None
    return code.__qualname__, str(path), hashlib.sha256(source).hexdigest()


def _same_code(a: tuple[str, str, str] | None, b: tuple[str, str, str] | None) -> bool:
    return a is not None and b is not None and (a[0], a[2]) == (b[0], b[2])


class Registry(Generic[T]):
    """A named registry of versioned entries.

    **Arguments:**

    - `kind`: what is registered ("system", "forecaster", "metric"), used in messages.
    - `check`: called on each entry at registration; raises to refuse a malformed entry.
    """

    def __init__(self, kind: str, check: Callable[[str, T], None] | None = None):
        self.kind = kind
        self._check = check
        self._entries: dict[str, T] = {}
        self._aliases: dict[str, str] = {}
        self._origins: dict[str, tuple[str, str, str] | None] = {}

    def register(self, id_: str, *, aliases: Iterable[str] = ()) -> Callable[[T], T]:
        """Decorator registering an entry under ``id_``; returns the entry unchanged."""
        name, _ = parse_id(id_)
        aliases = tuple(aliases)

        def decorator(entry: T) -> T:
            origin = _origin(entry)
            if id_ in self._entries:
                first = self._origins.get(id_)
                if _same_code(first, origin):
                    return entry  # one plug-in loaded twice: the first registration stays
                raise DuplicateIdError(self._duplicate_message(id_, first, origin))
            for alias in aliases:
                owner = self._aliases.get(alias)
                if owner is not None and parse_id(owner)[0] != name:
                    raise DuplicateIdError(f"{self.kind} alias {alias!r} already names {owner!r}")
            if self._check is not None:
                self._check(id_, entry)
            self._entries[id_] = entry
            self._origins[id_] = origin
            for alias in aliases:
                current = self._aliases.get(alias)
                if current is None or parse_id(current)[1] < parse_id(id_)[1]:
                    self._aliases[alias] = id_
            return entry

        return decorator

    def _duplicate_message(self, id_: str, first, second) -> str:
        name, version = parse_id(id_)
        bump = f"bump the version (e.g. '{name}-v{version + 1}') instead of re-registering"
        if first is None or second is None or first[0] != second[0]:
            return f"{self.kind} id {id_!r} is already registered; {bump}"
        where = (
            f"by {first[1]} and again by {second[1]}, whose code differs"
            if first[1] != second[1]
            else f"twice by {first[1]}, which changed in between"
        )
        return (
            f"{self.kind} id {id_!r} is registered {where}. If they are the same plug-in "
            "(installed and also named by --plugin), load it once: drop the --plugin, or "
            f"reinstall the package so that both are the same code. If the code is new, {bump}"
        )

    def resolve(self, id_: str) -> str:
        """Return the full versioned id for an id, a bare name or an alias."""
        if id_ in self._entries:
            return id_
        if id_ in self._aliases:
            return self._aliases[id_]
        versions = [(parse_id(full)[1], full) for full in self._entries if parse_id(full)[0] == id_]
        if versions:
            return max(versions)[1]
        known = sorted(self._entries)
        if not known:
            raise UnknownIdError(
                f"unknown {self.kind} {id_!r}: no {self.kind}s are registered in this process. "
                "Call chaosbench.load_plugins() first (it registers the shipped systems, "
                "forecasters and metrics and any installed plug-ins; importing chaosbench "
                "registers nothing)"
            )
        candidates = known + sorted(self._aliases) + sorted({parse_id(k)[0] for k in known})
        close = difflib.get_close_matches(id_, candidates, n=5, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise UnknownIdError(
            f"unknown {self.kind} {id_!r}.{hint} `chaosbench list {self.kind}s` lists all "
            f"{len(known)} (Python: chaosbench.list_{self.kind}s())"
        )

    def get(self, id_: str) -> T:
        return self._entries[self.resolve(id_)]

    def ids(self) -> list[str]:
        return sorted(self._entries)

    def ids_in_order(self) -> list[str]:
        """The ids in the order they were registered."""
        return list(self._entries)

    def aliases_of(self, id_: str) -> list[str]:
        full = self.resolve(id_)
        return sorted(a for a, owner in self._aliases.items() if owner == full)

    def __contains__(self, id_: str) -> bool:
        try:
            self.resolve(id_)
        except UnknownIdError:
            return False
        return True

    def __len__(self) -> int:
        return len(self._entries)
