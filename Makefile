# Familieoverblik. Quick start: `make run` (app with demo data) and `make test` (every test).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app familyapp
PORT ?= 5000

.PHONY: run test test-sqlite test-postgres install install-test browser translations bench lint clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test node_modules/axe-core/axe.min.js browser

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --silent

# Debian's chromium: Playwright drives it; a browser download is never used.
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "Install Debian's chromium first: sudo apt-get install chromium chromium-driver" >&2; exit 1; fi; }

translations: $(VENV)/.installed
	$(PY) -m babel.messages.frontend compile -d translations --use-fuzzy >/dev/null 2>&1 || $(PY) -m babel.messages.frontend compile -d translations

run: translations
	FAMILYAPP_ENV=development $(FLASK) db-upgrade
	@echo; echo "Demo sign-in links (open one in Chromium; each works once, for 72 hours):"
	@FAMILYAPP_ENV=development $(FLASK) demo
	@echo; echo "Serving on http://localhost:$(PORT)  (Ctrl+C stops)"
	FAMILYAPP_ENV=development $(FLASK) run --host localhost --port $(PORT)

# The whole suite on SQLite, then again on PostgreSQL when TEST_POSTGRES_URL is set (.ci/run sets it).
test: install-test translations
	$(PY) -m pytest
	@if [ -n "$$TEST_POSTGRES_URL" ]; then \
	  echo "== the same suite on PostgreSQL =="; \
	  TEST_DATABASE_URL="$$TEST_POSTGRES_URL" $(PY) -m pytest; \
	else echo "(PostgreSQL run not started: set TEST_POSTGRES_URL, as .ci/run does)"; fi

lint: install-test
	$(VENV)/bin/ruff check familyapp tests migrations bench

bench: install-test translations
	$(PY) bench/pages.py

# gunicorn (4 workers) under 20 clients against a bare Flask hello; also PostgreSQL with BENCH_POSTGRES_URL (emptied).
.PHONY: bench-load
bench-load: install-test translations
	$(PY) bench/load.py

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache
