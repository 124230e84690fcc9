"""The README's results blocks are what `benchmarks/catalogue_summary.py` prints from the
committed tables: no number in them is typed by hand or left stale after a re-run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from benchmark_scripts import load

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BLOCK = re.compile(r"<!-- summary: (.+?) -->")


def _summary():
    return load("catalogue_summary")


BLOCKS = BLOCK.findall(README.read_text())


def test_the_readme_has_results_blocks():
    assert "--out results/default" in BLOCKS


@pytest.mark.parametrize("args", BLOCKS)
def test_block_equals_the_summary_of_the_committed_tables(args, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    rc = _summary().main([*args.split(), "--readme", str(README), "--check"])
    assert rc == 0, capsys.readouterr().out


def test_a_changed_number_is_caught(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    text = README.read_text()
    start = text.index("<!-- summary: --out results/default -->")
    row = text.index("| `", start)
    tampered = text[:row] + text[row:].replace("defaults |", "defaults | 9", 1)
    copy = tmp_path / "README.md"
    copy.write_text(tampered)
    summary = _summary()
    assert summary.main(["--out", "results/default", "--readme", str(copy), "--check"]) == 1
    assert summary.main(["--out", "results/default", "--readme", str(copy)]) == 0
    assert copy.read_text() == text
