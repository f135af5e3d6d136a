"""Phillips–Sul log t convergence test, club clustering and club merging.

Relative transition: ``h_it = X_it / mean_i X_it`` and ``H_t = mean_i (h_it - 1)^2``; the log t
regression (Phillips & Sul 2007, Econometrica 75: 1771–1855; 2009, J. Appl. Econometrics 24:
1153–1185) is::

    log(H_1 / H_t) - 2 log(log t) = a + b log t + u_t,   t = [rT] + 1, ..., T

and the group converges unless the one-sided t test of ``b`` rejects (``t_b <= -1.65``).

HAC standard errors (as the R package ConvergenceClubs defines them):

* ``"FQSB"`` – the long-run variance of the residuals with the Quadratic Spectral kernel, as in
  Phillips & Sul's GAUSS code: bandwidth ``S = 1.3221 (alpha T_r)^(1/5)`` with
  ``alpha = 4 rho^2 / (1 - rho)^4`` and ``rho`` the no-intercept AR(1) coefficient of the residuals;
  with ``m = T_r - 1``, ``lrv = sum_t u_t^2 / m + 2 sum_{j=1}^{m-1} k(j/S) gamma_j / m``
  where ``gamma_j = sum_{s=1}^{m-j} u_s u_{s+j}`` (the last residual enters only lag 0);
  ``se(b)^2 = lrv / sum (log t - mean)^2``.
* ``"AQSB"`` – Andrews' (1991) kernel HAC sandwich (``sandwich::vcovHAC`` defaults): QS kernel
  on the scores ``psi_t = (u_t, u_t log t)``, automatic bandwidth ``1.3221 (alpha T_r)^(1/5)``
  from an AR(1) with intercept fitted to the slope score, weights below 1e-7 past the last larger
  one dropped, small-sample factor ``T_r / (T_r - 2)``.

Clustering (Phillips & Sul 2007, 2009): order the units by the last period (or the mean of the last
fraction of periods); test the whole group; find the core group (the first adjacent pair that
converges, grown downwards while the log t test holds, keeping the size with the largest t);
sieve every other unit into the club when ``t(core + unit) > c*``; repeat on the rest.

Conventions where R's ConvergenceClubs and Stata's ``psecta`` (Du 2017) differ are options:

* ``core_rule`` – ``"max_abs_t"`` (R: the core size maximises ``|t_k|``) or ``"max_t"``
  (Phillips & Sul's ``argmax t_k``, Stata). They differ only when a candidate has
  ``-1.65 < t_k < 0`` with ``|t_k|`` above the largest ``t_k``.
* ``rounding`` of ``[rT]`` – ``"half_even"`` (R's ``round``, default), ``"half_up"``,
  ``"floor"`` (the integer part of Phillips & Sul). The regression always starts at ``[rT] + 1``.
* ``trim`` – 1/3 by default (R); ``psecta`` uses 0.3.
* ``cstar_method`` – ``"fixed"`` (R default: one sieve with ``c*``) or ``"incremental"``
  (Phillips & Sul / Stata: raise ``c*`` by ``cstar_increment`` until the club converges, up to
  ``cstar_cap``; if it never does, the club is the core group).
* ``order_fraction`` – 0 orders by the last period (R); a fraction ``f`` orders by the mean of the
  last ``T - int((1 - f) T)`` periods (``psecta``'s ``fr()``).

Speed: every t statistic comes from running sums. The H_t of a group is
``var_t / mean_t^2`` from the group's count, per-period mean and sum of squared deviations;
adding one unit updates them in O(T) (Chan's update), prefixes of the ordered units come from
cumulative sums, and the regression of every candidate uses the precomputed regressor, so the
core search and the sieve are matrix operations over all candidates at once (candidate x T).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from .._display import displayable
from ..errors import DataError
from ..panel import Panel
from ._checks import check_bool, check_number
from ._degenerate import not_computed

__all__ = [
    "Club",
    "ClubsResult",
    "LogTResult",
    "clubs",
    "log_t",
    "merge_clubs",
    "relative_transition",
]

HAC = Literal["FQSB", "AQSB"]
CRITICAL = -1.65
#: The fewest periods a study runs the club procedure on (HP filter, then the log t regression on
#: the last two thirds, which needs at least 3 periods beyond t = 1): the command line and the
#: report use this one number.
MIN_PERIODS = 5
_CHUNK = 4096


# ============================================================ the log t regression kernel
@dataclass(frozen=True)
class _Design:
    """The fixed regressor of the log t regression for T periods and a trim."""

    T: int
    k0: int  # 0-based index of the first period in the regression ([rT])
    x: np.ndarray  # log t
    xc: np.ndarray  # log t - mean
    sxx: float
    loglog2: np.ndarray  # 2 log(log t)
    c_aqsb: np.ndarray  # second row of (Z'Z)^-1 as weights on (1, log t)

    @property
    def n(self) -> int:
        return self.T - self.k0


def _design(T: int, trim: float, rounding: str) -> _Design:
    if not 0 < trim < 1:
        raise DataError(f"trim must be between 0 and 1, got {trim!r}")
    rt = T * trim
    if rounding == "half_even":
        k0 = int(round(rt))
    elif rounding == "half_up":
        k0 = int(np.floor(rt + 0.5 + 1e-9))
    elif rounding == "floor":
        k0 = int(np.floor(rt + 1e-9))
    else:
        raise DataError(f"rounding must be 'half_even', 'half_up' or 'floor', got {rounding!r}")
    if k0 < 1:
        raise DataError(f"trim {trim!r} of {T} periods starts the regression at t = 1, where "
                        "log(log t) is undefined; use a larger trim or more periods")
    n = T - k0
    if n < 3:
        raise DataError(f"the log t regression needs at least 3 periods after trimming; "
                        f"{T} periods with trim {trim!r} leave {n}")
    t = np.arange(k0 + 1, T + 1, dtype=float)
    x = np.log(t)
    xc = x - x.mean()
    z = np.column_stack([np.ones(n), x])
    zinv = np.linalg.inv(z.T @ z)
    return _Design(T, k0, x, xc, float(xc @ xc), 2.0 * np.log(x), zinv[1].copy())


def _qs(z: np.ndarray) -> np.ndarray:
    """Quadratic Spectral kernel k(z) = 25/(12 pi^2 z^2) (sin(a)/a - cos(a)), a = 6 pi z / 5.

    Equivalently 3/a^2 (sin(a)/a - cos(a)); k(0) = 1, and a zero bandwidth (z = inf, which
    happens when rho = 0) gives no lag terms (k = 0).
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        a = np.multiply(z, 1.2 * np.pi)
        k = np.sin(a)
        k /= a
        k -= np.cos(a)
        k *= 3.0
        k /= a * a
    bad = ~np.isfinite(k)
    if bad.any():
        k[bad] = np.where(a[bad] == 0, 1.0, 0.0)
    return k


