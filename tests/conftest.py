"""Suite-wide options: tests marked ``slow`` (big synthetic files, 100,000-polygon runs, fresh processes that
measure memory, local Dask clusters) or ``spark`` run in CI (``CI`` true, as ``.ci/run`` sets) or with
``--runslow``; elsewhere they are skipped with that reason, so that ``make test`` on a developer's
machine stays within a few minutes.

Shared fixtures: :func:`ru_kz_report`, the built-in report built once per test process for the modules
that read it (test_i18n_report.py's Russian build is its second run, compared byte for byte); under
``--dist loadfile`` (``make test``) those modules run in one worker (:func:`pytest_xdist_make_scheduler`),
so that the build is made once, not once per module. The modules that build reports are collected
first (:data:`HEAVY_FIRST`): the longest scopes start at once."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

# one BLAS thread per test process (xdist runs one process per core): set before numpy is imported
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import pytest  # noqa: E402

import crossborder as cb  # noqa: E402
from crossborder.report import build_report  # noqa: E402

#: test modules that read the same built report: one xdist scope, so one worker and one build
SHARED_SCOPES = {"test_report.py": "ru-kz report", "test_report_browser.py": "ru-kz report",
                 "test_i18n_report.py": "ru-kz report"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", default=False,
                     help="run the tests marked slow (CI runs them always)")


def _run_slow(config: pytest.Config) -> bool:
    ci = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
    return ci or bool(config.getoption("--runslow"))


#: modules that build reports (a small one takes some 10 s, the built-in one a minute): run first, the
#: shared scope of SHARED_SCOPES before them, so that under ``--dist loadfile`` the longest scopes start
#: at once and the many short modules fill the workers at the end (longest first keeps the workers'
#: finishing times close)
HEAVY_FIRST = ("test_i18n_report.py", "test_report.py", "test_report_browser.py", "test_report_generic.py",
               "test_report_hostile.py", "test_explore.py", "test_border_one_pair_definition.py",
               "test_cli_inputs.py", "test_units_frequencies.py", "test_report_any_border.py",
               "test_degenerate.py", "test_scale.py", "test_scale_files.py", "test_scale_cli.py")


def _heavy_rank(item: pytest.Item) -> int:
    name = Path(str(item.fspath)).name
    return HEAVY_FIRST.index(name) if name in HEAVY_FIRST else len(HEAVY_FIRST)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=_heavy_rank)  # stable: the order within a module, and of the other modules, kept
    if _run_slow(config):
        return
    skip = pytest.mark.skip(reason="slow: runs in CI (CI=true) or with --runslow")
    for item in items:
        if "slow" in item.keywords or "spark" in item.keywords:  # a Spark session takes a minute to start
            item.add_marker(skip)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """``--dist loadfile`` with the modules of :data:`SHARED_SCOPES` in one scope (one worker), so that
    their session fixture is built once; other modules one scope per file, as loadfile does; scopes
    handed out in collection order (longest first, see :data:`HEAVY_FIRST`)."""
    if config.getoption("dist", None) != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    # scopes in collection order (HEAVY_FIRST), not xdist's default of the most tests first: a module
    # of 100 quick tests is not longer than one that builds three reports
    config.option.loadscopereorder = False

    class SharedLoadFile(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            return SHARED_SCOPES.get(Path(scope).name, scope)

    return SharedLoadFile(config, log)


@pytest.fixture(scope="session")
def ru_kz_report(tmp_path_factory: pytest.TempPathFactory) -> object:
    """The built-in report (ru-kz, default options, dated 2026-01-01), built once per test process:
    a build fits some 1,400 regressions. Read it; never write into its folder."""
    return build_report(cb.load_dataset("ru-kz"), tmp_path_factory.mktemp("ru_kz_report"),
                        generated=dt.date(2026, 1, 1))
