"""Figures of a run's results, written under ``OUT/figures`` (matplotlib, Agg, no pyplot).

- ``vpt_distribution.png``: VPT per forecaster over all (system, seed) rows (box plots
  with one point per row), one panel per task.
- ``error_growth_<system>.png``: median normalised error e(t) over the test windows versus
  Lyapunov time, one curve per forecaster, with the VPT threshold.
- ``forecast_<system>_<forecaster>.png``: forecast versus truth on one test window.
- ``attractor_<system>_<forecaster>.png``: 2-D projections of the long free run versus
  the true long trajectory.

The last three need forecasts, which rows do not hold: the forecaster is refitted through
the evaluator's functions (facts, the run's protocol, the dataset, ``fit_slots``,
``forecast_windows``, ``blow_up_to_inf``) exactly as the runner scores it, for one seed,
and each window's VPT is the registered headline metric's (one scoring path). Every figure carries
the run's stamp in its footer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..base import _api
from ..base._spec import ForecasterSpec, build_forecaster, short_label
from ..catalogue._coordinate_floors import observed_facts
from ..catalogue._facts import get_facts
from ..catalogue._validate import benchmark_facts, verdict
from ..harness._suite import SUITES
from ..numerics._dataset import Dataset, make_dataset
from ..numerics._evaluate import blow_up_to_inf, fit_slots, forecast_windows, scoring_facts
from ..numerics._protocol import Protocol
from ..numerics._rows import headline_metric
from ..numerics._task import get_task
from ._leaderboard import collect_stamp, external_flags, load_rows
from ._markdown import marked

DPI = 120


@dataclasses.dataclass(frozen=True)
class Refit:
    """One forecaster refitted on one dataset: window forecasts and the long free run."""

    forecaster: str
    windows: np.ndarray  # (n_test, horizon, dim), physical units, +inf after a blow-up
    long: np.ndarray  # (n_long, dim), non-finite → NaN
    vpt: np.ndarray  # (n_test,): each window's score by the registered headline metric


def _new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _footer(fig: Figure, stamp: dict[str, str]) -> None:
    text = (
        f"chaosbench {stamp.get('chaosbench_version', '?')} · commit "
        f"{stamp.get('git_commit', '?')} · suite {stamp.get('suite', '?')} "
        f"({stamp.get('suite_hash', '?')}) · jax {stamp.get('jax_version', '?')} · "
        f"{stamp.get('device', '?')}"
    )
    fig.get_layout_engine().set(h_pad=0.1)
    fig.supxlabel(text, fontsize=7, color="0.4")


def _save(fig: Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return path


def _colours(names: Sequence[str]) -> dict[str, tuple]:
    from matplotlib import colormaps

    cmap = colormaps["tab10" if len(names) <= 10 else "tab20"]
    return {name: cmap(i % cmap.N) for i, name in enumerate(sorted(names))}


def _short(forecaster: str) -> str:
    return short_label(forecaster)  # esn-v2[size=800] → esn[size=800]


def _add_fig_title(ax, title: str) -> None:
    ax.set_title(title, fontsize=10)


# --------------------------------------------------------------------------- from rows


def vpt_distribution(rows: pd.DataFrame, path: Path, stamp: dict[str, str]) -> Path:
    """Box plots of VPT per forecaster over all (system, seed) rows; one panel per task."""
    tasks = sorted(rows["task"].unique())
    names = sorted(rows["forecaster"].unique())
    colours = _colours(names)
    width = max(6.0, 0.6 * len(names) + 2)
    fig = _new_figure(width, 3.2 * len(tasks) + 0.6)
    axes = fig.subplots(len(tasks), 1, squeeze=False)[:, 0]
    rng = np.random.default_rng(0)
    headline = headline_metric()
    column = headline.column
    for ax, task in zip(axes, tasks):
        per_task = rows[rows["task"] == task]
        order = per_task.groupby("forecaster")[column].median().sort_values(ascending=False).index
        data = [per_task.loc[per_task["forecaster"] == f, column].to_numpy() for f in order]
        positions = np.arange(1, len(order) + 1)
        ax.boxplot(data, positions=positions, widths=0.6, showfliers=False, medianprops={"c": "k"})
        for pos, name, values in zip(positions, order, data):
            failed = (per_task.loc[per_task["forecaster"] == name, "status"] != "ok").to_numpy()
            jitter = rng.uniform(-0.18, 0.18, size=len(values))
            ax.scatter(pos + jitter[~failed], values[~failed], s=12, alpha=0.7, color=colours[name])
            if failed.any():
                ax.scatter(pos + jitter[failed], values[failed], s=18, marker="x", color="tab:red")
        ax.set_xticks(positions)
        external = set(per_task.loc[external_flags(per_task), "forecaster"])
        labels = [marked(_short(f), f in external) for f in order]
        ax.set_xticklabels(labels, rotation=30, ha="right")
        ax.set_ylabel(f"{headline.short_name} (Lyapunov times)")
        systems = per_task["system"].nunique()
        _add_fig_title(
            ax,
            f"task {task}: {headline.short_name} over {systems} systems × seeds\n"
            "(one point per row; × = failed, scored 0)",
        )
        ax.grid(axis="y", alpha=0.3)
        ax.set_ylim(bottom=0)
    _footer(fig, stamp)
    return _save(fig, path)


# --------------------------------------------------------------------------- refits


def protocol_of(rows: pd.DataFrame) -> Protocol:
    """The protocol of the rows' suite if it is a known suite, else the default one."""
    names = rows["suite"].dropna().unique() if "suite" in rows.columns else []
    for name in names:
        if name in SUITES:
            return SUITES[name].protocol
    return Protocol()


