"""Where a report's files go: atomic writes, tables as CSV, figures as PNG + SVG, a manifest.

Every file is written to a temporary name in the same folder and renamed into place
(``os.replace``), so an interrupted run never leaves a half-written file that looks complete.

The report folder as a whole is atomic too (:func:`staged_dir`): a report is built in a fresh
hidden folder beside the target (``.NAME.XXXX.building``) and renamed into place only when every
section is done, so a run either completes or leaves the previous report as it was, and a failure
or Ctrl-C leaves no partial folder. A rerun *replaces* the previous report folder as a whole,
so no stale table or figure of an older run remains beside the new manifest. Because of that,
:func:`check_out_dir` refuses (before any computing) an ``--out`` that is empty, a file, not
writable, the current folder or one above it, or a folder holding files that a crossborder report
did not write (its ``manifest.json`` lists what it wrote): the report never deletes a user's files.

A run killed outright (SIGKILL, a power cut) cannot clean up; each build folder is therefore held
by an advisory lock (``flock``) for as long as its run lives, and the next run beside the same
target removes the ``.NAME.*.building`` folders that nobody holds. SIGTERM and SIGHUP clean up
like Ctrl-C (see :mod:`crossborder.cli`). A rerun keeps the permissions of the existing folder
(a private 0700 report stays 0700).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib as mpl
import pandas as pd

from .._mapstyle import SAVE_STYLE
from ..atomic import write_bytes_atomic, write_text_atomic
from ..csvsafe import neutralise_formulas
from ..errors import UsageError

__all__ = ["write_bytes_atomic", "write_text_atomic", "OutputDir", "TableRecord", "FigureRecord",
           "OutDirError", "check_out_dir", "staged_dir", "sweep_stale_builds"]

#: Files every report folder has besides the tables and figures its manifest lists.
REPORT_FILES = ("report.html", "manifest.json")


class OutDirError(UsageError):
    """The report's output folder cannot be used (a usage error: exit code 2)."""


def _report_files(folder: Path) -> set[str] | None:
    """Relative paths a previous report in ``folder`` wrote (from its manifest), or None."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        listed = {t["path"] for t in manifest["tables"]}
        listed |= {f[k] for f in manifest["figures"] for k in ("png", "svg")}
        if "crossborder_version" not in manifest:
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return listed | set(REPORT_FILES)


def _foreign_files(folder: Path) -> list[str]:
    """Files under ``folder`` that no crossborder report wrote (leftover ``*.part`` files of an
    interrupted atomic write count as the report's)."""
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir())
    if not files:
        return []
    ours = _report_files(folder) or set()
    return [f for f in files if f not in ours and not f.endswith(".part")]


def _probe(folder: Path, what: str) -> None:
    """Create and remove a folder in ``folder``: proof that the report can write there."""
    try:
        tempfile.TemporaryDirectory(prefix=".crossborder-probe.", dir=folder).cleanup()
    except OSError as exc:
        raise OutDirError(f"cannot write in {what} {str(folder)!r}: {exc.strerror or exc}") from None


