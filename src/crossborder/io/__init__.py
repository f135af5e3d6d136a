"""Readers for the user's own data: tables, observations, panels, regions and whole datasets.

Every error names the file, row and column; every repair and every row set aside is reported
(:class:`~crossborder.validate.ReadReport`).
"""

from __future__ import annotations

from .cities import read_cities
from .dataset import read_dataset
from .numbers import MISSING_MARKS, parse_numbers, parse_years
from .observations import ReadResult, read_observations, read_panel
from .regions import read_regions
from .tables import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_COLUMNS,
    DEFAULT_MAX_ROWS,
    DEFAULT_MAX_UNPACKED_BYTES,
    detect_encoding,
    read_table,
    sniff_delimiter,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_COLUMNS",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_MAX_UNPACKED_BYTES",
    "MISSING_MARKS",
    "ReadResult",
    "detect_encoding",
    "parse_numbers",
    "parse_years",
    "read_cities",
    "read_dataset",
    "read_observations",
    "read_panel",
    "read_regions",
    "read_table",
    "sniff_delimiter",
]