def dataset_for(
    system_id: str, task: str, protocol: Protocol, seed: int = 0
) -> tuple[Dataset, dict]:
    system = _api.systems.get(system_id)()
    facts = get_facts(system)
    facts = benchmark_facts(facts, verdict(facts))  # the λ_max the rows were scored with
    # seed s's own dataset (protocol v5); one variable: its coordinate only
    spec = protocol.dataset_spec(system, facts, task, seed=seed)
    return make_dataset(spec), observed_facts(system, facts, spec.observed)


def refit(
    forecaster_id: str, data: Dataset, seed: int, facts: dict, slots: int = Protocol.fit_slots
) -> Refit:
    """Fit ``forecaster_id`` for ``seed`` as the runner does (the evaluator's own
    functions, the run's fit program of ``slots`` slots, so the model is the row's);
    forecast windows and long run; score each window by the registered headline metric,
    as the runner scores it."""
    forecaster = build_forecaster(forecaster_id)  # an id, a spec or a row's label
    train = jnp.asarray(data.normalise(data.train))
    contexts = jnp.asarray(data.normalise(data.contexts))
    (fitted,), _ = fit_slots(forecaster, [train], [seed], slots)
    z_windows = np.asarray(forecast_windows(forecaster, fitted, contexts, data.spec.horizon))
    z_long = np.asarray(forecast_windows(forecaster, fitted, contexts[:1], data.spec.n_long))[0]
    windows = np.asarray(data.denormalise(blow_up_to_inf(z_windows)), dtype=float)
    headline = headline_metric()
    vpt = jax.vmap(headline.fn, in_axes=(0, 0, None))(
        jnp.asarray(windows), jnp.asarray(data.truths), scoring_facts(data, facts)
    )
    with np.errstate(over="ignore", invalid="ignore"):
        long = np.asarray(data.denormalise(z_long), dtype=float)
    return Refit(forecaster_id, windows, np.where(np.isfinite(long), long, np.nan), np.asarray(vpt))


def normalised_errors(windows: np.ndarray, data: Dataset) -> np.ndarray:
    """e(t) per window: RMSE across dimensions in training stds, ``(windows, horizon)``."""
    return np.sqrt(np.mean(((windows - data.truths) / data.std) ** 2, axis=-1))


