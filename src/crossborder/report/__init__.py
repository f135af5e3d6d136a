"""The main job: the paper's study end to end as one self-contained HTML report with its tables.

``build_report(ds, out_dir)`` writes ``report.html`` (figures embedded), ``figures/*.png|svg``,
``tables/*.csv`` and ``manifest.json`` (package version, sources, hash of the inputs).
"""

from __future__ import annotations

import datetime as _dt
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..dataset import Dataset
from ..errors import DataError, DegenerateDataError, UnitError, UsageError
from ..i18n import check_lang, gettext_for, region_names
from .explorer import explorer_data
from .explorer_html import explorer_fragment, explorer_scripts
from .html import render
from .model import ReportContext, Section, Skip, degenerate_reason
from .outputs import OutDirError, OutputDir, check_out_dir, staged_dir, write_text_atomic
from .panels import check_two_sided

__all__ = ["SECTIONS", "OutDirError", "ReportResult", "build_report", "check_out_dir", "sections_for"]

#: Section modules in report order: each ``crossborder.report.sections.<name>`` has ``TITLE`` and
#: ``build(ctx) -> Section`` and raises :class:`~crossborder.report.model.Skip` (with the reason)
#: when the data cannot support it. A new section is one module and one name here.
SECTIONS = ["verdict", "robustness", "rolling", "integration", "data", "border", "table1", "sigma",
            "beta", "decomposition", "clubs", "pairs", "maps", "claims"]

#: Sections about the paper itself, only for the built-in Russia–Kazakhstan data.
PAPER_SECTIONS = {"table1", "claims"}


def sections_for(ds: Dataset, only: Iterable[str] | None = None) -> list[str]:
    """The sections a report on ``ds`` has, in the report's order: all of them for ru-kz, the
    general ones otherwise; ``only`` (option ``sections``, ``--sections``) keeps those named. A name
    that is no section, or a section about the paper on other data, is a :class:`UsageError`."""
    have = [s for s in SECTIONS if ds.name == "ru-kz" or s not in PAPER_SECTIONS]
    if only is None:
        return have
    texts = [only] if isinstance(only, str) else [str(s) for s in only]
    wanted = [s.strip() for t in texts for s in t.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in SECTIONS]
    if unknown:
        raise UsageError(f"sections: {', '.join(map(repr, unknown))} "
                         f"{'is not a section' if len(unknown) == 1 else 'are not sections'} "
                         f"of the report; they are {', '.join(SECTIONS)}")
    paper = [s for s in wanted if s not in have]
    if paper:
        raise UsageError(f"sections: {', '.join(paper)} {'is' if len(paper) == 1 else 'are'} about "
                         "the paper's Russia-Kazakhstan data, not in a report on "
                         f"{ds.name!r}; the sections of this report are {', '.join(have)}")
    if not wanted:
        raise UsageError(f"sections: none named; the sections of this report are {', '.join(have)}")
    return [s for s in have if s in wanted]


@dataclass(frozen=True)
class ReportResult:
    html: Path
    tables: tuple[Path, ...]
    figures: tuple[Path, ...]
    manifest: Path


def build_report(
    ds: Dataset,
    out_dir: str | Path,
    *,
    generated: _dt.date | None = None,
    progress: Callable[[str], Any] | None = None,
    options: dict[str, Any] | None = None,
) -> ReportResult:
    """Run every section on ``ds`` and write the report into ``out_dir``.

    ``out_dir`` is checked first (:func:`check_out_dir`); the report is built in a temporary
    folder beside it and renamed into place when complete, replacing a previous report as a whole
    (see :mod:`crossborder.report.outputs`): a failure leaves the previous report untouched.

    ``generated`` is the one date the report states (default: today); everything else in the
    output depends only on the input, so two runs on the same input give identical files.
    ``options["sections"]`` (names, or one comma-separated text) builds only those sections, in
    the report's order (:func:`sections_for`); a wrong name is refused before anything is written.
    """
    import matplotlib

    sections_for(ds, (options or {}).get("sections"))

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "crossborder"
    target = check_out_dir(out_dir)
    with staged_dir(target) as building:
        out = OutputDir(building)
        html_rel, manifest_rel = _build_into(ds, out, generated, progress, options)
    return ReportResult(
        html=target / html_rel,
        tables=tuple(target / t.path for t in out.tables.values()),
        figures=tuple(target / f.png for f in out.figures.values()),
        manifest=target / manifest_rel,
    )


