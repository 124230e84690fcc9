"""Where chaosbench keeps what it computes: datasets, system facts, compiled programs."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import jax


def cache_dir() -> Path:
    """``$CHAOSBENCH_CACHE`` if set, else ``~/.cache/chaosbench``."""
    root = os.environ.get("CHAOSBENCH_CACHE")
    return Path(root) if root else Path.home() / ".cache" / "chaosbench"


def enable_compilation_cache() -> None:
    """Switch on JAX's persistent compilation cache under the cache directory."""
    path = cache_dir() / "jax"
    path.mkdir(parents=True, exist_ok=True)
    jax.config.update("jax_compilation_cache_dir", str(path))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.5)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)


def content_hash(obj: Any) -> str:
    """A stable SHA-256 of a JSON-serialisable object (keys sorted), 16 hex digits."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), default=_jsonable)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _jsonable(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"cannot hash {type(value).__name__}")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode())
