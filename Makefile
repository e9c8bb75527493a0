# Two commands set everything up on a fresh machine (see README.md):
#   make demo   creates .venv, installs kg, builds the example articles into outputs/
#   make test   creates .venv, installs kg with its dev extras and chromium, runs the tests
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test lint install dev chromium clean

demo: install
	$(BIN)/kg build data/articles --out outputs

test: dev chromium
	$(BIN)/python -m pytest

lint: dev
	$(BIN)/ruff check kg tests benchmarks

install: $(VENV)/.installed
dev: $(VENV)/.installed-dev

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# The browser tests need Debian's chromium; install it when it is missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

clean:
	rm -rf $(VENV) outputs/store outputs/cache