def _autocov(v: np.ndarray, maxlag: int) -> np.ndarray:
    """gamma[c, j] = sum_s v[c, s] v[c, s + j] for j = 0..maxlag (rows are candidates)."""
    c, n = v.shape
    padded = np.concatenate([v, np.zeros((c, maxlag))], axis=1)
    windows = sliding_window_view(padded, n, axis=1)[:, : maxlag + 1, :]
    return np.einsum("cs,cjs->cj", v, windows, optimize=False)


def _andrews_bw(rho: np.ndarray, n: int) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 4.0 * rho**2 / (1.0 - rho) ** 4
        return 1.3221 * (alpha * n) ** 0.2


def _logt_rows(h: np.ndarray, d: _Design, hac: str) -> tuple[np.ndarray, ...]:
    """b, se, t, intercept of the log t regression for each row of H (candidates x T)."""
    h = np.atleast_2d(h)
    n = d.n
    lags = np.arange(n, dtype=float)
    # a group with H = 0 somewhere gives inf/nan and hence a t that never passes a test
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        y = np.log(h[:, :1] / h[:, d.k0:]) - d.loglog2
        ybar = y.mean(axis=1)
        b = (y @ d.xc) / d.sxx
        a = ybar - b * d.x.mean()
        u = y - ybar[:, None] - b[:, None] * d.xc[None, :]
        if hac == "FQSB":
            rho = (u[:, :-1] * u[:, 1:]).sum(1) / (u[:, :-1] ** 2).sum(1)
            bw = _andrews_bw(rho, n)
            m = n - 1
            g = _autocov(u[:, :m], m - 1)  # lags 0..m-1 over the first m residuals
            k = _qs(lags[None, 1:m] / bw[:, None])
            lrv = ((u**2).sum(1) + 2.0 * (k * g[:, 1:]).sum(1)) / m
            se = np.sqrt(lrv / d.sxx)
        elif hac == "AQSB":
            s = u * d.x[None, :]  # slope score
            s0, s1 = s[:, 1:], s[:, :-1]
            s0c = s0 - s0.mean(1, keepdims=True)
            s1c = s1 - s1.mean(1, keepdims=True)
            rho = (s0c * s1c).sum(1) / (s1c**2).sum(1)
            bw = _andrews_bw(rho, n)
            w = _qs(lags[None, :] / bw[:, None])
            keep = np.abs(w) > 1e-7
            last = n - 1 - np.argmax(keep[:, ::-1], axis=1)
            w = np.where(lags[None, :] <= last[:, None], w, 0.0)
            v = u * (d.c_aqsb[0] + d.c_aqsb[1] * d.x)[None, :]
            g = _autocov(v, n - 1)
            var = (w[:, 0] * g[:, 0] + 2.0 * (w[:, 1:] * g[:, 1:]).sum(1)) * n / (n - 2)
            se = np.sqrt(var)
        else:
            raise DataError(f"hac must be 'FQSB' or 'AQSB', got {hac!r}")
        t = b / se
    return b, se, t, a


