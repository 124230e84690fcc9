"""What the tables say about each system: the columns that let a reader group and filter
rows by the system's nature without looking anything up.

- ``family``: the family its module declares (``cls.family``; empty when unknown);
- ``observed_dimension``: the length of the observed state (an integer);
- ``max_lyapunov``: λ_max per time unit (the stored facts', else the rows');
- ``lyapunov_times_per_period``: λ_max × dominant period, the Lyapunov times that pass
  per period (the timescale breakdown's quantity);
- ``positive_exponents``: the number of Lyapunov exponents that are positive beyond doubt
  (:func:`positive_exponents`; 2 or more is hyperchaos).

They come from the registry and the stored facts (shipped table or cache) and are never
computed here: a system that is not registered in this process, or whose facts are not
stored, has empty values (the rows' λ_max still fills ``max_lyapunov``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..base import _api
from ..base._precision import float64
from ..catalogue._facts import stored_facts
from ..catalogue._validate import MIN_LAMBDA_PERIOD, MIN_SIGMAS

ATTRIBUTE_COLUMNS = (
    "family",
    "observed_dimension",
    "max_lyapunov",
    "lyapunov_times_per_period",
    "positive_exponents",
)


def positive_exponents(facts: dict[str, Any]) -> int | None:
    """How many Lyapunov exponents of ``facts`` are positive beyond doubt.

    An exponent counts when its mean over the facts' independent starts exceeds
    ``MIN_SIGMAS`` standard errors and it times the dominant period is at least
    ``MIN_LAMBDA_PERIOD``: the floors the chaos check puts on λ_max
    (:mod:`chaosbench.catalogue._validate`). A flow's zero exponent, estimated at
    +0.0005 for Aizawa, so never counts. The largest counts wherever the system passes the
    chaos check (which may rest on the two-trajectory confirmation of slow chaos).
    ``None`` when the facts hold no spectrum.
    """
    spectrum = facts.get("lyapunov_spectrum")
    period = facts.get("period")
    if not spectrum or period is None:
        return None
    per_start = np.asarray(facts.get("lyapunov_spectrum_per_ic") or [spectrum], dtype=float)
    mean = per_start.mean(axis=0)
    if len(per_start) > 1:
        error = per_start.std(axis=0, ddof=1) / np.sqrt(len(per_start))
    else:
        error = np.zeros_like(mean)
    count = int(((mean > MIN_SIGMAS * error) & (mean * period >= MIN_LAMBDA_PERIOD)).sum())
    if str(facts.get("verdict", "")).startswith("PASS"):
        count = max(count, 1)
    return count


@float64  # a system's facts key is that of its float64 initial condition, whoever calls
def system_record(system_id: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The registry's data on ``system_id`` and its stored facts (``None`` if none)."""
    record: dict[str, Any] = {}
    if system_id not in _api.systems:
        return record, None
    cls = _api.systems.get(system_id)
    record["family"] = getattr(cls, "family", "") or ""
    record["citation"] = getattr(cls, "citation", None)
    record["description"] = getattr(cls, "description", "") or None
    try:
        system = cls()
        record["dimension"] = system.dimension
        record["observed_dimension"] = system.observed_dimension
        return record, stored_facts(system)
    except Exception:  # noqa: BLE001 - a system that cannot be built has no facts here
        return record, None


def system_attributes(system_ids: Iterable[str], rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per system: ``system`` and the :data:`ATTRIBUTE_COLUMNS`.

    **Arguments:**

    - `system_ids`: the systems (repeats are fine).
    - `rows`: result rows; their ``max_lyapunov`` stands in where no facts are stored.
    """
    records = []
    for system_id in sorted(set(system_ids)):
        info, facts = system_record(system_id)
        lam = (facts or {}).get("max_lyapunov")
        if lam is None and rows is not None and "max_lyapunov" in rows.columns:
            values = rows.loc[rows["system"] == system_id, "max_lyapunov"].dropna()
            lam = float(values.median()) if len(values) else None
        period = (facts or {}).get("period")
        records.append(
            {
                "system": system_id,
                "family": info.get("family", ""),
                "observed_dimension": info.get("observed_dimension"),
                "max_lyapunov": np.nan if lam is None else float(lam),
                "lyapunov_times_per_period": (
                    np.nan if lam is None or period is None else float(lam) * float(period)
                ),
                "positive_exponents": positive_exponents(facts) if facts else None,
            }
        )
    frame = pd.DataFrame.from_records(records, columns=["system", *ATTRIBUTE_COLUMNS])
    for column in ("observed_dimension", "positive_exponents"):
        frame[column] = frame[column].astype("Int64")
    frame["family"] = frame["family"].fillna("").astype(object)
    return frame


def with_attributes(
    frame: pd.DataFrame, attributes: pd.DataFrame, *, after: str = "system"
) -> pd.DataFrame:
    """``frame`` with the attribute columns of its systems inserted after ``after``; a
    column ``frame`` already has (``max_lyapunov`` in runs.csv: as the run used it) stays."""
    new = [c for c in ATTRIBUTE_COLUMNS if c not in frame.columns]
    merged = frame.merge(attributes[["system", *new]], on="system", how="left", sort=False)
    merged.index = frame.index
    columns = list(frame.columns)
    at = columns.index(after) + 1 if after in columns else len(columns)
    return merged[columns[:at] + new + columns[at:]]
