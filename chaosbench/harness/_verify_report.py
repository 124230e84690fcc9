"""The report of ``chaosbench verify`` (:mod:`chaosbench.harness._verify`): one
:class:`Comparison` per metric of each sampled row, summed up per forecaster and per
metric, its verdict, the worst cells, and ``verify.csv``."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

PASSING = ("identical", "within")
NO_VALUES = ("stale", "failed")  # rows with nothing to compare: one comparison, no metric


@dataclasses.dataclass(frozen=True)
class Comparison:
    """One metric of one sampled row: the committed and the new value, ``|new −
    committed|``, the seed spread of that cell and the difference in spreads, and the
    verdict: ``identical``, ``within`` or ``beyond`` the tolerance; a ``stale`` row (not in
    today's plan) or a ``failed`` one (not recomputed, or recomputed as a failure) is one
    comparison with no metric, ``note`` saying why."""

    task: str
    system: str
    forecaster: str
    seed: int
    run_id: str
    metric: str
    committed: float
    new: float
    difference: float
    spread: float
    relative: float
    verdict: str
    note: str = ""

    @property
    def passes(self) -> bool:
        return self.verdict in PASSING

    def line(self) -> str:
        where = f"{self.system} × {self.forecaster} ({self.task}, seed {self.seed})"
        if self.verdict in NO_VALUES:
            return f"{where}: {self.note}"
        scale = (
            f"{self.relative:.3g} × the seed spread {self.spread:.3g}"
            if math.isfinite(self.relative)
            else f"no seed spread to measure it by ({self.spread:.3g})"
        )
        return (
            f"{where} {self.metric}: committed {self.committed!r}, new {self.new!r} "
            f"(|Δ| {self.difference:.3g}, {scale})"
        )


def _worst(group: pd.DataFrame) -> tuple[float, str]:
    """The largest relative difference of ``group`` and its metric (or "" if none)."""
    compared = group[~group.verdict.isin(NO_VALUES)]
    if compared.empty or (compared.relative == 0).all():
        return 0.0, ""
    worst = compared.loc[compared.relative.fillna(math.inf).idxmax()]
    return float(worst.relative), str(worst.metric)


@dataclasses.dataclass
class Report:
    """What ``chaosbench verify`` found.

    **Arguments:**

    - `comparisons`: one :class:`Comparison` per metric of each sampled row.
    - `source`: where the committed rows came from (``cells/`` or ``runs.csv``);
      `precision`: None (every bit) or the float format they were stored with.
    - `scratch`: where the recomputed rows and ``verify.csv`` are.
    - `exact`: the forecasters (bare names) that must agree identically; `tolerance`:
      the others' allowance, in seed spreads.
    """

    comparisons: Sequence[Comparison]
    source: Path
    precision: str | None
    scratch: Path
    exact: frozenset[str]
    tolerance: float

    @property
    def ok(self) -> bool:
        """Every sampled row recomputed, in today's plan, and identical or within the
        tolerance on every metric (identical for the exact forecasters)."""
        return all(c.passes for c in self.comparisons)

    @property
    def csv_path(self) -> Path:
        return Path(self.scratch) / "verify.csv"

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([dataclasses.asdict(c) for c in self.comparisons])

    def by_forecaster(self) -> pd.DataFrame:
        """Per forecaster: rows sampled, rows identical on every metric, stale and failed
        rows, the worst relative difference (in seed spreads) and its metric, the check it
        is held to and whether it passes."""
        out = []
        for forecaster, group in self.frame().groupby("forecaster", sort=True):
            rows = group.groupby("run_id").verdict
            worst, metric = _worst(group)
            exact = forecaster.rsplit("-v", 1)[0] in self.exact
            out.append(
                {
                    "forecaster": forecaster,
                    "check": "identical" if exact else f"≤ {self.tolerance:g} spread",
                    "rows": rows.ngroups,
                    "identical": int(rows.apply(lambda v: (v == "identical").all()).sum()),
                    "stale": int(rows.apply(lambda v: (v == "stale").any()).sum()),
                    "failed": int(rows.apply(lambda v: (v == "failed").any()).sum()),
                    "worst (spreads)": worst,
                    "worst metric": metric,
                    "passes": bool(group.verdict.isin(PASSING).all()),
                }
            )
        return pd.DataFrame(out)

    def by_metric(self) -> pd.DataFrame:
        """Per metric: rows compared, rows identical, the worst relative difference (in
        seed spreads) and the forecaster it came from, rows beyond their check."""
        frame = self.frame()
        frame = frame[~frame.verdict.isin(NO_VALUES)]
        out = []
        for metric, group in frame.groupby("metric", sort=False):
            worst = group.relative.fillna(math.inf).max()
            at = group.loc[group.relative.fillna(math.inf).idxmax(), "forecaster"] if worst else ""
            out.append(
                {
                    "metric": metric,
                    "rows": len(group),
                    "identical": int((group.verdict == "identical").sum()),
                    "worst (spreads)": float(worst),
                    "worst forecaster": at,
                    "beyond": int((group.verdict == "beyond").sum()),
                }
            )
        return pd.DataFrame(out)

    def worst(self, k: int = 10) -> list[Comparison]:
        """The failing comparisons, stale and failed rows first, then by relative
        difference, largest first."""
        failing = [c for c in self.comparisons if not c.passes]
        rank = {"stale": 0, "failed": 1, "beyond": 2}

        def order(c: Comparison):
            relative = -math.inf if math.isnan(c.relative) else c.relative
            return (rank[c.verdict], -relative)

        return sorted(failing, key=order)[:k]

    def text(self) -> str:
        """The readable report: what was compared, a table per forecaster and per metric,
        the verdict and the worst cells."""
        rows = self.frame().run_id.nunique()
        how = (
            "bit for bit"
            if self.precision is None
            else f"to the {self.precision} precision {self.source.name} keeps (only cells/ "
            "allows a bit-for-bit check)"
        )
        parts = [
            f"{rows} rows of {self.source} recomputed on this machine and compared {how}.",
            f"Exact forecasters ({', '.join(sorted(self.exact))}) must agree identically; "
            f"the others within {self.tolerance:g} × the seed-to-seed spread of the cell.",
            "",
            _table(self.by_forecaster()),
            "",
            _table(self.by_metric()),
            "",
        ]
        if self.ok:
            parts.append(f"verified: every sampled row reproduces (details: {self.csv_path})")
        else:
            failing = sum(not c.passes for c in self.comparisons)
            parts.append(f"NOT verified: {failing} comparisons fail; the worst:")
            parts += [f"  {c.line()}" for c in self.worst()]
            parts.append(f"details: {self.csv_path}")
        return "\n".join(parts)

    def write_csv(self) -> Path:
        """Every comparison to ``scratch/verify.csv`` (floats at full precision)."""
        self.frame().to_csv(self.csv_path, index=False, float_format="%r")
        return self.csv_path


def _table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "(nothing compared)"
    return frame.to_string(index=False, float_format=lambda x: f"{x:.3g}")
