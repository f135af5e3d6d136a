"""The example notebook (examples/study_walkthrough.py, percent format: nbformat/nbclient are not
dependencies, so the test runs it as a script) runs from start to end and shows what it says."""

from __future__ import annotations

import runpy
from pathlib import Path

import numpy as np
import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "study_walkthrough.py"


def test_walkthrough_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import statsmodels.api as sm

    monkeypatch.chdir(tmp_path)
    ns = runpy.run_path(str(EXAMPLE), run_name="__main__")
    p = ns["p"]
    assert p.shape[0] == 19 and set(p.group_labels()) == {"RU", "KZ"}
    # the comparison table holds the two fits, as statsmodels computes them
    logs = np.log(p.to_matrix().values)
    g = (logs[:, -1] - logs[:, 0]) / (p.times[-1] - p.times[0])
    ru = (p.group_labels() == "RU").to_numpy(dtype=float)
    plain = sm.OLS(g, sm.add_constant(logs[:, 0])).fit()
    hc1 = sm.OLS(g, np.column_stack([np.ones(19), logs[:, 0], ru])).fit(cov_type="HC1", use_t=True)
    table = ns["table"]
    assert table.loc["coef", "absolute"] == pytest.approx(plain.params[1], rel=1e-9)
    assert table.loc["se", "conditional, HC1"] == pytest.approx(hc1.bse[1], rel=1e-9)
    assert table.loc["pvalue", "conditional, HC1"] == pytest.approx(hc1.pvalues[1], rel=1e-9)
    split = ns["split"]
    np.testing.assert_allclose(split["between"] + split["within"], split["total"], rtol=1e-10)
    # the four panels were drawn on the notebook's one figure
    fig = ns["fig"]
    assert len(fig.axes) >= 4 and all(ax.has_data() for ax in fig.axes[:4])
