# Two commands do everything on a fresh clone: `make build` and `make test`.
# The virtual environment is made once and refreshed when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: build test check clean bench setup generate

build: $(STAMP)
	$(PY) build.py build

test: $(STAMP)
	$(PY) -m pytest -q

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