def _lyapunov_axis(steps: int, data: Dataset, facts: dict) -> np.ndarray:
    return (np.arange(steps) + 1) * data.spec.dt * facts["max_lyapunov"]


def error_growth(
    fits: Sequence[Refit],
    data: Dataset,
    facts: dict,
    system_id: str,
    path: Path,
    stamp: dict[str, str],
) -> Path:
    colours = _colours([f.forecaster for f in fits])
    t = _lyapunov_axis(data.spec.horizon, data, facts)
    fig = _new_figure(7.5, 4.6)
    ax = fig.subplots()
    for fit in fits:
        errors = normalised_errors(fit.windows, data)
        with np.errstate(invalid="ignore"):
            mid = np.quantile(errors, 0.5, axis=0)
            low = np.quantile(errors, 0.25, axis=0)
            high = np.quantile(errors, 0.75, axis=0)
        colour = colours[fit.forecaster]
        ax.plot(t, np.where(np.isfinite(mid), mid, np.nan), color=colour, lw=1.5)
        ax.fill_between(
            t,
            np.where(np.isfinite(low), low, np.nan),
            np.where(np.isfinite(high), high, np.nan),
            color=colour,
            alpha=0.15,
            lw=0,
        )
        ax.plot([], [], color=colour, lw=1.5, label=_short(fit.forecaster))
    headline = headline_metric()
    threshold = headline.reference
    if threshold is not None:
        label = f"{headline.short_name} threshold {threshold:g}"
        ax.axhline(threshold, color="k", ls="--", lw=0.8, label=label)
    ax.set_yscale("log")
    ax.set_xlim(0, t[-1])
    ax.set_xlabel("time (Lyapunov times)")
    ax.set_ylabel("normalised error e(t) (training stds)")
    _add_fig_title(
        ax,
        f"{system_id}: error growth, median over {data.spec.n_test} test windows (band: 25–75 %)",
    )
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8, ncols=2 if len(fits) > 6 else 1, loc="lower right")
    _footer(fig, stamp)
    return _save(fig, path)


def forecast_panel(
    fit: Refit,
    data: Dataset,
    facts: dict,
    system_id: str,
    path: Path,
    stamp: dict[str, str],
    window: int = 0,
) -> Path:
    t = _lyapunov_axis(data.spec.horizon, data, facts)
    truth = data.truths[window]
    forecast = np.where(np.isfinite(fit.windows[window]), fit.windows[window], np.nan)
    vpt = float(fit.vpt[window])
    shown = min(len(t), int(np.searchsorted(t, max(10.0, 2.5 * vpt))) + 1)
    dims = min(truth.shape[1], 3)
    fig = _new_figure(7.5, 1.9 * dims + 1.0)
    axes = fig.subplots(dims, 1, sharex=True, squeeze=False)[:, 0]
    for d, ax in enumerate(axes):
        ax.plot(t[:shown], truth[:shown, d], color="k", lw=1.2, label="truth")
        ax.plot(t[:shown], forecast[:shown, d], color="tab:orange", lw=1.2, ls="--",
                label="forecast")  # fmt: skip
        ax.axvline(vpt, color="tab:red", lw=0.8, ls=":")
        ax.set_ylabel(f"x{d}")
        ax.grid(alpha=0.3)
        lo, hi = np.nanmin(truth[:, d]), np.nanmax(truth[:, d])
        pad = 0.25 * (hi - lo + 1e-12)
        ax.set_ylim(lo - pad, hi + pad)
    axes[0].legend(fontsize=8, loc="upper right")
    axes[-1].set_xlabel(f"time (Lyapunov times); dotted: VPT of this window = {vpt:.2f}")
    _add_fig_title(axes[0], f"{system_id} × {fit.forecaster}: test window {window}")
    _footer(fig, stamp)
    return _save(fig, path)


