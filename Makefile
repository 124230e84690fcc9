# chaosbench: `make bench` and `make test` are the whole set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# exact versions of everything installed (the numerical stack included): see `make lock`
LOCK := requirements.lock
SUITE ?= default
JOBS ?= 2
OUT ?= results/$(SUITE)
# Facts, datasets and compiled programs are cached under $CHAOSBENCH_CACHE if set, else
# ~/.cache/chaosbench: the package's one default (chaosbench.base._cache.cache_dir), the
# same for make and for the chaosbench command.

.PHONY: install lock bench bench-smoke test test-browser test-slow lint systems perf perf-systems clean

$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r $(LOCK)
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# refresh the lock: resolve pyproject.toml's ranges afresh in a scratch environment and
# write every installed version to $(LOCK); review the diff, then `make test`
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install -q --upgrade pip
	.lock-venv/bin/python -m pip install -q '.[dev]'
	{ sed -n '/^#/p' $(LOCK); .lock-venv/bin/python -m pip freeze --exclude chaosbench; } > $(LOCK).new
	mv $(LOCK).new $(LOCK) && rm -rf .lock-venv

bench: $(STAMP)
	$(BIN)/chaosbench run --suite $(SUITE) --out $(OUT) --jobs $(JOBS)
	$(BIN)/chaosbench leaderboard --out $(OUT)

bench-smoke: $(STAMP)
	$(BIN)/chaosbench run --suite smoke --out results/smoke
	$(BIN)/chaosbench leaderboard --out results/smoke

test: $(STAMP)
	$(BIN)/python -m pytest -q

# the web page in headless Chromium (installed with apt as root if missing; < 3 min):
# a fixture page and, if $(OUT)/leaderboard.csv exists, $(OUT)/index.html and index.png
test-browser: $(STAMP)
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else echo "make test-browser needs chromium: run as root, or sudo apt-get install -y chromium" >&2; exit 1; fi
	$(BIN)/python tests/browser/check_page.py --results $(OUT)

test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -m slow

lint: $(STAMP)
	$(BIN)/ruff check chaosbench systems forecasters metrics tests benchmarks examples
	$(BIN)/ruff format --check chaosbench systems forecasters metrics tests benchmarks examples

systems: $(STAMP)
	$(BIN)/chaosbench systems --jobs 2 --timeout 900

perf: $(STAMP)
	$(BIN)/python benchmarks/perf.py

# whole-catalogue generation, cold and warm, and scipy at matched accuracy (~15 min)
perf-systems: $(STAMP)
	CHAOSBENCH_CACHE=$$(mktemp -d) $(BIN)/python benchmarks/perf_systems.py --workers 2 --record

clean:
	rm -rf $(VENV)
