"""What a leaderboard row is a function of, in hashable form.

A row's run id hashes everything that decides its numbers (see
:func:`chaosbench.harness._plan.run_id`). This module supplies the parts that are read from code:

- :func:`hyperparameters`: every field of a forecaster, defaults included, read from the
  dataclass fields (an Equinox repr leaves out fields at their defaults, so ``repr`` cannot
  tell two different defaults apart);
- :func:`code_digest`: the source of the module that defines a class and of every module
  of the same plug-in package that it uses, transitively (a forecaster's module and the
  toolkit modules it imports; a plug-in file on its own). A plug-in package is a
  top-level package, or one of chaosbench's own (``chaosbench.forecasters``, ...): the
  core's modules are never part of a digest;
- :func:`git_commit`: the commit of the working tree, marked ``-dirty`` when its code has
  uncommitted changes (a stamp, not part of the id; changed result files under
  ``results/`` do not count: a run writes and moves them itself).

Changes to the core (``chaosbench``) or to metric code that alter numbers bump the
protocol or a metric's version instead, so that a refactor of the harness does not force
a catalogue-wide recompute.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import inspect
import subprocess
import sys
import threading
import types
from pathlib import Path
from typing import Any

import numpy as np

_SOURCE_LOCK = threading.Lock()


def _plain(value: Any) -> Any:
    """A JSON-able form of a hyperparameter value (arrays as lists, callables by name)."""
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        return np.asarray(value).tolist()
    if callable(value):
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', value)}"
    return repr(value)


def hyperparameters(module: Any) -> dict[str, Any]:
    """Every dataclass field of ``module`` (an ``eqx.Module``) with its value, JSON-able."""
    return {f.name: _plain(getattr(module, f.name)) for f in dataclasses.fields(module)}


def _source_bytes(module: types.ModuleType) -> bytes:
    path = getattr(module, "__file__", None)
    if path and Path(path).is_file():
        return Path(path).read_bytes()
    with _SOURCE_LOCK:  # CPython 3.11's parser is not thread-safe (python/cpython#106905)
        try:
            return inspect.getsource(module).encode()
        except (OSError, TypeError):
            return module.__name__.encode()


def plugin_package(module_name: str) -> str:
    """The plug-in package of a module: its top-level package, or for a module inside
    ``chaosbench`` the sub-package it lives in (``chaosbench.forecasters._esn`` →
    ``chaosbench.forecasters``)."""
    parts = module_name.split(".")
    return ".".join(parts[:2]) if parts[0] == "chaosbench" and len(parts) > 1 else parts[0]


def _used_modules(cls: type) -> list[types.ModuleType]:
    """The modules of ``cls``'s own package that define it or that it uses, transitively.

    A module uses another when one of its globals is that module or was defined in it. The
    package's ``__init__`` is left out (it re-exports every member of the family), unless
    the class is defined there.
    """
    root = plugin_package(cls.__module__)
    root_module = sys.modules.get(root)
    is_package = hasattr(root_module, "__path__")
    start = [k.__module__ for k in cls.__mro__ if plugin_package(k.__module__) == root]
    seen: dict[str, types.ModuleType] = {}
    stack = list(dict.fromkeys(start))
    while stack:
        name = stack.pop()
        if name in seen or name not in sys.modules:
            continue
        if name == root and is_package and name != cls.__module__:
            continue
        module = sys.modules[name]
        seen[name] = module
        for value in vars(module).values():
            other = (
                value.__name__
                if isinstance(value, types.ModuleType)
                else getattr(value, "__module__", None)
            )
            if isinstance(other, str) and plugin_package(other) == root and other not in seen:
                stack.append(other)
    return [seen[name] for name in sorted(seen)]


@functools.cache
def code_digest(cls: type) -> dict[str, str]:
    """``{module name: sha256 of its source}`` for the modules :func:`_used_modules` finds."""
    return {
        m.__name__: hashlib.sha256(_source_bytes(m)).hexdigest()[:16] for m in _used_modules(cls)
    }


def git_commit(where: Path | None = None) -> str:
    """The short commit of the checkout holding ``where``, ``-dirty`` if it has changes;
    ``unknown`` outside a git checkout."""
    cwd = where or Path(__file__).parent

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], capture_output=True, text=True, cwd=cwd, timeout=10, check=False
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short=12", "HEAD")
        if not commit:
            return "unknown"
        dirty = git(
            "status", "--porcelain", "--untracked-files=no", "--", ":/", ":(top,exclude)results"
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{commit}-dirty" if dirty else commit
