"""Atomic file writes: a temporary file in the same folder, then a rename.

An interrupted run never leaves a half-written file that looks complete: either the old file or the
whole new one is there. Files get the usual permissions (0666 less the umask), not mkstemp's 0600.
An error of the system (disk full, read-only, no permission) names the file that was being
written, not the temporary one (an ``OSError`` whose ``filename`` is the target).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["check_writable", "write_bytes_atomic", "write_text_atomic"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and ``os.replace``."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise _naming(exc, path) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _naming(exc, path) from exc
        raise
    return path


def _naming(exc: OSError, path: Path) -> OSError:
    """``exc`` with ``filename`` the file the user asked for (the parent folder when the folder
    itself could not be made)."""
    named = exc.filename if exc.filename is not None and not str(exc.filename).endswith(".part") \
        else None
    out = OSError(exc.errno, exc.strerror or str(exc), named or str(path))
    return out


def check_writable(path: str | Path, *, folder: bool = False) -> None:
    """Raise ``OSError`` (naming ``path``) now if ``path`` could not be written, before any
    computing: a read-only ``--out`` fails at once, not after the work. ``folder=True``: ``path``
    is a folder to write files into; else a file (its folder is probed, and it must not be a
    folder itself)."""
    import errno

    path = Path(path)
    if not folder and path.is_dir():
        raise OSError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if folder and path.exists() and not path.is_dir():
        raise OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path))
    probe = path if folder else path.parent
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(probe))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".crossborder-probe.", dir=probe)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
    os.close(fd)
    os.unlink(tmp)


def write_text_atomic(path: str | Path, text: str) -> Path:
    return write_bytes_atomic(path, text.encode("utf-8"))
