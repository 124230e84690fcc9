"""Check the web leaderboard in a real browser (headless Chromium); `make test-browser`.

1. Builds a page from the rows of ``tests/web_fixture.py`` (with its tuned and zero-shot
   tracks) in a temporary directory and, if ``RESULTS/leaderboard.csv`` exists,
   ``RESULTS/index.html`` from its tables.
2. Loads each page headless with ``--dump-dom`` under several query strings and reads the
   DOM after the scripts ran: the page's self-test (``?selftest=1``: its number format
   equals Python's ``_fmt``, the script's headline cells equal the Python-rendered ones,
   sorting is monotone, the per-system view has one row per forecaster, the heat map is
   square, every headline row shows leaderboard.csv's track, a system seen in pretraining
   is marked in its view, the "seen in pretraining" filter keeps its bin, the tuning-gain
   rows follow the task filter) must say PASS, and this script checks independently, from
   the CSVs, the row order after sorting, the filtered medians, and that the tuning-gain,
   curve and refusal tables are on the page exactly when their CSVs are.
3. Screenshots ``index.png`` (1280×900) and ``index-phone.png`` (390×844) beside each page.

Not collected by pytest (no ``test_`` prefix). Usage: ``python tests/browser/check_page.py
[--results results]``; exits non-zero on the first failure.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from html import unescape
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from web_fixture import write_cells  # noqa: E402

import chaosbench.forecasters  # noqa: E402, F401  (the composition root: registries filled)
import chaosbench.metrics  # noqa: E402, F401
import chaosbench.systems  # noqa: E402, F401
from chaosbench.reporting import _leaderboard as lb  # noqa: E402
from chaosbench.reporting import _web  # noqa: E402
from chaosbench.reporting._markdown import fmt  # noqa: E402


def chromium() -> str:
    for name in (os.environ.get("CHROMIUM", ""), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    sys.exit("no chromium found: `apt-get install -y chromium` (make test-browser does it as root)")


def browse(page: Path, query: str = "", *extra: str) -> str:
    """The DOM of ``page?query`` after its scripts ran (or the screenshot's log)."""
    profile = tempfile.mkdtemp(prefix="chromium-")
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=5000",
        *extra,
        page.resolve().as_uri() + query,
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=90)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if done.returncode != 0:
        sys.exit(f"chromium failed on {page}{query}:\n{done.stderr[-2000:]}")
    return done.stdout


def dom(page: Path, query: str) -> str:
    return browse(page, query, "--dump-dom")


def selftest(page: Path, query: str) -> str:
    text = dom(page, query)
    found = re.search(r'<pre id="selftest"[^>]*data-result="(\w+)"[^>]*>(.*?)</pre>', text, re.S)
    if not found:
        sys.exit(f"FAIL {page.name}{query}: no self-test result in the DOM (script error?)")
    report = unescape(found.group(2))
    if found.group(1) != "pass":
        sys.exit(f"FAIL {page.name}{query}:\n{report}")
    print(
        f"ok   {page.name}{query}: {report.splitlines()[0]} ({len(report.splitlines()) - 1} checks)"
    )
    return text


def headline_order(text: str, task: str) -> list[str]:
    table = re.search(
        rf'<table class="headline sortable" data-task="{task}">(.*?)</table>', text, re.S
    )
    if not table:
        sys.exit(f"FAIL: no rendered headline table for task {task}")
    return re.findall(r'<tr data-forecaster="([^"]+)"', table.group(1))


def check(condition: bool, what: str) -> None:
    if not condition:
        sys.exit(f"FAIL {what}")
    print(f"ok   {what}")


