"""How results show themselves in a terminal and a notebook, and how several line up.

- :class:`Summary`: what ``result.summary()`` returns. It *is* the summary text (a ``str`` subclass:
  ``str(result.summary())``, ``print`` and comparisons are unchanged) and renders as HTML in a
  notebook (``_repr_html_``), with ``as_text()``, ``as_html()`` and ``as_latex()`` (as statsmodels'
  ``Summary``); the result's table, when it has one, is rendered below the text.
- :func:`displayable`: a class decorator giving a result a short ``__repr__`` (one line, at most
  :data:`MAX_REPR` characters) and a ``_repr_html_`` (the summary and the head of the table), and
  making its ``summary()`` return a :class:`Summary`.
- :class:`RegressionMixin`: ``params``, ``bse``, ``tvalues``, ``pvalues`` and ``conf_int(alpha)`` of
  a result whose ``to_frame()`` (or ``coef_table()``) is a coefficient table (``coef``, ``se``,
  ``tstat``, ``pvalue``, ``ci_low``, ``ci_high`` by term).
- :func:`compare`: several results side by side, one column each (as ``linearmodels.compare``).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["MAX_REPR", "RegressionMixin", "Summary", "compare", "displayable", "need_folium"]


def need_folium(what: str) -> None:
    """ImportError naming the extra to install when folium (the interactive maps of
    ``GeoDataFrame.explore``) is missing; ``what`` names the caller (``"Dataset.explore"``)."""
    try:
        import folium  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(f"{what} needs folium: pip install 'crossborder[explore]'") from exc

#: the longest ``__repr__`` of a result
MAX_REPR = 300
_HTML_ROWS = 12


class Summary(str):
    """A result's summary: its text (this string) and, optionally, a table.

    ``print(s)`` and ``str(s)`` give the text; a notebook shows :meth:`as_html`.
    """

    table: pd.DataFrame | None
    title: str

    def __new__(cls, text: str, table: pd.DataFrame | None = None, title: str = "") -> Summary:
        obj = super().__new__(cls, text)
        obj.table = table
        obj.title = title
        return obj

    def __repr__(self) -> str:  # the text itself, not a quoted string full of \n
        return str(self)

    def as_text(self) -> str:
        """The summary as plain text."""
        return str(self)

    def as_html(self) -> str:
        """The summary as an HTML fragment: title, text, and the table (first rows)."""
        parts = ['<div class="crossborder-summary">']
        if self.title:
            parts.append(f"<strong>{html.escape(self.title)}</strong>")
        parts.append(f"<pre>{html.escape(str(self))}</pre>")
        if self.table is not None and len(self.table):
            parts.append(self.table.to_html(max_rows=_HTML_ROWS, max_cols=12, float_format=_fmt,
                                            border=0))
        parts.append("</div>")
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        return self.as_html()

    def as_latex(self) -> str:
        """The summary as LaTeX: the text in a ``verbatim`` block and the table as a ``tabular``."""
        out = ["\\begin{verbatim}", str(self), "\\end{verbatim}"]
        if self.table is not None and len(self.table):
            out.append(self.table.to_latex(float_format=_fmt))
        return "\n".join(out)


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _table_of(obj: Any) -> pd.DataFrame | None:
    """The result's table for display (``to_frame()``), or None."""
    to_frame = getattr(obj, "to_frame", None)
    if to_frame is None:
        return None
    try:
        t = to_frame()
    except Exception:  # a result whose table needs a lazy fit that fails: show the text only
        return None
    return t if isinstance(t, pd.DataFrame) else None


def _first_line(text: str) -> str:
    line = next((s.strip() for s in str(text).splitlines() if s.strip()), "")
    return line


def short_repr(obj: Any) -> str:
    """``<ClassName: first line of the summary>``, cut to :data:`MAX_REPR` characters."""
    name = type(obj).__name__
    summary = getattr(obj, "summary", None)
    try:
        line = _first_line(summary()) if callable(summary) else ""
    except Exception:
        line = ""
    if not line:
        fields = getattr(obj, "__dataclass_fields__", {})
        scalars = [f"{k}={getattr(obj, k)!r}" for k in fields
                   if isinstance(getattr(obj, k, None), (int, float, str, bool, np.number))]
        line = ", ".join(scalars)
    text = f"<{name}: {line}>" if line else f"<{name}>"
    if len(text) > MAX_REPR:
        text = text[: MAX_REPR - 6] + " ...>"  # under MAX_REPR characters
    return text


def _repr_html(obj: Any) -> str:
    summary = getattr(obj, "summary", None)
    if callable(summary):
        s = summary()
        if not isinstance(s, Summary):
            s = Summary(str(s), _table_of(obj), type(obj).__name__)
        return s.as_html()
    return Summary(short_repr(obj), _table_of(obj), type(obj).__name__).as_html()


