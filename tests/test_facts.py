"""The facts table's maintenance (``chaosbench systems``) and the facts keys.

Nothing here recomputes facts: the systems used have current entries in the shipped table.
"""

import json
import shutil

import pytest

import chaosbench as cb
from chaosbench.catalogue import _facts, _facts_table
from chaosbench.cli._cli import main


@pytest.fixture
def table_copy(tmp_path):
    """A copy of the shipped table, and ``systems.csv`` written from it, in ``tmp_path``."""
    table = tmp_path / "system_facts.json"
    shutil.copyfile(_facts.TABLE, table)
    facts = _facts_table.read_table(table)
    csv = tmp_path / "systems.csv"
    csv.write_text(_facts_table._csv_text(facts, _facts_table.dysts_reference()))
    return table, csv


def _set_field(csv_text: str, system_id: str, column: str, value: str) -> str:
    """``csv_text`` with one cell replaced (no quoted commas in the rows touched here)."""
    lines = csv_text.splitlines(keepends=True)
    col = lines[0].rstrip("\n").split(",").index(column)
    for i, line in enumerate(lines):
        cells = line.rstrip("\n").split(",")
        if cells[0] == system_id:
            assert len(cells) == len(lines[0].split(",")), "a quoted comma in this row"
            cells[col] = value
            lines[i] = ",".join(cells) + "\n"
    return "".join(lines)


def test_systems_only_changes_nothing_but_that_system(table_copy):
    """``chaosbench systems --only lorenz63`` rewrites lorenz63's entry and CSV row and
    leaves every other entry and row as it was, byte for byte, even where another entry's
    stored verdict or row is out of date (the fix for a run that re-judged every entry,
    rewrote every row and blanked the dysts columns of all of them)."""
    table, csv = table_copy
    good_csv = csv.read_text()
    facts = json.loads(table.read_text())
    facts["lorenz63-v1"]["verdict"] = "an outdated verdict"  # redone from the stored facts
    facts["rossler-v1"]["verdict"] = "another outdated verdict"  # not asked for: kept
    table.write_text(json.dumps(facts, indent=1))
    before = _set_field(good_csv, "lorenz63-v1", "compute_seconds", "-1")
    before = _set_field(before, "rossler-v1", "compute_seconds", "-2")
    csv.write_text(before)

    code = main(
        ["systems", "--only", "lorenz63", "--table", str(table)] + ["--results", str(csv.parent)]
    )

    assert code == 0
    after = json.loads(table.read_text())
    assert after["lorenz63-v1"]["verdict"] == "PASS"
    assert after == {**facts, "lorenz63-v1": {**facts["lorenz63-v1"], "verdict": "PASS"}}
    assert csv.read_text() == _set_field(good_csv, "rossler-v1", "compute_seconds", "-2")


def test_systems_csv_rows_carry_dysts_estimates(table_copy):
    """Every system with an alias in dysts' catalogue has dysts' λ_max beside ours, and
    the flag agrees with the relative difference."""
    import pandas as pd

    reference = _facts_table.dysts_reference()
    _, csv = table_copy
    frame = pd.read_csv(csv)
    in_dysts = frame["aliases"].fillna("").map(lambda a: any(x in reference for x in a.split()))
    assert in_dysts.sum() > 100
    assert frame.loc[in_dysts, "dysts_max_lyapunov"].notna().all()
    assert frame.loc[~in_dysts, "dysts_max_lyapunov"].isna().all()
    rel = frame["relative_difference_from_dysts"]
    assert (frame["differs_from_dysts_by_over_20pct"] == (rel > 0.2)).all()
    assert frame["differs_from_dysts_by_over_20pct"].any()


