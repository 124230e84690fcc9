"""Forecaster specs: a forecaster id plus hyperparameter overrides.

A spec names what a cell fits: ``esn`` (the ESN at its defaults) or
``esn:size=800,spectral_radius=0.9`` (two hyperparameters overridden). The CLI
(``--forecasters``), suite files and the Python API (:class:`ForecasterSpec`) take the
same specs. Written forms:

- ``id`` — the defaults;
- ``id:name=value,name=value`` — the command-line form;
- ``id[name=value,name=value]`` — the canonical form, ``str(spec)``: the name rows and
  tables give a resolved spec (``esn-v2[size=800]``; the defaults keep the plain id);
- ``tuned(<spec>)`` — the spec's forecaster with the hyperparameters of its
  ``search_space`` chosen per cell by the one tuner (:mod:`chaosbench.numerics._tuner`),
  e.g. ``tuned(mamba)``, ``tuned(esn:size=1000)``; its label is ``tuned(mamba-v2)``. Only a
  forecaster with a search space can be tuned, and a tuned spec may not override a
  hyperparameter the tuner searches (an axis of the space or its budget field): such a
  spec is refused, so that every tuned forecaster searches its whole declared space.

Values are literals: integers (``800``, ``10_000``), floats (``0.9``, ``1e-10``),
``true``/``false``, ``none``, tuples (``(0.1,0.9)``) and strings (``rff``, or quoted:
``"a,b"``). :meth:`ForecasterSpec.resolve` checks every name against the forecaster's
dataclass fields (an unknown name lists the valid ones and close matches), converts each
value to the field's declared type (``int``, ``float``, ``bool``, ``str``, tuples) and
drops overrides equal to the defaults, so that a spec equal to the defaults is the plain
id, with the defaults' run id. The run id hashes the resolved hyperparameters, every field
(:func:`chaosbench.base._identity.hyperparameters`), not the spec's text.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
import types
import typing
from collections.abc import Mapping
from typing import Any

from . import _api
from ._forecaster import AbstractForecaster
from ._identity import hyperparameters

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INT = re.compile(r"^[+-]?[0-9][0-9_]*$")
_VERSION = re.compile(r"-v[0-9]+(?=[\[)]|$)")
_PLAIN_STR = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_TUNED = re.compile(r"^tuned\((.*)\)$", re.S)


class SpecError(ValueError):
    """A malformed spec, an unknown hyperparameter or a value of the wrong type."""


def _split(text: str) -> list[str]:
    """``text`` split at the commas outside brackets and quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for i, char in enumerate(text):
        if quote:
            quote = "" if char == quote and text[i - 1] != "\\" else quote
        elif char in "\"'":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return parts + [text[start:]]


def _literal(text: str) -> Any:
    """The value a literal stands for (see the module docstring)."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return json.loads(text)
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1]
    if text[:1] in "([" and text[-1:] in ")]":
        return tuple(_literal(p) for p in _split(text[1:-1]) if p.strip())
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if text.lower() == "none":
        return None
    if _INT.match(text):
        return int(text)
    try:
        return float(text)
    except ValueError:
        return text


def _format(value: Any) -> str:
    """The literal of ``value`` (:func:`_literal` of it gives ``value`` back)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, tuple):
        return "(" + ",".join(_format(v) for v in value) + ")"
    if isinstance(value, str) and _PLAIN_STR.match(value) and _literal(value) == value:
        return value
    return json.dumps(str(value), ensure_ascii=False)


def _frozen(value: Any) -> Any:
    """Lists (from TOML) as tuples, so that a spec is hashable."""
    return tuple(_frozen(v) for v in value) if isinstance(value, list | tuple) else value


