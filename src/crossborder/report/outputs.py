"""Where a report's files go: atomic writes, tables as CSV, figures as PNG + SVG, a manifest.

Every file is written to a temporary name in the same folder and renamed into place
(``os.replace``), so an interrupted run never leaves a half-written file that looks complete.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..atomic import write_bytes_atomic, write_text_atomic

__all__ = ["write_bytes_atomic", "write_text_atomic", "OutputDir", "TableRecord", "FigureRecord"]


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
        """Save a table as CSV (floats at full precision, rows in the given order)."""
        if name in self.tables:
            raise ValueError(f"table {name!r} written twice")
        buf = io.StringIO()
        frame.to_csv(buf, index=False, lineterminator="\n")
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
        fig.savefig(png, format="png", dpi=dpi, metadata={"Software": None})
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(fig)
        rel_png, rel_svg = f"figures/{name}.png", f"figures/{name}.svg"
        write_bytes_atomic(self.root / rel_png, png.getvalue())
        write_bytes_atomic(self.root / rel_svg, svg.getvalue())
        rec = FigureRecord(name, title, rel_png, rel_svg, png.getvalue())
        self.figures[name] = rec
        return rec

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
