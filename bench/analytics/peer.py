"""The peer of scripts/bench-analytics: the same work in pandas and statsmodels, as an analyst
would write it, printing the results as JSON for bench/analytics/compare.py.

Usage: peer.py summary FILE.csv      (composite by country, sex and phase)
       peer.py regress FILE.csv      (composite ~ age + sex + time + country + program)
"""

import json
import sys

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

task, path = sys.argv[1], sys.argv[2]
data = pd.read_csv(path, keep_default_na=False, na_values=["", "NA", "N/A", "n/a", "NaN", "nan", "#N/A"])
if task == "summary":
    g = data.dropna(subset=["composite"]).groupby(["country", "sex", "phase"], sort=True)["composite"]
    table = g.agg(["count", "mean", "std", "median"])
    bands = g.agg(intensive=lambda v: (v < 0.33).mean(), light=lambda v: (v > 0.66).mean())
    out = [{"group": list(k), "n": int(r["count"]), "mean": r["mean"], "sd": r["std"], "median": r["median"],
            "intensive": bands.loc[k, "intensive"], "light": bands.loc[k, "light"]} for k, r in table.iterrows()]
else:
    fit = smf.ols("composite ~ age + sex + time + country + program", data=data).fit()
    # Names as R writes them: `sex[T.Male]` is `sexMale`.
    name = lambda p: "(Intercept)" if p == "Intercept" else p.replace("[T.", "").rstrip("]")
    out = {"n": int(fit.nobs), "r_squared": fit.rsquared,
           "coefficients": {name(p): [float(fit.params[p]), float(fit.bse[p])] for p in fit.params.index}}
print(json.dumps(out))
