"""The runner's shards, merge, local jobs and Ray backend give the rows of a plain serial
run, and the same command twice gives the same rows.

"The same rows" means the same set of run ids with rows equal apart from the timing and
stamp columns (``chaosbench.harness._runner.same_result``).
"""

import dataclasses
import json
import re
import shutil

import pytest
import reliability_helpers
from reliability_helpers import (
    SUITES,
    assert_same_rows,
    chaosbench_command,
    read_rows,
    subprocess_env,
    tiny_suite,
)

from chaosbench.cli._cli import main
from chaosbench.harness import _runner
from chaosbench.harness._store import DuplicateRowsError, load_rows

plugins = pytest.fixture(scope="module")(reliability_helpers.plugins)
reference = pytest.fixture(scope="module")(reliability_helpers.reference)


# The ESN (a fitted model with real numerics, seeds vmapped in one group) on one system:
# the determinism tests below need one group of two seeds, not several systems.
ESN_TWO_SEEDS = tiny_suite("esn_two_seeds", forecasters=("esn",), seeds=2)


@pytest.fixture(scope="module")
def esn_rows(plugins, tmp_path_factory):
    """Rows of the ESN's two seeds fitted together, in this process (the local backend)."""
    out = tmp_path_factory.mktemp("esn_two_seeds")
    summary = _runner.run(ESN_TWO_SEEDS, out, progress=False, log=lambda m: None)
    assert summary.done == 2 and summary.errors == 0
    return read_rows(out)


def run_cli(*args):
    return main(["run", "--suite", "tiny3", *args, "--no-progress"])


def test_same_command_twice_gives_the_same_rows(tmp_path, reference):
    for name in ("a", "b"):
        assert run_cli("--out", str(tmp_path / name)) == 0
    a, b = read_rows(tmp_path / "a"), read_rows(tmp_path / "b")
    assert_same_rows(a, b)
    assert_same_rows(a, reference)
    # only timing and stamp columns may differ, and the comparison does see a change
    row = dict(next(iter(a.values())))
    assert _runner.same_result(row, {**row, "fit_seconds": 123.0, "git_commit": "x"})
    assert not _runner.same_result(row, {**row, "vpt_lyap": row["vpt_lyap"] + 1e-12})


def test_shards_then_merge_equal_the_unsharded_run(tmp_path, reference, capsys):
    shards = [tmp_path / f"shard{k}" for k in (1, 2, 3)]
    for k, out in enumerate(shards, start=1):
        assert run_cli("--shard", f"{k}/3", "--out", str(out)) == 0
    parts = [read_rows(out) for out in shards]
    assert [len(p) for p in parts] == [2, 2, 2]  # one group (2 seeds) each, whole groups
    assert len(set().union(*parts)) == 6  # disjoint
    merged = tmp_path / "merged"
    assert main(["merge", *map(str, shards), "--out", str(merged)]) == 0
    assert "merged 6 new rows" in capsys.readouterr().out
    assert_same_rows(read_rows(merged), reference)
    # merging again adds nothing and duplicates nothing
    assert main(["merge", *map(str, shards), "--out", str(merged)]) == 0
    assert "merged 0 new rows" in capsys.readouterr().out
    assert len(list((merged / "cells").glob("*"))) == 6


def test_merge_refuses_conflicting_or_torn_rows(tmp_path, reference, capsys):
    source = tmp_path / "source"
    (source / "cells").mkdir(parents=True)
    for run_id, row in reference.items():
        (source / "cells" / f"{run_id}.json").write_text(json.dumps(row))
    merged = tmp_path / "merged"
    assert main(["merge", str(source), "--out", str(merged)]) == 0
    changed = tmp_path / "changed"
    shutil.copytree(source, changed)
    path = sorted((changed / "cells").glob("*.json"))[0]
    row = json.loads(path.read_text())
    path.write_text(json.dumps({**row, "vpt_lyap": row["vpt_lyap"] + 1.0}))
    assert main(["merge", str(changed), "--out", str(merged)]) == 2
    assert f"conflicting rows for run id {path.stem}" in capsys.readouterr().err
    path.write_text(path.read_text()[:30])
    assert main(["merge", str(changed), "--out", str(tmp_path / "other")]) == 2
    err = capsys.readouterr().err
    assert "is not a whole row" in err and "re-run that shard" in err
    assert main(["merge", str(tmp_path / "nothing"), "--out", str(merged)]) == 2
    assert "has no cells/ directory" in capsys.readouterr().err


