"""crossborder: convergence between the regions on the two sides of an international border."""

from __future__ import annotations

from .errors import CrossborderError, DataError, UnitError
from .panel import Matrix, Panel

__version__ = "0.1.0"

__all__ = [
    "CrossborderError",
    "DataError",
    "Matrix",
    "Panel",
    "UnitError",
    "__version__",
]

from .dataset import Dataset, load_dataset  # noqa: E402

__all__ += ["Dataset", "load_dataset"]
