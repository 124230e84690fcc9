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

import pytest
import reliability_helpers
from reliability_helpers import read_rows, tiny_suite

from chaosbench.harness import _runner

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


# re-pinned for Protocol v5 (independent starts, a dataset per seed)
GOLDEN.update(
    {
        "lorenz63-v1 climatology-v1": {
            "d_h": "4.087960333e-01",
            "d_stsp": "1.235538142e+01",
            "lyap": "-inf",
            "lyap_rel_error": "inf",
            "nrmse_h0.5": "1.781710810e+00",
            "nrmse_h1": "1.611755809e+00",
            "smape_h0.5": "1.375316533e+02",
            "smape_h1": "1.064709331e+02",
            "vpt_lyap": "0.000000000e+00",
        },
        "lorenz63-v1 esn-v2": {
            "vpt_lyap": "2.652906423e+00",
            "nrmse_h0.5": "1.016603418e-02",
            "nrmse_h1": "6.572508853e-02",
        },
        "lorenz63-v1 persistence-v1": {
            "d_h": "1.095073235e-01",
            "d_stsp": "1.235538142e+01",
            "lyap": "-4.750919619e-10",
            "lyap_rel_error": "1.000000001e+00",
            "nrmse_h0.5": "2.507772231e+00",
            "nrmse_h1": "1.750281629e+00",
            "smape_h0.5": "1.052190213e+02",
            "smape_h1": "1.256788361e+02",
            "vpt_lyap": "1.982842430e-01",
        },
        "lorenz96-v1 climatology-v1": {
            "d_h": "4.147319589e-01",
            "d_stsp": "2.344031737e+00",
            "lyap": "-inf",
            "lyap_rel_error": "inf",
            "nrmse_h0.5": "1.136895888e+00",
            "nrmse_h1": "9.830291299e-01",
            "smape_h0.5": "1.096648634e+02",
            "smape_h1": "1.127675887e+02",
            "vpt_lyap": "0.000000000e+00",
        },
        "lorenz96-v1 persistence-v1": {
            "d_h": "4.957501882e-01",
            "d_stsp": "9.001436205e+00",
            "lyap": "-2.155594584e-09",
            "lyap_rel_error": "1.000000002e+00",
            "nrmse_h0.5": "1.496081604e+00",
            "nrmse_h1": "1.632541875e+00",
            "smape_h0.5": "9.084489696e+01",
            "smape_h1": "1.102081719e+02",
            "vpt_lyap": "7.935564045e-02",
        },
        "rossler-v1 climatology-v1": {
            "d_h": "1.965032935e-01",
            "d_stsp": "1.247301095e+01",
            "lyap": "-inf",
            "lyap_rel_error": "inf",
            "nrmse_h0.5": "5.282709712e-01",
            "nrmse_h1": "9.677146288e-01",
            "smape_h0.5": "1.619898796e+02",
            "smape_h1": "1.660014120e+02",
            "vpt_lyap": "0.000000000e+00",
        },
        "rossler-v1 persistence-v1": {
            "d_h": "4.203348223e-01",
            "d_stsp": "1.247301095e+01",
            "lyap": "-1.319999582e-10",
            "lyap_rel_error": "1.000000002e+00",
            "nrmse_h0.5": "1.443405257e+00",
            "nrmse_h1": "2.042165335e+00",
            "smape_h0.5": "1.200221751e+02",
            "smape_h1": "1.234677730e+02",
            "vpt_lyap": "2.888367926e-02",
        },
    }
)

if __name__ == "__main__":  # print the table to pin (after a deliberate version bump)
    import tempfile

    from chaosbench import load_plugins

    load_plugins()
    gen = reliability_helpers.plugins()
    next(gen)
    with tempfile.TemporaryDirectory() as directory:
        print(json.dumps(golden_rows(directory), indent=1))