def test_missing_dysts_reference_is_an_error_not_blank_columns(table_copy, tmp_path):
    table, csv = table_copy
    before = csv.read_text()
    missing = tmp_path / "nowhere" / "chaotic_attractors.json"
    with pytest.raises(FileNotFoundError, match="--no-csv"):
        _facts_table.write_table(
            only=["lorenz63"], table=table, results=csv.parent, reference=missing
        )
    assert csv.read_text() == before


def test_reference_is_read_from_inside_the_package():
    root = _facts.TABLE.parents[2]
    assert _facts_table.REFERENCE.is_relative_to(root / "chaosbench")
    assert "Lorenz" in _facts_table.dysts_reference()


def test_key_covers_the_system_and_the_facts_version_not_the_core_source():
    """The key is the system's own code and parameters, the settings and FACTS_VERSION;
    the source of the core's modules is not in it (a refactor recomputes nothing)."""
    system = cb.get_system("lorenz63")
    key = _facts.system_key(system, _facts.FactsSettings())
    assert _facts.FactsSettings().version == _facts.FACTS_VERSION
    bumped = _facts.FactsSettings(version=_facts.FACTS_VERSION + 1)
    assert _facts.system_key(system, bumped) != key
    assert _facts.system_key(cb.get_system("lorenz63", rho=29.0), _facts.FactsSettings()) != key
    assert _facts.system_key(cb.get_system("lorenz63"), _facts.FactsSettings()) == key


def test_key_changes_with_the_source_of_the_system_class(monkeypatch):
    system = cb.get_system("lorenz63")
    before = _facts.system_key(system, _facts.FactsSettings())
    original = _facts._class_source
    monkeypatch.setattr(_facts, "_class_source", lambda cls: original(cls) + "# an edit\n")
    assert _facts.system_key(system, _facts.FactsSettings()) != before


def test_facts_cached_under_an_old_key_are_not_read(monkeypatch, tmp_path):
    """A cached file is read under its key (the control), and not once the facts version
    was bumped: the facts are recomputed and cached under the new key."""
    monkeypatch.setenv("CHAOSBENCH_CACHE", str(tmp_path))
    monkeypatch.setattr(_facts, "TABLE", tmp_path / "no_table.json")
    system = cb.get_system("lorenz63")
    old_key = _facts.system_key(system, _facts.FactsSettings())
    old = _facts.facts_path(system.id, old_key)
    old.parent.mkdir(parents=True)
    old.write_text(json.dumps({"key": old_key, "made_by": "the old code"}))

    def compute(system, settings):
        return {"key": _facts.system_key(system, settings), "made_by": "the new code"}

    monkeypatch.setattr(_facts, "compute_facts", compute)
    assert _facts.get_facts(system)["made_by"] == "the old code"
    bumped = _facts.FactsSettings(version=_facts.FACTS_VERSION + 1)
    fresh = _facts.get_facts(system, bumped)
    assert fresh["made_by"] == "the new code" and fresh["key"] != old_key
    assert _facts.facts_path(system.id, fresh["key"]).exists()


def test_rekey_carries_over_only_entries_under_the_old_key(tmp_path):
    table = tmp_path / "system_facts.json"
    table.write_text(
        json.dumps(
            {
                "lorenz63-v1": {"key": "old-lorenz63-v1", "max_lyapunov": 0.9},
                "rossler-v1": {"key": "computed-by-other-code", "max_lyapunov": 0.07},
                "gone-v1": {"key": "old-gone-v1"},
            }
        )
    )
    rekeyed, left = _facts_table.rekey(lambda system: f"old-{system.id}", table=table)
    after = json.loads(table.read_text())
    assert rekeyed == ["lorenz63-v1"]
    lorenz = cb.get_system("lorenz63")
    assert after["lorenz63-v1"] == {
        "key": _facts.system_key(lorenz, _facts.FactsSettings()),
        "max_lyapunov": 0.9,
    }
    assert after["rossler-v1"]["key"] == "computed-by-other-code"
    assert set(left) == {"rossler-v1", "gone-v1"} and "stale" in left["rossler-v1"]
