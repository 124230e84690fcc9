"""The confirmation table: two-trajectory λ_max of systems too slow for the tangent screen.

A system whose tangent-space λ_max · period is below
:data:`chaosbench.catalogue._validate.MIN_LAMBDA_PERIOD` is chaotic for the benchmark only if a
two-trajectory (Benettin) estimate over a long run confirms it. The estimates live in
``chaosbench/data/two_trajectory.json``, written by ``CONFIRM_COMMAND`` (never by hand),
one record per system, keyed by the system's facts key
(:func:`chaosbench.catalogue._facts.system_key`): a system whose parameters, initial condition or
code changed has no confirmation until the command is run again.

Two tables are read (:func:`tables`): the user's, ``two_trajectory.json`` under
``$CHAOSBENCH_CACHE/catalogue/`` (:func:`user_table`), then the one shipped with the
package. A record under the system's current key wins, the user's first; so a system
added from a plug-in package outside the repository is confirmed by ``chaosbench confirm
--record`` without writing into the installed package, and a user's record never hides a
current shipped one. ``--record`` writes the shipped table only for a system that ships
with chaosbench (``chaosbench.systems``) from a writable source checkout, where the table
is committed; any other system's record goes to the user table (:func:`destination`).
The computation is :mod:`chaosbench.catalogue._confirm`.

The rule (:func:`judge`): chaotic iff the estimate averaged over at least
``MIN_PERIODS`` dominant periods and ``MIN_STARTS`` starts has λ̂ · period ≥
``MIN_LAMBDA_PERIOD_CONFIRMED`` and does not decay: λ̂(T) ≥ ``MIN_FLATNESS`` · λ̂(T/2).
The finite-time estimate of a regular or quasi-periodic orbit decays like log T / T (the
separation grows linearly, not exponentially), so it halves from T/2 to T; a chaotic
orbit's stays flat.

**References:** Benettin, G., Galgani, L., Giorgilli, A. & Strelcyn, J.-M. (1980).
Lyapunov characteristic exponents for smooth dynamical systems and for Hamiltonian
systems; a method for computing all of them. *Meccanica* 15, 9–20.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..base._cache import atomic_write_text, cache_dir
from ..base._system import AbstractSystem

CONFIRMATIONS = Path(__file__).parents[1] / "data" / "two_trajectory.json"
CONFIRM_COMMAND = "chaosbench confirm --record"
MIN_LAMBDA_PERIOD_CONFIRMED = 0.01  # λ̂ · period of a confirmed system: t_λ ≤ 100 periods
MIN_FLATNESS = 0.8  # λ̂(T) / λ̂(T/2) at least this: the estimate does not decay
MIN_PERIODS = 2000.0  # averaging length of a confirmation, in dominant periods
MIN_STARTS = 3  # starts (initial conditions) averaged


def read_confirmations(path: Path = CONFIRMATIONS) -> dict[str, Any]:
    """The confirmation table at ``path``, by system id (empty if there is none)."""
    return json.loads(path.read_text()) if path.exists() else {}


def record_confirmations(records: dict[str, Any], path: Path = CONFIRMATIONS) -> None:
    """Merge ``records`` (by system id) into the table at ``path``, sorted by id."""
    table = {**read_confirmations(path), **records}
    atomic_write_text(path, json.dumps(dict(sorted(table.items())), indent=1) + "\n")


def user_table(shipped: Path = CONFIRMATIONS) -> Path:
    """The user's table beside the shipped table ``shipped``: same name, under
    ``cache_dir()/catalogue`` (written by ``--record`` outside a source checkout)."""
    return cache_dir() / "catalogue" / shipped.name


def tables(shipped: Path = CONFIRMATIONS) -> list[dict[str, Any]]:
    """The records by system id of the user's table, then of the shipped one."""
    return [read_confirmations(user_table(shipped)), read_confirmations(shipped)]


def find_record(
    tables: Iterable[dict[str, Any]], system_id: str, key: str | None
) -> dict[str, Any] | None:
    """The record of ``system_id`` under ``key`` from the first of ``tables`` that has
    one; else the first record of ``system_id`` (stale: its key differs); else ``None``."""
    found = [t[system_id] for t in tables if system_id in t]
    return next((r for r in found if r.get("key") == key), found[0] if found else None)


def in_source_checkout(shipped: Path = CONFIRMATIONS) -> bool:
    """Whether the package runs from a source checkout (a ``pyproject.toml`` beside the
    ``chaosbench`` folder) in which the shipped table ``shipped`` can be written."""
    root = Path(__file__).resolve().parents[2]
    writable = shipped if shipped.exists() else shipped.parent
    return (root / "pyproject.toml").exists() and os.access(writable, os.W_OK)


def destination(system: AbstractSystem, shipped: Path = CONFIRMATIONS) -> Path:
    """Where ``--record`` writes the record of ``system`` by default: the shipped table for
    a system that ships with chaosbench (defined in ``chaosbench.systems``) when the
    package is a writable source checkout (the table is committed with the system);
    otherwise the user's table (:func:`user_table`), which the check reads too."""
    builtin = type(system).__module__.startswith("chaosbench.systems.")
    return shipped if builtin and in_source_checkout(shipped) else user_table(shipped)


def judge(record: dict[str, Any]) -> tuple[bool, str]:
    """Apply the confirmation rule to one record of the table.

    **Arguments:**

    - `record`: a record of the table (``lambda_period``, ``lambda``, ``lambda_half``,
      ``periods``, ``starts``).

    **Returns:**

    Whether the record confirms chaos, and a sentence saying why (or why not).
    """
    lam, half = record.get("lambda", math.nan), record.get("lambda_half", math.nan)
    lam_period = record.get("lambda_period", math.nan)
    periods, starts = record.get("periods", 0.0), record.get("starts", 0)
    what = (
        f"two-trajectory λ̂ = {lam:.3g} (λ̂ · period = {lam_period:.3g}; at T/2 {half:.3g}) "
        f"over {periods:.0f} periods × {starts} starts"
    )
    # a relative tolerance: 2000 periods summed from segments read 1999.9999999999998
    if periods < MIN_PERIODS * (1 - 1e-9) or starts < MIN_STARTS:
        return False, (
            f"{what}: too short to confirm chaos (needs ≥ {MIN_PERIODS:g} periods and "
            f"≥ {MIN_STARTS} starts)"
        )
    if not lam_period >= MIN_LAMBDA_PERIOD_CONFIRMED:
        return False, (
            f"{what}: below {MIN_LAMBDA_PERIOD_CONFIRMED:g} per period (a Lyapunov time of "
            "over 100 periods, or none): practically regular (a torus, a limit cycle or a "
            "long transient?)"
        )
    if not lam >= MIN_FLATNESS * half:
        return False, (
            f"{what}: the estimate decays (λ̂(T) < {MIN_FLATNESS:g} λ̂(T/2)), as a regular "
            "orbit's does (log T / T)"
        )
    return True, f"{what}: chaotic (confirmed by two trajectories)"


__all__ = [
    "CONFIRMATIONS",
    "CONFIRM_COMMAND",
    "destination",
    "find_record",
    "judge",
    "read_confirmations",
    "tables",
    "user_table",
]
