# eComm Licenses: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)
DB ?= data/ecomm.duckdb
PORT ?= 8501

.PHONY: run test bench screenshots install clean-db

install: $(STAMP)

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

$(DB): | $(STAMP)
	$(BIN)/python -m ecomm init --demo --db $(DB)

run: $(STAMP) $(DB)
	ECOMM_DB=$(DB) $(BIN)/streamlit run app.py --server.port $(PORT) --server.address localhost

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m pytest benchmarks -o addopts="-q" --benchmark-only -p no:cacheprovider
	$(BIN)/python -m benchmarks.report

screenshots: $(STAMP)
	$(BIN)/python -m tools.screenshots

clean-db:
	rm -f $(DB) $(DB).wal
