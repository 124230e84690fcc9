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


# re-pinned for facts v4 (the mean period: every Δ changed; Protocol v5's independent starts,
# a dataset per seed, truth floors, the λ error's clip at −λ_max)
GOLDEN.update(
    {
        "lorenz63-v1 climatology-v1": {
            "d_h": "7.313477433e-01",
            "d_h_norm": "1.392439615e+01",
            "d_stsp": "1.224602371e+01",
            "d_stsp_norm": "1.437817783e+02",
            "lyap": "-inf",
            "lyap_rel_error": "2.000000000e+00",
            "nrmse_h0.5": "3.267245197e-01",
            "nrmse_h1": "1.644357598e+00",
            "smape_h0.5": "1.318121918e+02",
            "smape_h1": "1.306829259e+02",
            "vpt_lyap": "0.000000000e+00",
            "vpt_periods": "0.000000000e+00",
        },
        "lorenz63-v1 esn-v4": {
            "vpt_lyap": "5.376851566e+00",
            "nrmse_h0.5": "3.625644708e-05",
            "nrmse_h1": "6.327902166e-04",
        },
        "lorenz63-v1 persistence-v1": {
            "d_h": "1.527131056e-01",
            "d_h_norm": "2.907560459e+00",
            "d_stsp": "1.222801635e+01",
            "d_stsp_norm": "1.435703522e+02",
            "lyap": "1.495159467e-10",
            "lyap_rel_error": "9.999999998e-01",
            "nrmse_h0.5": "7.166438417e-01",
            "nrmse_h1": "1.840681609e+00",
            "smape_h0.5": "8.492581712e+01",
            "smape_h1": "1.137100589e+02",
            "vpt_lyap": "1.026829292e-01",
            "vpt_periods": "1.100000000e-01",
        },
        "lorenz96-v1 climatology-v1": {
            "d_h": "4.050317518e-01",
            "d_h_norm": "7.780587580e+00",
            "d_stsp": "2.627688431e+00",
            "d_stsp_norm": "3.595884872e+01",
            "lyap": "-inf",
            "lyap_rel_error": "2.000000000e+00",
            "nrmse_h0.5": "1.038884953e+00",
            "nrmse_h1": "9.985690315e-01",
            "smape_h0.5": "1.178395751e+02",
            "smape_h1": "1.184887726e+02",
            "vpt_lyap": "0.000000000e+00",
            "vpt_periods": "0.000000000e+00",
        },
        "lorenz96-v1 persistence-v1": {
            "d_h": "4.935506950e-01",
            "d_h_norm": "9.481020662e+00",
            "d_stsp": "9.141004580e+00",
            "d_stsp_norm": "1.250909343e+02",
            "lyap": "-2.793202093e-09",
            "lyap_rel_error": "1.000000002e+00",
            "nrmse_h0.5": "1.368374396e+00",
            "nrmse_h1": "1.864635689e+00",
            "smape_h0.5": "1.012395214e+02",
            "smape_h1": "1.214801513e+02",
            "vpt_lyap": "1.045926446e-01",
            "vpt_periods": "6.000000000e-02",
        },
        "rossler-v1 climatology-v1": {
            "d_h": "1.502617675e-01",
            "d_h_norm": "1.515790403e+01",
            "d_stsp": "1.284983044e+01",
            "d_stsp_norm": "2.874761894e+02",
            "lyap": "-inf",
            "lyap_rel_error": "2.000000000e+00",
            "nrmse_h0.5": "1.085202390e+00",
            "nrmse_h1": "9.245714161e-01",
            "smape_h0.5": "1.706469150e+02",
            "smape_h1": "1.682344301e+02",
            "vpt_lyap": "0.000000000e+00",
            "vpt_periods": "0.000000000e+00",
        },
        "rossler-v1 persistence-v1": {
            "d_h": "1.502617675e-01",
            "d_h_norm": "1.515790403e+01",
            "d_stsp": "1.284983044e+01",
            "d_stsp_norm": "2.874761894e+02",
            "lyap": "-2.140372197e-11",
            "lyap_rel_error": "1.000000000e+00",
            "nrmse_h0.5": "1.214029723e+00",
            "nrmse_h1": "1.716080255e+00",
            "smape_h0.5": "1.223396932e+02",
            "smape_h1": "1.228203548e+02",
            "vpt_lyap": "3.589156924e-02",
            "vpt_periods": "1.200000000e-01",
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
