"""Oracles for `homeward analyze summary` and `analyze change`, written from the definitions with
pandas and statsmodels, independently of Homeward.

  m_and_e.py summary FILE.csv MEASURE BY1,BY2 INTENSIVE_BELOW LIGHT_ABOVE
      groups with n, mean, sd (n-1), median and band shares (no suppression: call Homeward
      with --min-cell 1)
  m_and_e.py did FILE.csv ID PHASE MEASURE GROUP FROM TO CONTROL
      per-case change, then OLS of the change on the treated dummy (statsmodels): the
      difference in differences with its classical standard error, t, p and 95 % interval
"""

import json
import sys

import numpy as np
import pandas as pd
import statsmodels.api as sm

MISSING = ["", "NA", "N/A", "n/a", "NaN", "nan", "#N/A"]


def read(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=MISSING)


def summary(path, measure, by, intensive_below, light_above):
    data = read(path)
    keys = [k for k in by.split(",") if k]
    data = data[[measure] + keys].dropna()
    data[measure] = data[measure].astype(float)
    rows = []
    for group, frame in data.groupby(keys, sort=True):
        group = group if isinstance(group, tuple) else (group,)
        v = frame[measure]
        rows.append({
            "group": [str(g) for g in group],
            "n": int(v.count()),
            "mean": float(v.mean()),
            "sd": None if len(v) < 2 else float(v.std(ddof=1)),
            "median": float(v.median()),
            "q1": float(v.quantile(0.25)),
            "q3": float(v.quantile(0.75)),
            "bands": [float((v < intensive_below).mean()), float(((v >= intensive_below) & (v <= light_above)).mean()),
                      float((v > light_above).mean())],
        })
    print(json.dumps({"rows": rows, "n": int(len(data))}))


def did(path, case, phase, measure, group, before, after, control):
    data = read(path).dropna(subset=[case, phase, measure, group])
    data[measure] = data[measure].astype(float)
    wide = data.pivot(index=case, columns=phase, values=measure)[[before, after]].dropna()
    groups = data.groupby(case)[group].first()
    change = (wide[after] - wide[before]).rename("change").to_frame().join(groups)
    treated = (change[group] != control).astype(float)
    fit = sm.OLS(change["change"].to_numpy(), sm.add_constant(treated.to_numpy())).fit()
    low, high = np.asarray(fit.conf_int(0.05))[1]
    print(json.dumps({
        "cases": int(len(change)),
        "estimate": float(fit.params[1]), "std_error": float(fit.bse[1]), "t_value": float(fit.tvalues[1]),
        "p_value": float(fit.pvalues[1]), "conf_low": float(low), "conf_high": float(high),
    }))


if sys.argv[1] == "summary":
    summary(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]), float(sys.argv[6]))
else:
    did(*sys.argv[2:10])
