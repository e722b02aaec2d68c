# Exchange Portal: the two set-up commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: setup run test lint check bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/build/portal.css: node_modules/.installed static/scss/portal.scss
	npm run --silent build

# Installs Python and front-end dependencies and builds the stylesheet.
setup: $(VENV)/.installed node_modules/.installed static/build/portal.css

# Migrates, seeds demo data on first run, then starts web, worker and beat together.
run: setup
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput
	@mkdir -p var
	@test -f var/.demo-seeded || (DEBUG=$${DEBUG:-true} $(PY) manage.py seed_demo && touch var/.demo-seeded)
	PORT=$(PORT) bash scripts/run-local.sh

# Installs everything and runs the whole suite (PostgreSQL and Redis when DATABASE_URL
# and REDIS_URL are set; SQLite and skips that say why otherwise).
test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: setup
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .

bench: setup
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf var staticfiles static/build .pytest_cache
