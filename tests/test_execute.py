"""Executing a group: seed s draws its own dataset (protocol v5), and a row does not
depend on the seeds it was grouped with."""

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