@dataclasses.dataclass(frozen=True, init=False)
class ForecasterSpec:
    """A forecaster id plus hyperparameter overrides, e.g. ``ForecasterSpec("esn",
    size=800)``.

    **Arguments:**

    - `id`: a forecaster id, bare name or alias (``esn``, ``esn-v2``).
    - `**overrides`: hyperparameter values (the forecaster's dataclass fields).

    The overrides are kept sorted by name (``overrides``: a tuple of ``(name, value)``);
    ``str(spec)`` is the canonical text, which :meth:`parse` reads back. ``tuned`` marks a
    tuned spec (``ForecasterSpec("mamba").as_tuned()``, or ``parse("tuned(mamba)")``).
    """

    id: str
    overrides: tuple[tuple[str, Any], ...]
    tuned: bool

    def __init__(self, id: str, /, **overrides: Any):
        if not isinstance(id, str) or not _ID.match(id):
            hint = " (a tuned spec: ForecasterSpec.parse('tuned(esn)'))" if "(" in str(id) else ""
            raise SpecError(
                f"malformed forecaster spec {id!r}: it starts with a forecaster id such as "
                f"'esn' or 'esn-v2' (`chaosbench list forecasters`){hint}"
            )
        for name in overrides:
            if not _NAME.match(name):
                raise SpecError(f"malformed hyperparameter name {name!r} in the spec of {id}")
        object.__setattr__(self, "id", id)
        items = tuple(sorted((k, _frozen(v)) for k, v in overrides.items()))
        object.__setattr__(self, "overrides", items)
        object.__setattr__(self, "tuned", False)

    @property
    def hyperparameters(self) -> dict[str, Any]:
        """The overrides as a dict."""
        return dict(self.overrides)

    @property
    def base(self) -> ForecasterSpec:
        """This spec untuned: the forecaster a tuned spec starts its search from."""
        return ForecasterSpec(self.id, **self.hyperparameters)

    def as_tuned(self) -> ForecasterSpec:
        """This spec tuned: ``tuned(<spec>)`` (see the module docstring)."""
        out = self.base
        object.__setattr__(out, "tuned", True)
        return out

    def __str__(self) -> str:
        text = self.id
        if self.overrides:
            text += f"[{','.join(f'{k}={_format(v)}' for k, v in self.overrides)}]"
        return f"tuned({text})" if self.tuned else text

    @classmethod
    def parse(cls, text: str | ForecasterSpec | Mapping[str, Any]) -> ForecasterSpec:
        """The spec written as ``id``, ``id:name=value,...`` or ``id[name=value,...]``,
        each also as ``tuned(...)``; also a mapping ``{"id": ..., name: value, ...}`` (a
        suite file's inline table; ``id = "tuned(mamba)"`` tunes it) or a spec (returned
        as is). Syntax only: :meth:`resolve` checks names and types."""
        if isinstance(text, ForecasterSpec):
            return text
        if isinstance(text, Mapping):
            fields = dict(text)
            if not isinstance(fields.get("id"), str):
                raise SpecError(
                    f'a forecaster spec table needs an id: {{ id = "esn", size = 800 }}, '
                    f"got {fields!r}"
                )
            tuned = _TUNED.match(fields["id"].strip())
            if tuned:
                return cls.parse({**fields, "id": tuned.group(1).strip()}).as_tuned()
            return cls(fields.pop("id"), **fields)
        if not isinstance(text, str):
            raise SpecError(f"a forecaster spec is a string such as 'esn:size=800', got {text!r}")
        text = text.strip()
        tuned = _TUNED.match(text)
        if tuned:
            inner = cls.parse(tuned.group(1))
            if inner.tuned:
                raise SpecError(f"forecaster spec {text!r} nests tuned(...): write it once")
            return inner.as_tuned()
        head = re.match(r"^[^:\[]*", text).group()  # the id, up to ':' or '['
        if text[len(head) : len(head) + 1] == "[" and text.endswith("]"):
            id_, body = head, text[len(head) + 1 : -1]
        elif text[len(head) : len(head) + 1] == ":":
            id_, body = head, text[len(head) + 1 :]
        else:
            id_, body = text, None
        if body is not None and not body.strip():
            raise SpecError(f"forecaster spec {text!r} has no overrides after its id: drop them")
        overrides: dict[str, Any] = {}
        for part in _split(body) if body is not None else ():
            name, eq, value = part.partition("=")
            name = name.strip()
            if not eq or not name or not value.strip():
                raise SpecError(
                    f"malformed override {part.strip()!r} in forecaster spec {text!r}: write "
                    "name=value, e.g. 'esn:size=800,spectral_radius=0.9'"
                )
            if name in overrides:
                raise SpecError(f"forecaster spec {text!r} sets {name!r} twice")
            try:
                overrides[name] = _literal(value)
            except ValueError as error:
                raise SpecError(f"malformed value {value!r} in forecaster spec {text!r}: {error}")
        return cls(id_.strip(), **overrides)

    def resolve(self) -> ForecasterSpec:
        """This spec with the full versioned id and each value converted to its field's
        type; overrides equal to the defaults are dropped. Raises :class:`SpecError` for
        an unknown name (listing the valid ones) or a value of the wrong type, for a tuned
        spec of a forecaster without a search space (listing those with one) or one that
        overrides a searched hyperparameter, and :class:`chaosbench.UnknownIdError` for an
        unknown forecaster."""
        full = _api.forecasters.resolve(self.id)
        cls = _api.forecasters.get(full)
        fields = settable_hyperparameters(cls)
        for name, _ in self.overrides:
            if name not in fields:
                close = difflib.get_close_matches(name, list(fields), n=3, cutoff=0.6)
                hint = f" Did you mean {' or '.join(close)}?" if close else ""
                raise SpecError(
                    f"forecaster {full} has no hyperparameter {name!r}.{hint} Its "
                    f"hyperparameters: {', '.join(fields) or '(none)'}"
                )
        values = {k: _coerce(v, fields[k], full, k) for k, v in self.overrides}
        try:
            default, chosen = hyperparameters(cls()), hyperparameters(cls(**values))
        except Exception as error:  # noqa: BLE001 - reported with the spec
            raise SpecError(
                f"forecaster {full} refuses {self}: {type(error).__name__}: {error}"
            ) from error
        resolved = ForecasterSpec(
            full, **{k: v for k, v in values.items() if chosen[k] != default[k]}
        )
        if not self.tuned:
            return resolved
        _check_tunable(cls, full, self)
        return resolved.as_tuned()

    @property
    def label(self) -> str:
        """The name rows and tables give this spec: ``str`` of the resolved spec
        (``esn-v2[size=800]``, ``tuned(mamba-v2)``; the plain id at the defaults)."""
        return str(self.resolve())

    def build(self) -> AbstractForecaster:
        """The forecaster this spec names, with its overrides. A tuned spec names no one
        forecaster (the tuner chooses one per cell): it is refused; ``spec.base.build()``
        is where its search starts (the runner tunes it with
        :func:`chaosbench.tune_dataset`)."""
        if self.tuned:
            raise SpecError(
                f"{self} is chosen per cell by the tuner, not built from its spec: build its "
                "starting point with spec.base.build() and tune it with "
                "chaosbench.tune_dataset (the runner does both)"
            )
        resolved = self.resolve()
        return _api.forecasters.get(resolved.id)(**resolved.hyperparameters)


