"""Benchmark suites: small declarative TOML files, not code branches.

A suite file names systems, forecaster specs, tasks and seeds (the protocol is the default
:class:`chaosbench.Protocol`)::

    name = "my-suite"                   # optional: the file's stem
    systems = ["lorenz63", "family:delay"]   # ids, "family:NAME", or "all" (every passing)
    forecasters = ["persistence", "esn:size=800", { id = "mamba", steps = 1200 }, "tuned(mamba)"]
    tasks = ["rich", "train=50lyap,observe=one", { train = "5lyap", noise = 0.05 }]
                                        # optional (default ["rich"]): named tasks or
                                        # grid points (chaosbench.numerics._task)
    seeds = 3                           # optional (default 3)

The built-in suites (``smoke``, ``default``, ``core``, ``catalogue``, ``full``, and the
curve suites ``curves_*``: the task grid's axes on the core systems) are such
files in ``chaosbench/data/suites``; :data:`SUITES` is read from them.
:func:`get_suite` takes a built-in name or a path. A suite's hash (a row's ``suite_hash``)
hashes its fields: a file and the same suite written in Python hash alike.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..base import _api
from ..base._cache import content_hash
from ..base._spec import ForecasterSpec, SpecError
from ..numerics._protocol import Protocol
from ..numerics._task import TaskError, get_task, task_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

SUITE_DIR = Path(__file__).parents[1] / "data" / "suites"
ALL = ("all",)
FAMILY_PREFIX = "family:"
KEYS = ("name", "systems", "forecasters", "tasks", "seeds")


class SuiteError(ValueError):
    """An unknown suite name, or a malformed suite file (the message names the file, the
    key and the fix)."""


def _spec_text(entry: Any) -> str:
    if entry == "all":
        return "all"
    return str(ForecasterSpec.parse(entry))


@dataclasses.dataclass(frozen=True)
class Suite:
    """Which cells a benchmark run contains.

    **Arguments:**

    - `name`: the suite's name.
    - `systems`: system ids, bare names or aliases, ``"family:NAME"`` (the family's passing
      systems) or ``"all"`` (every passing system).
    - `forecasters`: forecaster specs (``"esn"``, ``"esn:size=800"``, ``"tuned(mamba)"``,
      a :class:`chaosbench.ForecasterSpec`) or ``"all"`` (every registered forecaster at
      its defaults); kept as canonical spec text (``"esn[size=800]"``).
    - `tasks`: tasks: named points (``"rich"``), grid points as text
      (``"train=50lyap,observe=one"``) or tables (:mod:`chaosbench.numerics._task`); kept
      as canonical names (:func:`~chaosbench.numerics._task.task_name`), each once.
    - `seeds`: number of seeds per cell (0, 1, …); seed s draws its own dataset (training
      data, test windows, long run) and its own model initialisation (protocol v5).
    - `protocol`: the benchmark protocol.
    """

    name: str
    systems: tuple[str, ...]
    forecasters: tuple[str, ...]
    tasks: tuple[str, ...] = ("rich",)
    seeds: int = 3
    protocol: Protocol = Protocol()

    def __post_init__(self):
        value = self.systems
        object.__setattr__(self, "systems", (value,) if isinstance(value, str) else tuple(value))
        tasks = [self.tasks] if isinstance(self.tasks, str | Mapping) else self.tasks
        names = (task_name(get_task(t)) for t in tasks)  # TaskError lists the valid forms
        object.__setattr__(self, "tasks", tuple(dict.fromkeys(names)))
        entries = self.forecasters
        entries = [entries] if isinstance(entries, str | ForecasterSpec | Mapping) else entries
        object.__setattr__(self, "forecasters", tuple(_spec_text(e) for e in entries))

    def as_dict(self) -> dict:
        out = dataclasses.asdict(self)
        out["protocol"] = self.protocol.as_dict()
        return out

    @property
    def hash(self) -> str:
        return content_hash(self.as_dict())

    @property
    def strict(self) -> bool:
        """Whether every system is named by id: then a system that fails the chaos check
        is an error; ``"all"`` and families leave such systems out."""
        return not any(s == "all" or s.startswith(FAMILY_PREFIX) for s in self.systems)


def _families() -> dict[str, list[str]]:
    families: dict[str, list[str]] = {}
    for id_ in _api.systems.ids():
        families.setdefault(getattr(_api.systems.get(id_), "family", ""), []).append(id_)
    return families


def expand_systems(entries: Iterable[str]) -> list[str]:
    """The system ids ``entries`` name (``"all"``, ``"family:NAME"``, ids), in order,
    each once."""
    ids: list[str] = []
    for entry in entries:
        if entry == "all":
            ids += _api.systems.ids()
        elif entry.startswith(FAMILY_PREFIX):
            family, families = entry[len(FAMILY_PREFIX) :], _families()
            if family not in families:
                raise SuiteError(
                    f"unknown system family {family!r}; known families: "
                    f"{', '.join(sorted(f for f in families if f))}"
                )
            ids += families[family]
        else:
            ids.append(_api.systems.resolve(entry))
    return list(dict.fromkeys(ids))


def expand_forecasters(entries: Iterable[str]) -> list[ForecasterSpec]:
    """The resolved specs ``entries`` name (``"all"``: every registered forecaster at its
    defaults), in order, each once (a spec equal to the defaults is the plain id)."""
    specs: list[ForecasterSpec] = []
    for entry in entries:
        if entry == "all":
            specs += [ForecasterSpec(id_) for id_ in _api.forecasters.ids()]
        else:
            specs.append(ForecasterSpec.parse(entry).resolve())
    return list(dict.fromkeys(specs))


# --------------------------------------------------------------------------- suite files


def _entries(path: Path, key: str, value: Any, example: str) -> tuple:
    """A list-valued key (a single string for one entry) as a tuple, or SuiteError."""
    items = [value] if isinstance(value, str | Mapping) else value
    if not isinstance(items, list) or not items:
        raise SuiteError(f"{path}: key {key!r} must be a non-empty list, e.g. {example}")
    return tuple(items)


def parse_suite(data: Mapping[str, Any], path: Path | str) -> Suite:
    """The suite a suite file's table ``data`` describes (``path`` names it in errors)."""
    path = Path(path)
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise SuiteError(
            f"{path}: unknown key {unknown[0]!r}; a suite file has the keys "
            f"{', '.join(KEYS)} (the protocol is the default one)"
        )
    for key in ("systems", "forecasters"):
        if key not in data:
            raise SuiteError(
                f'{path}: key {key!r} is missing; e.g. systems = ["lorenz63"] and '
                f'forecasters = ["persistence", "esn:size=800"] (or "all")'
            )
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not name.strip():
        raise SuiteError(f"{path}: key 'name' must be a non-empty string, e.g. name = \"mine\"")
    systems = _entries(path, "systems", data["systems"], 'systems = ["lorenz63", "family:delay"]')
    forecasters = _entries(
        path, "forecasters", data["forecasters"], 'forecasters = ["persistence", "esn:size=800"]'
    )
    tasks = _entries(path, "tasks", data.get("tasks", ["rich"]), 'tasks = ["rich"]')
    if not all(isinstance(s, str) and s for s in systems):
        raise SuiteError(f"{path}: key 'systems' must list strings, got {list(systems)!r}")
    for i, task in enumerate(tasks):
        try:
            get_task(task)
        except TaskError as error:
            raise SuiteError(f"{path}: key 'tasks', entry {i + 1}: {error}") from None
    seeds = data.get("seeds", 3)
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        raise SuiteError(f"{path}: key 'seeds' must be a positive integer, e.g. seeds = 3")
    for i, entry in enumerate(forecasters):
        try:
            _spec_text(entry)
        except SpecError as error:
            raise SuiteError(f"{path}: key 'forecasters', entry {i + 1}: {error}") from None
    return Suite(name, systems, forecasters, tasks=tasks, seeds=seeds)


