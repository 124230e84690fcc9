"""The composition root's one job: import the plug-ins so that the registries fill.

Two sources, loaded in this order, each once per process:

1. installed packages that declare an entry point in the group ``chaosbench.plugins``
   (``[project.entry-points."chaosbench.plugins"] my_models = "my_models"``): the entry
   point names a module, which registers systems, forecasters or metrics when imported.
   chaosbench's own systems, forecasters and metrics (``chaosbench.systems``,
   ``chaosbench.forecasters``, ``chaosbench.metrics``) are entry points of this group
   too: the core imports none of them by name;
2. modules named on the command line (``--plugin MODULE_OR_PATH``, repeatable): an
   importable module name (``my_models``, ``my_pkg.forecasters``) or the path of a
   ``.py`` file or of a package directory.

A plug-in met twice is loaded once: a file already imported (say by its entry point) is
not imported again by ``--plugin``, and a byte-identical copy of it (the repository's copy
of an installed package) registers nothing new (:mod:`chaosbench.base._registry`).

Every process of a run loads the same plug-ins: ``--jobs`` children get the same
``--plugin`` arguments, and Ray workers receive the list of :func:`loaded` specs.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import sys
from collections.abc import Iterable
from pathlib import Path

ENTRY_POINT_GROUP = "chaosbench.plugins"


class PluginError(ValueError):
    """A plug-in that cannot be found or fails to import."""


_loaded: list[str] = []  # the --plugin specs loaded in this process, in order


def _imported_from(path: Path) -> str | None:
    """The name of a module already imported from ``path`` (a ``.py`` file, or a package
    directory's ``__init__.py``), under any name: an installed plug-in's entry point
    imports ``my_pkg.models``, ``--plugin my_pkg/models.py`` names the same file."""
    targets = {path, path / "__init__.py"}
    names = {t.name for t in targets}
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if file and Path(file).name in names and Path(file).resolve() in targets:
            return name
    return None


def _import_path(path: Path) -> None:
    """Import a ``.py`` file or a package directory under its stem as module name, unless
    that file is imported already (under whatever name)."""
    path = path.resolve()
    name = path.stem if path.is_file() else path.name
    if _imported_from(path) is not None:
        return
    if path.is_dir():
        init = path / "__init__.py"
        if not init.is_file():
            raise PluginError(f"plug-in directory {path} has no __init__.py: it is not a package")
        spec = importlib.util.spec_from_file_location(
            name, init, submodule_search_locations=[str(path)]
        )
    else:
        spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise PluginError(f"cannot import plug-in {path}: not a Python file or package")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise


def load_plugin(spec: str) -> None:
    """Import one plug-in given as a module name or as a path (see the module docstring)."""
    path = Path(spec)
    if spec in _loaded or str(path.resolve()) in _loaded:
        return
    looks_like_path = spec.endswith(".py") or "/" in spec or path.is_dir()
    try:
        if looks_like_path:
            if not path.exists():
                raise PluginError(
                    f"plug-in {spec!r} not found: give an importable module name or the path "
                    "of a .py file or package directory"
                )
            _import_path(path)
            spec = str(path.resolve())  # workers may run elsewhere
        else:
            importlib.import_module(spec)
    except ModuleNotFoundError as error:
        raise PluginError(
            f"plug-in {spec!r} cannot be imported ({error}); install its package, add its "
            "directory to PYTHONPATH, or pass the path of its .py file"
        ) from None
    _loaded.append(spec)


def _entry_points() -> list[importlib.metadata.EntryPoint]:
    return sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)


def load_plugins(extra: Iterable[str] = ()) -> None:
    """Fill the registries: the installed entry points (chaosbench's own plug-ins among
    them), then ``extra``."""
    entries = _entry_points()
    if not any(entry.dist is not None and entry.dist.name == "chaosbench" for entry in entries):
        raise PluginError(
            "chaosbench's own systems, forecasters and metrics are not registered: the "
            f"package is not installed (no entry points in {ENTRY_POINT_GROUP}). Install it "
            "with `make install` or `pip install -e .` from the repository"
        )
    for entry in entries:
        try:
            entry.load()
        except Exception as error:  # noqa: BLE001 - reported with the package to blame
            raise PluginError(
                f"the installed plug-in {entry.name!r} ({entry.value}, entry point group "
                f"{ENTRY_POINT_GROUP}) failed to load: {type(error).__name__}: {error}"
            ) from error
    for spec in extra:
        load_plugin(spec)


def loaded() -> list[str]:
    """The ``--plugin`` specs loaded in this process (for worker processes to load too)."""
    return list(_loaded)
