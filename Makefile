# Two commands do everything on a fresh clone: `make build` and `make test`.
# The virtual environment is made once and refreshed when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# axe-core for the browser check (tests/test_accessibility.py), pinned by its lock file.
AXE := tests/browser/node_modules/axe-core/axe.min.js

.PHONY: build test check clean bench setup generate axe

build: $(STAMP)
	$(PY) build.py build

# Two processes, one test file each at a time (module fixtures are built once):
# most tests wait on a build in a subprocess, so the suite's wall time halves.
test: $(STAMP) axe
	$(PY) -m pytest -q -n 2 --dist loadfile --no-loadscope-reorder

check: $(STAMP)
	$(PY) build.py check

# the docs' field tables, schema/trialdocs.schema.json and docs/registry-mapping.md
generate: $(STAMP)
	$(PY) -m trialdocs.generate

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	$(PY) build.py clean 2>/dev/null || rm -rf output

setup: $(STAMP) axe

# Without npm the browser check skips and says why; everything else runs.
axe:
	@if [ ! -f $(AXE) ] || [ tests/browser/package-lock.json -nt $(AXE) ]; then \
	  if command -v npm >/dev/null; then npm ci --prefix tests/browser --no-audit --no-fund --silent && touch $(AXE); \
	  else echo "npm not found: the browser accessibility check will be skipped" >&2; fi; fi

$(STAMP): pyproject.toml scripts/system-deps.sh
	bash scripts/system-deps.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)
