# numlearn: every target creates (or reuses) the virtual environment .venv and
# installs what it needs into it, so `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
# torch first, pinned by constraints.txt (2.13.0; on the project's CPU machines pip
# takes the local CPU wheel), so that the open `torch>=2.3` range in pyproject.toml
# is already satisfied and pip pulls nothing newer.  Elsewhere, for a CPU-only
# install, add --index-url https://download.pytorch.org/whl/cpu to that one step.
INSTALL = $(PIP) install --quiet -c constraints.txt

.PHONY: help venv demo test test-slow bench device-check docs lint clean

help:
	@echo "make demo       numlearn compare --suite quick (the main job)"
	@echo "make test       fast test suite (minutes)"
	@echo "make test-slow  long tests (training runs, large oracles)"
	@echo "make bench      benchmarks: ratios against scipy/numpy in the same run"
	@echo "make device-check  learned solvers timed on CUDA beside the CPU (needs a GPU)"
	@echo "make docs       Sphinx docs, warnings are errors"
	@echo "make lint       ruff"

$(VENV)/.base: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(INSTALL) -e ".[plot]"
	@touch $@

$(VENV)/.torch: $(VENV)/.base
	$(INSTALL) torch==2.13.0
	$(INSTALL) -e ".[plot,torch]"
	@touch $@

$(VENV)/.test: $(VENV)/.torch
	$(INSTALL) -e ".[plot,test,dev,torch,compare,distributed]"
	@touch $@

$(VENV)/.docs: $(VENV)/.test
	$(INSTALL) -e ".[plot,docs,test,torch,compare,distributed]"
	@touch $@

venv: $(VENV)/.test

# The demo installs torch too: the quick suite's learned rows (an explicit BWLer and
# an MLP trained on the same samples as the classical interpolants) need it.
demo: $(VENV)/.torch
	$(BIN)/numlearn compare --suite quick

test: $(VENV)/.test
	$(BIN)/python -m pytest -m "not slow" -q

test-slow: $(VENV)/.test
	$(BIN)/python -m pytest -m slow -q

bench: $(VENV)/.test
	$(BIN)/python bench/run.py

# One call on a machine with a GPU (a few minutes): the learned solvers in float64 on
# CUDA and on the CPU, time per iteration of each (docs/notes/device_check.md).
DEVICE_CHECK_OUT ?= device_check.json
device-check: $(VENV)/.torch
	$(BIN)/python bench/device_check.py --device cuda --out $(DEVICE_CHECK_OUT) --budget 420

docs: $(VENV)/.docs
	$(BIN)/python -m sphinx -W --keep-going -b html docs docs/_build/html

lint: $(VENV)/.test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) docs/_build docs/auto_examples docs/api/generated .pytest_cache .hypothesis
