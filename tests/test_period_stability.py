"""The period from an independent start (issue 28, part 9): the committed record
(chaosbench/data/period_stability.json, written by benchmarks/period_stability.py) covers
every passing system whose period is estimated, and names exactly those whose two
estimates differ by more than the tolerance (a known limitation of the dominant period on
broadband spectra, listed in the README)."""

import json
from importlib import resources

import chaosbench as cb
from chaosbench.catalogue._facts_table import read_table

RECORD = json.loads((resources.files("chaosbench") / "data" / "period_stability.json").read_text())


def test_every_passing_system_with_an_estimated_period_was_checked():
    table = read_table()
    passing = {k for k, v in table.items() if v.get("verdict") == "PASS"}
    estimated = {k for k in passing if cb.get_system(k.rsplit("-v", 1)[0]).timescale is None}
    assert estimated == set(RECORD["systems"])
    for system_id, entry in RECORD["systems"].items():
        assert entry["period"] == table[system_id]["period"], "re-run the script: facts changed"


def test_the_listed_systems_are_those_beyond_the_tolerance():
    tolerance = RECORD["method"]["tolerance"]
    beyond = sorted(
        k for k, v in RECORD["systems"].items() if not v["relative_difference"] <= tolerance
    )
    assert RECORD["differ"] == beyond
    assert "lorenz63-v1" not in beyond and "rossler-v1" not in beyond
