"""Reference data the reference tests need: missing data skips a test on a developer's machine but
fails it in CI (``CI`` set to true, as ``.ci/run`` does), so CI never passes without running them."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType

import pytest

#: the shared reference data beside the checkout (see DESIGN.md)
REFDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "refdata"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def missing(reason: str) -> None:
    """Fail in CI, skip elsewhere."""
    if in_ci():
        pytest.fail(f"reference data missing in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def need_file(path: Path) -> Path:
    if not path.is_file():
        missing(f"{path.name} not available (expected in ../shared/refdata)")
    return path


def need_module(name: str) -> ModuleType:
    """Import a reference package of the [test] extras (missing: fail in CI, skip elsewhere)."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        missing(f"{name} not installed: {exc}")
        raise  # not reached: missing() always raises
