"""The set-up a newcomer reads agrees with what the code and the Makefile do: one cache
default, and ``make install`` as the set-up-only step."""

import re
from pathlib import Path

from chaosbench.base._cache import cache_dir

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text()
MAKEFILE = (ROOT / "Makefile").read_text()


def _setup_section() -> str:
    return README.split("## Set-up", 1)[1].split("\n## ", 1)[0]


def test_one_cache_default_in_code_readme_and_makefile(monkeypatch):
    monkeypatch.delenv("CHAOSBENCH_CACHE", raising=False)
    assert cache_dir() == Path.home() / ".cache" / "chaosbench"
    stated = re.findall(r"`\$CHAOSBENCH_CACHE` \(default `([^`]+)`", README)
    assert stated == ["~/.cache/chaosbench"], stated
    # the Makefile sets no default of its own for its targets (a one-off cold cache given
    # on a recipe's command line, `CHAOSBENCH_CACHE=$$(mktemp -d) ...`, is not a default)
    assignments = re.findall(r"^ *(?:export\s+)?CHAOSBENCH_CACHE\s*[:?+]?=.*$", MAKEFILE, re.M)
    assert assignments == [], assignments
    assert re.search(r"^\s*export\s+CHAOSBENCH_CACHE\b", MAKEFILE, re.M) is None


def test_readme_names_make_install_as_the_set_up_only_step():
    assert "`make install`" in _setup_section()
    # ... and `make install` is only that: the virtual environment and the package
    recipe = re.search(r"^install:(.*)$", MAKEFILE, re.M)
    assert recipe is not None and recipe.group(1).split() == ["$(STAMP)"]
    stamp = MAKEFILE.split("$(STAMP): pyproject.toml $(LOCK)\n", 1)[1].split("\n\n", 1)[0]
    commands = [line.strip() for line in stamp.splitlines()]
    assert commands and all(re.search(r"venv|pip install|touch", c) for c in commands), commands
    assert "chaosbench" not in " ".join(commands).replace("$(BIN)/python -m pip", "")
