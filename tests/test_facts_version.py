"""The guard of ``FACTS_VERSION``: facts keys no longer hash the core's source, so a change
to how facts are computed must bump the version by hand. This test recomputes the facts of
an ODE and of a stepped system at small settings and compares them with a fingerprint
recorded under the current version; numbers that moved under the same version fail it.

After a deliberate change of the facts algorithm: bump ``FACTS_VERSION`` in
``chaosbench/_facts.py``, then record the new fingerprint with
``python tests/test_facts_version.py --record``. A refactor that moves no number passes
untouched (the tolerance absorbs last-bit differences between machines and libraries).
"""

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

import chaosbench as cb
from chaosbench.catalogue import _facts

FINGERPRINT = Path(__file__).parent / "data" / "facts_fingerprint.json"
SETTINGS = dict(
    n_period_samples=2**11, n_ics=2, lyapunov_periods=10, floor_runs=2, floor_steps=4_000
)
SYSTEMS = ("lorenz63-v1", "mackey_glass-v1")
FIELDS = ("lyapunov_spectrum", "period", "period_per_start", "dt", "mean", "std", "max_abs")
FLOORS = ("attractor_divergence", "gmm_kl", "spectrum_distance")
RTOL = 1e-6


def fingerprint(system_id: str) -> dict:
    settings = _facts.FactsSettings(**SETTINGS)
    facts = _facts.compute_facts(cb.get_system(system_id), settings)
    floors = {f"floor_{name}": facts["truth_floor"][name] for name in FLOORS}
    return {**{field: facts[field] for field in FIELDS}, **floors}


@pytest.mark.parametrize("system_id", SYSTEMS)
def test_facts_numbers_unchanged_under_the_same_version(system_id):
    recorded = json.loads(FINGERPRINT.read_text())
    assert recorded["version"] == _facts.FACTS_VERSION, (
        f"FACTS_VERSION is {_facts.FACTS_VERSION} but the fingerprint was recorded under "
        f"{recorded['version']}: record it anew with `python tests/test_facts_version.py "
        "--record`"
    )
    now = fingerprint(system_id)
    for field in FIELDS + tuple(f"floor_{name}" for name in FLOORS):
        want = np.asarray(recorded["systems"][system_id][field], dtype=float)
        got = np.asarray(now[field], dtype=float)
        assert np.allclose(got, want, rtol=RTOL, atol=0.0), (
            f"{system_id}'s {field} moved under FACTS_VERSION {_facts.FACTS_VERSION} "
            f"({want} -> {got}): the facts algorithm changed. Bump FACTS_VERSION in "
            "chaosbench/_facts.py and record the fingerprint anew with `python "
            "tests/test_facts_version.py --record`"
        )
    assert math.isfinite(now["period"])


if __name__ == "__main__" and "--record" in sys.argv:
    cb.configure()  # as the test suite does (tests/conftest.py): the same numbers
    cb.load_plugins()
    table = {
        "version": _facts.FACTS_VERSION,
        "settings": SETTINGS,
        "systems": {system_id: fingerprint(system_id) for system_id in SYSTEMS},
    }
    FINGERPRINT.write_text(json.dumps(table, indent=1) + "\n")
    print(f"recorded {FINGERPRINT} under FACTS_VERSION {_facts.FACTS_VERSION}")
