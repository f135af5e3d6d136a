"""The study's standard panels: GRP per capita in one currency over a common span of years.

Convergence measures compare the same regions over time. ``study_panel`` picks the indicator in one
currency, keeps the years in which every country of the selection has data and, with
``balanced=True``, the regions observed in all of them; what it leaves out is reported in
``panel.meta["dropped_regions"]`` and ``panel.meta["set_aside"]``, never lost silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from ..dataset import INDICATOR_ALIASES, Dataset, currency_of
from ..errors import DataError
from ..measures._arrays import trim_incomplete_ends
from ..panel import Panel

__all__ = ["DEFAULT_INDICATOR", "study_panel", "parse_years", "border_part_substitutes"]

#: GRP per capita, converted from local currency at the annual average exchange rate.
DEFAULT_INDICATOR = "grp_per_capita_lcu"


def parse_years(text: str | None) -> tuple[int, int] | list[int] | None:
    """'2008-2019' -> (2008, 2019); '2008,2010,2012' -> [2008, 2010, 2012]; None -> None."""
    if text is None or text == "":
        return None
    t = text.replace("–", "-").replace(":", "-").strip()
    if "-" in t:
        a, b = (int(x) for x in t.split("-", 1))
        return (a, b)
    return [int(x) for x in t.split(",")]


def study_panel(
    ds: Dataset,
    indicator: str = DEFAULT_INDICATOR,
    regions: str | Iterable[str] = "border",
    years: tuple[int, int] | Sequence[int] | None = None,
    currency: str | None = "USD",
    weight: str | None = "population",
    balanced: bool = True,
    min_regions_per_group: int = 2,
    group: str | None = "country",
    base_year: int | None = None,
    substitute: Mapping[str, str] | None = None,
    exclude: Iterable[str] = (),
    relative: str | None = None,
    pooled: bool = True,
) -> Panel:
    """A panel ready for convergence measures.

    Parameters
    ----------
    ds : Dataset
        The dataset (e.g. ``load_dataset("ru-kz")``).
    indicator : str, default DEFAULT_INDICATOR
        The indicator (GRP per capita in local currency by default).
    regions : str or iterable of str, default "border"
        The selection (:meth:`Dataset.region_codes`): ``"border"``, another named selection, or
        region codes.
    years : (int, int) or sequence of int, optional
        The span; default: chosen from the data (see Notes).
    currency : str or None, default "USD"
        Converts local-currency indicators (ignored for indicators without a currency):
        ``"USD"``, ``"PPP"``, ``"PPP:<vintage>"``, ``"real"`` (constant prices at
        ``base_year``); see :meth:`Dataset.panel` and :mod:`crossborder.currency`.
        ``meta["currency_basis"]``, ``meta["vintage"]`` and the unit name the basis and vintage
        used.
    weight : str or None, default "population"
        The weight indicator.
    balanced : bool, default True
        Trim the span's ends and keep only regions with a value (and a weight) in every year
        (see Notes).
    min_regions_per_group : int, default 2
        Fewest regions with a value per group (country) for a year to be in the default span.
    group : str or None, default "country"
        The region column that names the sides (None: no groups).
    base_year : int, optional
        The base year of ``currency="real"``.
    substitute : mapping of str to str, optional
        Maps a region to another unit whose series (values and weights) stands in for it, e.g.
        ``{"RU-TYU": "RU-TYU-XAO"}``: the row keeps the code of the region it stands for; the
        mapping applied is in ``meta["substitute"]``.
    exclude : iterable of str, default ()
        Regions removed from the selection (``meta["excluded"]``; codes of the dataset not in
        the selection are listed in ``meta["exclude_not_selected"]``, substitutions of
        unselected regions in ``meta["substitute_not_selected"]``).
    relative : {"national", "pooled", "none"} or None, default None
        ``"national"`` gives each value as an index, 100 = the mean of every region of its
        country in the dataset that year (weighted by ``weight`` when given), so that countries
        in different units compare (:meth:`Panel.relative`); ``"pooled"``: 100 = the mean of
        every region of the sides (one unit needed); ``None``/``"none"``: the values.
    pooled : bool, default True
        ``False``: the values are compared within each country only (beta with country
        dummies), so the countries' units may differ (see :meth:`Dataset.panel`).

    Returns
    -------
    Panel
        Region x year, with ``meta`` recording what was chosen (``currency_basis``,
        ``vintage``, ``substitute``, ``excluded``, ``span_trimmed``, ``dropped_regions``, ...).

    Notes
    -----
    Without ``years``, the span is the years in which every group (country) has at least
    ``min_regions_per_group`` regions with a value (and each substituted region has its
    series); with ``balanced=True`` its first and last years are trimmed where fewer regions
    have a value than in its best-covered year where that keeps a region (at most one year at
    each end: a year is given up rather than a region; ``meta["span_trimmed"]`` names the years
    and the regions kept). ``balanced=True`` then keeps only regions with a value (and a weight)
    in every year of the span; the regions dropped are listed in ``meta["dropped_regions"]``
    with the number of years they had. With ``relative``, the index is
    ``I_it = 100 x_it / m_g(i),t`` with ``m_gt = sum_j w_jt x_jt / sum_j w_jt`` over the
    reference regions j of group g (``w = 1`` unweighted).

    References
    ----------
    Stepanov, A., Burnasov, A., Ilyushkina, M. & Kovalev, Yu. (2020). Hidden geographical
    opportunities for convergence of Russian-Kazakh border area. Dela 53: 97-110 (the study
    the default panel reproduces: the 12 + 7 border regions).

    Examples
    --------
    >>> import crossborder as cb
    >>> p = cb.study_panel(cb.load_dataset("ru-kz"))
    >>> m = p.to_matrix()
    >>> len(m.regions), int(m.times[0]), int(m.times[-1]), p.meta["currency_basis"]
    (19, 2008, 2021, 'USD')
    """
    if relative not in (None, "none", "national", "pooled"):
        raise DataError(f"relative={relative!r}: use 'national', 'pooled' or 'none'")
    if relative == "none":
        relative = None
    codes = ds.region_codes(regions)
    if not codes:
        hint = (" (a dataset read from your files knows its border regions after .with_border())"
                if regions == "border" or str(regions).startswith("border:") else "")
        raise DataError(f"the selection {regions!r} holds no region of dataset {ds.name!r}{hint}",
                        column="region")
    excluded, not_selected = _exclusions(ds, codes, exclude)
    codes = [c for c in codes if c not in set(excluded)]
    subs, subs_unselected = _substitutions(ds, codes, substitute or {}, group)
    probe = ds.values(indicator)
    money = probe["unit"].map(currency_of).notna().any()
    present = set(ds.observations["indicator"].unique())
    if weight is not None and not present & {weight, *INDICATOR_ALIASES.get(weight, ())}:
        raise DataError(f"the weight {weight!r} is not an indicator of dataset {ds.name!r} (it has "
                        f"{sorted(present)}): give weight=None for an unweighted panel, or the name of the "
                        "indicator to weight by", column="indicator")
    load = [c for c in codes if c not in subs] + list(subs.values())
    p = ds.panel(indicator, weight=weight, regions=load, years=years,
                 currency=currency if money else None, base_year=base_year if money else None,
                 group=group, pooled=pooled and relative != "national")
    if subs:
        p = _keep_meta(p, _apply_substitutes(p, subs))
    m = p.to_matrix()
    groups = p.group_labels()
    have = ~np.isnan(m.values)
    if years is None and groups is not None:
        ok = np.ones(len(m.times), dtype=bool)
        for g in pd.unique(groups):
            rows = (groups == g).to_numpy()
            ok &= have[rows].sum(axis=0) >= min(min_regions_per_group, int(rows.sum()))
        for region in subs:
            if region in m.regions:
                ok &= have[m.regions.get_loc(region)]
        if ok.any():
            idx = np.flatnonzero(ok)
            lo, hi = idx[0], idx[-1] + 1
            # the years every side observes: annual data beside decadal data keep the decades
            # (never a run of years one side lacks, which would drop all its regions)
            common = np.flatnonzero(ok[lo:hi]) + lo
            if len(common) < hi - lo:
                p.meta["common_years"] = {"kept": [m.times[i] for i in common],
                                          "left_out": [m.times[i] for i in range(lo, hi)
                                                       if not ok[i]]}
                have_c = have[:, common]
                c_lo, c_hi = 0, len(common)
                if balanced:
                    c_lo, c_hi, trimmed = trim_incomplete_ends(have_c, m.regions,
                                                                m.times[common], 0, len(common))
                    p.meta["span_trimmed"] = trimmed
                span = list(m.times[common[c_lo:c_hi]])
            else:
                if balanced:
                    lo, hi, trimmed = trim_incomplete_ends(have, m.regions, m.times, lo, hi)
                    p.meta["span_trimmed"] = trimmed
                span = list(m.times[lo:hi])
            p = _keep_meta(p, p.select(times=span))
            m = p.to_matrix()
            have = ~np.isnan(m.values)
    elif isinstance(years, tuple) and groups is not None and len(m.times):
        # a range of years with steps of different length (annual beside decadal data: years one
        # side lacks lie between years it has): the years every side observes in it. A side that
        # only starts later or ends earlier is not a frequency: the range stays as chosen.
        ok = np.ones(len(m.times), dtype=bool)
        for g in pd.unique(groups):
            rows = (groups == g).to_numpy()
            ok &= have[rows].sum(axis=0) >= min(min_regions_per_group, int(rows.sum()))
        idx = np.flatnonzero(ok)
        if len(idx) and idx[-1] - idx[0] + 1 > len(idx):
            p.meta["common_years"] = {"kept": list(m.times[ok]),
                                      "left_out": list(m.times[~ok])}
            p = _keep_meta(p, p.select(times=list(m.times[ok])))
            m = p.to_matrix()
            have = ~np.isnan(m.values)
    dropped = pd.DataFrame(columns=["region", "years_with_value", "years_in_span"])
    if balanced:
        full = have.all(axis=1)
        if p.has_weight:
            full &= ~np.isnan(p.weight_matrix().values).any(axis=1)
        if not full.all():
            dropped = pd.DataFrame({"region": m.regions[~full],
                                    "years_with_value": have[~full].sum(axis=1),
                                    "years_in_span": len(m.times)})
            p = _keep_meta(p, p.select(regions=list(m.regions[full])))
    if relative is not None and len(p.times):
        p = _keep_meta(p, _relative(ds, p, relative, indicator, currency if money else None,
                                    base_year if money else None, weight, group))
    p.meta["dropped_regions"] = dropped.reset_index(drop=True)
    p.meta.update({"substitute": subs, "substitute_not_selected": subs_unselected,
                   "excluded": excluded, "exclude_not_selected": not_selected})
    return p


def _relative(ds: Dataset, p: Panel, to: str, indicator: str, currency: str | None,
              base_year: int | None, weight: str | None, group: str | None) -> Panel:
    """``p`` indexed to the mean of the reference regions (every analysis unit of the sides) in
    each of its years."""
    ref = ds.panel(indicator, weight=weight, regions="all", years=list(p.times), currency=currency,
                   base_year=base_year, group=group, pooled=to != "national")
    out = p.relative(to, reference=ref)
    out.meta["relative"]["reference"] = (f"all {len(ref.regions)} regions"
                                         + (" of each country" if to == "national" else ""))
    return out


def border_part_substitutes(ds: Dataset) -> dict[str, str]:
    """Border units that have a part of their own on the border: {whole: part}, the mapping for
    ``study_panel(..., substitute=...)`` that measures the part that touches the border instead of the
    whole (ru-kz: ``{"RU-TYU": "RU-TYU-XAO"}``, Tyumen without its okrugs). Only wholes with exactly
    one such part are listed."""
    r = ds.regions
    if "part_of" not in r or "border_part" not in r:
        return {}
    parts = r[r["border_part"].astype(bool) & r["part_of"].notna()]
    border = set(r.loc[r["border"].astype(bool), "region"])
    counts = parts.groupby("part_of").size()
    return {str(w): str(p) for p, w in zip(parts["region"], parts["part_of"], strict=True)
            if w in border and counts[w] == 1}


def _exclusions(ds: Dataset, codes: list[str], exclude: Iterable[str]) -> tuple[list[str], list[str]]:
    """(codes removed from the selection, codes of the dataset that were not selected)."""
    if isinstance(exclude, str):
        exclude = [exclude]
    ex = list(dict.fromkeys(exclude))
    if ex:
        ds.region_codes(ex)          # unknown codes are an error
    chosen = set(codes)
    return [c for c in ex if c in chosen], [c for c in ex if c not in chosen]


def _substitutions(ds: Dataset, codes: list[str], substitute: Mapping[str, str],
                   group_col: str | None = "country") -> tuple[dict[str, str], dict[str, str]]:
    """Check a region -> stand-in mapping; (applied, for regions not selected)."""
    if not isinstance(substitute, Mapping):
        raise DataError("substitute must map region codes to region codes, e.g. {'A': 'A-part'}",
                        column="region")
    subs = {str(k): str(v) for k, v in substitute.items()}
    ds.region_codes(list(subs) + list(subs.values()))        # unknown codes are an error
    chosen = set(codes)
    group = (ds.regions.set_index("region")[group_col]
             if group_col is not None and group_col in ds.regions else None)
    applied, unselected = {}, {}
    for region, stand_in in subs.items():
        if region not in chosen:
            unselected[region] = stand_in
            continue
        if stand_in in chosen or stand_in in applied.values() or stand_in == region:
            raise DataError(f"{stand_in!r} cannot stand in for {region!r}: it is in the selection "
                            "already or stands in twice", column="region")
        if group is not None and group.get(region) != group.get(stand_in):
            raise DataError(f"{stand_in!r} ({group.get(stand_in)}) cannot stand in for {region!r} "
                            f"({group.get(region)}): another group", column="region")
        applied[region] = stand_in
    return applied, unselected


def _apply_substitutes(p: Panel, subs: dict[str, str]) -> Panel:
    """Rows of each stand-in relabelled with the code of the region it stands for."""
    back = {v: k for k, v in subs.items()}
    f = p.frame.copy()
    f["region"] = f["region"].map(lambda r: back.get(r, r))
    return replace(p, frame=f.sort_values(["region", "time"], kind="stable").reset_index(drop=True),
                   meta=dict(p.meta))


def _keep_meta(old: Panel, new: Panel) -> Panel:
    new.meta.update(old.meta)
    return new
