"""Forecasters from outside the repository, by ``--plugin`` and by entry point, run in
every worker process (``--jobs 2``) and reach ``leaderboard.csv``."""

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from reliability_helpers import chaosbench_command, subprocess_env

from chaosbench.cli._cli import main
from chaosbench.harness import _plugins

EXAMPLE = Path(__file__).parents[1] / "examples" / "plugin_package"
PACKAGE = EXAMPLE / "chaosbench_example_plugin"
ID = "damped_persistence-v1"


def run(args, env):
    done = subprocess.run(
        chaosbench_command(*args), env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def run_and_rank(out: Path, env, *plugin_args: str) -> pd.DataFrame:
    suite = ["--suite", "tiny", "--forecasters", ID, "persistence", "--seeds", "1"]
    run(["run", *suite, "--jobs", "2", "--out", str(out), *plugin_args], env)
    run(["leaderboard", "--out", str(out), *plugin_args], env)
    return pd.read_csv(out / "leaderboard.csv")


def test_plugin_by_path_runs_with_two_jobs(tmp_path):
    board = run_and_rank(tmp_path / "out", subprocess_env(tmp_path), "--plugin", str(PACKAGE))
    assert set(board["forecaster"]) == {ID, "persistence-v1"}


def install_example(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The example plug-in installed (a copy and a dist-info directory with its
    ``chaosbench.plugins`` entry point on the path: what ``pip install`` leaves behind);
    returns the installed package's directory and the environment that sees it."""
    site = tmp_path / "plugin_site"
    shutil.copytree(PACKAGE, site / PACKAGE.name)
    info = site / "chaosbench_example_plugin-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: chaosbench-example-plugin\nVersion: 0.1.0\n"
    )
    (info / "entry_points.txt").write_text(
        "[chaosbench.plugins]\nexample = chaosbench_example_plugin\n"
    )
    env = subprocess_env(tmp_path)
    env["PYTHONPATH"] = f"{site}:{env['PYTHONPATH']}"
    return site / PACKAGE.name, env


def test_plugin_by_entry_point_runs_with_two_jobs(tmp_path):
    """An installed distribution with a ``chaosbench.plugins`` entry point."""
    _, env = install_example(tmp_path)
    assert ID in run(["list", "forecasters"], env).split()
    board = run_and_rank(tmp_path / "out", env)
    assert set(board["forecaster"]) == {ID, "persistence-v1"}


def test_an_installed_plugin_also_named_by_plugin_is_the_same_code(tmp_path):
    """Installed (entry point) and named by ``--plugin`` too: the same file under another
    module name, or the repository's identical copy of the installed package, is one
    plug-in, not a duplicate to be given a new version. A copy whose code differs is
    refused, naming both files and what to do."""
    installed, env = install_example(tmp_path)
    for same in (installed / "__init__.py", PACKAGE):
        listed = run(["list", "forecasters", "--plugin", str(same)], env).split()
        assert listed.count(ID) == 1, listed
    changed = tmp_path / "changed" / PACKAGE.name
    shutil.copytree(PACKAGE, changed)
    init = changed / "__init__.py"
    init.write_text(init.read_text().replace("decay: float = 0.99", "decay: float = 0.9"))
    done = subprocess.run(
        chaosbench_command("list", "forecasters", "--plugin", str(changed)),
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"forecaster id '{ID}' is registered by {installed / '__init__.py'}" in done.stderr
    assert f"again by {init}, whose code differs" in done.stderr
    assert "load it once" in done.stderr and "damped_persistence-v2" in done.stderr


def test_a_plugin_that_cannot_be_found_says_what_to_do(tmp_path, capsys):
    assert main(["list", "forecasters", "--plugin", str(tmp_path / "missing.py")]) == 2
    err = capsys.readouterr().err
    assert "missing.py" in err and "not found" in err
    assert main(["list", "forecasters", "--plugin", "no_such_module_xyz"]) == 2
    err = capsys.readouterr().err
    assert "no_such_module_xyz" in err and "PYTHONPATH" in err


def test_a_plugin_file_is_loaded_once(tmp_path):
    path = tmp_path / "cb_once_plugin.py"
    path.write_text("COUNT = globals().get('COUNT', 0) + 1\n")
    _plugins.load_plugin(str(path))
    _plugins.load_plugin(str(path))
    import sys

    assert sys.modules["cb_once_plugin"].COUNT == 1
    assert str(path.resolve()) in _plugins.loaded()


@pytest.mark.parametrize("bad", ["dir_without_init"])
def test_a_directory_that_is_not_a_package_is_refused(tmp_path, bad):
    (tmp_path / bad).mkdir()
    with pytest.raises(_plugins.PluginError, match="no __init__.py"):
        _plugins.load_plugin(str(tmp_path / bad))