def tunable_forecasters() -> list[str]:
    """The registered forecasters that declare a search space (those ``tuned(...)``
    accepts)."""
    ids = _api.forecasters.ids()
    return [i for i in ids if getattr(_api.forecasters.get(i), "search_space", None) is not None]


def _check_tunable(cls: type, full: str, spec: ForecasterSpec) -> None:
    """Refuse ``tuned(spec)`` of a forecaster without a search space, or one whose
    overrides set a hyperparameter the tuner searches."""
    space = getattr(cls, "search_space", None)
    if space is None:
        raise SpecError(
            f"forecaster {full} declares no search space, so {spec} is refused; forecasters "
            f"that can be tuned: {', '.join(tunable_forecasters()) or '(none)'} (see "
            "CONTRIBUTING.md, 'Declaring a search space for a new forecaster')"
        )
    searched = list(space.names) + ([space.resource] if space.resource else [])
    clash = [name for name, _ in spec.overrides if name in searched]
    if clash:
        raise SpecError(
            f"{spec} overrides {', '.join(map(repr, clash))}, which the tuner searches "
            f"(the search space of {full}: {', '.join(searched)}); drop the override, or "
            "override only hyperparameters outside the space"
        )


def settable_hyperparameters(cls: type) -> dict[str, Any]:
    """``{name: declared type}`` of the fields of a forecaster class that a spec may set
    (those its constructor takes)."""
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # noqa: BLE001 - an unresolvable annotation: types from the defaults
        hints = {}
    defaults = cls()
    return {
        f.name: hints.get(f.name, type(getattr(defaults, f.name)))
        for f in dataclasses.fields(cls)
        if f.init
    }


def _coerce(value: Any, kind: Any, id_: str, name: str) -> Any:
    """``value`` as the declared type ``kind`` of hyperparameter ``name``, or SpecError."""

    def refuse() -> SpecError:
        shown = getattr(kind, "__name__", None) or str(kind).replace("typing.", "")
        return SpecError(
            f"hyperparameter {name!r} of forecaster {id_} is {shown}; got {_format(value)} "
            f"({type(value).__name__})"
        )

    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        for option in (a for a in args if a is not type(None)):
            try:
                return _coerce(value, option, id_, name)
            except SpecError:
                continue
        raise refuse()
    if kind is bool:
        if isinstance(value, bool):
            return value
        raise refuse()
    if kind is int:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise refuse()
    if kind is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise refuse()
    if kind is str:
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return _format(value)  # a bare word that read as a number
        raise refuse()
    if kind is tuple or origin is tuple:
        if not isinstance(value, tuple | list):
            raise refuse()
        if not args or args == ((),):
            return tuple(value)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_coerce(v, args[0], id_, name) for v in value)
        if len(args) != len(value):
            raise refuse()
        return tuple(_coerce(v, a, id_, name) for v, a in zip(value, args))
    raise SpecError(
        f"hyperparameter {name!r} of forecaster {id_} is {kind} and cannot be set from a spec"
    )


def short_label(name: str) -> str:
    """A forecaster's row name without its version: ``esn-v2[size=800]`` →
    ``esn[size=800]``, ``esn-v2`` → ``esn``, ``tuned(esn-v2)`` → ``tuned(esn)`` (two specs
    keep distinct names)."""
    return _VERSION.sub("", name, count=1)


def build_forecaster(spec: str | ForecasterSpec) -> AbstractForecaster:
    """The forecaster a spec (or a row's ``forecaster`` name) names (a tuned spec is
    refused: see :meth:`ForecasterSpec.build`)."""
    return ForecasterSpec.parse(spec).build()


def registered_label(name: str) -> bool:
    """Whether ``name`` (a row's ``forecaster``) is the label of a spec of a registered
    forecaster (an external forecaster's name is not)."""
    try:
        return ForecasterSpec.parse(name).label == name
    except ValueError:  # malformed, unknown id or hyperparameter
        return False
