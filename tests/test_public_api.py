"""The public names of ``crossborder`` resolve, and loading them is lazy."""

from __future__ import annotations

import importlib
import subprocess
import sys

import crossborder as cb


def test_every_public_name_resolves_to_its_module():
    assert set(cb.__all__) == set(cb._LAZY) | {"CrossborderError", "DataError", "UnitError", "__version__"}
    for name, module in cb._LAZY.items():
        assert getattr(cb, name) is getattr(importlib.import_module("crossborder" + module), name)


def test_import_does_not_load_the_measures():
    heavy = "('scipy', 'statsmodels', 'matplotlib', 'geopandas')"
    code = f"import sys, crossborder; print(any(m.startswith({heavy}) for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
