"""One-off migration of the shipped facts table to keys that hash the facts code (issue 18).

Facts keys (:func:`chaosbench._facts.system_key`) now include the source of the modules
that compute facts (``FACTS_CODE``: the facts science module, the integrator, the
Lyapunov code; ``STEPPED_FACTS_CODE`` for stepped systems). The table's entries took
hours to compute and were keyed without the code, so they are carried over, not
recomputed: an entry gets its new key only if its stored key equals the key that the
previous definition (:func:`key_without_code`) gives today's system, i.e. it was computed
for exactly today's id, parameters, initial condition, class source and settings. Any
other entry is left as it is (stale), for ``make systems`` to recompute.

Run from the repository root, in the commit that changed the key::

    PYTHONPATH=$PWD .venv/bin/python benchmarks/rekey_facts_table.py

Running it again changes nothing: entries already under today's key are counted as such.
``--check lorenz63 ...`` also recomputes those systems' facts and compares them, bit for
bit, with their (re-keyed) entries.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import time
from collections import Counter

import numpy as np

import chaosbench as cb
import systems  # noqa: F401  (fills the registry)
from chaosbench import _facts, _facts_table
from chaosbench._cache import content_hash

# Fields that record how or when an entry was computed, not what was computed.
NOT_COMPARED = ("compute_seconds", "verdict")


def key_without_code(system: cb.AbstractSystem) -> str:
    """The facts key as it was defined before issue 18 (no ``code``)."""
    return content_hash(
        {
            "source": _facts._class_source(type(system)),
            "id": system.id,
            "parameters": system.parameters,
            "initial_condition": np.asarray(system.initial_condition).tolist(),
            "settings": dataclasses.asdict(_facts.FactsSettings()),
        }
    )


def _same(a, b) -> bool:
    """Bit-identical JSON values (NaN equal to NaN)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def check(system_id: str) -> bool:
    """Recompute ``system_id``'s facts with today's code and compare with its entry."""
    system = cb.get_system(system_id)
    entry = _facts_table.read_table()[system.id]
    start = time.perf_counter()
    fresh = _facts.compute_facts(system)
    seconds = time.perf_counter() - start
    differ = [k for k in set(entry) | set(fresh) if k not in NOT_COMPARED]
    differ = [k for k in sorted(differ) if not _same(entry.get(k), fresh.get(k))]
    print(
        f"{system.id}: recomputed in {seconds:.1f} s; "
        + ("bit-identical to its table entry" if not differ else f"DIFFERS in {differ}")
        + f" (λ_max {fresh['max_lyapunov']!r} vs {entry['max_lyapunov']!r})"
    )
    return not differ


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", nargs="*", default=[], help="systems to recompute")
    args = parser.parse_args()
    rekeyed, left = _facts_table.rekey(key_without_code)
    print(f"re-keyed {len(rekeyed)} entries; left {len(left)} as they were")
    for reason, n in Counter(left.values()).items():
        print(f"  {n}: {reason}")
    for system_id, reason in sorted(left.items()):
        if reason != "already under today's key":
            print(f"  {system_id}: {reason}")
    return 0 if all([check(s) for s in args.check]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
