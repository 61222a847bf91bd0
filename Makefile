# Two commands on a fresh machine with Python 3.11+:  make run   |   make test
# Each bootstraps .venv the first time (uv from PyPI, then the locked dependencies).
PYTHON ?= python3
VENV := .venv
UV := .tools/bin/uv
STAMP := $(VENV)/.installed-stamp
PORT ?= 8501

.PHONY: run test quick check lint typecheck format validate e2e bench exhaustive screenshots clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv

AXE := tests/e2e/node_modules/axe-core/axe.min.js

$(AXE): tests/e2e/package.json tests/e2e/package-lock.json  ## axe-core for the accessibility test, from npm
	npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error

$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $(STAMP)

run: $(STAMP)  ## start the dashboard at http://localhost:8501 on the embedded data
	@echo "Dashboard: http://localhost:$(PORT)"
	$(VENV)/bin/streamlit run app.py --server.headless true --server.port $(PORT) --server.address localhost

test: lint typecheck validate $(AXE)  ## every check: lint, format, types, data validation, all tests but the load test and the exhaustive pass
	$(VENV)/bin/python -m pytest -n 2 --dist worksteal -m "not load and not exhaustive"

check: test

quick: lint validate  ## the fast subset for the edit loop: lint, format, validation, tests not marked slow or e2e
	$(VENV)/bin/python -m pytest -n 2 --dist worksteal -m "not slow and not e2e and not load"

lint: $(STAMP)  ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)  ## mypy on analysis/ (configuration in pyproject.toml)
	$(VENV)/bin/mypy

validate: $(STAMP)  ## every table in data/ (or $$MINERALS_DATA_DIR) against data/datapackage.yaml
	$(VENV)/bin/python -m analysis validate

bench: $(STAMP)  ## print the benchmark tables, then the 20-session load test
	$(VENV)/bin/python -m bench.run
	$(VENV)/bin/python -m pytest -m load -s

screenshots: $(STAMP)  ## every page at 1280x800 and 1920x1080 and in presentation mode, into docs/screenshots/ (not run by tests)
	$(VENV)/bin/python -m docs.screenshots

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

exhaustive: $(STAMP)  ## the checks too long for make test: frictionless-py over every row of trade.parquet (minutes)
	$(VENV)/bin/python -m pytest -m exhaustive

e2e: $(STAMP) $(AXE)
	$(VENV)/bin/python -m pytest -m "e2e and not load"

clean:
	rm -rf $(VENV) .tools .pytest_cache .ruff_cache .mypy_cache tests/e2e/node_modules
