"""The dominant period from an independent start (issue 28, part 9): a second pass.

The facts take each system's period from 4 stretches of one orbit (Welch; since facts v4
the mean period of the averaged spectrum, before it the peak). This script checks that
estimate against one from an unrelated stretch of the attractor: the stored initial
condition, kicked by 1e-3 (relative), is carried ``--periods`` periods (default 1,000)
along its orbit, and from there the facts' whole procedure is repeated
(:func:`chaosbench.catalogue._facts.observed_stretches`: the probe, then 4 stretches of
16,384 samples at 50 per probe period, dopri8 at rtol = atol = 1e-9). It prints, per
passing system, the stored period, the second one and their relative difference, and
writes ``chaosbench/data/period_stability.json`` (every checked system, and those that
differ by more than ``TOLERANCE``).

Run: ``python benchmarks/period_stability.py [system ...]`` (default: every passing system;
the record is updated system by system, so the run can be split).
"""

import json
import sys
import time
from pathlib import Path

import jax.numpy as jnp
import numpy as np

import chaosbench as cb
from chaosbench.catalogue._facts import FactsSettings, observed_stretches
from chaosbench.catalogue._facts_table import read_table
from chaosbench.numerics._integrate import IntegratorSettings, advance_batch
from chaosbench.numerics._lyapunov import dominant_period

TOLERANCE = 0.10
PATH = Path(cb.__file__).parent / "data" / "period_stability.json"


def second_period(system, facts: dict, periods: float, settings: FactsSettings) -> float:
    """The facts' period estimate (:func:`observed_stretches`, probe included) repeated from
    a start ``periods`` periods along a kicked orbit."""
    integ = IntegratorSettings(solver="dopri8", rtol=settings.rtol, atol=settings.atol)
    y0 = jnp.asarray(system.initial_condition)[None] * (1 + 1e-3)
    y = advance_batch(system, y0, 0.0, periods * facts["period"], integ)
    _, dt, _, seen, _ = observed_stretches(system, y, settings, integ)
    if not np.isfinite(seen).all():
        return float("nan")
    return float(dominant_period(seen.reshape(settings.n_ics, settings.n_period_samples, -1), dt))


def main(names: list[str], periods: float = 1000.0) -> None:
    table = read_table()
    passing = sorted(k.rsplit("-v", 1)[0] for k, v in table.items() if v.get("verdict") == "PASS")
    names = names or passing
    record = json.loads(PATH.read_text()) if PATH.exists() else {"systems": {}}
    settings = FactsSettings()
    for name in names:
        system = cb.get_system(name)
        facts = cb.get_facts(system)
        if system.timescale is not None:
            continue  # a forced system's period is its forcing's, not estimated
        began = time.perf_counter()
        second = second_period(system, facts, periods, settings)
        diff = abs(second - facts["period"]) / facts["period"]
        record["systems"][system.id] = {
            "period": facts["period"],
            "second_start": second,
            "relative_difference": diff,
            "period_spread": facts["period_spread"],
        }
        record["systems"] = {  # systems that no longer pass leave the record
            k: v for k, v in record["systems"].items() if k.rsplit("-v", 1)[0] in passing
        }
        record["method"] = {"periods_along": periods, "kick": 1e-3, "tolerance": TOLERANCE}
        record["differ"] = sorted(
            k for k, v in record["systems"].items() if not v["relative_difference"] <= TOLERANCE
        )
        PATH.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
        flag = "  DIFFERS" if not diff <= TOLERANCE else ""
        print(
            f"{name:28s} period {facts['period']:10.4g}  second {second:10.4g}  "
            f"Δ {diff:6.1%}  ({time.perf_counter() - began:.0f} s){flag}",
            flush=True,
        )


if __name__ == "__main__":
    cb.configure()
    cb.load_plugins()
    main(sys.argv[1:])
