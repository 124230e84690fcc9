"""The task grid: named and grid tasks, their identities and resolution, one-variable and
noisy datasets, refusals by name, and every forecaster on a one-variable Lorenz-63 task."""

from __future__ import annotations

import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import reliability_helpers
import tomllib
from reliability_helpers import TINY_PROTOCOL, registered, tiny_suite

import chaosbench as cb
from chaosbench.base import _api
from chaosbench.base._cache import content_hash
from chaosbench.harness import _runner, _suite
from chaosbench.harness._execute import execute_group
from chaosbench.harness._plan import plan
from chaosbench.harness._store import stored_row
from chaosbench.numerics._rows import REFUSED, is_failure, same_result
from chaosbench.numerics._task import TASK_COLUMNS, TaskError, get_task, observed_coordinate
from helpers import all_forecasters

plugins = pytest.fixture(scope="module")(reliability_helpers.plugins)
ONE = "train=1000,observe=one"  # the limited length, one observed variable


@pytest.fixture(scope="module")
def lorenz():
    system = cb.get_system("lorenz63")
    return system, cb.get_facts(system)


# --------------------------------------------------------------------------- names


def test_named_tasks_keep_the_identities_they_had_before_the_grid():
    """Their run ids hash what ``dataclasses.asdict`` of the three-field Task gave, so
    committed rows stay valid; their dataset specs hash as before (no ``observed``)."""
    before = {
        "rich": {"name": "rich", "n_train": 10000, "noise": 0.0},
        "limited": {"name": "limited", "n_train": 1000, "noise": 0.0},
        "noisy": {"name": "noisy", "n_train": 10000, "noise": 0.05},
    }
    for name, identity in before.items():
        assert cb.TASKS[name].identity() == identity
        assert content_hash(get_task(name).identity()) == content_hash(identity)
    spec = cb.DatasetSpec.create("x-v1", {}, dt=0.1, n_train=5, n_test=1, context=2, horizon=2,
                                 n_long=3, burn_in=1.0)  # fmt: skip
    assert "observed" not in spec.as_dict()


@pytest.mark.parametrize(
    "entry, name",
    [
        ("rich", "rich"),
        ("train=10000", "rich"),
        ("train=1000steps", "limited"),
        ("noise=5%", "noisy"),
        ({"noise": 0.05, "train": 10000}, "noisy"),
        ("context=17periods, observe=one, train=50lyap",
         "train=50lyap,observe=one,context=17periods"),
        ({"train": "5lyap", "observe": "one"}, "train=5lyap,observe=one"),
        ("train=2000,noise=0.1,context=1700", "train=2000,noise=0.1,context=1700"),
    ],
)  # fmt: skip
def test_grid_points_parse_to_canonical_names(entry, name):
    task = get_task(entry)
    assert task.name == name and cb.task_name(task) == name
    assert get_task(name) == task  # the canonical name parses back to the same point


@pytest.mark.parametrize(
    "entry, message",
    [
        ("rch", r"unknown task 'rch'; known tasks: rich, limited, noisy \(did you mean rich\?\)"),
        ("tran=5lyap", r"unknown key 'tran' \(did you mean train\?\)"),
        ("train=5periods", r"train=5periods is not steps \(1000\) or Lyapunov times"),
        ("noise=-0.1", "noise must be a non-negative fraction"),
        ("observe=two", "observe is one of"),
        ("train=5lyap,train=10lyap", "key 'train' is given twice"),
        ("context=17periods,", "an empty item is not key=value"),
    ],
)
def test_a_malformed_task_is_refused_with_the_valid_keys(entry, message):
    with pytest.raises(TaskError, match=message) as raised:
        get_task(entry)
    assert "train (steps (1000) or Lyapunov times (50lyap))" in str(raised.value)
    assert "observe (all or one)" in str(raised.value)


def test_suites_take_grid_points_as_text_or_tables(tmp_path):
    path = tmp_path / "grid.toml"
    path.write_text(
        'systems = ["lorenz63"]\nforecasters = ["persistence"]\n'
        'tasks = ["rich", "train=10000", { train = "5lyap", observe = "one" }, "noise=0.1"]\n'
    )
    suite = cb.load_suite(path)
    assert suite.tasks == ("rich", "train=5lyap,observe=one", "train=10000,noise=0.1")
    bad = tmp_path / "bad.toml"
    bad.write_text('systems = ["lorenz63"]\nforecasters = ["persistence"]\ntasks = ["noise=x"]')
    with pytest.raises(cb.SuiteError, match=r"key 'tasks', entry 1: malformed task 'noise=x'"):
        cb.load_suite(bad)


