# Two commands do everything on a fresh clone: `make build` and `make test`.
# The virtual environment is made once and refreshed when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: build test check clean bench setup generate

build: $(STAMP)
	$(PY) build.py build

# Two processes, one test file each at a time (module fixtures are built once):
# most tests wait on a build in a subprocess, so the suite's wall time halves.
test: $(STAMP)
	$(PY) -m pytest -q -n 2 --dist loadfile

check: $(STAMP)
	$(PY) build.py check

# the docs' field tables, schema/trialdocs.schema.json and docs/registry-mapping.md
generate: $(STAMP)
	$(PY) -m trialdocs.generate

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	$(PY) build.py clean 2>/dev/null || rm -rf output

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/system-deps.sh
	bash scripts/system-deps.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)
