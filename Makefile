# chaosbench: `make bench` and `make test` are the whole set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SUITE ?= default
JOBS ?= 2
OUT ?= results
export CHAOSBENCH_CACHE ?= $(CURDIR)/.cache

.PHONY: install bench bench-smoke test test-slow lint systems perf perf-systems clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

bench: $(STAMP)
	$(BIN)/chaosbench run --suite $(SUITE) --out $(OUT) --jobs $(JOBS)
	$(BIN)/chaosbench leaderboard --out $(OUT)

bench-smoke: $(STAMP)
	$(BIN)/chaosbench run --suite smoke --out $(OUT)/smoke
	$(BIN)/chaosbench leaderboard --out $(OUT)/smoke

test: $(STAMP)
	$(BIN)/python -m pytest -q

test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -m slow

lint: $(STAMP)
	$(BIN)/ruff check chaosbench systems forecasters metrics tests benchmarks
	$(BIN)/ruff format --check chaosbench systems forecasters metrics tests benchmarks

systems: $(STAMP)
	$(BIN)/chaosbench systems --jobs 2 --timeout 900

perf: $(STAMP)
	$(BIN)/python benchmarks/perf.py

# whole-catalogue generation, cold and warm, and scipy at matched accuracy (~15 min)
perf-systems: $(STAMP)
	CHAOSBENCH_CACHE=$$(mktemp -d) $(BIN)/python benchmarks/perf_systems.py --workers 2 --record

clean:
	rm -rf $(VENV) .cache
