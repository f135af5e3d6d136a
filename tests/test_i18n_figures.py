"""Figures in Russian and Kazakh: the chart functions take ``lang`` (keyword, English by default)
and write their titles, axis labels and legends in that language where the catalogs have them."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from crossborder.charts import distribution_chart, sigma_chart, transition_chart
from crossborder.i18n import gettext_for


def _texts(fig) -> dict[str, object]:
    ax = fig.axes[0]
    leg = ax.get_legend()
    return {"x": ax.get_xlabel(), "y": ax.get_ylabel(),
            "legend": [t.get_text() for t in leg.get_texts()] if leg else [],
            "figure": [t.get_text() for t in fig.texts]}


def _sigma(lang: str | None = None):
    years = list(range(2010, 2016))
    s = pd.Series(np.linspace(0.5, 0.4, len(years)), index=years)
    band = (s - 0.05, s + 0.05)
    kw = {} if lang is None else {"lang": lang}
    return sigma_chart({"mean": s, "median": s * 1.1}, ylabel="SD of logs",
                       title="Share of inequality between the two countries (Theil T)",
                       band={"mean": band}, **kw)


def test_sigma_chart_in_russian_and_english():
    en, default, ru, kk = (_texts(_sigma(lang)) for lang in ("en", None, "ru", "kk"))
    assert en == default                                   # English is the default, unchanged
    assert (en["x"], en["y"]) == ("year", "SD of logs")
    assert en["legend"] == ["mean", "mean: 95% band", "median"]
    assert (ru["x"], ru["y"]) == ("год", "СКО логарифмов")
    assert ru["legend"] == ["среднее", "среднее: 95% полоса", "медиана"]
    assert "Доля неравенства между двумя странами (Тейл T)" in ru["figure"]
    assert (kk["x"], kk["y"]) == ("жыл", "логарифмдердің СА")
    assert kk["legend"][0] == "орташа"


def test_distribution_and_transition_charts_in_russian():
    rng = np.random.default_rng(3)
    wide = pd.DataFrame(rng.lognormal(size=(8, 3)), columns=[2000, 2005, 2010])
    ru = _texts(distribution_chart(wide, lang="ru"))
    assert ru["y"] == "плотность" and ru["x"] == "значение относительно среднего (1 = среднее)"
    assert ru["legend"] == ["2000 (n=8)", "2005 (n=8)", "2010 (n=8)"]
    assert "Distribution of regions" in _texts(distribution_chart(wide))["figure"]
    markov = SimpleNamespace(probabilities=np.full((2, 2), 0.5), labels=["low", "high"])
    fig = transition_chart(markov, lang="ru")
    assert (fig.axes[0].get_xlabel(), fig.axes[0].get_ylabel()) == ("класс в t + 1", "класс в t")
    # a word the catalog lacks stays English
    assert gettext_for("ru")("Distribution of regions") == "Distribution of regions"
