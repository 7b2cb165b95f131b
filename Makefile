# eComm Licenses: `make run` serves the demo, `make check` is the everyday test run (no browser
# journeys, no slow tests: measured Dec 8 at 10 min 19 s CPU over two pytest-xdist workers, 12 min
# wall on a 2-core machine loaded 6-10 by another CI run; the goal is 3), `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# What the app needs at run time (requirements.txt), and what the tests and benchmarks need
# besides (requirements-dev.txt): each installed once per version of its file(s).
STAMP := $(VENV)/.installed-run-$(shell cksum < requirements.txt | cut -d' ' -f1)
DEV_STAMP := $(VENV)/.installed-dev-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
DB ?= data/ecomm.duckdb
PORT ?= 8501

.PHONY: run test check bench screenshots install install-dev clean-db

install: $(STAMP)

install-dev: $(DEV_STAMP)

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-run-*
	touch $(STAMP)

$(DEV_STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-dev-*
	touch $(DEV_STAMP)

$(DB): | $(STAMP)
	$(BIN)/python -m ecomm init --demo --db $(DB)

run: $(STAMP) $(DB)
	ECOMM_DB=$(DB) $(BIN)/streamlit run app.py --server.port $(PORT) --server.address localhost

# Both test runs use one pytest-xdist worker per core (`make check XDIST=` runs in one process).
# --dist loadscope (tests/conftest.py): a test module runs on one worker (its module-scoped
# fixtures, often a demo database, are built once), and the browser journeys share one worker
# (one served app, one chromium).
XDIST ?= -n auto --dist loadscope

# The whole suite, browser journeys and slow tests included: before a merge, and in CI (.ci/run).
# The browser journeys run last, in one process of their own: a served app and chromium beside
# busy workers turn their timed waits into flakes.
test: $(DEV_STAMP)
	$(BIN)/python -m pytest $(XDIST) --ignore=tests/browser
	$(BIN)/python -m pytest tests/browser

# Everyday: everything but the browser journeys (tests/browser) and the tests marked slow.
check: $(DEV_STAMP)
	$(BIN)/python -m pytest $(XDIST) -m "not browser and not slow" --ignore=tests/browser

# Benchmarks at 1x and 100x (demo databases cached in benchmarks/.data/, made on first use:
# the 100x one takes about a minute), then every page of every role in chromium
# (benchmarks/pages.py); the report goes to benchmarks/results.md, even when a benchmark
# failed (make then fails too).
bench: $(DEV_STAMP)
	mkdir -p benchmarks/.data
	status=0; $(BIN)/python -m pytest benchmarks -o addopts="-q" --benchmark-only \
		-p no:cacheprovider --benchmark-json=benchmarks/.data/last.json || status=$$?; \
		$(BIN)/python -m benchmarks.pages || status=$$?; \
		$(BIN)/python -m benchmarks.report && exit $$status

# Every page, the clicked-into screens of tools/journey_screenshots.py, and My work per role.
screenshots: $(DEV_STAMP)
	$(BIN)/python -m tools.screenshots
	$(BIN)/python -m tools.mywork_screenshots

clean-db:
	rm -f $(DB) $(DB).wal
