"""Suite files: a small TOML file is a suite; the built-in suites are such files.

A file round-trips into the cells it names; the built-in files equal the suites that were
Python constants before them (same fields, same hash); a malformed file is refused with
its path, the key and the fix; ``core`` covers every family and every bin of the passing
systems; the files ship in the wheel.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

import chaosbench as cb
from chaosbench.cli._cli import main
from chaosbench.harness import _plan, _suite
from chaosbench.harness._suite import Suite

ROOT = Path(__file__).resolve().parents[1]
FILE = """\
# a comment
name = "mine"
systems = ["lorenz63", "family:rossler_like"]
forecasters = ["persistence", "linear_ar:lags=2", { id = "linear_ar", ridge = 1e-6 }]
tasks = ["limited"]
seeds = 2
"""


def write(tmp_path: Path, text: str, name: str = "suite.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_suite_file_plans_the_cells_it_names(tmp_path):
    suite = cb.load_suite(write(tmp_path, FILE))
    assert suite.name == "mine" and suite.tasks == ("limited",) and suite.seeds == 2
    assert suite.forecasters == ("persistence", "linear_ar[lags=2]", "linear_ar[ridge=1e-06]")
    assert suite.protocol == cb.Protocol() and not suite.strict  # a family: left out if failing
    cells = _plan.plan(suite)
    systems = ["lorenz63-v1", "hyper_rossler-v1", "rossler-v1"]
    forecasters = ["persistence-v1", "linear_ar-v2[lags=2]", "linear_ar-v2[ridge=1e-06]"]
    expected = [(s, "limited", f, seed) for s in systems for f in forecasters for seed in (0, 1)]
    assert [(c.system_id, c.task, c.forecaster_id, c.seed) for c in cells] == expected
    assert len({c.run_id for c in cells}) == len(cells)
    # the same suite written in Python is the same suite, with the same hash
    same = Suite(
        "mine",
        systems=("lorenz63", "family:rossler_like"),
        forecasters=(
            "persistence",
            cb.ForecasterSpec("linear_ar", lags=2),
            cb.ForecasterSpec("linear_ar", ridge=1e-6),
        ),
        tasks=("limited",),
        seeds=2,
    )
    assert same == suite and same.hash == suite.hash
    # the name defaults to the file's stem; a lone string is a one-entry list
    short = 'systems = "all"\nforecasters = "esn:size=800"\n'
    suite = cb.load_suite(write(tmp_path, short, "short.toml"))
    assert (suite.name, suite.systems, suite.forecasters) == ("short", ("all",), ("esn[size=800]",))
    assert (suite.tasks, suite.seeds) == (("rich",), 3)


# The suites as they were written in Python before they were files.
BEFORE = {
    "smoke": Suite(
        "smoke",
        systems=("lorenz63", "rossler", "lorenz96"),
        forecasters=("persistence", "climatology", "esn"),
        seeds=2,
    ),
    "default": Suite(
        "default",
        systems=("lorenz63", "rossler", "hyper_rossler", "lorenz96"),
        forecasters=("all",),
        seeds=3,
    ),
    "catalogue": Suite(
        "catalogue", systems=("all",), forecasters=("all",), tasks=("rich",), seeds=3
    ),
    "full": Suite(
        "full", systems=("all",), forecasters=("all",), tasks=("rich", "limited", "noisy"), seeds=5
    ),
}


def test_the_builtin_files_are_the_suites_they_replace():
    curves = ["curves_context", "curves_data", "curves_noise", "curves_observed"]
    assert list(_suite.SUITES) == [
        "smoke",
        "default",
        "core",
        "catalogue",
        "full",
        *curves,
        "tuned",
        "zero_shot",
    ]
    for name, suite in BEFORE.items():
        assert _suite.SUITES[name] == suite, name
        assert _suite.SUITES[name].hash == suite.hash, name  # rows' suite_hash unchanged
    for name, suite in _suite.SUITES.items():
        _suite.check_suite(suite)  # every name resolves
        assert cb.get_suite(name) is suite
        assert cb.get_suite(_suite.SUITE_DIR / f"{name}.toml") == suite  # by path too


def test_the_suite_files_ship_in_the_wheel():
    project = _suite.tomllib.loads((ROOT / "pyproject.toml").read_text())
    setuptools = project["tool"]["setuptools"]
    assert "chaosbench.data.suites" in setuptools["packages"]
    assert "data/suites/*.toml" in setuptools["package-data"]["chaosbench"]
    assert sorted(p.name for p in _suite.SUITE_DIR.iterdir()) == sorted(
        f"{name}.toml" for name in _suite.SUITES
    )


@pytest.mark.parametrize(
    "text, error",
    [
        ("systems = [lorenz63]", r"is not valid TOML .*'Writing a suite file'"),
        ('systems = ["lorenz63"]\nforecasters = "all"\nprotocol = 5', "unknown key 'protocol'"),
        ('forecasters = "all"', "key 'systems' is missing"),
        ('systems = []\nforecasters = "all"', "key 'systems' must be a non-empty list"),
        ('systems = "all"\nforecasters = "all"\nseeds = 0', "key 'seeds' must be a positive"),
        ('systems = "all"\nforecasters = "all"\nseeds = "3"', "e.g. seeds = 3"),
        ('systems = "all"\nforecasters = "all"\ntasks = ["rch"]', "unknown task 'rch'; known"),
        ('systems = "all"\nforecasters = ["esn:size"]', "'forecasters', entry 1: malformed"),
        (
            'systems = "all"\nforecasters = ["persistence", "esn:sise=8"]',
            r"'forecasters', entry 2 \(esn\[sise=8\]\): forecaster esn-v4 has no hyperparameter",
        ),
        (
            'systems = ["family:lorenz"]\nforecasters = "all"',
            "'systems', entry 1 .* unknown system family 'lorenz'; known families: cell_biology",
        ),
        (
            'systems = ["lorenz36"]\nforecasters = "all"',
            "'systems', entry 1 .*unknown system 'lorenz36'. Did you mean",
        ),
    ],
)
def test_a_malformed_file_is_refused_with_the_file_the_key_and_the_fix(tmp_path, text, error):
    path = write(tmp_path, text)
    with pytest.raises(cb.SuiteError, match=error) as raised:
        cb.load_suite(path)
    assert str(raised.value).startswith(str(path))


def test_the_cli_runs_a_suite_file_and_names_a_bad_one(tmp_path, capsys):
    assert main(["run", "--suite", str(tmp_path / "nope.toml")]) == 2
    assert "nope.toml does not exist" in capsys.readouterr().err
    assert main(["run", "--suite", "nope"]) == 2
    assert "known suites: smoke, default, core, catalogue, full, curves_" in capsys.readouterr().err
    bad = write(tmp_path, 'systems = "all"\nforecasters = ["esn:sise=8"]')
    assert main(["run", "--suite", str(bad)]) == 2
    assert "Did you mean size?" in capsys.readouterr().err


def _core_script():
    path = ROOT / "benchmarks" / "core_suite.py"
    spec = importlib.util.spec_from_file_location("core_suite_script", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_core_covers_every_family_and_bin_of_the_passing_systems():
    script = _core_script()
    core = _suite.SUITES["core"]
    assert 20 <= len(core.systems) <= 25 and core.strict
    assert (core.forecasters, core.tasks, core.seeds) == (("all",), ("rich",), 3)
    assert set(_suite.SUITES["default"].systems) <= set(core.systems)
    pool = script.candidates(json.loads(script.TABLE.read_text()))
    rerun = "the facts changed: re-run `python benchmarks/core_suite.py --write`"
    assert set(core.systems) <= set(pool), f"{sorted(set(core.systems) - set(pool))}: {rerun}"
    covered = set().union(*(script.strata(pool[name]) for name in core.systems))
    wanted = set().union(*(script.strata(info) for info in pool.values()))
    assert covered == wanted, f"not covered: {sorted(wanted - covered)}; {rerun}"
    families = {cb.get_system(name).family for name in core.systems}
    assert families == {getattr(_suite._api.systems.get(i), "family") for i in cb.list_systems()}


def test_the_tuned_suite_runs_both_tracks_on_the_core_systems():
    tuned, core = _suite.SUITES["tuned"], _suite.SUITES["core"]
    assert tuned.systems == core.systems and tuned.seeds == core.seeds == 3
    learned = sorted(
        f.rsplit("-v", 1)[0]
        for f in cb.list_forecasters()
        if type(cb.get_forecaster(f)).search_space is not None
    )
    assert "all" in tuned.forecasters
    assert sorted(f[len("tuned(") : -1] for f in tuned.forecasters if f != "all") == learned