def check_suite(suite: Suite, where: str = "") -> None:
    """Resolve every system and forecaster spec of ``suite`` against the registries
    (filled: :func:`chaosbench.load_plugins`); the error names ``where`` and the key."""
    prefix = f"{where}: " if where else f"suite {suite.name!r}: "
    for key, entries, expand in (
        ("systems", suite.systems, expand_systems),
        ("forecasters", suite.forecasters, expand_forecasters),
    ):
        for i, entry in enumerate(entries):
            try:
                expand([entry])
            except ValueError as error:  # SpecError, UnknownIdError, SuiteError
                raise SuiteError(f"{prefix}key {key!r}, entry {i + 1} ({entry}): {error}") from None


def load_suite(path: Path | str, *, check: bool = True) -> Suite:
    """The suite in the TOML file ``path``; with ``check`` its systems and specs are
    resolved against the registries (load the plug-ins first)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SuiteError(f"suite file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SuiteError(f"suite file {path} cannot be read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise SuiteError(
            f"{path} is not valid TOML ({error}); see README.md, 'Writing a suite file'"
        ) from None
    suite = parse_suite(data, path)
    if check:
        check_suite(suite, str(path))
    return suite


def _builtin() -> dict[str, Suite]:
    suites = {p.stem: load_suite(p, check=False) for p in sorted(SUITE_DIR.glob("*.toml"))}
    for stem, suite in suites.items():
        if suite.name != stem:
            raise SuiteError(f"{SUITE_DIR / stem}.toml: name = {suite.name!r}; it must be {stem!r}")
    first = [n for n in ("smoke", "default", "core", "catalogue", "full") if n in suites]
    return {n: suites[n] for n in first + sorted(set(suites) - set(first))}


SUITES: dict[str, Suite] = _builtin()


def get_suite(name_or_path: str | Path, *, check: bool = True) -> Suite:
    """A built-in suite by name (:data:`SUITES`), or the suite file at a path."""
    text = str(name_or_path)
    if text in SUITES:
        return SUITES[text]
    if text.endswith(".toml") or Path(text).is_file():
        return load_suite(text, check=check)
    raise SuiteError(
        f"unknown suite {text!r}; known suites: {', '.join(SUITES)}, or a path to a suite "
        "file (.toml; see README.md, 'Writing a suite file')"
    )
