# The README's commands. `make demo` runs the system; `make test` passes the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
N      ?= 30000

.PHONY: demo test test-postgres test-browser test-spark lint bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The test extras (pytest, playwright, ruff, pyspark, ecomplexity): for `make test` and CI.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-demo

# What the demo needs and nothing more: no test, Spark or Redis extras.
$(VENV)/.installed-demo: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

## Set up, load the demo city (once) and serve it on http://127.0.0.1:8000/
demo: $(VENV)/.installed-demo
	$(BIN)/industrybrain demo-data --enterprises $(N)
	$(BIN)/industrybrain serve --host 127.0.0.1 --port 8000

## Set up and run the test suite on the embedded default (SQLite)
# Two workers (pytest-xdist), a test file per worker at a time: module fixtures stay in one
# process; each worker has its own test database and IB_DATA_DIR (conftest.py).
XDIST = -n 2 --dist loadfile
test: $(VENV)/.installed
	$(BIN)/pytest $(XDIST) -m "not postgres and not browser and not spark"

## The same suite on PostgreSQL (DATABASE_URL defaults to the local server)
test-postgres: $(VENV)/.installed
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/industrybrain} \
	  $(BIN)/pytest $(XDIST) -m "not browser and not spark" --ignore=tests/test_hostile_urls.py
# (the hostile-URL walk runs once, in `make test`: on PostgreSQL it cost ~20 min of CI; the
#  PostgreSQL-only 500s it once found — NUL bytes, long names — are tested on their own)

## The engine on Spark (PySpark local mode, needs Java 17+): the same results as DuckDB
test-spark: $(VENV)/.installed
	$(BIN)/pytest -m spark

## Browser tests in Debian's chromium (apt-get install chromium)
test-browser: $(VENV)/.installed
	$(BIN)/pytest -m browser

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests bench

bench: $(VENV)/.installed
	$(BIN)/python bench/bench_import.py

## Rebuild the English catalogue after changing UI text
messages: $(VENV)/.installed
	cd src/industrybrain && export IB_DATA_DIR=$$(mktemp -d) && \
	  ../../$(BIN)/industrybrain makemessages -l en --add-location=file && \
	  ../../$(BIN)/industrybrain compilemessages -l en

clean:
	rm -rf $(VENV) .pytest_cache var
