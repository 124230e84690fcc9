"""A minimal reader and writer of the BSON that Julia's BSON.jl writes.

Pretrained Julia models (Flux structs saved with ``BSON.@save``) come as BSON files: a
document whose values are BSON documents, arrays, binaries, strings, numbers and
booleans, with Julia's objects *lowered* onto them by tagged documents:

- ``{tag: "array", type, size, data}``: a Julia array; ``data`` is a binary of the
  elements in column-major order when they are bits (``Float32`` …), else a list;
- ``{tag: "struct", type, data}``: a struct, its field values in declaration order (the
  field names are not stored);
- ``{tag: "datatype", name, params}``: a type (``name`` the path ``["Core", "Float32"]``);
- ``{tag: "tuple", data}``, ``{tag: "symbol", name}``;
- ``{tag: "backref", ref}``: the ``ref``-th (from 1) entry of the top-level ``_backrefs``
  list, where an object referred to more than once is stored once.

:func:`read_bson` parses the bytes into plain Python (dicts, lists, ``bytes``, numbers);
:func:`lower` turns the tagged documents into :class:`JuliaStruct`, :class:`JuliaType`,
tuples and numpy arrays. :func:`write_bson` writes plain Python back in the same
encoding, and :func:`julia_array`, :func:`julia_struct` and :func:`julia_type` build the
tagged documents, so a test can write a file in the layout of a real one.

Only the subset BSON.jl produces for numeric models is supported; anything else is
refused with :class:`BSONError`, naming the element.

**References:**

- BSON specification 1.1, https://bsonspec.org/spec.html.
- BSON.jl (JuliaIO), the encoding of Julia values described above.
"""

from __future__ import annotations

import dataclasses
import struct
from pathlib import Path
from typing import Any

import numpy as np

# Julia bits types and their little-endian numpy dtypes.
_DTYPES = {
    "Float16": "<f2",
    "Float32": "<f4",
    "Float64": "<f8",
    "Int8": "<i1",
    "Int16": "<i2",
    "Int32": "<i4",
    "Int64": "<i8",
    "UInt8": "<u1",
    "UInt16": "<u2",
    "UInt32": "<u4",
    "UInt64": "<u8",
    "Bool": "<u1",
}
_NAMES = {np.dtype(v).str: k for k, v in _DTYPES.items() if k != "Bool"}


class BSONError(ValueError):
    """The bytes are not BSON of the subset this module reads (or a value cannot be
    written)."""


@dataclasses.dataclass(frozen=True)
class JuliaType:
    """A Julia type: its path (``("Core", "Float32")``) and its parameters."""

    name: tuple[str, ...]
    params: tuple[Any, ...] = ()

    @property
    def short(self) -> str:
        """The last component of the path (``"Float32"``, ``"DynaMix"``)."""
        return self.name[-1] if self.name else ""


@dataclasses.dataclass(frozen=True)
class JuliaStruct:
    """A Julia struct: its type and its field values in declaration order."""

    type: JuliaType
    fields: tuple[Any, ...]


# ------------------------------------------------------------------ raw BSON documents


def _cstring(buf: bytes, i: int) -> tuple[str, int]:
    end = buf.index(b"\x00", i)
    return buf[i:end].decode("utf-8"), end + 1