def _logt_chunked(h: np.ndarray, d: _Design, hac: str) -> tuple[np.ndarray, ...]:
    if len(h) <= _CHUNK:
        return _logt_rows(h, d, hac)
    parts = [_logt_rows(h[i : i + _CHUNK], d, hac) for i in range(0, len(h), _CHUNK)]
    return tuple(np.concatenate(p) for p in zip(*parts, strict=True))


def _group_h(x: np.ndarray) -> np.ndarray:
    """H_t of one group (rows = units): var_t / mean_t^2 (population variance)."""
    m = x.mean(axis=0)
    return ((x - m) ** 2).mean(axis=0) / m**2


# ============================================================ public: log t
@displayable
@dataclass(frozen=True, eq=False)
class LogTResult:
    """The log t test of one group: ``b`` (= 2 alpha, the speed), its HAC ``se`` and ``tstat``."""

    b: float
    se: float
    tstat: float
    intercept: float
    H: pd.Series
    start: Any
    end: Any
    n_obs: int
    hac: str
    trim: float
    n_units: int
    threshold: float = CRITICAL

    @property
    def converges(self) -> bool:
        """True when the one-sided test does not reject convergence (t > threshold)."""
        return bool(self.tstat > self.threshold)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "b": [self.b], "se": [self.se], "tstat": [self.tstat],
                "intercept": [self.intercept], "n_units": [self.n_units],
                "start": [self.start], "end": [self.end], "n_obs": [self.n_obs],
                "hac": [self.hac], "converges": [self.converges],
            }
        )

    def summary(self) -> str:
        verdict = "convergence not rejected" if self.converges else "convergence rejected"
        return (f"log t test ({self.n_units} units, t = {self.start}..{self.end}, {self.hac}): "
                f"b = {self.b:.4f}, se = {self.se:.4f}, t = {self.tstat:.3f} -> {verdict} "
                f"at {self.threshold}")


def log_t(
    data: Panel | pd.DataFrame | np.ndarray,
    trim: float = 1 / 3,
    hac: HAC = "FQSB",
    *,
    logged: bool = True,
    rounding: str = "half_even",
    threshold: float = CRITICAL,
) -> LogTResult:
    """Phillips–Sul log t convergence test of the whole panel.

    Parameters
    ----------
    data : Panel, DataFrame or ndarray
        Region x time values (a wide DataFrame or N x T array), complete (no missing value).
    trim : float, default 1/3
        The share r of the periods dropped at the start: the regression runs over
        t = [rT] + 1 .. T (see the module notes on ``rounding``).
    hac : {"FQSB", "AQSB"}, default "FQSB"
        The HAC estimator of the slope's standard error (fixed or automatic Quadratic-Spectral
        bandwidth, as the R and Stata implementations).
    logged : bool, default True
        Take the values as they are (e.g. HP-filtered log income); ``False`` takes their log first.
    rounding : str, default "half_even"
        How [rT] is rounded.
    threshold : float, default -1.65
        The one-sided critical value of t: convergence is rejected when ``tstat < threshold``.

    Returns
    -------
    LogTResult
        ``b`` (= 2 alpha, the speed), its HAC ``se`` and ``tstat``, ``intercept``, the cross-section
        variance ratio series ``H``, ``start``, ``end``, ``n_obs``, ``n_units``.

    Notes
    -----
    h_it = y_it / mean_i(y_it), H_t = mean_i (h_it - 1)^2, and the regression
    ln(H_1 / H_t) - 2 ln ln t = a + b ln t + u_t over t = [rT]+1 .. T; b >= 0 with t above the
    critical value is convergence (b >= 2: convergence in levels).

    References
    ----------
    Phillips, P. C. B. & Sul, D. (2007). Transition modeling and econometric convergence tests.
    Econometrica 75: 1771-1855.

    Examples
    --------
    >>> import numpy as np
    >>> from crossborder.measures.clubs import log_t
    >>> t = np.arange(1, 41)
    >>> y = 10 + np.outer([1.0, -1.0, 0.5, -0.5], 1 / t)       # deviations die out: convergence
    >>> log_t(y).tstat > -1.65
    True
    """
    trim = check_number("trim", trim, low=0, high=1, low_open=True, high_open=True)
    threshold = check_number("threshold", threshold)
    check_bool("logged", logged)
    values, regions, times, _ = _matrix(data, logged)
    _check_spread(values, times, "log t test")
    d = _design(values.shape[1], trim, rounding)
    h = _group_h(values)
    b, se, t, a = (float(v[0]) for v in _logt_rows(h[None, :], d, _hac(hac)))
    return LogTResult(
        b=b, se=se, tstat=t, intercept=a,
        H=pd.Series(h, index=times, name="H"),
        start=times[d.k0], end=times[-1], n_obs=d.n, hac=_hac(hac), trim=trim,
        n_units=values.shape[0], threshold=threshold,
    )


