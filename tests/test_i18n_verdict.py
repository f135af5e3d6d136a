"""The Verdict's sentences in Russian and Kazakh: every template of ``study/verdict.py`` is a msgid
of the catalogs (found by reading the module's ``_(...)`` calls, plus the word tables the module
looks up), Russian translates them all, Kazakh all but the listed fallbacks; a Russian verdict
states the same numbers as the English one, with decimal commas."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd
import pytest
from _verdict_frames import dep, depends, ev, evidence, grid, integration_result
from test_i18n import KK_FALLBACKS

import crossborder.study.verdict as V
from crossborder.i18n import gettext_for, missing
from crossborder.study.claims import VERDICTS

SOURCE = Path(V.__file__)


def _literals(node: ast.AST) -> list[str]:
    """The strings an argument of ``_`` can be: a literal, either branch of a conditional, a dict
    literal's values and the default of its ``.get``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    if isinstance(node, ast.Dict):
        return [s for v in node.values if v is not None for s in _literals(v)]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
        return _literals(node.func.value) + [s for a in node.args[1:] for s in _literals(a)]
    return []


def verdict_msgids() -> list[str]:
    """Every msgid the verdict module can ask the catalog for."""
    tree = ast.parse(SOURCE.read_text(encoding="utf-8"))
    found = [s for n in ast.walk(tree)
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_"
             for a in n.args for s in _literals(a)]
    # the word tables looked up by key (``_(LABELS[...])`` and the like; of the currency events the
    # two the sentences date)
    found += list(V.LABELS.values()) + list(V.SYMBOLS.values()) + list(V._READ.values())
    found += [w for d, w in V.WHEN.items() if d not in ("currency", "resources")]
    found += list(V._PLAIN.values()) + [w for pair in V._CLAIM_WORDS.values() for w in pair]
    found += list(V.PAPER_SAYS.values()) + list(V.CONTEXT["when"][:2]) + list(VERDICTS) + [V.DEPENDS_FX]
    found += [V.CONVERGENCE, V.DIVERGENCE, V.NEITHER, V.ROBUST, V.MOSTLY, V.MIXED, V.RARE]
    found += ["σ (spread of log income)", "β (poorer regions growing faster)", "growth", "inequality",
              "pre-trend", "dyadic-robust", "wild bootstrap", "between-country share of inequality"]
    return list(dict.fromkeys(found))


def test_every_verdict_template_is_translated():
    ids = verdict_msgids()
    assert len(ids) > 150 and "That incomes in the border regions are drawing closer {verdict}" in ids
    assert missing("ru", ids) == []
    kk = missing("kk", ids)
    print("The verdict falls back to English in Kazakh for:\n  " + "\n  ".join(kk))
    assert set(kk) <= KK_FALLBACKS and len(kk) == 4
    for lang in ("ru", "kk"):
        _ = gettext_for(lang)
        for m in ids:
            # a named placeholder of the template stays in its translation
            assert sorted(re.findall(r"\{\w+\}", _(m))) == sorted(re.findall(r"\{\w+\}", m)), (lang, m)


@pytest.fixture(scope="module")
def readings():
    g = grid(evidence(ev("beta_absolute", rows=15), ev("sigma_trend", sig_neg=3, sig_pos=1),
                      ev("between_share_trend", sig_neg=0, sig_pos=8, joint=0.2)),
             depends(dep(share_at=0.875, share_other=0.125),
                     dep("beta_absolute", "start", "2012", aliased_with="start=2012; regions=x",
                         key="appears_aliased")))
    between = {"real": pd.Series([0.101, 0.12, 0.153], index=[2010, 2015, 2020]),
               "USD": pd.Series([0.1, 0.2, 0.12], index=[2010, 2015, 2020])}
    kw = {"names": {"RU": "Russia"}, "sides": ("Russia", "Kazakhstan"), "between": between,
          "integration": integration_result()}
    return {lang: V.verdict(g, lang=lang, **kw) for lang in ("en", "ru", "kk")} | {
        "default": V.verdict(g, **kw)}


def _numbers(text: str, decimal: str) -> list[str]:
    """The numbers of a sentence, written with a decimal point, in order of size."""
    return sorted(n.replace(decimal, ".") for n in re.findall(rf"\d+(?:{re.escape(decimal)}\d+)?", text))


def test_russian_verdict_states_the_english_numbers(readings):
    en, ru = readings["en"], readings["ru"]
    assert en.bottom_line == readings["default"].bottom_line and en.sentences == readings["default"].sentences
    english = en.bottom_line + en.sentences
    russian = ru.bottom_line + ru.sentences
    assert len(russian) == len(english) == 10
    for e, r in zip(english, russian, strict=True):
        assert _numbers(r, ",") == _numbers(e, "."), (e, r)
        assert re.search("[а-яё]{4}", r) and not re.search(r"\d\.\d", r), r
        # no English word of the templates is left
        assert not re.search(r"\b(the|of|in|specifications?|significantly|baseline|across)\b", r), r
    assert russian[0].startswith("То, что доходы приграничных регионов сближаются, зависит от того, "
                                 "как доходы пересчитываются между валютами: более бедные регионы росли "
                                 "значимо быстрее в 50% из 12 способов измерения")
    assert "(Россия и Казахстан) вырос" in russian[1]
    assert "10,1% в 2010 г." in russian[1] and "15,3% в 2020 г." in russian[1]
    assert russian[2].startswith("После 2015 г., когда начал работу Евразийский экономический союз")
    assert "β = −0,012 (p 0,04)" in russian[4] and "(строк сетки: 15; из них 3 повторяют" in russian[4]
    assert "в пользу 88% таких спецификаций против 12% остальных" in russian[7]
    # the verdict words of the conclusions table are translated; the rule words and sources are not
    assert list(ru.conclusions["verdict"]) == [gettext_for("ru")(w) for w in en.conclusions["verdict"]]
    assert list(ru.conclusions["source"]) == list(en.conclusions["source"])
    assert list(ru.evidence["direction"]) == list(en.evidence["direction"])


def test_kazakh_verdict(readings):
    kk, en = readings["kk"], readings["en"]
    assert kk.bottom_line[0].startswith("Шекаралас өңірлер табыстарының жақындасуы")
    assert "(Ресей және Қазақстан)" in kk.bottom_line[1]
    assert all(_numbers(k, ",") == _numbers(e, ".")
               for k, e in zip(kk.bottom_line + kk.sentences, en.bottom_line + en.sentences, strict=True))