def _document(buf: bytes, i: int, as_list: bool = False) -> tuple[Any, int]:
    """Parse the document starting at ``i``; return it and the offset after it."""
    (size,) = struct.unpack_from("<i", buf, i)
    end = i + size
    if size < 5 or end > len(buf) or buf[end - 1] != 0:
        raise BSONError(f"truncated or malformed document at byte {i}")
    i += 4
    out: dict[str, Any] = {}
    while i < end - 1:
        kind = buf[i]
        key, i = _cstring(buf, i + 1)
        if kind == 0x01:
            (value,) = struct.unpack_from("<d", buf, i)
            i += 8
        elif kind == 0x02:
            (n,) = struct.unpack_from("<i", buf, i)
            value = buf[i + 4 : i + 3 + n].decode("utf-8")
            i += 4 + n
        elif kind in (0x03, 0x04):
            value, i = _document(buf, i, as_list=kind == 0x04)
        elif kind == 0x05:
            (n,) = struct.unpack_from("<i", buf, i)
            value = bytes(buf[i + 5 : i + 5 + n])
            i += 5 + n
        elif kind == 0x08:
            value = buf[i] != 0
            i += 1
        elif kind == 0x0A:
            value = None
        elif kind == 0x10:
            (value,) = struct.unpack_from("<i", buf, i)
            i += 4
        elif kind == 0x12:
            (value,) = struct.unpack_from("<q", buf, i)
            i += 8
        else:
            raise BSONError(f"unsupported BSON element type 0x{kind:02x} (key {key!r})")
        out[key] = value
    if i != end - 1:
        raise BSONError(f"document at byte {end - size} overruns its declared size")
    return (list(out.values()) if as_list else out), end


def read_bson(source: str | Path | bytes) -> dict[str, Any]:
    """Parse a BSON file (a path) or its bytes into plain Python: documents as dicts,
    arrays as lists, binaries as ``bytes``; Julia's tagged documents are left as they are
    (:func:`lower` interprets them)."""
    buf = source if isinstance(source, bytes) else Path(source).read_bytes()
    try:
        doc, end = _document(buf, 0)
    except (struct.error, ValueError, IndexError) as error:
        if isinstance(error, BSONError):
            raise
        raise BSONError(f"not a BSON document: {error}") from error
    if end != len(buf):
        raise BSONError(f"{len(buf) - end} trailing bytes after the document")
    return doc


def _encode(key: str, value: Any) -> bytes:
    name = key.encode("utf-8") + b"\x00"
    if isinstance(value, bool):
        return b"\x08" + name + (b"\x01" if value else b"\x00")
    if isinstance(value, int | np.integer):
        return b"\x12" + name + struct.pack("<q", int(value))
    if isinstance(value, float | np.floating):
        return b"\x01" + name + struct.pack("<d", float(value))
    if isinstance(value, str):
        data = value.encode("utf-8") + b"\x00"
        return b"\x02" + name + struct.pack("<i", len(data)) + data
    if isinstance(value, bytes):
        return b"\x05" + name + struct.pack("<i", len(value)) + b"\x00" + value
    if value is None:
        return b"\x0a" + name
    if isinstance(value, dict):
        return b"\x03" + name + _encode_document(value)
    if isinstance(value, list | tuple):
        return b"\x04" + name + _encode_document({str(i): v for i, v in enumerate(value)})
    raise BSONError(f"cannot write {type(value).__name__} (key {key!r}) as BSON")


def _encode_document(doc: dict[str, Any]) -> bytes:
    body = b"".join(_encode(str(k), v) for k, v in doc.items())
    return struct.pack("<i", len(body) + 5) + body + b"\x00"


def write_bson(doc: dict[str, Any], path: str | Path | None = None) -> bytes:
    """Encode ``doc`` (plain Python, as :func:`read_bson` returns it) as BSON: Python
    ints as int64 (Julia's ``Int``), floats as double; write it to ``path`` if given;
    return the bytes."""
    data = _encode_document(doc)
    if path is not None:
        Path(path).write_bytes(data)
    return data


# ------------------------------------------------------------------ Julia's tagged values


