# ruff: noqa: B018 (a notebook: a cell ends with the expression it shows)
# %% [markdown]
# # The Russia–Kazakhstan border study, step by step
#
# A notebook in the "percent" format (cells start with `# %%`): open it in Jupyter with jupytext, in
# VS Code or Spyder as a notebook, or run it as a script (`python examples/study_walkthrough.py`).
# The test suite runs it (`tests/test_examples.py`). It walks the built-in study: the data, the study
# panel, sigma and beta convergence with standard errors chosen by `cov_type`, the split of inequality
# between the two countries, convergence clubs and distribution dynamics, each shown as a table and
# drawn on one figure.

# %%
from matplotlib.figure import Figure

import crossborder as cb

ds = cb.load_dataset("ru-kz")
ds                                  # one line; a table of indicators in Jupyter

# %% [markdown]
# ## The study panel
# GRP per capita in US dollars of the 12 Russian and 7 Kazakh border regions, in the years both
# countries have data, weighted by population.

# %%
p = cb.study_panel(ds)
print(p)
p.to_wide().round(0).head()

# %% [markdown]
# ## Sigma convergence: is the dispersion falling?

# %%
sig = cb.sigma(p, measure=["sd_log", "gini", "theil"])
trend = cb.sigma_trend(p, cov_type="HAC")        # Newey-West, 1 lag; t(n - 2) p-value
trend.summary()

# %% [markdown]
# ## Beta convergence, classical and robust
# `cov_type` is spelled as in statsmodels; robust p-values use Student's t with n - k degrees of
# freedom. With two countries, clustering by country would rest on two clusters: crossborder warns.

# %%
t0, t1 = p.times[0], p.times[-1]
absolute = cb.beta(p, t0, t1)
conditional = cb.beta(p, t0, t1, controls="group", cov_type="HC1")
table = cb.compare(absolute, conditional, names=["absolute", "conditional, HC1"])
table

# %% [markdown]
# ## How much of the inequality is between the two countries?

# %%
split = cb.decompose(p, index="theil", by="group", weighted=True)
split[["total", "between", "within", "between_share"]].round(4)

# %% [markdown]
# ## Clubs and distribution dynamics

# %%
clubs = cb.clubs(cb.hp_filter(p.log()))
chain = cb.markov(p, k=4)
clubs.summary()

# %%
fig = Figure(figsize=(10, 7))
axes = fig.subplots(2, 2)
conditional.plot(ax=axes[0, 0])
from crossborder.charts import sigma_chart  # noqa: E402

sigma_chart(sig[["sd_log"]], ax=axes[0, 1])
clubs.plot(ax=axes[1, 0])
chain.plot(ax=axes[1, 1])
fig.tight_layout()
fig
