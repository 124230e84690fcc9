"""Golden rows: the smoke suite's forecasters on its systems give pinned numbers.

Persistence, climatology and the ESN on Lorenz-63, Rössler and Lorenz-96 (the smoke
suite's cells, on the tiny protocol so that this runs in seconds). Every metric of the
baselines and the ESN's short-term metrics are pinned to 10 significant digits: a
refactor must leave them alone. If one fails after a change that is meant to alter
results, bump the version of what changed (the forecaster's id, ``Protocol.version`` or a
metric's id) and only then re-pin (``python tests/test_golden_rows.py`` prints the table).
The ESN's long-run scores are not pinned: a 1,024-step chaotic free run amplifies
last-bit differences between CPUs.
"""

import json
import sys

import pytest
import reliability_helpers
from reliability_helpers import read_rows, tiny_suite

from chaosbench import _runner

plugins = pytest.fixture(scope="module")(reliability_helpers.plugins)

SUITES = (
    tiny_suite(
        "golden",
        forecasters=("persistence", "climatology"),
        systems=("lorenz63", "rossler", "lorenz96"),
        seeds=1,
    ),
    tiny_suite("golden_esn", forecasters=("esn",), systems=("lorenz63",), seeds=1),
)
SHORT = ("vpt_lyap", "nrmse_h0.5", "nrmse_h1", "smape_h0.5", "smape_h1")
ESN_PINNED = ("vpt_lyap", "nrmse_h0.5", "nrmse_h1")

GOLDEN = {}  # filled below


def pinned(row: dict) -> dict[str, str]:
    names = (
        ESN_PINNED
        if row["forecaster"].startswith("esn")
        else sorted(
            k for k, v in row.items() if k in SHORT + ("d_stsp", "d_h", "lyap", "lyap_rel_error")
        )
    )
    return {name: f"{float(row[name]):.9e}" for name in names}


def golden_rows(out) -> dict[str, dict[str, str]]:
    for suite in SUITES:
        summary = _runner.run(suite, out, progress=False, log=lambda m: None)
        assert summary.errors == 0, summary.messages
    return {
        f"{r['system']} {r['forecaster']}": pinned(r)
        for r in sorted(read_rows(out).values(), key=lambda r: (r["system"], r["forecaster"]))
    }


def test_smoke_rows_are_pinned(tmp_path, plugins):
    found = golden_rows(tmp_path)
    assert found == GOLDEN, json.dumps(found, indent=1)


GOLDEN.update({})


if __name__ == "__main__":  # print the table to pin (after a deliberate version bump)
    import tempfile

    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
    gen = reliability_helpers.plugins()
    next(gen)
    with tempfile.TemporaryDirectory() as directory:
        print(json.dumps(golden_rows(directory), indent=1))
