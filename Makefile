# Familieoverblik. Quick start: `make run` (app with demo data) and `make test` (every test).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app familyapp
PORT ?= 5000

.PHONY: run test test-sqlite test-postgres install install-test browser translations bench lint clean lock wheel

# The libraries come pinned from the lock files (`make lock` makes them again from pyproject.toml).
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml requirements-test.lock
	$(PY) -m pip install --quiet -c requirements-test.lock -e '.[test]'
	touch $@

# Pin the newest releases pyproject.toml allows, for the app with its optional tracing (requirements.lock) and for
# its tests.
lock:
	test -x /tmp/familyapp-uv/bin/uv || { python3 -m venv /tmp/familyapp-uv && /tmp/familyapp-uv/bin/pip install --quiet uv; }
	/tmp/familyapp-uv/bin/uv pip compile pyproject.toml --extra tracing --python-version 3.11 --no-annotate --custom-compile-command "make lock" --quiet -o requirements.lock
	/tmp/familyapp-uv/bin/uv pip compile pyproject.toml --extra test --python-version 3.11 --no-annotate --custom-compile-command "make lock" --quiet -o requirements-test.lock

# The installable package (migrations, compiled translations, scale definitions, templates, static files inside).
wheel: translations
	rm -rf dist build && $(PY) -m pip wheel --quiet --no-deps -w dist .

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
	$(PY) -m babel.messages.frontend compile -d familyapp/translations --use-fuzzy >/dev/null 2>&1 || $(PY) -m babel.messages.frontend compile -d familyapp/translations

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
	$(VENV)/bin/ruff check familyapp tests bench

bench: install-test translations
	$(PY) bench/pages.py

# gunicorn (4 workers) under 20 clients against a bare Flask hello; also PostgreSQL with BENCH_POSTGRES_URL (emptied).
.PHONY: bench-load
bench-load: install-test translations
	$(PY) bench/load.py

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache
