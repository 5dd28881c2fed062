# The project's contract: `make run` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
export FLASK_APP := workflow_app

.PHONY: install run test test-fast bench lint browser-deps diagrams samples clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

SMTP_PORT ?= 8025

## Migrate the SQLite database in instance/, load demo data (idempotent), then run the web server on HOST:PORT,
## the scheduler and a local mail catcher on SMTP_PORT together (staff menu: «Перехваченная почта»); Ctrl+C stops all.
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/flask dev-stack --host $(HOST) --port $(PORT) --smtp-port $(SMTP_PORT)

# Parallel runs (pytest-xdist): each worker has its own SQLite files and PostgreSQL databases; the tests
# marked `demo` share one worker (loadgroup), so the demo data is seeded once per backend.
XDIST ?= -n auto --dist loadgroup

## The whole suite, on SQLite and on PostgreSQL (127.0.0.1:5432), browser tests included, in parallel.
test: lint browser-deps
	$(BIN)/python -m pytest $(XDIST)

## The suite without the tests marked `slow` and the browser tests: the quick check while working.
test-fast: install
	$(BIN)/python -m pytest $(XDIST) -m "not slow and not browser" -x -q

## Debian's chromium for the Playwright tests (Playwright cannot download its own browser here).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || command -v /usr/bin/chromium >/dev/null 2>&1 || \
	  ( (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 ) || \
	  echo "!!! chromium could not be installed: browser tests will be SKIPPED"

## ruff (pyflakes, pycodestyle, bugbear, isort, pyupgrade, simplify) and mypy on the typed core.
lint: install
	$(BIN)/ruff check workflow_app tests bench
	$(BIN)/mypy

bench: install
	$(BIN)/python -m bench

## The lifecycle descriptions (docs/lifecycles) and pictures (workflow_app/static/lifecycles/*.svg, drawn by
## Debian's Graphviz, installed here like chromium above); commit what changes.
diagrams: install
	@command -v dot >/dev/null 2>&1 || \
	  ( (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz) >/dev/null 2>&1 ) || \
	  echo "!!! graphviz could not be installed: the lifecycle pictures cannot be drawn"
	$(BIN)/flask write-diagrams docs/lifecycles

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
