"""The `defaults` track's record (chaosbench/data/defaults.json): every recorded learned
forecaster's class defaults are the tuner's winner on the development systems, which are
none of the suites' systems the defaults are scored on."""

from importlib import resources

import pytest
import tomllib

import chaosbench as cb
from chaosbench.harness._defaults import DEVELOPMENT_SYSTEMS, defaults_record
from chaosbench.harness._tuned import TUNING_BUDGET

RECORD = defaults_record()


def test_every_learned_forecaster_has_a_recorded_choice():
    learned = {
        f.rsplit("-v", 1)[0]
        for f in cb.list_forecasters()
        if type(cb.get_forecaster(f)).search_space is not None
    }
    assert learned <= set(RECORD), f"no recorded defaults for {sorted(learned - set(RECORD))}"


@pytest.mark.parametrize("name", sorted(RECORD))
def test_the_class_defaults_are_the_recorded_winner(name):
    entry = RECORD[name]
    model = cb.get_forecaster(name)
    for field, value in entry["best"].items():
        default = getattr(model, field)
        default = list(default) if isinstance(default, tuple) else default
        assert default == value, f"{name}.{field}: default {default!r}, recorded {value!r}"
    assert entry["systems"] == list(DEVELOPMENT_SYSTEMS)
    assert entry["budget"] == TUNING_BUDGET.as_dict()
    # the winner is the best of the last rung, unless it scored 0 (no choice: kept)
    last = max(t["rung"] for t in entry["trials"])
    (final,) = [t for t in entry["trials"] if t["rung"] == last]
    if "kept" in entry:
        assert final["status"] != "ok" and final["score"] == 0, entry["kept"]
        return
    assert {k: final["values"][k] for k in entry["best"] if k in final["values"]} == {
        k: v for k, v in entry["best"].items() if k in final["values"]
    }


def test_the_development_systems_are_outside_the_scored_suites():
    suites = resources.files("chaosbench") / "data" / "suites"
    for name in ("default", "core"):
        systems = set(tomllib.loads((suites / f"{name}.toml").read_text())["systems"])
        assert not systems & set(DEVELOPMENT_SYSTEMS), name
