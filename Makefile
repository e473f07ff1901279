# Frontline Academy — one target per task. `make run` and `make test` are the two commands.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install install-dev serve demo test lint format check pytest browser-deps screenshots bench bench-pages bench-import lighthouse bench-city messages clean cluster cluster-deps cluster-tools load cluster-check

run: install ## install, migrate, load the demo curriculum and accounts, serve on http://127.0.0.1:8000
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --with-accounts
	@echo "Serving on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(PY) manage.py runserver $(HOST):$(PORT)

$(VENV)/.runtime: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

test: install-dev browser-deps lint check pytest ## lint, system checks, migrations check, the whole suite

lint: install-dev ## ruff, and the dependency rules between apps (import-linter, pyproject.toml)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install-dev
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(PY) scripts/compile_messages.py --check

pytest: install-dev
	@# pytest exits 5 when it collects nothing: that is a broken suite, not a pass.
	@$(BIN)/pytest $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc

browser-deps: ## Debian's chromium and a CJK font for browser tests and screenshots
	@bash scripts/ensure_browser.sh

messages: install-dev ## extract strings into locale/*.po and compile them (needs gettext)
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=staticfiles --no-obsolete
	$(PY) scripts/compile_messages.py

screenshots: install-dev browser-deps ## refresh the README's phone screenshots (docs/images) from the layout browser test
	UPDATE_DOCS_SCREENSHOTS=1 $(BIN)/pytest -q -p no:cacheprovider tests/browser/test_layout.py tests/browser/test_question_kinds.py

bench: install-dev ## the learner's pages as issue 19 measures them (2 sync workers, wrk), the quiz load, the question import (see docs/benchmarks.md)
	@bash scripts/ensure_wrk.sh
	$(PY) -m tests.bench.run --wrk $(BENCH_ARGS)
	$(PY) -m tests.bench.run --only quiz
	$(MAKE) bench-import

bench-pages: install-dev ## the older page bench: 4 gthread workers, a Python load generator, page weights (see docs/benchmarks.md)
	$(PY) -m tests.bench.run --only pages

LIGHTHOUSE_DIR := tools/lighthouse

$(LIGHTHOUSE_DIR)/node_modules/.installed: $(LIGHTHOUSE_DIR)/package.json $(LIGHTHOUSE_DIR)/package-lock.json
	@command -v npm >/dev/null || { echo "make lighthouse needs Node.js 18.16+ and npm (apt-get install nodejs npm)" >&2; exit 1; }
	cd $(LIGHTHOUSE_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

lighthouse: install-dev browser-deps $(LIGHTHOUSE_DIR)/node_modules/.installed ## Lighthouse (mobile) on the lesson, course and My learning pages, served as in production (see docs/benchmarks.md)
	$(PY) -m tests.bench.lighthouse

bench-import: install-dev ## time a 2 MB GIFT file and a 1,000-row Excel file from upload to preview (see docs/benchmarks.md)
	$(PY) -m tests.bench.imports

bench-city: install-dev ## generate a city (100,000 staff) on PostgreSQL and time the reports (see docs/benchmarks.md)
	$(PY) -m tests.bench.city

$(VENV)/.cluster: $(VENV)/.dev requirements-cluster.txt
	$(PY) -m pip install --quiet -r requirements-cluster.txt
	touch $@

cluster-deps: $(VENV)/.cluster

cluster-tools: ## nginx and wrk for the one-machine cluster (Debian packages, when missing)
	@bash scripts/ensure_cluster_tools.sh

cluster: cluster-deps cluster-tools ## the production shape on one machine: nginx, 2 app servers, a worker, PostgreSQL, Redis (Ctrl-C stops)
	$(PY) -m tests.cluster.cluster

load: cluster-deps cluster-tools ## Locust learner load against the running cluster (or LOAD_HOST; starts one if none): LOAD_USERS, LOAD_RATE, LOAD_TIME
	$(PY) -m tests.cluster.load

cluster-check: cluster-deps cluster-tools ## CI's short cluster run: start, seed, load, drills a-e, checks, tear down (under 3 minutes)
	$(PY) -m tests.cluster.drill --short

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