def _build_into(ds: Dataset, out: OutputDir, generated: _dt.date | None,
                progress: Callable[[str], Any] | None, options: dict[str, Any] | None) -> tuple[str, str]:
    """Write every section, report.html and manifest.json into ``out``; their relative paths."""
    ctx = ReportContext(ds=ds, out=out, options=dict(options or {}))
    lang = check_lang(ctx.options.get("lang"))
    _ = gettext_for(lang)
    sections: list[Section] = []
    if not ds.regions["border"].any():
        ds = ds.with_border()
        ctx.ds = ds
    check_two_sided(ctx)            # never a one-sided cross-border verdict
    for name in sections_for(ds, ctx.options.get("sections")):
        if progress:
            progress(name)
        sections.append(_build_section(ctx, name))
    if sections and all(s.skipped for s in sections):
        raise DegenerateDataError("no section of the report can be computed: "
                                  + "; ".join(dict.fromkeys(s.skipped for s in sections)),
                                  what="report")
    input_hash = ds.meta.get("input_hash", "")
    used = sorted({s for t in out.tables.values() for s in t.sources})
    explorer, explorer_scripts_, explorer_skipped = _explorer(ctx, lang)
    meta = {
        "title": ctx.options.get("title", _(_title(ds))),
        "subtitle": ctx.options.get("subtitle", _(_subtitle(ds))),
        "explorer": explorer, "explorer_scripts": explorer_scripts_, "explorer_skipped": explorer_skipped,
        "version": __version__,
        "generated": (generated or _dt.date.today()).isoformat(),
        "input_hash": input_hash or "n/a",
        "sources_line": "; ".join(used),
    }
    names = region_names(ds, lang)
    english = region_names(ds, "en")
    local = {english[c]: names[c] for c in names.index if english[c] != names[c]}
    html_path = write_text_atomic(out.root / "report.html", render(sections, meta, lang, local))
    manifest = out.manifest({
        "crossborder_version": __version__, "dataset": ds.name, "input_hash": input_hash,
        "generated": meta["generated"],
        # a partial report (option sections) says which it holds; a whole one lists them all
        "sections": [s.id for s in sections],
        "partial": ctx.options.get("sections") is not None,
        "sources": ds.sources[ds.sources["source"].isin(used)][["source", "citation", "licence"]]
        .to_dict(orient="records"),
    })
    return html_path.name, manifest.name


def _explorer(ctx: ReportContext, lang: str) -> tuple[str, str, str]:
    """The explorer's HTML (its place near the top, its data and scripts for the end of the page,
    so the report's text shows first), or why the data cannot support it; all '' with option
    ``explorer=False``."""
    if not ctx.options.get("explorer", True):
        return "", "", ""
    try:
        data = explorer_data(ctx, lang)
    except (Skip, DataError, DegenerateDataError, UnitError) as exc:
        return "", "", str(exc) if isinstance(exc, Skip) else degenerate_reason(exc)
    return explorer_fragment(data, lang, scripts=False), explorer_scripts(data, lang), ""


def _build_section(ctx: ReportContext, name: str) -> Section:
    """Section ``name`` (module ``sections/<name>.py`` with ``TITLE`` and ``build(ctx)``); one
    the data cannot support is replaced by its title and the reason, and whatever it wrote
    before it found out is removed."""
    module = importlib.import_module(f"crossborder.report.sections.{name}")
    mark = ctx.out.mark()
    try:
        return module.build(ctx)
    except (Skip, DegenerateDataError) as exc:
        # a degenerate input (constant values, one period, too few regions or clusters) is named
        # in place of the section, and the report goes on
        ctx.out.discard_since(mark)
        title = getattr(module, "TITLE", name.capitalize())
        reason = str(exc) if isinstance(exc, Skip) else degenerate_reason(exc)
        return Section(name, title(ctx.ds) if callable(title) else title, skipped=reason)


def _title(ds: Dataset) -> str:
    if ds.name == "ru-kz":
        return "Convergence across the Russia–Kazakhstan border"
    return f"Convergence across the border: {ds.name}"


def _subtitle(ds: Dataset) -> str:
    if ds.name == "ru-kz":
        return ("A reproduction and extension, from data, of Stepanov, Burnasov, Ilyushkina & Kovalev "
                "(2020), 'Hidden geographical opportunities for convergence of Russian-Kazakh border "
                "area', Dela 53: 97–110.")
    return "Regions on the two sides of a border."
