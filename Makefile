# The two commands: `make site` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site serve test check offline bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

site: $(STAMP)  ## check the catalogue and build site/ (atomically)
	$(BIN)/kb build --strict

serve: $(STAMP)  ## live preview at http://127.0.0.1:8000
	$(BIN)/kb serve

check: $(STAMP)
	$(BIN)/kb check --strict

offline: $(STAMP)  ## dist/<name>-<date>.zip that works opened from disk
	$(BIN)/kb build --strict --offline

test: $(STAMP)  ## the whole test suite
	$(BIN)/python -m pytest

bench: $(STAMP)  ## issue 14's figures at 1,000 and 5,000 records; BENCH="--records 10000" for 10,000
	$(BIN)/python bench/scale.py $(BENCH)

clean:
	rm -rf site dist .cache $(VENV)
