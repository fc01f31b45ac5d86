# Two commands on a fresh machine:  `make site` (set up, build the bundled site into output/)
#                                   `make test` (set up, run every test)
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: site test lint system-deps preview clean

site: $(STAMP)
	$(VENV)/bin/kspages build

test: lint system-deps node_modules/.package-lock.json
	$(VENV)/bin/python -m pytest

system-deps:
	sh scripts/system-deps.sh

# axe-core for the accessibility tests, pinned by package-lock.json.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --silent

lint: $(STAMP)
	$(VENV)/bin/ruff check kspages tests benchmarks
	$(VENV)/bin/mypy

preview: $(STAMP)
	$(VENV)/bin/kspages serve

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --upgrade pip
	$(VENV)/bin/python -m pip install -q -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) output .kspages-cache node_modules tests/artifacts
