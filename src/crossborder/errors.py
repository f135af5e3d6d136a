"""Errors raised by crossborder: each names what is wrong and where (file, row, column)."""

from __future__ import annotations

import re


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
        message = plain_values(message)
        self.file = file
        self.row = _plain(row)
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


class FileAccessError(UsageError):
    """A file or folder the command line was given cannot be read or written (missing, a folder
    where a file is expected, a FIFO, no permission, a read-only or full disk). ``path`` names it;
    the command line exits with code 2."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(message)


#: Reasons of the operating system in plain words, by errno name.
_OS_REASONS = {
    "ENOSPC": "no space left on the device: free some space or write somewhere else",
    "EDQUOT": "disk quota exceeded: free some space or write somewhere else",
    "EROFS": "the file system is read-only: write somewhere else",
    "EACCES": "permission denied",
    "EPERM": "operation not permitted",
    "ENOENT": "no such file or folder",
    "EISDIR": "a folder, not a file: name the file itself",
    "ENOTDIR": "a part of the path is a file, not a folder",
    "EEXIST": "already exists",
    "ENAMETOOLONG": "the name is too long",
    "EMFILE": "too many open files",
    "EFBIG": "the file is too large for the file system",
    "EIO": "input/output error of the device",
    "ENXIO": "no such device (a FIFO without a writer?)",
}


def os_error_message(exc: OSError) -> str:
    """An ``OSError`` in words: the path (shortened), what the system said and what to do.

    ``[Errno 28] No space left on device: 'out/x.png'`` becomes
    ``out/x.png: no space left on the device: free some space or write somewhere else``.
    """
    import errno as _errno

    name = _errno.errorcode.get(exc.errno or 0, "")
    reason = _OS_REASONS.get(name) or (exc.strerror or str(exc) or type(exc).__name__)
    paths = [p for p in (exc.filename, exc.filename2) if p not in (None, "")]
    where = " -> ".join(shorten(p) for p in map(str, paths))
    return f"{where}: {reason}" if where else reason


#: Longest value echoed whole in a message; longer ones are cut in the middle.
MAX_ECHO = 120


def shorten(value: object, limit: int = MAX_ECHO) -> str:
    """``str(value)`` cut to ``limit`` characters with the length said: a 10,000-character code
    is echoed as its first and last characters and ``… (10,000 characters)``."""
    text = str(value)
    if len(text) <= limit:
        return text
    keep = max(limit - 30, 10)
    head, tail = text[: keep * 2 // 3], text[-(keep // 3):]
    return f"{head}…{tail} ({len(text):,} characters)"


_NUMPY_REPR = re.compile(
    r"np\.(?:u?int\d*|float\d*|complex\d*|bool_?|str_|bytes_|datetime64|timedelta64)"
    r"\(((?:[^()]|\([^()]*\))*)\)")


def _plain(x: object) -> object:
    item = getattr(x, "item", None)
    return item() if item is not None and type(x).__module__ == "numpy" else x


def plain_values(text: str) -> str:
    """``text`` with numpy reprs as plain values: ``np.int64(2005)`` -> ``2005``,
    ``np.str_('A')`` -> ``'A'`` (numpy 2 writes its scalars so inside lists and ``!r``)."""
    if "np." not in text:
        return text
    prev = None
    while prev != text:
        prev, text = text, _NUMPY_REPR.sub(r"\1", text)
    return text


def plain_message(text: str, limit: int = MAX_ECHO) -> str:
    """A message for people: numpy reprs as plain values (:func:`plain_values`) and any run of
    more than ``limit`` characters without a space, quote, punctuation or path separator
    shortened (:func:`shorten`)."""
    text = plain_values(text)
    run = r"[^\s'\",;:()\[\]{}/\\]{" + str(limit + 1) + ",}"
    return re.sub(run, lambda m: shorten(m.group(0), limit), text)


class OutOfMemory(CrossborderError, MemoryError):
    """An engine ran out of memory (the message says which budget applied and what to try). The
    command line exits with code 2: the run asked for more memory than it was given."""
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
