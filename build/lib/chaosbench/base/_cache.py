"""Where chaosbench keeps what it computes: datasets, system facts, compiled programs (on
disk, and how many a long run keeps in memory)."""

from __future__ import annotations

import gc
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


def release_compiled_programs(fraction: float = 0.5) -> bool:
    """Drop JAX's in-memory compiled programs if this process holds more than
    ``fraction`` of the kernel's memory-map limit; return whether it did.

    Every XLA:CPU executable keeps a few memory mappings (3 per small program, jaxlib
    0.10.2). A process that compiles for an hour — a catalogue run compiles for 100+
    systems — reaches Linux's ``vm.max_map_count`` (65,530 by default); LLVM then fails
    with "Cannot allocate memory" and the process dies (both workers of the catalogue run,
    58 min in, session 11). ``jax.clear_caches`` gives the mappings back (400 small
    programs: 1,697 → 513 maps) and the persistent compilation cache keeps the recompiles
    cheap. Elsewhere than Linux (no ``/proc``) it does nothing.
    """
    try:
        with open("/proc/self/maps") as maps:
            used = sum(1 for _ in maps)
        limit = int(Path("/proc/sys/vm/max_map_count").read_text())
    except (OSError, ValueError):
        return False
    if used <= fraction * limit:
        return False
    jax.clear_caches()
    gc.collect()
    return True


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
