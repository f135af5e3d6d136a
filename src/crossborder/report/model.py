"""The pieces a report is made of: sections of readings, tables and figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..dataset import Dataset
from ..i18n import check_lang
from .outputs import FigureRecord, OutputDir, TableRecord


class Skip(Exception):  # noqa: N818 - a signal, not an error
    """Raised by a section (or one part of it) that the data cannot support.

    The report states the reason in place of the section or part (never an empty heading): e.g.
    ``Skip("a trend needs at least 3 periods; the data have 1 (2010)")``.
    """


@dataclass
class Block:
    """One item of a section: a table (shown and saved as CSV), a figure, a list, a paragraph or
    a note saying why a part was not computed."""

    kind: str  # "table" | "figure" | "list" | "text" | "skipped"
    content: Any
    caption: str = ""
    #: A table shown behind a fold (closed ``<details>``), its CSV link in the summary line.
    fold: bool = False


def degenerate_reason(exc: Any) -> str:
    """The words of a :class:`~crossborder.errors.DegenerateDataError` for a "not computed" note:
    "beta: the 2008 levels are the same in every region ..." (the measure, then why)."""
    return f"{exc.what}: {exc.why}" if getattr(exc, "what", None) else str(getattr(exc, "why", exc))


#: Tables of at least this many rows are shown behind a fold (the CSV link stays in view).
FOLD_ROWS = 100


@dataclass
class Section:
    id: str
    title: str
    reading: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    #: Why the whole section was not computed (empty when it was).
    skipped: str = ""


@dataclass
class ReportContext:
    """What every section builder gets: the dataset, the output folder and the options."""

    ds: Dataset
    out: OutputDir
    options: dict[str, Any] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def lang(self) -> str:
        """The report's language (option ``lang``: en, ru or kk; English by default)."""
        return check_lang(self.options.get("lang"))

    def table(self, section: Section, name: str, frame: pd.DataFrame, title: str,
              sources: tuple[str, ...] | list[str] = (), show: bool | int = True,
              fold: bool | None = None) -> TableRecord:
        """Save ``frame`` as ``tables/NAME.csv`` and show it (or its first ``show`` rows); behind a
        fold when ``fold`` or, by default, when it has :data:`FOLD_ROWS` rows or more."""
        rec = self.out.table(name, frame, title, sources)
        if show:
            shown = frame if show is True else frame.head(int(show))
            folded = len(shown) >= FOLD_ROWS if fold is None else bool(fold)
            section.blocks.append(Block("table", (rec, shown), title, fold=folded))
        return rec

    def figure(self, section: Section, name: str, fig: Any, title: str) -> FigureRecord:
        rec = self.out.figure(name, fig, title)
        section.blocks.append(Block("figure", rec, title))
        return rec

    def skipped(self, section: Section, what: str, reason: str) -> None:
        """State in the report that part ``what`` of ``section`` was not computed, and why."""
        section.blocks.append(Block("skipped", reason, what))
