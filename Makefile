# One entry point for people and CI. `make test` and `make demo` set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test lint demo run clean fmt browser bench mutation

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
	$(BIN)/lint-imports

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
	@$(MAKE) --no-print-directory $(AXE)

# axe-core (the accessibility checker the browser test injects), from the npm registry by `npm pack`
# (which checks the registry's integrity hash), unpacked into the gitignored .browser/.
AXE_VERSION := 4.10.3
AXE := .browser/axe-core-$(AXE_VERSION)/axe.min.js

$(AXE):
	@command -v npm >/dev/null 2>&1 || { echo "npm is needed to fetch axe-core (Debian package 'npm')" >&2; exit 1; }
	@mkdir -p .browser/tmp && cd .browser/tmp && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null \
	  && tar -xzf axe-core-$(AXE_VERSION).tgz package/axe.min.js package/LICENSE \
	  && mkdir -p ../axe-core-$(AXE_VERSION) && mv package/axe.min.js package/LICENSE ../axe-core-$(AXE_VERSION)/ \
	  && cd .. && rm -rf tmp

clean:
	rm -rf $(VENV) $(MUTATION_VENV) .pytest_cache .mypy_cache .ruff_cache test-output .browser

bench: $(STAMP)
	$(BIN)/python -m bench.run

# Mutation testing (cosmic-ray) of the code that decides what is created, adopted and deleted on ORCID,
# and of what each work sent says (the Publication → Work mapping and the identifier checks).
# It mutates a copy of the working tree in test-output/mutation/tree, never your files; reports land
# beside it. Not part of `make test`: it takes a while.
MUTATION_VENV := .venv-mutation
MUTATION_DIR := test-output/mutation
MUTATION_TARGETS ?= planner apply mapping identifiers

$(MUTATION_VENV)/bin/cosmic-ray:
	$(PYTHON) -m venv $(MUTATION_VENV)
	$(MUTATION_VENV)/bin/python -m pip install --quiet "cosmic-ray==8.7.0"

mutation: $(STAMP) $(MUTATION_VENV)/bin/cosmic-ray
	rm -rf $(MUTATION_DIR)/tree && mkdir -p $(MUTATION_DIR)/tree
	git ls-files -co --exclude-standard | tar -cf - -T - | tar -xf - -C $(MUTATION_DIR)/tree
	ln -s $(CURDIR)/$(VENV) $(MUTATION_DIR)/tree/$(VENV)
	@set -e; for target in $(MUTATION_TARGETS); do \
	  db=$(CURDIR)/$(MUTATION_DIR)/$$target.sqlite; rm -f $$db; \
	  (cd $(MUTATION_DIR)/tree && $(CURDIR)/$(MUTATION_VENV)/bin/cosmic-ray init mutation/$$target.toml $$db \
	    && $(CURDIR)/$(MUTATION_VENV)/bin/python mutation/skip_annotations.py $$db \
	    && $(CURDIR)/$(MUTATION_VENV)/bin/cosmic-ray baseline mutation/$$target.toml \
	    && $(CURDIR)/$(MUTATION_VENV)/bin/cosmic-ray exec mutation/$$target.toml $$db); \
	  $(MUTATION_VENV)/bin/cr-report $$db > $(MUTATION_DIR)/$$target.txt; \
	  echo "$$target: $$(tail -2 $(MUTATION_DIR)/$$target.txt | tr '\n' ' ')"; \
	done
