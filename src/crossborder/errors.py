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


class DegenerateDataError(DataError):
    """Data on which a measure has no meaning: constant values, one period, too few regions or
    clusters, a statistic that came out negative or not finite. The measure is not computed;
    ``why`` says why (the message reads "<what> not computed: <why>"). The command line exits with
    code 1; the report marks the section "not computed: <why>" and goes on."""

    def __init__(self, why: str, *, what: str | None = None, column: str | None = None) -> None:
        self.why = why
        self.what = what
        super().__init__(f"{what} not computed: {why}" if what else f"not computed: {why}",
                         column=column)


class CrossborderWarning(UserWarning):
    """Base class of the warnings crossborder gives on purpose (printed as "crossborder: warning:
    ..." by the command line)."""


class FewClustersWarning(CrossborderWarning):
    """Cluster-robust standard errors from fewer clusters than they need to be reliable (~20)."""