def attractor_panel(
    fit: Refit,
    data: Dataset,
    system_id: str,
    path: Path,
    stamp: dict[str, str],
) -> Path:
    dim = data.long.shape[1]
    pairs = [(0, 1)] if dim < 3 else [(0, 1), (0, 2), (1, 2)]
    fig = _new_figure(4.0 * len(pairs), 4.4)
    axes = fig.subplots(1, len(pairs), squeeze=False)[0]
    for ax, (i, j) in zip(axes, pairs):
        ax.plot(data.long[:, i], data.long[:, j], color="0.55", lw=0.4, label="truth")
        ax.plot(fit.long[:, i], fit.long[:, j], color="tab:blue", lw=0.4, alpha=0.8,
                label="free run")  # fmt: skip
        for setter, k in ((ax.set_xlim, i), (ax.set_ylim, j)):
            lo, hi = data.long[:, k].min(), data.long[:, k].max()
            pad = 0.3 * (hi - lo + 1e-12)
            setter(lo - pad, hi + pad)
        ax.set_xlabel(f"x{i}")
        ax.set_ylabel(f"x{j}")
        ax.set_aspect("auto")
    axes[0].legend(fontsize=8, loc="upper right")
    diverged = np.isnan(fit.long).any()
    _add_fig_title(
        axes[0],
        f"{system_id} × {_short(fit.forecaster)}: {data.spec.n_long}-step free run"
        + (" (diverged)" if diverged else ""),
    )
    _footer(fig, stamp)
    return _save(fig, path)


# --------------------------------------------------------------------------- entry point


def plot(
    out: Path,
    *,
    system: str | None = None,
    forecasters: Sequence[str] | None = None,
    seed: int = 0,
    task: str | None = None,
    log: Callable[[str], None] = print,
) -> list[Path]:
    """Write every figure for the run under ``out``; returns the paths written.

    **Arguments:**

    - `system`: the system of the refit figures (default: the first of the run's).
    - `forecasters`: forecasters to refit (default: every forecaster of the run on it).
    - `seed`: forecaster seed of the refit; `task`: its task (default: ``rich`` if the
      run has it, else the first).
    """
    out = Path(out)
    rows = load_rows(out)
    stamp = collect_stamp(rows)
    figures = out / "figures"
    paths = [vpt_distribution(rows, figures / "vpt_distribution.png", stamp)]

    tasks = sorted(rows["task"].unique())
    task = task or ("rich" if "rich" in tasks else tasks[0])
    get_task(task)  # TaskError (a ValueError) names the valid forms
    per_task = rows[rows["task"] == task]
    system_id = _api.systems.resolve(system) if system else sorted(per_task["system"])[0]
    if forecasters:
        forecaster_ids = list(dict.fromkeys(ForecasterSpec.parse(f).label for f in forecasters))
    else:
        forecaster_ids = sorted(
            per_task.loc[per_task["system"] == system_id, "forecaster"].unique()
        )
    if not forecaster_ids:
        raise ValueError(f"the run at {out} has no rows for {system_id} in task {task}")

    protocol = protocol_of(rows)
    data, facts = dataset_for(system_id, task, protocol, seed)
    fits = []
    for forecaster_id in forecaster_ids:
        log(f"refitting {forecaster_id} on {system_id} ({task}, seed {seed})")
        try:
            fits.append(refit(forecaster_id, data, seed, facts, protocol.fit_slots))
        except Exception as error:  # noqa: BLE001 - one failing forecaster skips its figures
            log(f"  skipped {forecaster_id}: {type(error).__name__}: {error}")
    if not fits:
        return paths
    name = system_id.rsplit("-v", 1)[0]
    paths.append(
        error_growth(fits, data, facts, system_id, figures / f"error_growth_{name}.png", stamp)
    )
    for fit in fits:
        short = _short(fit.forecaster)
        paths.append(
            forecast_panel(
                fit, data, facts, system_id, figures / f"forecast_{name}_{short}.png", stamp
            )
        )
        paths.append(
            attractor_panel(fit, data, system_id, figures / f"attractor_{name}_{short}.png", stamp)
        )
    return paths
