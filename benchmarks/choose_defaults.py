"""Choose every learned forecaster's defaults with the one tuner on the development
systems, and write the record ``chaosbench/data/defaults.json`` (the `defaults` track;
:mod:`chaosbench.harness._defaults`).

Each forecaster's entry is replaced as it finishes (so the record can be built in pieces);
the script prints the winner, the wall time, how many candidates the cost cap
(``chaosbench.harness._defaults.CELL_SECONDS``) admitted and the winner's projected
seconds a cell. Set the class's field defaults to the
printed winner (bumping the forecaster's version), then ``make test``
(``tests/test_defaults_record.py`` checks they agree).

Run: ``python benchmarks/choose_defaults.py [forecaster ...]`` (default: every forecaster
with a search space).
"""

import json
import sys
import time
from pathlib import Path

import chaosbench as cb
from chaosbench.harness._defaults import (
    DEVELOPMENT_SYSTEMS,
    RECORD,
    choose_defaults,
    development_problems,
)
from chaosbench.harness._tuned import TUNING_BUDGET

PATH = Path(cb.__file__).parent / "data" / RECORD


def main(names: list[str]) -> None:
    if not names:
        names = [
            f.rsplit("-v", 1)[0]
            for f in cb.list_forecasters()
            if type(cb.get_forecaster(f)).search_space is not None
        ]
    began = time.perf_counter()
    problems = development_problems()
    print(f"datasets of {', '.join(DEVELOPMENT_SYSTEMS)}: {time.perf_counter() - began:.0f} s")
    for name in names:
        entry = choose_defaults(name, problems)
        record = json.loads(PATH.read_text()) if PATH.exists() else {}
        record.setdefault("forecasters", {})[name] = entry
        record["about"] = (
            "The defaults track's choice: the one tuner (chaosbench.tune_many) on the "
            "development systems; written by benchmarks/choose_defaults.py"
        )
        record["budget"] = TUNING_BUDGET.as_dict()
        PATH.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
        trials = entry["trials"]
        admitted = sum(t["status"] != "over_cap" for t in trials if t["rung"] == 0)
        final = trials[-1]
        print(
            f"{entry['forecaster']}: {entry['best']} ({entry['seconds']:.0f} s; "
            f"{admitted}/{sum(t['rung'] == 0 for t in trials)} admitted by the "
            f"{entry['max_cell_seconds']:g} s cap; winner ~{final['cell_seconds']:.1f} s a cell)",
            flush=True,
        )


if __name__ == "__main__":
    cb.configure()
    cb.load_plugins()
    main(sys.argv[1:])
