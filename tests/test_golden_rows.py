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
            k
            for k, v in row.items()
            if k in SHORT + ("vpt_periods", "d_stsp", "d_stsp_norm", "d_h", "d_h_norm")
            or k in ("lyap", "lyap_rel_error")
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


# re-pinned for Protocol v5 (independent starts, a dataset per seed; facts v3, truth floors,
# the λ error's clip at −λ_max)
GOLDEN.update(
    {
        "lorenz63-v1 climatology-v1": {
            "d_h": "4.117328390e-01",
            "d_h_norm": "7.852666907e+00",
            "d_stsp": "1.249558360e+01",
            "d_stsp_norm": "1.132447956e+02",
            "lyap": "-inf",
            "lyap_rel_error": "2.000000000e+00",
            "nrmse_h0.5": "6.178044629e-01",
            "nrmse_h1": "1.354212936e+00",
            "smape_h0.5": "6.285684071e+01",
            "smape_h1": "7.044183928e+01",
            "vpt_lyap": "1.388592383e-02",
            "vpt_periods": "2.000000000e-02",
        },
        "lorenz63-v1 esn-v3": {
            "vpt_lyap": "5.332194750e+00",
            "nrmse_h0.5": "1.263979035e-05",
            "nrmse_h1": "4.561243348e-05",
        },
        "lorenz63-v1 persistence-v1": {
            "d_h": "1.035482159e-01",
            "d_h_norm": "1.974896271e+00",
            "d_stsp": "1.245956889e+01",
            "d_stsp_norm": "1.129184020e+02",
            "lyap": "7.430497791e-10",
            "lyap_rel_error": "9.999999992e-01",
            "nrmse_h0.5": "6.925500303e-01",
            "nrmse_h1": "1.504720472e+00",
            "smape_h0.5": "7.613015813e+01",
            "smape_h1": "7.065029952e+01",
            "vpt_lyap": "1.041444287e-01",
            "vpt_periods": "1.500000000e-01",
        },
        "lorenz96-v1 climatology-v1": {
            "d_h": "4.144630373e-01",
            "d_h_norm": "7.385373710e+00",
            "d_stsp": "2.617499834e+00",
            "d_stsp_norm": "3.140153262e+01",
            "lyap": "-inf",
            "lyap_rel_error": "2.000000000e+00",
            "nrmse_h0.5": "1.006343657e+00",
            "nrmse_h1": "9.743797024e-01",
            "smape_h0.5": "1.099481789e+02",
            "smape_h1": "1.131360424e+02",
            "vpt_lyap": "0.000000000e+00",
            "vpt_periods": "0.000000000e+00",
        },
        "lorenz96-v1 persistence-v1": {
            "d_h": "4.163480486e-01",
            "d_h_norm": "7.418962985e+00",
            "d_stsp": "8.248377456e+00",
            "d_stsp_norm": "9.895385297e+01",
            "lyap": "-2.448004603e-09",
            "lyap_rel_error": "1.000000002e+00",
            "nrmse_h0.5": "1.331368514e+00",
            "nrmse_h1": "1.667460033e+00",
            "smape_h0.5": "1.073094483e+02",
            "smape_h1": "1.332622741e+02",
            "vpt_lyap": "1.427581788e-01",
            "vpt_periods": "7.000000000e-02",
        },
        "rossler-v1 climatology-v1": {
            "d_h": "2.010330942e-01",
            "d_h_norm": "9.687849759e+00",
            "d_stsp": "1.247365386e+01",
            "d_stsp_norm": "2.092487912e+02",
            "lyap": "-inf",
            "lyap_rel_error": "2.000000000e+00",
            "nrmse_h0.5": "5.251852445e-01",
            "nrmse_h1": "7.298504623e-01",
            "smape_h0.5": "1.747690150e+02",
            "smape_h1": "1.720724221e+02",
            "vpt_lyap": "0.000000000e+00",
            "vpt_periods": "0.000000000e+00",
        },
        "rossler-v1 persistence-v1": {
            "d_h": "2.010330942e-01",
            "d_h_norm": "9.687849759e+00",
            "d_stsp": "1.241963178e+01",
            "d_stsp_norm": "2.083425568e+02",
            "lyap": "-2.252229879e-11",
            "lyap_rel_error": "1.000000000e+00",
            "nrmse_h0.5": "1.062421412e+00",
            "nrmse_h1": "1.474944789e+00",
            "smape_h0.5": "1.399638597e+02",
            "smape_h1": "1.395576423e+02",
            "vpt_lyap": "3.753249356e-02",
            "vpt_periods": "9.000000000e-02",
        },
    }
)


if __name__ == "__main__":  # print the table to pin (after a deliberate version bump)
    import tempfile

    from chaosbench import configure, load_plugins

    configure()  # the thread settings the tests run under (conftest), else the ESN differs
    load_plugins()
    gen = reliability_helpers.plugins()
    next(gen)
    with tempfile.TemporaryDirectory() as directory:
        print(json.dumps(golden_rows(directory), indent=1))
