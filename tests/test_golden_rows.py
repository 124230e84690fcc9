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


GOLDEN.update(
    {
        "lorenz63-v1 climatology-v1": {
            "d_h": "1.038815853e-01",
            "d_stsp": "1.250384437e+01",
            "lyap": "-inf",
            "lyap_rel_error": "inf",
            "nrmse_h0.5": "1.040273771e+00",
            "nrmse_h1": "8.994956195e-01",
            "smape_h0.5": "1.107126669e+02",
            "smape_h1": "1.255257320e+02",
            "vpt_lyap": "0.000000000e+00",
        },
        "lorenz63-v1 esn-v2": {
            "vpt_lyap": "7.247630950e-01",
            "nrmse_h0.5": "7.148390920e-02",
            "nrmse_h1": "8.081664903e-01",
        },
        "lorenz63-v1 persistence-v1": {
            "d_h": "4.123032664e-01",
            "d_stsp": "1.250384437e+01",
            "lyap": "-1.103028912e-09",
            "lyap_rel_error": "1.000000001e+00",
            "nrmse_h0.5": "1.604285467e+00",
            "nrmse_h1": "1.761042233e+00",
            "smape_h0.5": "8.200125317e+01",
            "smape_h1": "9.049622691e+01",
            "vpt_lyap": "4.786171382e-02",
        },
        "lorenz96-v1 climatology-v1": {
            "d_h": "4.925466048e-01",
            "d_stsp": "3.110207063e+00",
            "lyap": "-inf",
            "lyap_rel_error": "inf",
            "nrmse_h0.5": "1.206058602e+00",
            "nrmse_h1": "1.163875147e+00",
            "smape_h0.5": "1.227320559e+02",
            "smape_h1": "1.166003805e+02",
            "vpt_lyap": "0.000000000e+00",
        },
        "lorenz96-v1 persistence-v1": {
            "d_h": "5.779845517e-01",
            "d_stsp": "8.839565226e+00",
            "lyap": "3.699504309e-09",
            "lyap_rel_error": "9.999999970e-01",
            "nrmse_h0.5": "1.351391170e+00",
            "nrmse_h1": "1.542129839e+00",
            "smape_h0.5": "8.524821917e+01",
            "smape_h1": "9.512480060e+01",
            "vpt_lyap": "9.919455057e-02",
        },
        "rossler-v1 climatology-v1": {
            "d_h": "2.038864910e-01",
            "d_stsp": "1.266884038e+01",
            "lyap": "-inf",
            "lyap_rel_error": "inf",
            "nrmse_h0.5": "1.318706878e+00",
            "nrmse_h1": "7.385652270e-01",
            "smape_h0.5": "1.677105630e+02",
            "smape_h1": "1.679942707e+02",
            "vpt_lyap": "0.000000000e+00",
        },
        "rossler-v1 persistence-v1": {
            "d_h": "4.253079564e-01",
            "d_stsp": "1.263282566e+01",
            "lyap": "-5.336540846e-11",
            "lyap_rel_error": "1.000000001e+00",
            "nrmse_h0.5": "1.109433078e+00",
            "nrmse_h1": "1.545386600e+00",
            "smape_h0.5": "1.205024425e+02",
            "smape_h1": "1.217905103e+02",
            "vpt_lyap": "3.713615905e-02",
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
