"""SVG figures keep their text as text (``svg.fonttype = "none"`` of the package's style), whether
written by :func:`crossborder._mapstyle.save` or by a report's :class:`OutputDir`: a reader can search
and translate them, and no glyph outlines are drawn into the file. ``savefig`` reads these rcParams
when the file is written, not when the figure was drawn, so both writers set them themselves."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from _svg import svg_texts  # noqa: E402

from crossborder._mapstyle import save  # noqa: E402
from crossborder.report.outputs import OutputDir  # noqa: E402

TITLE = "Сигма-конвергенция (σ) & <границы>"


def _figure():
    fig, ax = plt.subplots()
    ax.plot([2000, 2001, 2002], [0.3, 0.25, 0.2])
    ax.set_title(TITLE)
    ax.set_xlabel("год")
    ax.set_xticks([2000, 2001, 2002])
    return fig


def _assert_text_is_text(svg: str) -> None:
    texts = svg_texts(svg)
    assert TITLE in texts and "год" in texts and "2001" in texts
    assert not re.search(r'<path id="DejaVuSans', svg)        # no glyph outlines


def test_save_writes_svg_text_as_text(tmp_path):
    fig = _figure()
    (png, svg) = save(fig, tmp_path / "f", ("png", "svg"))
    plt.close(fig)
    _assert_text_is_text(svg.read_text("utf-8"))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_figures_write_svg_text_as_text(tmp_path):
    out = OutputDir(tmp_path)
    rec = out.figure("sigma", _figure(), "A title")
    _assert_text_is_text((tmp_path / rec.svg).read_text("utf-8"))


def test_outside_rcparams_do_not_leak_into_the_file(tmp_path):
    with matplotlib.rc_context({"svg.fonttype": "path"}):
        rec = OutputDir(tmp_path).figure("sigma", _figure(), "A title")
    _assert_text_is_text((tmp_path / rec.svg).read_text("utf-8"))


def test_the_same_figure_twice_gives_the_same_bytes(tmp_path):
    """A report's figures are byte-identical between runs (no dates, stable SVG ids): the same
    figure saved by two OutputDirs; the whole report twice is test_report.py's (CI)."""
    a = OutputDir(tmp_path / "a").figure("sigma", _figure(), "A title")
    b = OutputDir(tmp_path / "b").figure("sigma", _figure(), "A title")
    for ext in ("png", "svg"):
        first = (tmp_path / "a" / getattr(a, ext)).read_bytes()
        assert first == (tmp_path / "b" / getattr(b, ext)).read_bytes() and len(first) > 1000
