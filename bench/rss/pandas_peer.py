#!/usr/bin/env python3
"""The benchmark peer: SCORING.md's rules for the provisional profile, vectorised with pandas.

An independent implementation (it reads only docs/rss/codebook.csv, not Homeward's data files),
used to check Homeward's results and to time them against what an analyst would write.

Usage: pandas_peer.py INPUT.csv OUTPUT.csv
Limits: rows with more or fewer fields than the header are not handled (pandas refuses them);
the generator never makes them. Reasons name the field only ("Q8: ..."), not Homeward's words.
"""
import csv
import pathlib
import sys

import numpy as np
import pandas as pd

ROOT = pathlib.Path(__file__).resolve().parents[2]
PROFILE = "rss-provisional-1"
DIMENSIONS = {"economic": range(1, 11), "social": range(11, 22), "psychosocial": range(22, 33)}
RELEVANT = {"Q10": ("Q9", "yes"), "Q31": ("Q30", "no")}
Q21_INPUTS = ["Q13", "Q15", "Q17", "Q18", "Q19"]
STAND_ALONE = {"Q8": {"no", "dwa"}, "Q32": {"no_one"}}
NON_ANSWERS = {"dk", "dwa", "na"}


def load_codebook():
    kind, weight, values, codes = {}, {}, {}, {}
    with open(ROOT / "docs/rss/codebook.csv", newline="") as f:
        for row in csv.DictReader(f):
            q = row["question"]
            kind[q] = row["type"]
            weight[q] = float(row["weight"])
            if row["code"]:
                codes.setdefault(q, []).append(row["code"])
                if row["provisional_score"]:
                    values.setdefault(q, {})[row["code"]] = float(row["provisional_score"])
    return kind, weight, values, codes


def first_reason(conditions, n):
    """The field of the first condition (in the given order) that holds, per row; '' if none."""
    reason = np.full(n, "", dtype=object)
    for field, cond in reversed(conditions):
        reason = np.where(cond, field, reason)
    return reason


def main(inp, out):
    kind, weight, values, codes = load_codebook()
    questions = [f"Q{i}" for i in range(1, 33)]
    asked = [q for q in questions if kind[q] != "derived"]
    df = pd.read_csv(inp, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    df.columns = [c.strip() for c in df.columns]
    missing = [c for c in ["survey_id", "consent"] + asked if c not in df.columns]
    if missing:
        sys.exit(f"missing column {missing[0]}")
    n = len(df)
    cell = {q: df[q].str.strip() if q in df.columns else pd.Series([""] * n) for q in questions}
    survey_id = df["survey_id"].str.strip()
    all_codes = set().union(*codes.values())

    invalid = []  # (field, condition) in precedence order
    invalid.append(("survey_id", (survey_id == "").to_numpy()))
    invalid.append(("survey_id", ((survey_id != "") & survey_id.duplicated()).to_numpy()))
    value = {}
    dk_dwa = np.zeros(n, dtype=np.int64)
    chosen_one = {}
    for q in questions:
        c = cell[q]
        empty = (c == "").to_numpy()
        if kind[q] == "derived":
            invalid.append((q, ~empty))
            continue
        if kind[q] == "select_one":
            bad = ~empty & ~c.isin(codes[q]).to_numpy()
            value[q] = c.map(values.get(q, {})).to_numpy(dtype=float)
            chosen_one[q] = c
            dk_dwa += c.isin(["dk", "dwa"]).to_numpy()
        else:
            tokens = c.str.split().explode()
            tokens = tokens[tokens.notna() & (tokens != "")]
            row = tokens.index.to_numpy()
            wrong = ~tokens.isin(codes[q]).to_numpy()
            repeated = pd.DataFrame({"row": row, "t": tokens.to_numpy()}).duplicated().to_numpy()
            count = np.bincount(row, minlength=n)
            alone = tokens.isin(STAND_ALONE.get(q, set())).to_numpy()
            bad_token = wrong | repeated | (alone & (count[row] > 1))
            bad = np.zeros(n, dtype=bool)
            bad[row[bad_token]] = True
            token_value = tokens.map(values.get(q, {})).to_numpy(dtype=float)
            best = pd.Series(token_value).groupby(row).max()
            value[q] = np.full(n, np.nan)
            value[q][best.index.to_numpy()] = best.to_numpy()
            counted = np.zeros(n, dtype=np.int64)
            counted[row[np.isin(tokens.to_numpy(), ["dk", "dwa"])]] = 1
            dk_dwa += counted
        if q in RELEVANT:
            gate, code = RELEVANT[q]
            not_asked = (chosen_one[gate] != code).to_numpy()
            bad = bad | (~empty & not_asked)
            value[q] = np.where(not_asked, np.nan, value[q])
        invalid.append((q, bad))
    invalid_field = first_reason(invalid, n)
    is_invalid = invalid_field != ""

    consent = df["consent"].str.strip().to_numpy()
    gaps = [("consent", consent != "yes")]
    for q in asked:
        empty = (cell[q] == "").to_numpy()
        if q in RELEVANT:
            gate, code = RELEVANT[q]
            empty = empty & (chosen_one[gate] == code).to_numpy()
        gaps.append((q, empty))
    discard_field = first_reason(gaps, n)
    is_discarded = ~is_invalid & (discard_field != "")
    scored = ~is_invalid & ~is_discarded

    with np.errstate(all="ignore"), __import__("warnings").catch_warnings():
        __import__("warnings").simplefilter("ignore", RuntimeWarning)  # all five inputs missing: Q21 is missing
        value["Q21"] = np.nanmean(np.column_stack([value[q] for q in Q21_INPUTS]), axis=1) if n else np.array([])
    scores = {}
    total_wv, total_w = np.zeros(n), np.zeros(n)
    for dim, numbers in DIMENSIONS.items():
        wv, w = np.zeros(n), np.zeros(n)
        for i in numbers:
            q = f"Q{i}"
            if q not in value or weight[q] == 0:
                continue
            present = ~np.isnan(value[q])
            wv += np.where(present, weight[q] * np.nan_to_num(value[q]), 0)
            w += np.where(present, weight[q], 0)
        scores[dim] = np.where(w > 0, wv / np.where(w > 0, w, 1), np.nan)
        total_wv += wv
        total_w += w
    scores["composite"] = np.where(total_w > 0, total_wv / np.where(total_w > 0, total_w, 1), np.nan)

    result = pd.DataFrame({"survey_id": survey_id})
    result["status"] = np.select([is_invalid, is_discarded], ["invalid", "discarded"], "scored")
    result["reason"] = np.where(is_invalid, invalid_field, np.where(is_discarded, discard_field, ""))
    result["reason"] = np.where(result["reason"] != "", result["reason"] + ": see Homeward for the words", "")
    for name in ["economic", "social", "psychosocial", "composite"]:
        result[name] = np.where(scored, scores[name], np.nan)
    for name in ["economic", "social", "psychosocial", "composite"]:
        s = result[name].to_numpy()
        band = np.select([s < 0.33, s > 0.66], ["intensive", "light"], "standard")
        result[f"{name}_band"] = np.where(np.isnan(s), "", band)
    result["dk_dwa_count"] = np.where(scored, dk_dwa.astype(str), "")
    result["low_accuracy"] = np.where(scored & (dk_dwa > 7), "true", "false")
    result["profile"] = PROFILE
    result.to_csv(out, index=False)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
