# The targets README.md and CI run. Each bootstraps .venv by itself.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The browser tests drive Debian's chromium through Playwright (never `playwright install`).
CHROMIUM ?= /usr/bin/chromium

.PHONY: demo test eval lint typecheck clean postgres chromium screenshots load fuzz bench bench-gpu

# Every extra but gpu, with the fast spaCy pins of constraints.txt. The editable install's build step (setup.py)
# puts the sentence encoder's verified weights into src/parallax/weights/minilm.
$(STAMP): pyproject.toml setup.py constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[all,dev,eval]'
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

# The browser tests drive Debian's chromium; install it when missing (as the postgres target does PostgreSQL).
chromium:
	@test -x $(CHROMIUM) || { \
	  echo "installing chromium for the browser tests (apt-get install chromium)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
	  || { echo "could not install chromium: run 'sudo apt-get install chromium' and retry"; exit 1; }; }

test: $(STAMP) postgres chromium
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	PARALLAX_TEST_POSTGRES=required PARALLAX_REQUIRE_BROWSER=1 PARALLAX_REQUIRE_RAY=1 PARALLAX_CHROMIUM=$(CHROMIUM) \
	  $(BIN)/pytest -q

# Screenshots of the web app over the seed corpus, for docs/screenshots (look at them before committing).
screenshots: $(STAMP) chromium
	PARALLAX_CHROMIUM=$(CHROMIUM) $(BIN)/python -m tests.web.screenshots docs/screenshots

# Quality on public data (../shared/data) next to same-run baselines and published anchors: docs/EVALUATION.md.
# The eval extra (ROUGE for the summary task) is installed with the dev tools: make test runs the fast subset.
eval: $(STAMP)
	$(BIN)/python -m parallax.evaluation --data ../shared/data --output docs/EVALUATION.md

# A bounded load test of `parallax serve` on 127.0.0.1 (story reads, searches, ingests; a fixed number of requests):
# p50/p99 latency and errors per endpoint into the "## Load" section of docs/RELIABILITY.md. make test runs a short one.
load: $(STAMP)
	$(BIN)/python benchmarks/load.py --requests 1000 --concurrency 16 --max-seconds 900 --output docs/RELIABILITY.md

# Long fuzz runs: every target of tests/fuzz/targets.py for FUZZ_RUNS inputs under atheris (the fuzz extra;
# FUZZ_ENGINE=random for the plain mutator), figures into docs/RELIABILITY.md; failing inputs go to fuzz-artifacts/.
# 100,000 inputs of every target take hours on 2 cores; FUZZ_TARGETS=text,html runs some, FUZZ_SECONDS=600 stops
# each target after 10 minutes (its row then shows the inputs it ran).
FUZZ_RUNS ?= 100000
FUZZ_TARGETS ?=
FUZZ_ENGINE ?= auto
FUZZ_SECONDS ?= 0
fuzz: $(STAMP)
	$(BIN)/pip install -q -c constraints.txt -e '.[fuzz]'
	$(BIN)/python -m tests.fuzz.long --runs $(FUZZ_RUNS) --targets '$(FUZZ_TARGETS)' --engine $(FUZZ_ENGINE) \
	  --max-seconds $(FUZZ_SECONDS) --output docs/RELIABILITY.md

# Throughput per stage, peak RSS and same-run naive baselines on a synthetic corpus built from ../shared/data
# (cached in .cache/bench): docs/BENCHMARKS.md. SIZES=1000,10000,100000 for the full run (100k takes hours).
# Same-run baselines: spaCy's pipeline alone on the same articles with the same processes (the ceiling), and the
# previous default: BASELINE=<commit> (default 7a025f0, main as the 2026-12-07 afternoon work landed) times
# that commit's own default path
# end to end on each size and its cold start on the seeds, beside this tree's, alternated; BASELINE= skips it.
SIZES ?= 1000
BASELINE ?= 7a025f0
ENCODERS ?= static,minilm
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py --sizes $(SIZES) --encoders $(ENCODERS) --data ../shared/data --output docs/BENCHMARKS.md \
	  $(if $(BASELINE),--baseline $(BASELINE))

# Sentence embeddings per second on a CUDA device: Parallax's torch path beside sentence-transformers, same run
# (needs torch: pip install -c constraints.txt -e '.[gpu]'), into docs/BENCHMARKS.md. On a machine without
# ../shared or the weights (a lent GPU machine): `python benchmarks/gpu.py pack` here, carry .cache/gpu, and run
# `python3 benchmarks/gpu.py --device cuda` there (docs/BENCHMARKS.md, "GPU").
bench-gpu: $(STAMP)
	$(BIN)/python benchmarks/gpu.py --device cuda --data ../shared/data --output docs/BENCHMARKS.md

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: $(STAMP)
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build dist *.egg-info src/*.egg-info src/parallax/weights report.html report.json