def _jobs_summary(text: str) -> tuple[int, int, int, int]:
    """(planned, done, skipped, in other runs) from the one summary of a --jobs run."""
    lines = [line for line in text.splitlines() if line.startswith("suite tiny3")]
    assert lines == [lines[0]] and lines[0].startswith("suite tiny3, 2 processes: "), text
    numbers = re.match(
        r".*planned (\d+), done (\d+), skipped (\d+) \(finished before\), in other runs (\d+)",
        lines[0],
    )
    return tuple(int(n) for n in numbers.groups())


def test_summaries_of_jobs_combine_into_one():
    """Two processes of one plan: the first planned before any row was written."""
    first = _runner.Summary(planned=6, done=4, skipped=1, locked=2, left_out=0, compile=3.0)
    second = _runner.Summary(planned=6, done=1, skipped=3, locked=4, left_out=0, compile=1.0)
    both = _runner.Summary.combine([first, second], elapsed=10.0, messages=["x"])
    assert (both.planned, both.done, both.skipped, both.locked) == (6, 5, 1, 0)
    assert both.errors == 1 and both.processes == 2 and both.compile == 4.0
    assert "in other runs 0, errors 1" in both.line() and "20% of 2 processes" in both.line()
    # a group held by another run throughout: none of the processes computed it
    held = _runner.Summary.combine([first, second], 10.0, [])
    held_out = _runner.Summary.combine(
        [dataclasses.replace(first, done=3), dataclasses.replace(second, done=0)], 10.0, []
    )
    assert held.locked == 0 and held_out.locked == 2


def test_jobs_2_equals_the_serial_run(tmp_path, reference, monkeypatch, capfd):
    """Two local processes sharing one plan (`--jobs 2`); they learn the tiny suite from
    the test environment (see ``reliability_helpers.subprocess_env``). Every cell is
    computed by exactly one of them, with and without ``--force``."""
    for key, value in subprocess_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    out = tmp_path / "out"
    assert run_cli("--jobs", "2", "--out", str(out)) == 0
    assert _jobs_summary(capfd.readouterr().out) == (6, 6, 0, 0)  # one summary, not two
    assert_same_rows(read_rows(out), reference)
    assert run_cli("--jobs", "2", "--out", str(out)) == 0  # finished: nothing to do
    assert _jobs_summary(capfd.readouterr().out) == (6, 0, 6, 0)
    assert run_cli("--jobs", "2", "--out", str(out), "--force") == 0
    assert _jobs_summary(capfd.readouterr().out) == (6, 6, 0, 0)  # recomputed once, not twice
    assert_same_rows(read_rows(out), reference)
    # each run logged its wall time and what it left behind, once (by the parent)
    sessions = (out / "sessions.csv").read_text().splitlines()
    assert sessions[0].startswith("started,wall_seconds,jobs,shard,planned,finished,failed")
    logged = [dict(zip(sessions[0].split(","), line.split(","))) for line in sessions[1:]]
    assert [(s["jobs"], s["planned"], s["finished"], s["written"]) for s in logged] == [
        ("2", "6", "6", "6"),
        ("2", "6", "6", "0"),
        ("2", "6", "6", "6"),
    ]
    assert all(float(s["wall_seconds"]) > 0 for s in logged)


def _rows_on_ray(suites, out):
    """Run ``suites`` on a one-CPU local Ray cluster into ``out``: (cells done, errors)."""
    ray = pytest.importorskip(
        "ray", reason="the Ray backend test needs ray: pip install 'chaosbench[ray]'"
    )
    ray.init(
        num_cpus=1,
        _node_ip_address="127.0.0.1",
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
    )
    try:
        summaries = [
            _runner.run(suite, out, backend="ray", progress=False, log=lambda m: None)
            for suite in suites
        ]
    finally:
        ray.shutdown()
    return sum(s.done for s in summaries), sum(s.errors for s in summaries)


