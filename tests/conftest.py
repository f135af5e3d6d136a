"""Suite-wide options: tests marked ``slow`` (big synthetic files, 100,000-polygon runs, fresh processes that
measure memory, local Dask clusters) or ``spark`` run in CI (``CI`` true, as ``.ci/run`` sets) or with
``--runslow``; elsewhere they are skipped with that reason, so that ``make test`` on a developer's
machine stays within a few minutes."""

from __future__ import annotations

import os

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", default=False,
                     help="run the tests marked slow (CI runs them always)")


def _run_slow(config: pytest.Config) -> bool:
    ci = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
    return ci or bool(config.getoption("--runslow"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _run_slow(config):
        return
    skip = pytest.mark.skip(reason="slow: runs in CI (CI=true) or with --runslow")
    for item in items:
        if "slow" in item.keywords or "spark" in item.keywords:  # a Spark session takes a minute to start
            item.add_marker(skip)
