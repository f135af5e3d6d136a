"""A robustness result from hand-made rows, for tests of the verdict: the columns a row does not give
are NaN, and the grid's alpha is recorded as the robustness function records it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crossborder.study.robustness import TABLE_COLUMNS, RobustnessResult


def grid_result(rows: list[dict], alpha: float = 0.05) -> RobustnessResult:
    t = pd.DataFrame(rows)
    for c in TABLE_COLUMNS:
        if c not in t:
            t[c] = np.nan
    return RobustnessResult(t[TABLE_COLUMNS], pd.DataFrame(), {"alpha": alpha})
