"""Executing a group: seed s draws its own dataset (protocol v5), and a row does not
depend on the seeds it was grouped with."""

import equinox as eqx
import jax
import numpy as np
import reliability_helpers
from reliability_helpers import tiny_suite

import chaosbench as cb
from chaosbench.harness._execute import execute_group
from chaosbench.harness._plan import plan
from chaosbench.numerics._rows import same_result

plugins = __import__("pytest").fixture(scope="module")(reliability_helpers.plugins)


def test_each_seed_draws_its_own_dataset_and_rows_ignore_the_grouping(plugins):
    suite = tiny_suite("per_seed", forecasters=("persistence",), seeds=3)
    cells = plan(suite)
    facts = cb.get_facts(cb.get_system("lorenz63"))
    together = execute_group(suite, cells, facts)
    alone = [execute_group(suite, [c], facts)[0] for c in reversed(cells)][::-1]
    for a, b in zip(together, alone):
        assert a["run_id"] == b["run_id"] and same_result(dict(a), dict(b))
    # persistence has no randomness of its own: different scores mean different datasets
    scores = {round(r["vpt_lyap"], 12) for r in together}
    assert len(scores) == 3 and all(r["status"] == "ok" for r in together)
    system = cb.get_system("lorenz63")
    specs = [suite.protocol.dataset_spec(system, facts, cb.TASKS["limited"], s) for s in range(3)]
    assert len({s.hash for s in specs}) == 3


def test_a_trained_models_row_is_the_same_bits_alone_as_in_its_fit_program(plugins):
    """The seeds of a group share one vmapped fit program of ``fit_slots`` slots (unused
    slots repeat a seed): a gradient-trained model's seed fitted alone, padded, gives the
    bits it gives beside the other seeds, and the fitted states differ across seeds."""
    label = "shplrnn_gtf:hidden_dim=8,train_steps=200"
    suite = tiny_suite("slots", forecasters=(label,), seeds=3)
    cells = plan(suite)
    facts = cb.get_facts(cb.get_system("lorenz63"))
    together = execute_group(suite, cells, facts)
    alone = execute_group(suite, [cells[1]], facts)[0]
    assert all(r["status"] == "ok" for r in together), [r["error"] for r in together]
    assert together[1]["run_id"] == alone["run_id"]
    assert same_result(dict(together[1]), dict(alone))
    assert len({r["vpt_lyap_windows"] for r in together}) == 3


def test_fit_slots_pads_and_keeps_the_seed_order(plugins):
    model = cb.get_forecaster("shplrnn_gtf", hidden_dim=8, train_steps=100)
    train = cb.make_dataset(
        tiny_suite().protocol.dataset_spec(
            cb.get_system("lorenz63"), cb.get_facts(cb.get_system("lorenz63")), "limited"
        )
    )
    z = jax.numpy.asarray(train.normalise(train.train))
    (a, b), _ = cb.fit_slots(model, [z, z], [3, 4], slots=3)
    (b_alone,), _ = cb.fit_slots(model, [z], [4], slots=3)
    leaves = jax.tree.leaves(eqx.filter((a, b, b_alone), eqx.is_inexact_array))
    n = len(leaves) // 3
    assert all(np.array_equal(x, y) for x, y in zip(leaves[n : 2 * n], leaves[2 * n :]))
    assert not all(np.array_equal(x, y) for x, y in zip(leaves[:n], leaves[n : 2 * n]))