def displayable(cls: type) -> type:
    """Give ``cls`` a short ``__repr__``, a ``_repr_html_`` and a ``summary()`` returning a
    :class:`Summary` (with the class's ``to_frame()`` table when it has one)."""
    original: Callable[..., Any] | None = cls.__dict__.get("summary")
    if original is not None:
        def summary(self: Any, *args: Any, **kwargs: Any) -> Summary:
            out = original(self, *args, **kwargs)
            if isinstance(out, Summary):
                return out
            return Summary(str(out), _table_of(self), type(self).__name__)

        summary.__doc__ = original.__doc__ or "The result as text (a :class:`Summary`)."
        summary.__wrapped__ = original  # type: ignore[attr-defined]
        summary.__name__ = "summary"
        summary.__qualname__ = f"{cls.__qualname__}.summary"
        cls.summary = summary  # type: ignore[attr-defined]
    cls.__repr__ = short_repr  # type: ignore[method-assign]
    cls._repr_html_ = _repr_html  # type: ignore[attr-defined]
    return cls


class RegressionMixin:
    """``params``, ``bse``, ``tvalues``, ``pvalues`` and ``conf_int()`` from the coefficient table
    (``coef_table()``, else ``to_frame()``), by term, as statsmodels names them."""

    def coef_table(self) -> pd.DataFrame:
        return self.to_frame()  # type: ignore[attr-defined]

    @property
    def params(self) -> pd.Series:
        """The estimates by term."""
        return self.coef_table()["coef"].rename("params")

    @property
    def bse(self) -> pd.Series:
        """The standard errors by term."""
        return self.coef_table()["se"].rename("bse")

    @property
    def tvalues(self) -> pd.Series:
        """The t statistics by term (Student's t with :attr:`df_resid` degrees of freedom)."""
        return self.coef_table()["tstat"].rename("tvalues")

    @property
    def pvalues(self) -> pd.Series:
        """The two-sided p-values by term."""
        return self.coef_table()["pvalue"].rename("pvalues")

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """The ``1 - alpha`` intervals by term (columns ``lower``, ``upper``): coef -/+ q se, q the
        ``1 - alpha/2`` quantile of Student's t with the result's degrees of freedom."""
        from scipy import stats

        t = self.coef_table()
        df = getattr(self, "df_resid", None)
        q = stats.t.ppf(1 - alpha / 2, df) if df else stats.norm.ppf(1 - alpha / 2)
        return pd.DataFrame({"lower": t["coef"] - q * t["se"], "upper": t["coef"] + q * t["se"]})


#: the coefficient each result class is compared on
_MAIN_TERM = {"BetaResult": "initial", "DiDResult": "cross_x_post", "BreakTest": "change"}


def compare(*results: Any, names: list[str] | None = None) -> pd.DataFrame:
    """Several results side by side, as ``linearmodels.panel.compare``.

    Parameters
    ----------
    *results
        Regression-like results: :class:`BetaResult`, ``DiDResult``, ``BreakTest``, ``TrendResult``.
    names : list of str, optional
        Column labels (default ``"<class> 1"``, ...).

    Returns
    -------
    DataFrame
        One column per result; rows ``term``, ``coef``, ``se``, ``tstat``, ``pvalue``, ``ci_low``,
        ``ci_high``, ``nobs``, ``cov_type`` of the main coefficient (beta: ``initial``; DiD:
        ``cross_x_post``; break test: ``change``), and ``estimate``: the old name of ``coef``,
        kept last for one release (deprecated).

    Notes
    -----
    The numbers are the results' own; nothing is re-estimated.

    References
    ----------
    linearmodels' ``compare`` (K. Sheppard) is the model of the layout.

    Examples
    --------
    >>> from crossborder import Panel, beta, compare
    >>> p = Panel.from_matrix([[1.0, 2.0], [2.0, 3.0], [4.0, 5.0], [8.0, 9.0]],
    ...                       regions=["A", "B", "C", "D"], times=[2000, 2010])
    >>> compare(beta(p), beta(p, cov_type="HC1"), names=["classical", "HC1"]).loc["cov_type"].tolist()
    ['nonrobust', 'HC1']
    """
    if not results:
        raise ValueError("compare() needs at least one result")
    if names is not None and len(names) != len(results):
        raise ValueError(f"{len(names)} names for {len(results)} results")
    cols = {}
    for i, r in enumerate(results):
        kind = type(r).__name__
        if not hasattr(r, "coef_table"):
            raise TypeError(f"compare() lines up regression results (BetaResult, DiDResult, BreakTest); "
                            f"got {kind}")
        t = r.coef_table()
        term = _MAIN_TERM.get(kind, t.index[0])
        row = t.loc[term]
        label = names[i] if names is not None else f"{kind} {i + 1}"
        cols[label] = {"term": term, "coef": row["coef"], "se": row["se"], "tstat": row["tstat"],
                       "pvalue": row["pvalue"], "ci_low": row["ci_low"], "ci_high": row["ci_high"],
                       "nobs": getattr(r, "nobs", np.nan),
                       "cov_type": getattr(r, "cov_type", getattr(r, "se_type", None)),
                       "estimate": row["coef"]}      # the old name of coef (deprecated)
    return pd.DataFrame(cols)
