# Two commands on a fresh machine: `make run` and `make test`.
# Both create .venv when missing and (re)install only when pyproject.toml changed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ARGS ?=
# pip keeps its cache under the user's cache dir; with a read-only HOME
# (some CI and shared accounts) building jieba's wheel there fails the
# install, so pip then runs without a cache.
CACHE_DIR := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)
PIP := $(BIN)/python -m pip $(shell { [ -d "$(CACHE_DIR)" ] && [ -w "$(CACHE_DIR)" ]; } || { [ ! -e "$(CACHE_DIR)" ] && [ -w "$(HOME)" ]; } || echo --no-cache-dir)

.PHONY: run test test-slow bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/yuelan $(ARGS)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 -q

# The big hostile inputs (hundreds of MB, a million lines): minutes, not in CI.
test-slow: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 -q -m slow

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build dist *.egg-info
