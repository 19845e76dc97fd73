# Common Ground. `make run` serves the demo; `make test` runs every test. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
PYTEST_ARGS ?= -n auto

.PHONY: help run setup test lint format check load-data clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-10s %s\n", $$1, $$2}'

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime ## Install, migrate the SQLite database and load the demo data
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_data --port $(PORT)

run: setup ## Set everything up and serve the demo on http://127.0.0.1:8000 (PORT=8001 for another port)
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

load-data: $(VENV)/.runtime ## Load the demo data (on a new site; keeps what people changed; README: --reset)
	$(PY) manage.py load_demo_data --port $(PORT)

test: $(VENV)/.dev ## Install test dependencies (Debian's chromium and LibreOffice) and run the whole suite
	scripts/ensure-chromium
	scripts/ensure-libreoffice
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev ## Ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev ## Apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: $(VENV)/.dev ## Django system checks and missing migrations
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean: ## Remove the virtualenv, database and uploaded files
	rm -rf $(VENV) db.sqlite3 media demo-logins.txt
