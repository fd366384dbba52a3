# The two commands a new user runs (see README.md):
#   make demo   installs corpusforge with every extra and runs the quickstart end to end on the embedded model
#   make test   runs the test suite (what .ci/run calls)
PYTHON ?= python3

.PHONY: install demo test lint

install:
	bash scripts/install.sh

demo: install
	bash scripts/quickstart.sh

test:
	$(PYTHON) -m pytest -q -p no:cacheprovider tests

lint:
	$(PYTHON) -m ruff check src tests bench scripts
	$(PYTHON) -m ruff format --check src tests bench scripts
	$(PYTHON) -m mypy src
