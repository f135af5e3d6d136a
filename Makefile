# The two commands: `make demo` and `make test`. Both create .venv with the machine's python3.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out

.PHONY: demo test venv install install-test lint clean browser-deps java-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@# PySpark (a large download) for the spark-marked tests; they skip, with the reason, without it or Java
	$(BIN)/python -m pip install --quiet -e ".[spark]" || echo "pyspark could not be installed: the spark tests will skip"

demo: install
	$(BIN)/crossborder info
	$(BIN)/crossborder table1
	$(BIN)/crossborder report --out $(OUT)

test: install-test
	$(BIN)/python -m pytest -q

lint: install-test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info src/*.egg-info

# Headless Chromium and ChromeDriver (Debian packages) for the report's browser test; needs root + apt.
browser-deps:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then \
		echo "chromium and chromedriver present"; \
	else \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi

# A Java runtime (Debian package) for the spark-marked tests of crossborder.scale; needs root + apt.
java-deps:
	@if command -v java >/dev/null; then \
		echo "java present"; \
	else \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; \
	fi
