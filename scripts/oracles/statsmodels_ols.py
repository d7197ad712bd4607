"""The regression oracle: the same model as `homeward analyze regress`, fitted by statsmodels.

Usage: statsmodels_ols.py FILE.csv "y ~ a + b" [term=level,...] [hc1]

The design is built here independently of Homeward: a column with any value that is not a
number is categorical, coded with one 0/1 column per level except the reference (the first in
sorted order unless chosen), named as R names them (`programMedical Support`); rows with a
missing value in the model are dropped. statsmodels fits it (classical, or HC1 with t tests, as
R's coeftest does) and the result is printed as JSON with Homeward's field names.
"""

import json
import sys

import numpy as np
import pandas as pd
import statsmodels.api as sm

MISSING = ["", "NA", "N/A", "n/a", "NaN", "nan", "#N/A"]


def main():
    path, formula = sys.argv[1], sys.argv[2]
    references = dict(p.split("=", 1) for p in (sys.argv[3] if len(sys.argv) > 3 else "").split(",") if p)
    robust = len(sys.argv) > 4 and sys.argv[4] == "hc1"
    response, rhs = (s.strip() for s in formula.split("~"))
    terms = [t.strip().strip("`") for t in rhs.split("+")]
    data = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=MISSING)
    data = data[[response] + terms].dropna()
    y = data[response].astype(float)
    columns = {"(Intercept)": np.ones(len(data))}
    for term in terms:
        numeric = pd.to_numeric(data[term], errors="coerce")
        if numeric.notna().all():
            columns[term] = numeric.to_numpy()
            continue
        levels = sorted(data[term].str.strip().unique())
        reference = references.get(term, levels[0])
        for level in levels:
            if level != reference:
                columns[term + level] = (data[term].str.strip() == level).astype(float).to_numpy()
    x = pd.DataFrame(columns)
    model = sm.OLS(y.to_numpy(), x)
    fit = model.fit(cov_type="HC1", use_t=True) if robust else model.fit()
    ci = np.asarray(fit.conf_int(0.05))
    params, bse, tvalues, pvalues = (np.asarray(v) for v in (fit.params, fit.bse, fit.tvalues, fit.pvalues))
    print(json.dumps({
        "n": int(fit.nobs),
        "df_resid": int(fit.df_resid),
        "r_squared": fit.rsquared,
        "adj_r_squared": fit.rsquared_adj,
        "sigma": float(np.sqrt(fit.scale)),
        "f_statistic": float(np.squeeze(fit.fvalue)),
        "f_p_value": float(np.squeeze(fit.f_pvalue)),
        "coefficients": [
            {"term": name, "estimate": params[i], "std_error": bse[i], "t_value": tvalues[i],
             "p_value": pvalues[i], "conf_low": ci[i][0], "conf_high": ci[i][1]}
            for i, name in enumerate(x.columns)
        ],
    }))


main()