# ray.init forks helper processes; JAX warns about forking a multithreaded process
@pytest.mark.filterwarnings("ignore:os.fork:RuntimeWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_ray_backend_equals_the_local_backend(tmp_path, plugins):
    """Two forecasters × two seeds, each group on a Ray worker process: the rows of the
    local backend. (That a fitted model's seed gives the same bits in another process is
    the next test's; the ESN on Ray is ``test_ray_backend_equals_the_local_backend_for_the_esn``,
    marked slow.)"""
    suite = SUITES["tiny"]
    local = tmp_path / "local"
    _runner.run(suite, local, progress=False, log=lambda m: None)
    done, errors = _rows_on_ray([suite], tmp_path / "ray")
    assert done == 4 and errors == 0
    assert_same_rows(read_rows(tmp_path / "ray"), read_rows(local))


@pytest.mark.slow  # about a minute on 2 cores: a Ray worker compiles and runs the ESN
@pytest.mark.filterwarnings("ignore:os.fork:RuntimeWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_ray_backend_equals_the_local_backend_for_the_esn(tmp_path, plugins, esn_rows):
    done, errors = _rows_on_ray([ESN_TWO_SEEDS], tmp_path / "ray")
    assert done == 2 and errors == 0
    assert_same_rows(read_rows(tmp_path / "ray"), esn_rows)


def test_a_seed_row_does_not_depend_on_its_group_or_the_core_count(tmp_path, esn_rows):
    """Seed 0 of the ESN fitted alone in a process pinned to one core (`taskset`) gives the
    bits it gives fitted beside seed 1 in this process on every core (XLA's and OpenBLAS's
    thread counts are fixed). One comparison covers both: a seed's row that depended on
    its group or on the cores would differ here."""
    import subprocess

    pinned = shutil.which("taskset") is not None
    command = [
        *chaosbench_command("run", "--suite", "tiny", "--forecasters", "esn", "--seeds", "1"),
        "--out",
        str(tmp_path / "alone"),
        "--no-progress",
    ]
    if pinned:
        command = ["taskset", "-c", "0", *command]
    env = subprocess_env(tmp_path)
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    alone = read_rows(tmp_path / "alone")
    assert len(esn_rows) == 2 and len(alone) == 1
    (run_id,) = alone
    assert alone[run_id]["seed"] == 0
    assert_same_rows(alone, {run_id: esn_rows[run_id]})
    if not pinned:
        pytest.skip(
            "taskset (util-linux) is not installed: seed 0 alone matched its group, "
            "but on every core"
        )


def test_a_row_replaced_by_changed_code_is_set_aside_not_aggregated(tmp_path, reference):
    """A cell of the same (task, system, forecaster, seed) under another run id — what an
    older build of a forecaster left behind — makes the tables refuse to aggregate, and the
    next run of the suite moves it to superseded/ (its own rows untouched)."""
    out = tmp_path / "out"
    assert run_cli("--out", str(out)) == 0
    cells = sorted((out / "cells").glob("*.json"))
    stale_id = "0" * 16
    row = json.loads(cells[0].read_text())
    (out / "cells" / f"{stale_id}.json").write_text(json.dumps({**row, "run_id": stale_id}))
    with pytest.raises(DuplicateRowsError, match="more than one row"):
        load_rows(out)
    assert run_cli("--out", str(out)) == 0
    assert (out / "superseded" / f"{stale_id}.json").exists()
    assert sorted((out / "cells").glob("*.json")) == cells
    assert len(load_rows(out)) == len(cells)


def test_rows_record_the_independence_of_their_dataset(esn_rows):
    """The runner adds its dataset's independence check to every row (protocol v5), the
    leaderboard keeps one line per dataset and names no system when all pass."""
    import pandas as pd

    from chaosbench.reporting._independence import independence_lines, independence_table

    rows = pd.DataFrame(list(esn_rows.values()))
    assert rows["independence_ratio"].notna().all()
    assert rows["independent"].map(lambda v: v is True).all()
    assert (rows["independence_ratio"] >= 0.5).all()
    assert rows["independence_ratio"].nunique() == rows["seed"].nunique()  # a dataset per seed
    table = independence_table(rows)
    assert len(table) == rows[["task", "system", "seed"]].drop_duplicates().shape[0]
    failing = table.assign(independent=[False] + [True] * (len(table) - 1))
    (line, _) = independence_lines(failing, table["task"].iloc[0])
    assert f"`{table['system'].iloc[0]}` (seeds {table['seed'].iloc[0]})" in line
    (line, _) = independence_lines(table, table["task"].iloc[0])
    assert "all pass" in line