def check_out_dir(out: str | os.PathLike[str] | None) -> Path:
    """The report folder ``out`` as an absolute path, checked before any computing.

    Errors (:class:`OutDirError`): empty name; an existing file; the current folder or one above
    it; a folder (or the nearest existing parent) that cannot be written; an existing folder with
    files a crossborder report did not write.
    """
    if out is None or not str(out).strip():
        raise OutDirError("--out is empty: name a folder for the report, e.g. --out report/")
    path = Path(os.path.expanduser(str(out))).absolute()
    if path.exists() and not path.is_dir():
        raise OutDirError(f"--out {str(out)!r} is a file, not a folder: name a new folder")
    real = path.resolve()
    cwd = Path.cwd().resolve()
    if real == cwd or real in cwd.parents:
        raise OutDirError(f"--out {str(out)!r} is the current folder or above it: the report replaces "
                          "its folder as a whole, so name a subfolder such as report/")
    parent = real.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise OutDirError(f"--out {str(out)!r}: {str(parent)!r} is a file, not a folder")
    _probe(parent, "the folder")
    if real.is_dir():
        foreign = _foreign_files(real)
        if foreign:
            more = f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
            raise OutDirError(
                f"--out {str(out)!r} holds files that are not a crossborder report's "
                f"({', '.join(foreign[:3])}{more}); a report replaces its folder as a whole, so name "
                "a new or empty folder")
        _probe(real, "the report folder")
    return real


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _lock(folder: Path) -> int | None:
    """An open descriptor of ``folder`` holding an exclusive ``flock`` on it (None where the
    platform has no flock, or the lock is held by another process)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return None
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def sweep_stale_builds(target: str | os.PathLike[str]) -> list[Path]:
    """Remove the ``.NAME.*.building`` folders beside ``target`` that no live run holds (left by
    a run that was killed outright); the removed folders. A folder whose lock cannot be taken
    belongs to a run still working and is left alone.

    When no run is working there, the ``.NAME.*.old`` folders of a run killed while it swapped its
    report into place are settled too: with ``target`` missing, the newest is renamed back to
    ``target`` (the previous report, as it was); the others are removed."""
    target = Path(target)
    removed: list[Path] = []
    if not target.parent.is_dir():
        return removed
    live = False
    for folder in target.parent.glob(f".{target.name}.*.building"):
        if not folder.is_dir() or folder.is_symlink():
            continue
        fd = _lock(folder)
        if fd is None:
            live = True
            continue
        try:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
        finally:
            os.close(fd)
    if live:
        return removed
    olds = sorted((f for f in target.parent.glob(f".{target.name}.*.old")
                   if f.is_dir() and not f.is_symlink()), key=lambda f: f.stat().st_mtime)
    if olds and not target.exists():
        os.rename(olds.pop(), target)
    for folder in olds:
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


@contextmanager
def staged_dir(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Build a folder in a fresh temporary folder beside ``target`` and rename it into place.

    On success the previous ``target`` (if any) is replaced as a whole, and the new folder gets
    its permissions; on any exception (Ctrl-C, SIGTERM and SIGHUP included, see
    :mod:`crossborder.cli`) the temporary folder is removed and ``target`` is left as it was.
    Stale build folders of killed runs are removed first (:func:`sweep_stale_builds`).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale_builds(target)
    mode = stat.S_IMODE(target.stat().st_mode) if target.is_dir() else 0o777 & ~_umask()
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".building", dir=target.parent))
    held = None
    try:
        held = _lock(tmp)
        yield tmp
        os.chmod(tmp, mode)
        _swap_into_place(tmp, target)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        inside = isinstance(exc, OSError) and exc.filename is not None and \
            Path(str(exc.filename)).is_relative_to(tmp)
        if inside:  # name the file of the report, not of the (removed) hidden build folder
            where = target / Path(str(exc.filename)).relative_to(tmp)
            raise OSError(exc.errno, exc.strerror or str(exc), str(where)) from exc
        raise
    finally:
        if held is not None:
            os.close(held)


def _swap_into_place(new: Path, target: Path) -> None:
    """Rename ``new`` to ``target``; an existing ``target`` is moved aside first and removed after."""
    if not target.exists():
        os.rename(new, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    os.rmdir(old)
    os.rename(target, old)
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


@dataclass(frozen=True)
class TableRecord:
    name: str
    title: str
    path: str
    sources: tuple[str, ...]
    rows: int


@dataclass(frozen=True)
class FigureRecord:
    name: str
    title: str
    png: str
    svg: str
    png_bytes: bytes = field(repr=False)


class OutputDir:
    """A report's output folder: ``tables/NAME.csv`` and ``figures/NAME.{png,svg}``."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.tables: dict[str, TableRecord] = {}
        self.figures: dict[str, FigureRecord] = {}

    def table(self, name: str, frame: pd.DataFrame, title: str,
              sources: tuple[str, ...] | list[str] = ()) -> TableRecord:
        """Save a table as CSV (floats at full precision, rows in the given order); text cells
        that a spreadsheet would run as a formula (``=HYPERLINK(...)``) get a leading apostrophe
        (:func:`crossborder.csvsafe.neutralise_formulas`)."""
        if name in self.tables:
            raise ValueError(f"table {name!r} written twice")
        buf = io.StringIO()
        neutralise_formulas(frame).to_csv(buf, index=False, lineterminator="\n")
        rel = f"tables/{name}.csv"
        write_text_atomic(self.root / rel, buf.getvalue())
        rec = TableRecord(name, title, rel, tuple(sorted(set(sources))), len(frame))
        self.tables[name] = rec
        return rec

    def figure(self, name: str, fig: Any, title: str, dpi: int = 150) -> FigureRecord:
        """Save a matplotlib figure as PNG and SVG (deterministic: no dates in the files)."""
        import matplotlib.pyplot as plt

        if name in self.figures:
            raise ValueError(f"figure {name!r} written twice")
        png, svg = io.BytesIO(), io.BytesIO()
        with mpl.rc_context(SAVE_STYLE):
            fig.savefig(png, format="png", dpi=dpi, metadata={"Software": None})
            fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(fig)
        rel_png, rel_svg = f"figures/{name}.png", f"figures/{name}.svg"
        write_bytes_atomic(self.root / rel_png, png.getvalue())
        write_bytes_atomic(self.root / rel_svg, svg.getvalue())
        rec = FigureRecord(name, title, rel_png, rel_svg, png.getvalue())
        self.figures[name] = rec
        return rec

    def mark(self) -> tuple[int, int]:
        """How many tables and figures are written so far (see :meth:`discard_since`)."""
        return len(self.tables), len(self.figures)

    def discard_since(self, mark: tuple[int, int]) -> None:
        """Remove the tables and figures written after ``mark`` (a section that was skipped)."""
        for name in list(self.tables)[mark[0]:]:
            (self.root / self.tables.pop(name).path).unlink(missing_ok=True)
        for name in list(self.figures)[mark[1]:]:
            rec = self.figures.pop(name)
            (self.root / rec.png).unlink(missing_ok=True)
            (self.root / rec.svg).unlink(missing_ok=True)

    def manifest(self, extra: dict[str, Any]) -> Path:
        """``manifest.json``: every table and figure with its sources, plus ``extra``."""
        data = dict(extra)
        data["tables"] = [
            {"name": t.name, "title": t.title, "path": t.path, "rows": t.rows, "sources": list(t.sources)}
            for t in self.tables.values()
        ]
        data["figures"] = [
            {"name": f.name, "title": f.title, "png": f.png, "svg": f.svg} for f in self.figures.values()
        ]
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        return write_text_atomic(self.root / "manifest.json", text)
