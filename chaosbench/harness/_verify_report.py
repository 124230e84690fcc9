"""The report of ``chaosbench verify`` (:mod:`chaosbench.harness._verify`): one
:class:`Comparison` per metric of each sampled row, summed up per forecaster and per
metric, its verdict, the worst cells, and ``verify.csv``."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..numerics._rows import STAMP_COLUMNS

PASSING = ("identical", "within")
NO_VALUES = ("stale", "failed")  # rows with nothing to compare: one comparison, no metric
VERDICTS = ("identical", "within", "beyond", "failed", "stale")  # best to worst


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


# Stamp columns that name the run rather than what computed it: not compared.
RUN_STAMP = ("git_commit", "suite", "suite_hash")


def stamp_differences(committed: Sequence[dict], new: Sequence[dict]) -> dict[str, tuple]:
    """The stamp columns (versions, numerical stack, device, CPU) whose values in the
    ``committed`` rows differ from the ``new`` rows': ``{column: (committed, new)}``, each
    side its distinct values joined by ``"; "`` (``not recorded`` where the committed rows
    predate the column)."""
    out = {}
    for column in (c for c in STAMP_COLUMNS if c not in RUN_STAMP):
        before = "; ".join(sorted({str(r[column]) for r in committed if r.get(column)}))
        after = "; ".join(sorted({str(r[column]) for r in new if r.get(column)}))
        if after and before != after:
            out[column] = (before or "not recorded", after)
    return out


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
    - `stamps`: how the committed rows' stamp differs from this machine's
      (:func:`stamp_differences`).
    - `rounding`: where some rows were made on another CPU model, what an exact
      forecaster's row may differ by there, in seed spreads (else None).
    - `unavailable`: per forecaster that cannot run on this machine, its ``ok`` rows in
      the folder and why (its rows were not sampled; the verdict is over the others).
    """

    comparisons: Sequence[Comparison]
    source: Path
    precision: str | None
    scratch: Path
    exact: frozenset[str]
    tolerance: float
    stamps: dict[str, tuple] = dataclasses.field(default_factory=dict)
    rounding: float | None = None
    unavailable: dict[str, tuple[int, str]] = dataclasses.field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Every sampled row recomputed, in today's plan, and identical or within the
        tolerance on every metric (identical for the exact forecasters)."""
        return all(c.passes for c in self.comparisons)

    @property
    def _exact_check(self) -> str:
        return "identical" if self.rounding is None else f"identical/≤ {self.rounding:g}"

    @property
    def csv_path(self) -> Path:
        return Path(self.scratch) / "verify.csv"

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([dataclasses.asdict(c) for c in self.comparisons])

    def by_forecaster(self) -> pd.DataFrame:
        """Per forecaster: the check it is held to, rows sampled and how each row came out
        (its worst metric's verdict: identical, within, beyond, failed, stale), the worst
        relative difference (in seed spreads) and its metric, whether it passes."""
        out = []
        frame = self.frame()
        frame["rank"] = frame.verdict.map(VERDICTS.index)
        for forecaster, group in frame.groupby("forecaster", sort=True):
            rows = group.groupby("run_id")["rank"].max().map(VERDICTS.__getitem__)
            worst, metric = _worst(group)
            exact = forecaster.rsplit("-v", 1)[0] in self.exact
            out.append(
                {
                    "forecaster": forecaster,
                    "check": self._exact_check if exact else f"≤ {self.tolerance:g} spread",
                    "rows": len(rows),
                    **{verdict: int((rows == verdict).sum()) for verdict in VERDICTS},
                    "worst Δ/spread": worst,
                    "worst metric": metric,
                    "passes": bool(rows.isin(PASSING).all()),
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
                    "worst Δ/spread": float(worst),
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
        frame = self.frame()
        rows = frame.run_id.nunique()
        compared = frame[~frame.verdict.isin(NO_VALUES)].run_id.nunique()
        how = (
            "bit for bit"
            if self.precision is None
            else f"to the {self.precision} precision {self.source.name} keeps (only cells/ "
            "allows a bit-for-bit check)"
        )
        parts = [
            f"{rows} rows of {self.source} sampled; {compared} recomputed on this machine "
            f"and compared {how}.",
            *(
                f"Not sampled: the {n} rows of {name}, which cannot run on this machine: {why}."
                for name, (n, why) in self.unavailable.items()
            ),
            f"Exact forecasters ({', '.join(sorted(self.exact))}) must agree identically"
            + (
                ""
                if self.rounding is None
                else f" (rows made on another CPU model: within {self.rounding:g} × the "
                "seed-to-seed spread, the last bits of their linear algebra)"
            )
            + f"; the others within {self.tolerance:g} × the seed-to-seed spread of the cell.",
            "The committed rows' stamp differs from this machine's:"
            if self.stamps
            else "The committed rows' stamp (versions, stack, device, CPU) is this machine's.",
            *(
                f"  {column}: committed {before}; here {after}"
                for column, (before, after) in self.stamps.items()
            ),
            "",
            _table(self.by_forecaster()),
            "",
            _table(self.by_metric()),
            "",
        ]
        if self.ok:
            others = " (of the forecasters that run here)" if self.unavailable else ""
            parts.append(
                f"verified: every sampled row{others} reproduces (details: {self.csv_path})"
            )
        else:
            failing = sum(not c.passes for c in self.comparisons)
            parts.append(f"NOT verified: {failing} comparison(s) fail; the worst:")
            parts += [f"  {c.line()}" for c in self.worst()]
            parts.append(f"details: {self.csv_path}")
        return "\n".join(parts)

    def write_csv(self) -> Path:
        """Every comparison to ``scratch/verify.csv`` (floats at full precision)."""
        self.frame().to_csv(self.csv_path, index=False)  # floats round-trip
        return self.csv_path


def _table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "(nothing compared)"
    return frame.to_string(index=False, float_format=lambda x: f"{x:.3g}")
