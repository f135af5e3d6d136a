"""Errors raised by crossborder: each names what is wrong and where (file, row, column)."""

from __future__ import annotations


class CrossborderError(Exception):
    """Base class of every error crossborder raises on purpose."""


class DataError(CrossborderError, ValueError):
    """Bad input data. ``file``, ``row`` (1-based line of the file, header = 1) and ``column`` say where."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.reason = message
        where = []
        if file is not None:
            where.append(str(file))
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class UnitError(DataError):
    """Values in different units (e.g. RUB beside KZT) in one panel without a conversion."""


class UsageError(CrossborderError):
    """A command-line option that cannot be honoured (bad value, options that exclude each other,
    a selection that matches nothing). The command line exits with code 2."""


class OutOfMemory(CrossborderError, MemoryError):
    """An engine ran out of memory (the message says which budget applied and what to try). The
    command line exits with code 2: the run asked for more memory than it was given."""
