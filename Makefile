# Two commands on a fresh machine:  `make site` (set up, build the bundled site into output/)
#                                   `make test` (set up, run every test)
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: site test lint system-deps preview bench clean

site: $(STAMP)
	$(VENV)/bin/kspages build

test: lint system-deps node_modules/.package-lock.json
	$(VENV)/bin/python -m pytest

system-deps:
	sh scripts/system-deps.sh

# axe-core for the accessibility tests, pinned by package-lock.json. Without npm the tests skip axe (not in CI).
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent; \
	else echo "npm not found: not installing axe-core; the accessibility tests will be skipped (apt-get install npm)" >&2; fi

lint: $(STAMP)
	$(VENV)/bin/ruff check kspages tests benchmarks
	$(VENV)/bin/mypy

preview: $(STAMP)
	$(VENV)/bin/kspages serve

# The performance table of issue 7 and the targets of issue 14 (1k, 10k, 100k records; Hugo installed into a
# throw-away venv). Takes ~40 min. 1M records, cold builds only: .venv/bin/python -m benchmarks.run --records 1000000 --cold-only
bench: $(STAMP)
	$(VENV)/bin/python -m benchmarks.run

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --upgrade pip
	$(VENV)/bin/python -m pip install -q -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) output .kspages-cache node_modules tests/artifacts
