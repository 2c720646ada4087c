# Maillage — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8000
HOST ?= 127.0.0.1
WORKERS ?= 3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# The first Python >= 3.12 we can find (pyenv's shim reads .python-version).
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
# Links in e-mails and feeds follow the address served (PORT=8100 make run → :8100) unless
# MAILLAGE_SITE_URL or SITE_URL says otherwise (docs/settings.md).
ifeq ($(origin MAILLAGE_SITE_URL)$(origin SITE_URL),undefinedundefined)
export MAILLAGE_SITE_URL := http://$(HOST):$(PORT)
endif
VENDOR := var/vendor

.PHONY: help run test test-fast checks setup python venv vendor migrate demo lint format messages chromium pango check-deploy clean bench

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

run: setup demo ## Set up, load the demo once, and serve on http://$(HOST):$(PORT) with the worker
	@echo "Maillage sur http://$(HOST):$(PORT)/ (Ctrl+C pour arrêter)"
	@trap 'kill 0' INT TERM EXIT; \
	$(MANAGE) db_worker --queue-name '*' & \
	$(VENV)/bin/gunicorn maillage.wsgi:application --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--access-logfile - --forwarded-allow-ips '127.0.0.1' & \
	wait

# The suite runs on every CPU (pytest-xdist; TEST_WORKERS=0 for one process) and names its 25
# slowest tests at the end.
TEST_WORKERS ?= auto
PYTEST := DJANGO_SETTINGS_MODULE=maillage.settings_test $(VENV)/bin/pytest -n $(TEST_WORKERS)

test: setup chromium checks ## Set up and run the whole test suite (SQLite, or DATABASE_URL)
	$(PYTEST) --durations=25 $(PYTEST_ARGS)

test-fast: setup checks ## The suite without the browser and slow tests (a minute or two)
	$(PYTEST) -m "not browser and not slow" $(PYTEST_ARGS)

checks: venv ## Style, types, layers and migrations: what must hold before any test runs
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy maillage
	$(VENV)/bin/lint-imports --no-logo
	$(MANAGE) makemigrations --check --dry-run

setup: pango venv vendor migrate ## Install dependencies, front-end libraries, migrate the database

pango: ## Install Pango (Debian) for WeasyPrint's PDF statements if it is missing
	@if ! ldconfig -p | grep -q libpango-1.0; then \
		echo "Installing Pango (Debian packages) for the PDF statements…"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; \
	fi

python:
	@if [ -z "$(PYTHON)" ]; then echo "Maillage needs Python 3.12 or newer: install it (e.g. pyenv install 3.12) and retry."; exit 1; fi

$(VENV)/.installed: pyproject.toml uv.lock | python
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || command -v uv >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --user uv || $(PYTHON) -m pip install --quiet --break-system-packages uv
	@[ -x $(PY) ] || $(UV) venv --quiet --python $(PYTHON) $(VENV)
	$(UV) sync --quiet --frozen
	@touch $@

venv: $(VENV)/.installed

$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)/leaflet $(VENDOR)/leaflet.markercluster $(VENDOR)/htmx $(VENDOR)/axe-core
	cp -r node_modules/leaflet/dist/. $(VENDOR)/leaflet/
	cp node_modules/leaflet.markercluster/dist/*.js node_modules/leaflet.markercluster/dist/*.js.map node_modules/leaflet.markercluster/dist/*.css $(VENDOR)/leaflet.markercluster/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/axe-core/axe.min.js $(VENDOR)/axe-core/
	@touch $@

vendor: $(VENDOR)/.installed ## Copy Leaflet, htmx and axe-core from npm into var/vendor

migrate: venv vendor
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) collectstatic --noinput --verbosity 0

demo: ## Load the communes and the demo installation (once; safe to repeat)
	$(MANAGE) load_communes --if-empty
	$(MANAGE) load_demo

chromium: ## Install Debian's Chromium for the browser tests if it is missing
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Chromium (Debian package) for the browser tests…"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; \
	fi

bench: setup ## Build the large benchmark installation (var/bench/) and measure it over HTTP
	UV="$(UV)" $(PY) bench/generate.py $(BENCH_GEN_ARGS)
	UV="$(UV)" $(PY) bench/run.py $(BENCH_ARGS)

lint: venv ## Check style with ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-logo
	$(VENV)/bin/ruff format --check .

format: venv ## Format the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: venv ## Extract strings and compile translations (needs gettext)
	cd maillage && ../$(MANAGE) makemessages -l en --no-obsolete --ignore 'tests/*'
	cd maillage && ../$(MANAGE) compilemessages

check-deploy: venv ## Run Django's deployment checks with production-like settings
	DEBUG=false SECRET_KEY=$$(head -c 48 /dev/urandom | base64) SECURE_SSL_REDIRECT=true \
	SECURE_COOKIES=true SECURE_HSTS_SECONDS=31536000 ALLOWED_HOSTS=maillage.example.org \
	$(MANAGE) check --deploy --fail-level WARNING

clean: ## Remove the virtualenv, the database and collected files
	rm -rf $(VENV) var node_modules