def lower(doc: dict[str, Any]) -> dict[str, Any]:
    """The top-level entries of a BSON.jl document (``_backrefs`` resolved and dropped)
    with tagged documents as Julia values: arrays of bits as numpy arrays of their shape
    (column-major data), structs as :class:`JuliaStruct`, types as :class:`JuliaType`,
    tuples as tuples, symbols as str."""
    backrefs = doc.get("_backrefs", [])
    cache: dict[int, Any] = {}

    def backref(ref: int) -> Any:
        if not 1 <= ref <= len(backrefs):
            raise BSONError(f"backref {ref} outside the {len(backrefs)} stored references")
        if ref not in cache:
            cache[ref] = None  # a cycle reads as None rather than recursing forever
            cache[ref] = value(backrefs[ref - 1])
        return cache[ref]

    def value(node: Any) -> Any:
        if isinstance(node, list):
            return [value(v) for v in node]
        if not isinstance(node, dict) or "tag" not in node:
            return {k: value(v) for k, v in node.items()} if isinstance(node, dict) else node
        tag = node["tag"]
        if tag == "backref":
            return backref(int(node["ref"]))
        if tag == "datatype":
            return JuliaType(tuple(node["name"]), tuple(value(p) for p in node["params"]))
        if tag == "struct":
            return JuliaStruct(value(node["type"]), tuple(value(f) for f in node["data"]))
        if tag == "tuple":
            return tuple(value(v) for v in node["data"])
        if tag == "symbol":
            return str(node["name"])
        if tag == "array":
            return _array(value(node["type"]), node["size"], node["data"], value)
        raise BSONError(f"unsupported BSON.jl tag {tag!r}")

    return {k: value(v) for k, v in doc.items() if k != "_backrefs"}


def _array(kind: Any, size: list[int], data: Any, value) -> Any:
    shape = tuple(int(n) for n in size)
    if isinstance(data, bytes):
        name = kind.short if isinstance(kind, JuliaType) else str(kind)
        if name not in _DTYPES:
            raise BSONError(f"unsupported element type {name!r} of a binary array")
        flat = np.frombuffer(data, dtype=_DTYPES[name])
        if flat.size != int(np.prod(shape, dtype=np.int64)):
            raise BSONError(f"array of shape {shape} holds {flat.size} elements")
        out = flat.reshape(shape, order="F").copy()
        return out.astype(bool) if name == "Bool" else out
    return [value(v) for v in data]  # non-bits elements: a list in column-major order


def julia_type(*name: str, params: tuple[Any, ...] = ()) -> dict[str, Any]:
    """The tagged document of a Julia type ``name`` (its module path) with ``params``."""
    return {"tag": "datatype", "params": list(params), "name": list(name)}


def julia_array(array: np.ndarray) -> dict[str, Any]:
    """The tagged document of a numeric Julia array holding ``array`` (column-major)."""
    array = np.asarray(array)
    key = array.dtype.newbyteorder("<").str
    if key not in _NAMES:
        raise BSONError(f"cannot write an array of dtype {array.dtype}")
    data = np.asfortranarray(array.astype(key)).tobytes(order="F")
    return {
        "tag": "array",
        "type": julia_type("Core", _NAMES[key]),
        "size": [int(n) for n in array.shape],
        "data": data,
    }


def julia_struct(type_: dict[str, Any], *fields: Any) -> dict[str, Any]:
    """The tagged document of a Julia struct of type ``type_`` (a :func:`julia_type`
    document or a backref) with these field values."""
    return {"tag": "struct", "type": type_, "data": list(fields)}


def backref(ref: int) -> dict[str, Any]:
    """A reference to the ``ref``-th (from 1) entry of the document's ``_backrefs``."""
    return {"tag": "backref", "ref": int(ref)}


def float_arrays(tree: Any, path: str = "") -> list[tuple[str, np.ndarray]]:
    """Every floating numpy array in a :func:`lower`-ed tree, in document order, with
    its path (``model[0].fields[3].fields[2]``)."""
    if isinstance(tree, np.ndarray):
        return [(path, tree)] if np.issubdtype(tree.dtype, np.floating) else []
    if isinstance(tree, JuliaStruct):
        return float_arrays(list(tree.fields), f"{path}<{tree.type.short}>")
    if isinstance(tree, dict):
        return [x for k, v in tree.items() for x in float_arrays(v, f"{path}.{k}" if path else k)]
    if isinstance(tree, list | tuple):
        return [x for i, v in enumerate(tree) for x in float_arrays(v, f"{path}[{i}]")]
    return []