def test_the_curve_suites_run_on_the_core_systems():
    core = tomllib.loads((_suite.SUITE_DIR / "core.toml").read_text())["systems"]
    for name in ("curves_data", "curves_noise", "curves_observed", "curves_context"):
        suite = _suite.SUITES[name]
        assert list(suite.systems) == core and suite.seeds == 3, name
    lengths = [get_task(t).train_lyap for t in _suite.SUITES["curves_data"].tasks]
    assert len(lengths) >= 5 and min(lengths) <= 5 and max(lengths) >= 150
    noise = sorted(get_task(t).noise for t in _suite.SUITES["curves_noise"].tasks)
    assert len(noise) >= 4 and noise[0] == 0 and noise[-1] == 0.1
    periods = [cb.Protocol().resolve(t, cb.get_facts(cb.get_system("lorenz63"))).context_periods
               for t in _suite.SUITES["curves_context"].tasks]  # fmt: skip
    assert len(periods) == 3 and any(abs(p - 17) < 1 for p in periods)


# --------------------------------------------------------------------------- resolution


def test_a_grid_point_resolves_per_system(lorenz):
    system, facts = lorenz
    protocol = cb.Protocol()
    dt, lam = protocol.dt(facts), facts["max_lyapunov"]
    resolved = protocol.resolve("train=50lyap,observe=one,context=17periods", facts)
    assert resolved.n_train == round(50 / (dt * lam)) and abs(resolved.train_lyap - 50) < 0.01
    assert resolved.context == round(17 * facts["period"] / dt) == 1700
    assert resolved.observed == (0,) and resolved.task.observe == "one"
    assert set(resolved.columns()) == set(TASK_COLUMNS)
    rich = protocol.resolve("rich", facts)
    assert (rich.n_train, rich.context, rich.observed, rich.noise) == (10000, 500, None, 0.0)
    # a slower system gets more steps for the same Lyapunov times
    slow = cb.get_facts(cb.get_system("rossler"))
    assert protocol.resolve("train=50lyap", slow).n_train > resolved.n_train


def test_the_observed_coordinate_skips_phases_and_constant_coordinates():
    assert observed_coordinate({"dimension": 3, "std": [1.0, 2.0, 3.0]}) == 0
    facts = {"dimension": 4, "phase_indices": [0], "std": [0.7, 0.0, 2.0, 1.0, 0.7]}
    assert observed_coordinate(facts) == 2  # 0 is a phase, 1 does not vary
    with pytest.raises(TaskError):
        observed_coordinate({"dimension": 1, "phase_indices": [0], "std": [1.0, 1.0]})


# --------------------------------------------------------------------------- datasets


def _spec(system, facts, task, seed=0):
    return TINY_PROTOCOL.dataset_spec(system, facts, task, seed)


def test_a_one_variable_dataset_is_the_projection_of_the_full_one(lorenz):
    system, facts = lorenz
    one = cb.make_dataset(_spec(system, facts, ONE))
    full = cb.make_dataset(_spec(system, facts, "limited"))
    assert one.spec.observed == (0,) and one.spec.hash != full.spec.hash
    assert one.train.shape == (1000, 1) and one.test.shape[-1] == one.long.shape[-1] == 1
    np.testing.assert_array_equal(one.train, full.train[:, [0]])
    np.testing.assert_array_equal(one.truths, full.truths[..., [0]])
    np.testing.assert_array_equal(one.long, full.long[:, [0]])
    np.testing.assert_array_equal(one.std, full.std[[0]])


def test_a_noisy_task_has_noisy_inputs_and_clean_targets(lorenz):
    system, facts = lorenz
    clean = cb.make_dataset(_spec(system, facts, "limited", seed=1))
    noisy = cb.make_dataset(_spec(system, facts, "train=1000,noise=0.1", seed=1))
    np.testing.assert_array_equal(noisy.truths, clean.truths)  # the targets: clean
    np.testing.assert_array_equal(noisy.long, clean.long)  # the long run too
    noise = noisy.train - clean.train
    ratio = noise.std(axis=0) / clean.train.std(axis=0)
    assert np.all(np.abs(ratio - 0.1) < 0.02)  # 10 % of each coordinate's std
    context_noise = (noisy.contexts - clean.contexts).std(axis=(0, 1)) / clean.train.std(axis=0)
    assert np.all(np.abs(context_noise - 0.1) < 0.03)


# --------------------------------------------------------------------------- forecasting

SEEN: list[tuple[str, np.ndarray]] = []


class Recorder(cb.AbstractForecaster):
    """Persistence that records every array ``fit`` and ``forecast`` are given."""

    def fit(self, key, train):
        del key
        jax.debug.callback(lambda x: SEEN.append(("fit", np.asarray(x))), train)
        return ()

    def forecast(self, fitted, context, steps: int):
        del fitted
        jax.debug.callback(lambda x: SEEN.append(("forecast", np.asarray(x))), context)
        return jnp.broadcast_to(context[-1], (steps, context.shape[-1]))


class NeedsTwo(cb.AbstractForecaster):
    """A method that needs two observed variables (refused on one)."""

    min_observed = 2

    def fit(self, key, train):
        return ()

    def forecast(self, fitted, context, steps: int):
        return jnp.broadcast_to(context[-1], (steps, context.shape[-1]))


