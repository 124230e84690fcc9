"""Choose the systems of the ``core`` suite: a stratified subset of the passing systems.

The rule (deterministic; no computation beyond reading the shipped facts table):

1. Candidates: the registered systems whose entry in the facts table has a verdict
   starting with ``PASS``.
2. Each candidate has four strata, the bins the reporting uses
   (:mod:`chaosbench.reporting._breakdowns`): its family, its observed-dimension bin
   (``3``, ``4-6``, ``7+``), its timescale bin (λ_max · period: ``<0.1``, ``0.1-0.5``,
   ``0.5-1``, ``1+``) and its positive-exponents bin (``1``, ``2+``).
3. Start from the default suite's systems (lorenz63, rossler, hyper_rossler, lorenz96).
4. While some stratum held by a candidate is not covered, add the candidate that covers
   the most uncovered strata; ties go to the most typical member of its family (λ_max ·
   period closest, in log, to its family's median), then to the id. The development
   systems of the `defaults` track (:data:`chaosbench.harness._defaults.DEVELOPMENT_SYSTEMS`,
   on which the defaults were chosen) are never added, nor needed to cover a stratum.

Every family, dimension bin, timescale bin and exponents bin of the passing systems is
then held by at least one core system. ``--write`` writes ``chaosbench/data/suites/
core.toml`` with a comment block that records the rule, the bins and the counts.

Run: ``python benchmarks/core_suite.py [--table PATH] [--write]`` (``--table``: a facts
table; default the package's ``chaosbench/data/system_facts.json``).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import textwrap
from pathlib import Path

import chaosbench as cb
from chaosbench.base import _api
from chaosbench.harness._defaults import DEVELOPMENT_SYSTEMS
from chaosbench.reporting._breakdowns import (
    bin_order,
    dimension_bin,
    exponents_bin,
    timescale_bin,
)
from chaosbench.reporting._systems import positive_exponents

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "chaosbench" / "data" / "system_facts.json"
CORE = ROOT / "chaosbench" / "data" / "suites" / "core.toml"
DEFAULT = ("lorenz63", "rossler", "hyper_rossler", "lorenz96")
KINDS = ("family", "dimension", "timescale", "exponents")
BREAKDOWN = {  # the breakdowns.csv name of each stratum
    "family": "family",
    "dimension": "observed_dimension",
    "timescale": "lyapunov_times_per_period",
    "exponents": "positive_exponents",
}


def candidates(table: dict) -> dict[str, dict]:
    """Per passing system (bare name): its family, bins and λ_max · period."""
    out = {}
    for id_ in _api.systems.ids():
        facts = table.get(id_)
        if not facts or not str(facts.get("verdict", "")).startswith("PASS"):
            continue
        cls = _api.systems.get(id_)
        timescale = facts["max_lyapunov"] * facts["period"]
        out[id_.rsplit("-v", 1)[0]] = {
            "family": cls.family,
            "observed_dimension": cls().observed_dimension,
            "timescale_value": timescale,
            "dimension": dimension_bin(cls().observed_dimension),
            "timescale": timescale_bin(timescale),
            "exponents": exponents_bin(positive_exponents(facts)),
        }
    return out


def strata(info: dict) -> set[tuple[str, str]]:
    return {(kind, info[kind]) for kind in KINDS}


def select(pool: dict[str, dict]) -> list[tuple[str, str]]:
    """``(name, why)`` of each chosen system, in the order chosen (the rule above)."""
    medians = {
        family: statistics.median(
            math.log(i["timescale_value"]) for i in pool.values() if i["family"] == family
        )
        for family in {i["family"] for i in pool.values()}
    }

    def typicality(name: str) -> float:
        info = pool[name]
        return abs(math.log(info["timescale_value"]) - medians[info["family"]])

    chosen = [(name, "the default suite's") for name in DEFAULT]
    covered = set().union(*(strata(pool[name]) for name in DEFAULT))
    eligible = [n for n in sorted(pool) if n not in DEVELOPMENT_SYSTEMS]
    wanted = covered.union(*(strata(pool[n]) for n in eligible))
    while covered != wanted:
        rest = [n for n in eligible if n not in dict(chosen)]
        best = min(rest, key=lambda n: (-len(strata(pool[n]) - covered), typicality(n), n))
        new = sorted(strata(pool[best]) - covered, key=lambda s: KINDS.index(s[0]))
        chosen.append((best, "covers " + ", ".join(f"{k} {v}" for k, v in new)))
        covered |= strata(pool[best])
    return chosen


def counts(pool: dict[str, dict], names) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {kind: {} for kind in KINDS}
    for name in names:
        for kind in KINDS:
            out[kind][pool[name][kind]] = out[kind].get(pool[name][kind], 0) + 1
    return {kind: {b: v[b] for b in bin_order(BREAKDOWN[kind], v)} for kind, v in out.items()}


def toml_text(pool: dict[str, dict], chosen: list[tuple[str, str]], source: str) -> str:
    names = [name for name, _ in chosen]
    core, every = counts(pool, names), counts(pool, pool)
    lines = [
        "# core: a stratified subset of the passing systems, every forecaster, three seeds.",
        "# Written by `python benchmarks/core_suite.py --write` (do not edit by hand; re-run",
        f"# it when the facts change) from {source}.",
        "#",
        f"# Rule: of the {len(pool)} systems whose verdict is PASS, start from the default",
        "# suite's four; then, while a stratum held by a passing system is not covered, add",
        "# the system covering the most uncovered strata (ties: the most typical member of",
        "# its family, λ_max · period closest in log to the family's median; then the id),",
        "# never one of the defaults' development systems (chaosbench.harness._defaults).",
        "# Strata are the reporting's bins (chaosbench/reporting/_breakdowns.py): family,",
        "# observed dimension (3, 4-6, 7+), λ_max · period (<0.1, 0.1-0.5, 0.5-1, 1+) and",
        "# positive Lyapunov exponents (1, 2+). λT below: λ_max · period.",
        "#",
        f"# Counts, core ({len(names)} systems) / all passing ({len(pool)}):",
    ]
    for kind in KINDS:
        shown = ", ".join(f"{b}\0{n}/{every[kind][b]}" for b, n in core[kind].items())
        wrapped = textwrap.wrap(
            shown, 88, initial_indent=f"#   {kind}: ", subsequent_indent="#     "
        )
        lines += [line.replace("\0", " ") for line in wrapped]  # a bin and its count together
    lines += ["", 'name = "core"', "systems = ["]
    width = max(len(n) for n in names) + 8
    for name, why in chosen:
        info = pool[name]
        entry = f'    "{name}",'
        lines.append(
            f"{entry:<{width}}# {info['family']}, dim {info['observed_dimension']}, "
            f"λT {info['timescale_value']:.3g}: {why}"
        )
    lines += ["]", 'forecasters = ["all"]', 'tasks = ["rich"]', "seeds = 3", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--table", type=Path, default=TABLE, help="a facts table (JSON)")
    parser.add_argument("--write", action="store_true", help=f"write {CORE.relative_to(ROOT)}")
    args = parser.parse_args()
    cb.configure()
    cb.load_plugins()
    pool = candidates(json.loads(args.table.read_text()))
    chosen = select(pool)
    for name, why in chosen:
        info = pool[name]
        print(
            f"{name:>24}  {info['family']:<15} dim {info['observed_dimension']:>3} "
            f"λT {info['timescale_value']:7.3f}  {why}"
        )
    print(f"{len(chosen)} of {len(pool)} passing systems")
    for kind, bins in counts(pool, [n for n, _ in chosen]).items():
        print(f"  {kind}: {bins}")
    if args.write:
        CORE.write_text(toml_text(pool, chosen, args.table.name), encoding="utf-8")
        print(f"wrote {CORE}")


if __name__ == "__main__":
    main()