def relative_transition(data: Panel | pd.DataFrame | np.ndarray, *,
                        logged: bool = True) -> pd.DataFrame:
    """h_it = X_it / mean_i X_it: each region's path relative to the cross-section average."""
    values, regions, times, _ = _matrix(data, logged)
    return pd.DataFrame(values / values.mean(axis=0), index=regions, columns=times)


# ============================================================ clustering engine
class _Engine:
    """Log t statistics of groups of rows of X (ordered), reusing running sums."""

    def __init__(self, x: np.ndarray, d: _Design, hac: str, threshold: float):
        self.x = x
        self.d = d
        self.hac = hac
        self.thr = threshold

    def stats(self, h: np.ndarray) -> tuple[np.ndarray, ...]:
        return _logt_chunked(h, self.d, self.hac)

    def group(self, rows: np.ndarray) -> tuple[float, float, float]:
        b, se, t, _ = _logt_rows(_group_h(self.x[rows])[None, :], self.d, self.hac)
        return float(b[0]), float(se[0]), float(t[0])

    # -- core group ------------------------------------------------------
    def first_pair(self, rows: np.ndarray) -> tuple[int, float] | None:
        """First i such that rows[i], rows[i+1] converge (t > threshold), scanning in chunks."""
        npairs = len(rows) - 1
        start, size = 0, 64
        while start < npairs:
            stop = min(npairs, start + size)
            a = self.x[rows[start:stop]]
            b = self.x[rows[start + 1 : stop + 1]]
            m = 0.5 * (a + b)
            h = (0.5 * (a - b)) ** 2 / m**2
            t = self.stats(h)[2]
            ok = np.flatnonzero(t > self.thr)
            if len(ok):
                return start + int(ok[0]), float(t[ok[0]])
            start, size = stop, size * 2
        return None

    def grow(self, rows: np.ndarray, s: int) -> np.ndarray:
        """t of the groups rows[s..k], k = s+2, ..., up to (not including) the first failure."""
        ref = self.x[rows[s]]
        n_rows = len(rows)
        s1 = self.x[rows[s + 1]] - ref  # running sums of deviations from the first unit
        s2 = s1**2
        count = 2
        out: list[np.ndarray] = []
        k, size = s + 2, 64
        while k < n_rows:
            stop = min(n_rows, k + size)
            dev = self.x[rows[k:stop]] - ref
            c1 = s1 + np.cumsum(dev, axis=0)
            c2 = s2 + np.cumsum(dev**2, axis=0)
            cnt = count + np.arange(1, stop - k + 1)[:, None]
            mean_dev = c1 / cnt
            var = np.maximum(c2 / cnt - mean_dev**2, 0.0)
            h = var / (ref + mean_dev) ** 2
            t = self.stats(h)[2]
            bad = np.flatnonzero(~(t > self.thr))
            if len(bad):
                out.append(t[: bad[0]])
                break
            out.append(t)
            s1, s2, count = c1[-1], c2[-1], int(cnt[-1, 0])
            k, size = stop, size * 2
        return np.concatenate(out) if out else np.empty(0)

    # -- sieve -----------------------------------------------------------
    def add_one(self, members: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        """t of (members + one candidate) for every candidate, from the members' sums."""
        xm = self.x[members]
        n = len(members)
        mean = xm.mean(axis=0)
        m2 = ((xm - mean) ** 2).sum(axis=0)
        dev = self.x[candidates] - mean
        new_mean = mean + dev / (n + 1)
        new_var = (m2 + dev**2 * (n / (n + 1))) / (n + 1)
        return self.stats(new_var / new_mean**2)[2]


def _find_clubs(eng: _Engine, n_units: int, *, cstar: float, core_rule: str, cstar_method: str,
                cstar_increment: float, cstar_cap: float) -> tuple[list[dict], np.ndarray]:
    rem = np.arange(n_units)
    found: list[dict] = []
    divergent = np.empty(0, dtype=int)
    while len(rem):
        if len(rem) == 1:
            divergent = rem
            break
        b, se, t = eng.group(rem)
        if t > eng.thr:
            found.append(dict(rows=rem, b=b, se=se, t=t, cstar=None, core=len(rem)))
            break
        pair = eng.first_pair(rem)
        if pair is None:
            divergent = rem
            break
        s, t_pair = pair
        tk = np.concatenate([[t_pair], eng.grow(rem, s)])
        crit = np.abs(tk) if core_rule == "max_abs_t" else tk
        size = int(np.argmax(crit)) + 2
        core = np.arange(s, s + size)
        others = np.setdiff1d(np.arange(len(rem)), core, assume_unique=True)
        t_add = eng.add_one(rem[core], rem[others]) if len(others) else np.empty(0)
        c = cstar
        while True:
            club = np.sort(np.concatenate([core, others[t_add > c]]))
            b, se, t = eng.group(rem[club])
            if cstar_method == "fixed" or t > eng.thr:
                break
            c += cstar_increment
            if c > cstar_cap:
                club = core
                b, se, t = eng.group(rem[club])
                break
        found.append(dict(rows=rem[club], b=b, se=se, t=t, cstar=c, core=size))
        rem = np.delete(rem, club)
    return found, divergent


# ============================================================ results
@displayable
@dataclass(frozen=True, eq=False)
class Club:
    """One convergence club: its members (in the clustering order) and its log t test."""

    number: int
    members: tuple
    b: float
    se: float
    tstat: float
    cstar: float | None = None
    core_size: int | None = None
    merged_from: tuple = ()

    @property
    def size(self) -> int:
        return len(self.members)


@displayable
@dataclass(frozen=True, eq=False)
class ClubsResult:
    """Phillips–Sul convergence clubs in order (highest first) and the divergent units."""

    clubs: tuple[Club, ...]
    divergent: tuple
    regions: pd.Index
    times: pd.Index
    values: np.ndarray = field(repr=False)
    groups: pd.Series | None = field(default=None, repr=False)
    settings: dict = field(default_factory=dict)

    @property
    def n_clubs(self) -> int:
        return len(self.clubs)

    @property
    def sizes(self) -> list[int]:
        return [c.size for c in self.clubs]

    def to_frame(self) -> pd.DataFrame:
        """One row per club: size, b, se, t (and the c* used)."""
        rows = [
            {"club": c.number, "size": c.size, "b": c.b, "se": c.se, "tstat": c.tstat,
             "cstar": c.cstar, "merged_from": ",".join(map(str, c.merged_from)) or None}
            for c in self.clubs
        ]
        return pd.DataFrame(rows, columns=["club", "size", "b", "se", "tstat", "cstar",
                                           "merged_from"])

    def membership(self) -> pd.DataFrame:
        """Tidy table: region, club (NA when divergent), status, and group where the panel has one."""
        club_of = {r: c.number for c in self.clubs for r in self.members_of(c)}
        df = pd.DataFrame({"region": list(self.regions)})
        df["club"] = pd.array([club_of.get(r) for r in self.regions], dtype="Int64")
        df["status"] = np.where(df["club"].isna(), "divergent", "club")
        if self.groups is not None:
            df["group"] = self.groups.reindex(self.regions).to_numpy()
        order = {r: i for i, r in enumerate(self.settings.get("order", []))}
        if order:
            df["order"] = [order.get(r) for r in df["region"]]
        return df

    def members_of(self, club: Club | int) -> tuple:
        c = club if isinstance(club, Club) else self.clubs[int(club) - 1]
        return c.members

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Each club's relative transition path (:func:`crossborder.charts.clubs_chart`); ``ax``:
        draw on this Axes and return it."""
        from ..charts import clubs_chart  # matplotlib only when a chart is asked for

        return clubs_chart(self, ax=ax, **kwargs)

    def transition_paths(self) -> pd.DataFrame:
        """Long table for plotting: each region's path relative to its club average
        (``h_club``) and to the cross-section average of all units (``h_all``), plus the club
        average relative to the cross-section (``club_h_all``). Columns ``region``, ``club``, the
        time (named as the panel's :attr:`~crossborder.Panel.time_name`), ``value``, ``h_club``,
        ``h_all``, ``club_h_all``."""
        v = self.values
        all_mean = v.mean(axis=0)
        pos = {r: i for i, r in enumerate(self.regions)}
        frames = []
        labelled = [(c.number, c.members) for c in self.clubs]
        if self.divergent:
            labelled.append((None, self.divergent))
        for number, members in labelled:
            idx = np.array([pos[r] for r in members])
            block = v[idx]
            club_mean = block.mean(axis=0)
            n, t = block.shape
            frames.append(pd.DataFrame({
                "region": np.repeat(np.asarray(members, dtype=object), t),
                "club": pd.array([number] * (n * t), dtype="Int64"),
                self.times.name or "year": np.tile(np.asarray(self.times), n),
                "value": block.ravel(),
                "h_club": (block / club_mean).ravel() if number is not None else np.nan,
                "h_all": (block / all_mean).ravel(),
                "club_h_all": np.tile(club_mean / all_mean, n) if number is not None else np.nan,
            }))
        return pd.concat(frames, ignore_index=True)

    def summary(self) -> str:
        s = self.settings
        lines = [f"Phillips–Sul clubs: {self.n_clubs} club(s), {len(self.divergent)} divergent "
                 f"of {len(self.regions)} units (trim {s.get('trim'):.4g}, {s.get('hac')}, "
                 f"c* = {s.get('cstar')}, core rule {s.get('core_rule')}"
                 + (f", merged {s['merge']}" if s.get("merge") else "") + ")"]
        for c in self.clubs:
            lines.append(f"  club {c.number}: {c.size:>5} units  b = {c.b: .4f}  "
                         f"se = {c.se:.4f}  t = {c.tstat: .4f}")
        if self.divergent:
            lines.append(f"  divergent: {', '.join(map(str, self.divergent[:20]))}"
                         + (" ..." if len(self.divergent) > 20 else ""))
        return "\n".join(lines)


# ============================================================ public: clubs
def clubs(
    data: Panel | pd.DataFrame | np.ndarray,
    trim: float = 1 / 3,
    cstar: float = 0.0,
    hac: HAC = "FQSB",
    merge: Literal["PS", "vLT"] | None = None,
    merge_divergent: bool = False,
    *,
    core_rule: Literal["max_abs_t", "max_t"] = "max_abs_t",
    cstar_method: Literal["fixed", "incremental"] = "fixed",
    cstar_increment: float = 0.1,
    cstar_cap: float = 3.0,
    order_fraction: float = 0.0,
    rounding: str = "half_even",
    threshold: float = CRITICAL,
    estar: float = CRITICAL,
    logged: bool = True,
) -> ClubsResult:
    """Phillips–Sul (2007, 2009) convergence clubs.

    Parameters
    ----------
    data : Panel, DataFrame or ndarray
        Region x time values, complete (HP-filtered log income, as the literature uses).
    trim, hac, rounding, threshold, logged
        As :func:`log_t`.
    cstar : float, default 0.0
        The sieve's critical value c*: a unit joins the core group when the log t of core + unit
        exceeds it.
    merge : {"PS", "vLT"}, optional
        Merge adjacent clubs afterwards (:func:`merge_clubs`).
    merge_divergent : bool, default False
        Assign divergent units to clubs (von Lyncker & Thoennessen) with critical value ``estar``.
    core_rule : {"max_abs_t", "max_t"}, default "max_abs_t"
        How the core group's size is chosen.
    cstar_method, cstar_increment, cstar_cap
        ``"incremental"`` raises c* in steps until the sieve admits a club (Stata's option).
    order_fraction : float, default 0.0
        Order units by the mean of the last share of periods rather than the last period.
    estar : float, default -1.65
        Critical value of the divergent units' assignment.

    Returns
    -------
    ClubsResult
        The clubs in order (highest first; each with its members and log t), the ``divergent`` units,
        ``n_clubs``, ``to_frame()`` and ``plot()``.

    Notes
    -----
    Units are ordered by the last period, the core group is formed, the others are sieved in with
    c*, and the procedure repeats on the rest (module notes: each convention and its R / Stata
    origin).

    References
    ----------
    Phillips, P. C. B. & Sul, D. (2009). Economic transition and growth. Journal of Applied
    Econometrics 24: 1153-1185. Du, K. (2017). Econometric convergence test and club clustering
    using Stata. Stata Journal 17: 882-900. Sichera, R. & Pizzuto, P. (2019). ConvergenceClubs: a
    package for performing the Phillips and Sul's club convergence clustering procedure. R Journal
    11: 142-151. von Lyncker, K. & Thoennessen, R. (2017). Regional club convergence in the EU:
    evidence from a panel data analysis. Empirical Economics 52: 525-553.
    """
    trim = check_number("trim", trim, low=0, high=1, low_open=True, high_open=True)
    cstar = check_number("cstar", cstar)
    cstar_increment = check_number("cstar_increment", cstar_increment, low=0, low_open=True)
    cstar_cap = check_number("cstar_cap", cstar_cap)
    check_number("order_fraction", order_fraction, low=0, high=1, high_open=True)
    threshold = check_number("threshold", threshold)
    estar = check_number("estar", estar)
    check_bool("merge_divergent", merge_divergent)
    check_bool("logged", logged)
    values, regions, times, groups = _matrix(data, logged)
    if core_rule not in ("max_abs_t", "max_t"):
        raise DataError(f"core_rule must be 'max_abs_t' or 'max_t', got {core_rule!r}")
    if cstar_method not in ("fixed", "incremental"):
        raise DataError(f"cstar_method must be 'fixed' or 'incremental', got {cstar_method!r}")
    n_units, n_times = values.shape
    _check_spread(values, times, "clubs")
    d = _design(n_times, trim, rounding)
    order = _order(values, order_fraction)
    eng = _Engine(values[order], d, _hac(hac), threshold)
    found, divergent = _find_clubs(
        eng, n_units, cstar=cstar, core_rule=core_rule, cstar_method=cstar_method,
        cstar_increment=cstar_increment, cstar_cap=cstar_cap,
    )
    labels = np.asarray(regions, dtype=object)[order]
    club_list = tuple(
        Club(number=i + 1, members=tuple(labels[f["rows"]]), b=f["b"], se=f["se"], tstat=f["t"],
             cstar=f["cstar"], core_size=f["core"])
        for i, f in enumerate(found)
    )
    result = ClubsResult(
        clubs=club_list, divergent=tuple(labels[divergent]), regions=regions, times=times,
        values=values, groups=groups,
        settings=dict(trim=trim, cstar=cstar, hac=_hac(hac), core_rule=core_rule,
                      cstar_method=cstar_method, rounding=rounding, threshold=threshold,
                      order_fraction=order_fraction, merge=None, estar=estar,
                      order=list(labels)),
    )
    if merge is not None or merge_divergent:
        result = merge_clubs(result, merge, merge_divergent=merge_divergent, estar=estar)
    return result


def merge_clubs(
    result: ClubsResult,
    method: Literal["PS", "vLT"] | None = "PS",
    *,
    merge_divergent: bool = False,
    threshold: float | None = None,
    estar: float | None = None,
) -> ClubsResult:
    """Merge adjacent clubs and optionally assign divergent units to clubs.

    Parameters
    ----------
    result : ClubsResult
        The clubs of :func:`clubs`.
    method : {"PS", "vLT"} or None, default "PS"
        ``"PS"`` (Phillips & Sul 2009): grow each club with the next ones while the merged group
        passes the log t test; the first club that fails starts the next group. ``"vLT"`` (von
        Lyncker & Thoennessen 2017): test every adjacent pair; merge the first pair m with
        ``t_m > threshold`` and ``t_m > t_{m+1}`` (the last pair needs only the first condition),
        then start again; stop when no pair merges. None: no merging.
    merge_divergent : bool, default False
        (vLT) test every (club, divergent unit) pair, add the unit with the highest t to its club
        while that t exceeds ``estar``; repeat.
    threshold, estar : float, optional
        Critical values (default: those the clubs were found with).

    Returns
    -------
    ClubsResult
        The merged clubs (``settings`` records the merge).

    Notes
    -----
    Each merge is accepted on the log t test of the merged group (t > ``threshold``), so merged
    clubs are convergence clubs by the same criterion as the sieve's.

    References
    ----------
    Phillips & Sul (2009), Journal of Applied Econometrics 24; von Lyncker & Thoennessen (2017),
    Empirical Economics 52.
    """
    if threshold is not None:
        threshold = check_number("threshold", threshold)
    if estar is not None:
        estar = check_number("estar", estar)
    check_bool("merge_divergent", merge_divergent)
    s = result.settings
    thr = s["threshold"] if threshold is None else threshold
    est = s.get("estar", CRITICAL) if estar is None else estar
    pos = {r: i for i, r in enumerate(result.regions)}
    eng = _Engine(result.values, _design(len(result.times), s["trim"], s["rounding"]),
                  s["hac"], thr)
    groups = [(np.array([pos[r] for r in c.members], dtype=int), c.merged_from or (c.number,))
              for c in result.clubs if c.members]
    if method == "PS":
        groups = _merge_ps(eng, groups)
    elif method == "vLT":
        groups = _merge_vlt(eng, groups)
    elif method is not None:
        raise DataError(f"merge must be None, 'PS' or 'vLT', got {method!r}")
    div = np.array([pos[r] for r in result.divergent], dtype=int)
    if merge_divergent and len(div) and groups:
        groups, div = _merge_divergent(eng, groups, div, est)
    regs = result.regions
    names = np.asarray(regs, dtype=object)
    new_clubs = []
    for i, (rows, origin) in enumerate(groups):
        b, se, t = eng.group(rows)
        old = [c for c in result.clubs if c.number in origin]
        new_clubs.append(Club(
            number=i + 1, members=tuple(names[rows]), b=b, se=se, tstat=t,
            cstar=old[0].cstar if len(old) == 1 else None,
            core_size=old[0].core_size if len(old) == 1 else None,
            merged_from=tuple(origin) if len(origin) > 1 or method is not None else (),
        ))
    settings = dict(s, merge=method, merge_divergent=merge_divergent, estar=est)
    return ClubsResult(clubs=tuple(new_clubs), divergent=tuple(names[div]), regions=regs,
                       times=result.times, values=result.values, groups=result.groups,
                       settings=settings)


def _merge_ps(eng: _Engine, groups: list) -> list:
    out = []
    i = 0
    while i < len(groups):
        rows, origin = groups[i]
        j = i + 1
        while j < len(groups):
            cand = np.concatenate([rows, groups[j][0]])
            if eng.group(cand)[2] > eng.thr:
                rows, origin = cand, tuple(origin) + tuple(groups[j][1])
                j += 1
            else:
                break
        out.append((rows, tuple(origin)))
        i = j
    return out


def _merge_vlt(eng: _Engine, groups: list) -> list:
    groups = list(groups)
    while len(groups) > 1:
        tp = [eng.group(np.concatenate([groups[m][0], groups[m + 1][0]]))[2]
              for m in range(len(groups) - 1)]
        for m, t in enumerate(tp):
            last = m == len(tp) - 1
            if t > eng.thr and (last or t > tp[m + 1]):
                rows = np.concatenate([groups[m][0], groups[m + 1][0]])
                groups[m : m + 2] = [(rows, tuple(groups[m][1]) + tuple(groups[m + 1][1]))]
                break
        else:
            break
    return groups


def _merge_divergent(eng: _Engine, groups: list, div: np.ndarray, estar: float):
    groups = [(rows, origin) for rows, origin in groups]
    tmat = np.vstack([eng.add_one(rows, div) for rows, _ in groups])  # clubs x divergent
    while len(div):
        k, j = np.unravel_index(np.nanargmax(np.where(np.isnan(tmat), -np.inf, tmat)),
                                tmat.shape)
        if not tmat[k, j] > estar:
            break
        rows, origin = groups[k]
        groups[k] = (np.concatenate([rows, div[j : j + 1]]), origin)
        div = np.delete(div, j)
        tmat = np.delete(tmat, j, axis=1)
        if len(div):
            tmat[k] = eng.add_one(groups[k][0], div)
    return groups, div


# ============================================================ input helpers
def _hac(hac: str) -> str:
    h = str(hac).upper()
    if h not in ("FQSB", "AQSB"):
        raise DataError(f"hac must be 'FQSB' or 'AQSB', got {hac!r}")
    return h


def _order(values: np.ndarray, fraction: float) -> np.ndarray:
    """Descending order by the last period, or by the mean of the last periods (psecta fr())."""
    t = values.shape[1]
    if not 0 <= fraction < 1:
        raise DataError(f"order_fraction must be in [0, 1), got {fraction!r}")
    if fraction == 0:
        key = values[:, -1]
    else:
        k = max(1, t - int((1 - fraction) * t))
        key = values[:, -k:].mean(axis=1)
    return np.argsort(-key, kind="stable")


def _check_spread(values: np.ndarray, times: pd.Index, what: str) -> None:
    """A period whose values are equal in every region (to ~12 digits) has H_t = 0: log(H_1/H_t)
    is undefined and every club or t statistic would be an artefact. Not computed, the period
    named (the same rule as :func:`crossborder.measures._degenerate.nil_spread`)."""
    top = np.abs(values).max(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = values / np.where(top > 0, top, 1.0)
    nil = scaled.std(axis=0) <= 1e-12
    if nil.any():
        j = int(np.flatnonzero(nil)[0])
        t = times[j].item() if isinstance(times[j], np.generic) else times[j]
        every = " (in every period: constant data)" if nil.all() else ""
        raise not_computed(what, f"the values of {t} are the same in every region{every}: the "
                                 f"cross-sectional variance H_{t} is 0 and log(H_1/H_t) is "
                                 "undefined")


def _matrix(data: Any, logged: bool) -> tuple[np.ndarray, pd.Index, pd.Index, pd.Series | None]:
    groups = None
    if isinstance(data, Panel):
        m = data.to_matrix()
        values, regions, times = m.values, m.regions, m.times.rename(data.time_name)
        groups = data.group_labels()
    elif isinstance(data, pd.DataFrame):
        values = data.to_numpy(dtype=float)
        regions, times = pd.Index(data.index), pd.Index(data.columns)
    else:
        values = np.asarray(data, dtype=float)
        if values.ndim != 2:
            raise DataError(f"need an N x T array, got shape {values.shape}")
        regions, times = pd.RangeIndex(values.shape[0]), pd.RangeIndex(values.shape[1])
    values = np.array(values, dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise DataError(
            f"the log t test needs a balanced panel: region {regions[i]!r} has no value in "
            f"{times[j]!r} ({int(bad.any(axis=1).sum())} region(s) incomplete; "
            "Panel.balanced() keeps the complete ones)", column=str(times[j]))
    if not logged:
        if (values <= 0).any():
            i, j = np.argwhere(values <= 0)[0]
            raise DataError(f"log of a non-positive value {values[i, j]!r} for region "
                            f"{regions[i]!r} in {times[j]!r}", column=str(times[j]))
        values = np.log(values)
    if values.shape[0] < 2:
        raise DataError(f"the log t test needs at least 2 regions, got {values.shape[0]}")
    return values, regions, times, groups
