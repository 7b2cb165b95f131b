# eComm Licenses: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
DB ?= data/ecomm.duckdb
PORT ?= 8501

.PHONY: run test bench screenshots install clean-db

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

$(DB): | $(STAMP)
	$(BIN)/python -m ecomm init --demo --db $(DB)

run: $(STAMP) $(DB)
	ECOMM_DB=$(DB) $(BIN)/streamlit run app.py --server.port $(PORT) --server.address localhost

test: $(STAMP)
	$(BIN)/python -m pytest

# Benchmarks at 1x and 100x (demo databases cached in benchmarks/.data/, made on first use:
# the 100x one takes about a minute); the report goes to benchmarks/results.md, even when a
# benchmark failed (make then fails too).
bench: $(STAMP)
	mkdir -p benchmarks/.data
	status=0; $(BIN)/python -m pytest benchmarks -o addopts="-q" --benchmark-only \
		-p no:cacheprovider --benchmark-json=benchmarks/.data/last.json || status=$$?; \
		$(BIN)/python -m benchmarks.report && exit $$status

screenshots: $(STAMP)
	$(BIN)/python -m tools.screenshots

clean-db:
	rm -f $(DB) $(DB).wal