def test_a_one_variable_forecaster_never_sees_the_other_coordinates(plugins, lorenz):
    system, facts = lorenz
    SEEN.clear()
    with registered("forecaster", "test_recorder-v1", Recorder):
        suite = tiny_suite("one", forecasters=("test_recorder",), tasks=(ONE,), seeds=1)
        (row,) = execute_group(suite, plan(suite), facts)
    assert row["status"] == "ok", row["error"]
    assert row["task"] == ONE and row["task_observed"] == "0" and row["task_train_steps"] == 1000
    assert SEEN and all(x.shape[-1] == 1 for _, x in SEEN)  # only ever one coordinate
    full = cb.make_dataset(_spec(system, facts, "limited"))
    expected = (full.train[:, [0]] - full.mean[0]) / full.std[0]
    (fit_input,) = [x for kind, x in SEEN if kind == "fit"]
    np.testing.assert_allclose(fit_input, expected, rtol=1e-12)  # coordinate 0, z-scored
    contexts = [x for kind, x in SEEN if kind == "forecast" and x.shape[0] == 500]
    assert contexts and all(x.shape == (500, 1) for x in contexts)
    # scored against the observed coordinate's own truth floors, not the full state's
    assert np.isfinite(row["d_stsp_norm"]) and row["long_run"] in ("on_attractor", "off_attractor")


def test_one_variable_long_runs_are_judged_against_their_coordinates_floors(lorenz):
    """The harness scores a one-variable task against its coordinate's truth floors
    (``cb.observed_facts``); given the full state's floors, which do not apply to one
    coordinate, ``score`` leaves the normalised columns NaN and the run unjudged."""
    system, facts = lorenz
    data = cb.make_dataset(_spec(system, facts, ONE))
    metrics = [cb.get_metric(m) for m in cb.list_metrics()]
    persistence = cb.get_forecaster("persistence")
    one = cb.observed_facts(system, facts, data.spec.observed)
    assert one["truth_floor"]["coordinates"] == [0]
    assert one["truth_floor"]["binned_kl"] != facts["truth_floor"]["binned_kl"]
    (judged,) = cb.score(persistence, data, one, [0], metrics)
    d_stsp = judged["d_stsp"] / one["truth_floor"]["attractor_divergence"]
    assert judged["d_stsp_norm"] == pytest.approx(d_stsp)
    assert judged["long_run"] == "off_attractor"  # a constant is not the attractor
    (unjudged,) = cb.score(persistence, data, facts, [0], metrics)
    assert unjudged["long_run"] == "stable" and np.isnan(unjudged["d_stsp_norm"])
    assert unjudged["d_stsp"] == judged["d_stsp"] and unjudged["vpt_lyap"] == judged["vpt_lyap"]


def test_a_forecaster_that_cannot_take_a_task_is_refused_by_name(plugins, lorenz, tmp_path):
    _, facts = lorenz
    with registered("forecaster", "test_needs_two-v1", NeedsTwo):
        suite = tiny_suite(
            "refusals",
            forecasters=("test_needs_two", "esn:min_context=600", "persistence"),
            tasks=(ONE, "limited"),
            seeds=1,
        )
        summary = _runner.run(suite, tmp_path, progress=False, log=lambda m: None)
        assert summary.errors == 0, summary.messages
        rows = {(c.forecaster_id, c.task): stored_row(tmp_path, c) for c in plan(suite)}
        again = _runner.run(suite, tmp_path, progress=False, log=lambda m: None)
    assert again.skipped == len(rows)  # refused cells are finished: never retried
    needs_two = rows[("test_needs_two-v1", ONE)]
    assert needs_two["status"] == REFUSED and not is_failure(needs_two)
    assert "needs at least 2 observed variables; task " + ONE in needs_two["error"]
    assert rows[("test_needs_two-v1", "limited")]["status"] == "ok"
    (esn,) = [r for (f, t), r in rows.items() if f.startswith("esn-") and t == "limited"]
    assert esn["status"] == REFUSED and "needs a context of at least 600 steps" in esn["error"]
    assert np.isnan(esn["vpt_lyap"]) and esn["task_context_steps"] == 500
    assert rows[("persistence-v1", ONE)]["status"] == "ok"
    assert same_result(needs_two, dict(needs_two))


@pytest.mark.slow
@pytest.mark.parametrize("forecaster_id", all_forecasters)
def test_every_forecaster_forecasts_one_variable_of_lorenz63(plugins, lorenz, forecaster_id):
    """Each registered forecaster (its cheap smoke settings) on a one-variable Lorenz-63
    task, through the runner's group execution: a scored row, or a refusal by name."""
    _, facts = lorenz
    cls = _api.forecasters.get(forecaster_id)
    spec = cb.ForecasterSpec(forecaster_id, **cls.smoke_hyperparameters)
    suite = tiny_suite("one_all", forecasters=(spec,), tasks=(ONE,), seeds=1)
    (row,) = execute_group(suite, plan(suite), facts)
    assert row["status"] in ("ok", REFUSED), f"{forecaster_id}: {row['error']}"
    if row["status"] == REFUSED:  # allowed only with the forecaster's reason
        assert forecaster_id in row["error"]
        return
    assert np.isfinite(row["vpt_lyap"]) and row["vpt_lyap"] >= 0
    assert row["task_observed"] == "0" and json.loads(row["vpt_lyap_windows"])
