# Insignia — two commands matter:
#   make demo   run the platform with demo data on SQLite at http://127.0.0.1:8000
#   make test   run every check and test
# Only Python >= 3.11 and make are needed; uv is installed with pip when missing.

PYTHON ?= python3
UV_SYSTEM := $(shell command -v uv 2>/dev/null)
UV ?= $(if $(UV_SYSTEM),$(UV_SYSTEM),.tools/bin/uv)
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
PEER_DIR ?= .tools/node-vc
export INSIGNIA_VECTORS ?= $(abspath $(SHARED)/vectors)
export INSIGNIA_PEER ?= $(abspath $(PEER_DIR))/peer.mjs

.PHONY: help install demo serve test test-core test-web test-postgres lint typecheck importlint peer bench fuzz load clean

help:
	@echo "make demo   - run the platform with demo data (SQLite) on http://127.0.0.1:8000"
	@echo "make test   - lint, type-check and run every test (SQLite, and PostgreSQL when reachable)"
	@echo "make bench  - run the engine benchmarks (prints ratios against the reference peer)"
	@echo "make fuzz   - the fuzzers with a long budget (FUZZ_EXAMPLES per test, default 15000)"
	@echo "make load   - load-test gunicorn + PostgreSQL on loopback (benchmarks/load.py)"

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --locked --python $(PYTHON)
	@touch $@

install: $(VENV)/.synced

# --- the platform ------------------------------------------------------------
demo: install
	$(BIN)/python -m insignia.web.demo

# --- checks and tests --------------------------------------------------------
lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install
	$(BIN)/mypy

importlint: install
	$(BIN)/lint-imports

peer:
	@if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && [ -d $(SHARED)/peers/node-vc ]; then \
	  if [ ! -f $(PEER_DIR)/.installed ] || ! cmp -s $(SHARED)/peers/node-vc/package-lock.json $(PEER_DIR)/package-lock.json; then \
	    rm -rf $(PEER_DIR) && mkdir -p .tools && cp -r $(SHARED)/peers/node-vc $(PEER_DIR) && chmod -R u+w $(PEER_DIR) && \
	    npm ci --prefix $(PEER_DIR) --no-audit --no-fund --loglevel=error && touch $(PEER_DIR)/.installed; \
	  fi; \
	else echo "node/npm or $(SHARED)/peers missing: reference-peer tests will be skipped"; fi

test: lint typecheck importlint peer
	$(BIN)/pytest -q -p no:cacheprovider
	$(MAKE) --no-print-directory test-postgres

# The web tests again on PostgreSQL when a server is reachable (CI always has one).
test-postgres: install
	@if $(BIN)/python -c "import psycopg,os; psycopg.connect(os.environ.get('INSIGNIA_TEST_PG','postgresql://postgres@127.0.0.1:5432/test'), connect_timeout=3).close()" 2>/dev/null; then \
	  DATABASE_URL=$${INSIGNIA_TEST_PG:-postgresql://postgres@127.0.0.1:5432/test} $(BIN)/pytest -q -p no:cacheprovider tests/web -m "not browser"; \
	elif [ -n "$$CI" ]; then echo "PostgreSQL is not reachable in CI" >&2; exit 1; \
	else echo "PostgreSQL not reachable: skipped the PostgreSQL run"; fi

bench: install peer
	$(BIN)/python benchmarks/engine.py

# The fuzzers (tests/fuzz) run a short budget inside `make test`; this is the long run:
# 21 fuzz tests x FUZZ_EXAMPLES inputs (315,000 with the default; one to two hours on 2 cores).
FUZZ_EXAMPLES ?= 15000
fuzz: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q -p no:cacheprovider tests/fuzz

# Load test on loopback: gunicorn (2 workers x threads) + a dedicated PostgreSQL database.
LOAD_PG ?= postgresql://postgres@127.0.0.1:5432/insignia_load
load: install
	$(BIN)/python benchmarks/load.py --database $(LOAD_PG)

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache var
