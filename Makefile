# dateline: `make run` (pipeline on the sample inbox), `make test`, `make ui` (Dagster UI).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
INBOX     ?= data/inbox
WAREHOUSE ?= data/warehouse
export DAGSTER_HOME := $(CURDIR)/dagster_home

.PHONY: venv run test ui lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

run: venv
	$(BIN)/dateline run --inbox $(INBOX) --warehouse $(WAREHOUSE)

test: venv
	$(BIN)/python -m pytest

ui: venv
	$(BIN)/dagster dev -w workspace.yaml

lint: venv
	$(BIN)/ruff check .

bench: venv
	$(BIN)/python benchmarks/tempeval.py

clean:
	rm -rf $(WAREHOUSE) dagster_home/storage dagster_home/history dagster_home/logs dagster_home/schedules
