# Two commands on a fresh machine:  `make site` (set up, build the bundled site into output/)
#                                   `make test` (set up, run every test)
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: site test preview clean

site: $(STAMP)
	$(VENV)/bin/kspages build

test: $(STAMP)
	sh scripts/system-deps.sh
	$(VENV)/bin/python -m pytest

preview: site
	$(VENV)/bin/python -m http.server --bind 127.0.0.1 --directory output 8000

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --upgrade pip
	$(VENV)/bin/python -m pip install -q -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) output tests/artifacts
