# One entry point for people and CI. `make test` and `make demo` set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test lint demo run clean fmt browser bench

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	SAM_CLI_TELEMETRY=0 $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check functions infra tests bench
	$(BIN)/ruff format --check functions infra tests bench
	$(BIN)/mypy functions infra bench

fmt: $(STAMP)
	$(BIN)/ruff format functions infra tests bench
	$(BIN)/ruff check --fix functions infra tests bench

demo: $(STAMP)
	$(BIN)/python -m infra.local.demo

run: $(STAMP)
	$(BIN)/python -m infra.local.run

# Debian's Chromium for the browser test (tests/e2e). Fails when it cannot be installed: CI runs this
# first, and there a missing browser must fail the run. Without it, `make test` on a dev machine skips
# the browser test with its reason (with CI=true it fails instead).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	  || { echo "chromium could not be installed (Debian package 'chromium')" >&2; exit 1; }
	@chromium --headless=new --no-sandbox --disable-gpu --dump-dom about:blank >/dev/null 2>&1 \
	  || { echo "chromium is installed but does not start headless" >&2; exit 1; }

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-output

bench: $(STAMP)
	$(BIN)/python -m bench.run