def check_page(out: Path, fixture: bool) -> None:
    page = out / "index.html"
    board = pd.read_csv(out / "leaderboard.csv")
    table = pd.read_csv(out / "by_system.csv")
    task = sorted(board["task"].unique())[0]
    selftest(page, "?selftest=1")
    # sorting, checked from the CSV: ascending median VPT, ties in the CSV's order
    text = selftest(page, f"?selftest=1&task={task}&sort=vpt_lyap_median&dir=asc")
    csv = board[board["task"] == task].reset_index(drop=True)
    want = list(csv.sort_values("vpt_lyap_median", kind="stable")["forecaster"])
    check(headline_order(text, task) == want, f"{page.name}: sorted by median VPT ascending")
    text = selftest(page, f"?selftest=1&task={task}&sort=forecaster&dir=desc")
    want = sorted(csv["forecaster"], reverse=True)
    check(headline_order(text, task) == want, f"{page.name}: sorted by forecaster descending")
    # the per-system view of a system with figures (if any) and of one without
    data = _web.page_data(out, made="-")
    with_figures = [s for s, info in data["systems"].items() if info["figures"]]
    without = [s for s, info in data["systems"].items() if not info["figures"]]
    for system in with_figures[:1] + without[:1]:
        text = selftest(page, f"?selftest=1&system={system}")
        check(
            ('id="no-figures"' in text) == (system in without),
            f"{page.name}: {system} shows {'no figures' if system in without else 'its figures'}",
        )
    # the sections of the optional tables: there exactly when their CSVs are
    text = dom(page, "")
    for name, marker in (
        ("tuning_gain", '<section id="tuning">'),
        ("curves", '<section id="regimes">'),
        ("refusals", 'class="refusals"'),
    ):
        present = (out / f"{name}.csv").exists()
        check(
            (marker in text) == present, f"{page.name}: {name} {'shown' if present else 'absent'}"
        )
    for pretraining in [b for b in data["bins"].get("pretraining", [])]:
        selftest(page, f"?selftest=1&pretraining={pretraining}")
    seen = [s for s, info in data["systems"].items() if info.get("seen_in_pretraining")]
    for system in seen[:1]:
        text = selftest(page, f"?selftest=1&system={system}")
        check('class="seen"' in text, f"{page.name}: {system} marked seen in pretraining")
    if (out / "tuning_gain.csv").exists():
        selftest(page, f"?selftest=1&task={task}")  # the tuning rows of other tasks hidden
    if fixture:
        # filtered by observed dimension ≤ 3 (lorenz63-v1 and rossler-v1, which only the
        # zero-shot forecaster has rows on): the other forecasters' medians are lorenz63's
        n = len(data["systems"])
        text = selftest(page, f"?selftest=1&task={task}&dim=3")
        check(f"Filtered view: 2 of {n} systems" in text, f"fixture: filter note names 2 of {n}")
        one = table[(table["task"] == task) & (table["system"] == "lorenz63-v1")]
        body = re.search(rf'data-task="{task}">(.*?)</table>', text, re.S).group(1)
        for _, r in one[one["forecaster"] != "dynamix-v1"].iterrows():
            name = re.escape(r["forecaster"])
            row = re.search(rf'<tr data-forecaster="{name}"[^>]*>(.*?)</tr>', body, re.S)
            cell = re.search(r'data-key="vpt_lyap_median">([^<]*)<', row.group(1)).group(1)
            check(
                cell == fmt(r["vpt_lyap_median"]),
                f"fixture: filtered {r['forecaster']} VPT {cell}",
            )
    for name, size in (("index.png", "1280,900"), ("index-phone.png", "390,844")):
        shot = out / name
        browse(page, "", f"--window-size={size}", f"--screenshot={shot}")
        check(shot.is_file() and shot.stat().st_size > 1000, f"screenshot {shot}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", default="results", help="a results directory (if built)")
    parser.add_argument("--keep", help="build the fixture page here instead of a temp dir")
    args = parser.parse_args()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        out = write_cells(Path(args.keep or tmp), tracks=True)
        lb.write_leaderboard(out)
        check_page(out, fixture=True)
    results = Path(args.results)
    if (results / "leaderboard.csv").exists():
        print(f"wrote {_web.write_index(results)}")
        check_page(results, fixture=False)
    else:
        print(f"skip {results}: no leaderboard.csv (run `make bench` first)")
    print(f"browser checks passed in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
