# The two commands: `make demo` and `make test`. Both create .venv with the machine's python3.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out

# Installs come from the locks in requirements/ (the whole tree pinned, with hashes): the same commit installs
# the same versions on every machine. `make lock` refreshes them; `make test-latest` tries the newest releases.
PIP_VERSION := 26.3
LOCK := requirements/lock.txt
LOCK_RUN := requirements/lock-run.txt
LOCK_SPARK := requirements/lock-spark.txt
PIP_LOCKED := $(BIN)/python -m pip install --quiet --require-hashes
# tests: xdist workers (auto = one per core); PYTEST_ARGS to add options, e.g. PYTEST_ARGS="-k beta"
PYTEST_WORKERS ?= auto
# one test file per worker: module fixtures (a built report, a Spark session) are built once, not once per worker
PYTEST_DIST ?= loadfile
PYTEST_ARGS ?=

.PHONY: demo test test-latest lock venv install install-test lint clean browser-deps java-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "pip==$(PIP_VERSION)"

# the package itself, editable, built by the locked setuptools (no unpinned build environment)
$(VENV)/.installed-run: $(BIN)/python $(LOCK_RUN) pyproject.toml
	$(PIP_LOCKED) -r $(LOCK_RUN)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

$(VENV)/.installed-test: $(BIN)/python $(LOCK) $(LOCK_SPARK) pyproject.toml
	$(PIP_LOCKED) -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@# PySpark (a large download) for the spark-marked tests; they skip, with the reason, without it or Java
	$(PIP_LOCKED) -r $(LOCK_SPARK) || echo "pyspark could not be installed: the spark tests will skip"
	$(BIN)/python -m pip check
	@touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run

install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/crossborder info
	$(BIN)/crossborder table1
	$(BIN)/crossborder report --out $(OUT)

# One BLAS/OpenMP thread per test worker: xdist already runs one worker per core, and a BLAS that starts its
# own threads in every worker oversubscribes the cores (a small SVD went from 0.08 s to 2.5 s under load).
TEST_ENV := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
test: install-test
	$(TEST_ENV) $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist $(PYTEST_DIST) $(PYTEST_ARGS)

# The suite against the newest releases pyproject's ranges admit (no lock), in a venv of its own. Run it before
# `make lock`: a failure here is a bug to fix, not a version to pin away.
LATEST := .venv-latest
test-latest:
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --upgrade pip
	$(LATEST)/bin/python -m pip install --quiet --upgrade --upgrade-strategy eager -e ".[test]"
	$(LATEST)/bin/python -m pip install --quiet --upgrade -e ".[spark]" || echo "pyspark could not be installed"
	$(LATEST)/bin/python -m pip freeze --exclude-editable > $(LATEST)/versions.txt
	@echo "versions: $(LATEST)/versions.txt"
	$(LATEST)/bin/python -m pytest -q -n $(PYTEST_WORKERS) --dist $(PYTEST_DIST) $(PYTEST_ARGS)

# Recompile the locks from pyproject.toml for Python 3.11 on every platform (needs the package registry).
UV := $(BIN)/uv
LOCK_OPTS := --universal --python-version 3.11 --generate-hashes --quiet --no-header
lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet uv
	$(UV) pip compile pyproject.toml requirements/build.in --extra test $(LOCK_OPTS) -o $(LOCK)
	$(UV) pip compile pyproject.toml requirements/build.in $(LOCK_OPTS) -c $(LOCK) -o $(LOCK_RUN)
	$(UV) pip compile pyproject.toml --extra spark $(LOCK_OPTS) -c $(LOCK) -o $(LOCK_SPARK)
	@echo "locks refreshed: run make test, then commit requirements/"

lint: install-test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) $(LATEST) $(OUT) build *.egg-info src/*.egg-info

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

# Mutation testing of the study layer (not in CI: it takes a while). Installs mutmut into the venv (not from the
# locks: only this target uses it), copies src/ and tests/ to build/mutate and mutates there, running only the
# tests of those modules. MUTATE_ONLY narrows it, e.g. make mutate MUTATE_ONLY="src/crossborder/study/claims.py".
# Survivors: `cd build/mutate && ../../.venv/bin/mutmut results`; one diff: `mutmut show NAME`.
MUTMUT_VERSION ?= 3.8.1
MUTATE_DIR := build/mutate
MUTATE_ONLY ?= src/crossborder/study/robustness.py src/crossborder/study/verdict.py \
	src/crossborder/study/claims.py src/crossborder/study/integration.py src/crossborder/study/rolling.py
MUTATE_TESTS ?= tests/test_verdict.py tests/test_thresholds_verdict.py tests/test_verdict_words.py tests/test_claims.py \
	tests/test_claims_basis.py tests/test_claims_rules.py \
	tests/test_thresholds_claims.py tests/test_study_robustness.py tests/test_study_robustness_sparse.py \
	tests/test_thresholds_robustness.py tests/test_study_integration.py tests/test_study_integration_sparse.py \
	tests/test_study_rolling_years.py tests/test_study_layer_options.py tests/test_integration_sensitivity.py \
	tests/test_study_integration_planted.py tests/test_integration_grid.py tests/test_grid_evidence.py \
	tests/test_grid_joint.py tests/test_rolling_options.py tests/test_dedup_specifications.py \
	tests/test_verdict_integration_grid.py tests/test_verdict_survivors.py tests/test_claims_survivors.py tests/test_leverage_one.py \
	tests/test_robustness_survivors.py tests/test_verdict_lang_survivors.py
MUTATE_CHILDREN ?= 2
.PHONY: mutate
mutate: install-test
	$(BIN)/python -m pip install --quiet "mutmut==$(MUTMUT_VERSION)"
	rm -rf $(MUTATE_DIR) && mkdir -p $(MUTATE_DIR)
	cp -r src tests $(MUTATE_DIR)/
	printf '[mutmut]\nsource_paths = src\n' > $(MUTATE_DIR)/setup.cfg
	printf 'only_mutate =\n%s\n' "$$(printf '    %s\n' $(MUTATE_ONLY))" >> $(MUTATE_DIR)/setup.cfg
	printf 'pytest_add_cli_args_test_selection =\n%s\n' "$$(printf '    %s\n' $(MUTATE_TESTS))" \
		>> $(MUTATE_DIR)/setup.cfg
	printf 'pytest_add_cli_args =\n    -p\n    no:cacheprovider\n    -q\n' >> $(MUTATE_DIR)/setup.cfg
	cd $(MUTATE_DIR) && env -u PYTHONPATH $(abspath $(BIN))/mutmut run --max-children $(MUTATE_CHILDREN)
	cd $(MUTATE_DIR) && env -u PYTHONPATH $(abspath $(BIN))/mutmut results
