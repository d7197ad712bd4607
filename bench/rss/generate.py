#!/usr/bin/env python3
"""Generate N RSS surveys as a CSV of the batch contract, with a realistic mix: mostly complete
surveys (some dk/dwa), and a few refused, incomplete and wrong rows of every kind.

Usage: generate.py N OUT.csv [--seed S] [--clean]
  --clean   only complete, valid surveys (for measuring pure scoring speed)
Answer codes come from docs/rss/codebook.csv, so the file follows the shared codebook.
"""
import argparse
import csv
import pathlib

import numpy as np
import pandas as pd

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Answers of select_multiple questions, as whole cells.
MULTI = {
    "Q8": ["land", "animals trees", "no", "dwa", "equipment", "land buildings vehicles", "other"],
    "Q10": ["unemployed", "unhappy_salary", "unhappy_work unhappy_conditions", "other"],
    "Q32": ["family", "family friends", "no_one", "iom ngos", "religious community_leaders", "other_returnees"],
}
# Wrong cells: (question, cell) that make a row invalid.
WRONG = [("Q1", "thrilled"), ("Q3", "very_good"), ("Q8", "land no"), ("Q8", "land land"), ("Q32", "no_one family"),
         ("Q3", "yes no"), ("Q21", "0.5"), ("Q14", "Yes")]


def codebook():
    codes = {}
    with open(ROOT / "docs/rss/codebook.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row["code"]:
                codes.setdefault(row["question"], []).append(row["code"])
    return codes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--clean", action="store_true")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    n = args.n
    codes = codebook()
    questions = [f"Q{i}" for i in range(1, 33)]
    data = {"survey_id": np.char.add("S", np.arange(1, n + 1).astype(str)), "consent": np.full(n, "yes", dtype=object)}
    for q in questions:
        if q == "Q21":
            data[q] = np.full(n, "", dtype=object)
            continue
        options = MULTI.get(q, codes[q])
        # Non-answers are rarer than answers.
        p = np.array([0.25 if o in ("dk", "dwa", "na") else 1.0 for o in options])
        data[q] = np.array(options, dtype=object)[rng.choice(len(options), size=n, p=p / p.sum())]
    data["Q10"] = np.where(data["Q9"] == "yes", data["Q10"], "")
    data["Q31"] = np.where(data["Q30"] == "no", data["Q31"], "")
    df = pd.DataFrame(data)

    if not args.clean:
        kind = rng.random(n)
        refused = kind < 0.03
        df.loc[refused, "consent"] = "no"
        incomplete = (kind >= 0.03) & (kind < 0.06)
        gap = rng.choice([q for q in questions if q not in ("Q10", "Q21", "Q31")], size=incomplete.sum())
        for q in np.unique(gap):
            rows = np.flatnonzero(incomplete)[gap == q]
            df.loc[rows, q] = ""
        wrong = (kind >= 0.06) & (kind < 0.09)
        which = rng.integers(0, len(WRONG), size=wrong.sum())
        for w in np.unique(which):
            q, cell = WRONG[w]
            df.loc[np.flatnonzero(wrong)[which == w], q] = cell
        # Answers to questions that skip logic says are not asked.
        skipped = (kind >= 0.09) & (kind < 0.10) & (df["Q9"] != "yes")
        df.loc[skipped, "Q10"] = "unemployed"
        # Repeated and empty survey ids.
        dup = np.flatnonzero((kind >= 0.10) & (kind < 0.105))
        df.loc[dup, "survey_id"] = df["survey_id"].to_numpy()[rng.integers(0, n, size=len(dup))]
        df.loc[(kind >= 0.105) & (kind < 0.107), "survey_id"] = ""
        # Stray white space, which is ignored.
        df.loc[(kind >= 0.2) & (kind < 0.25), "Q1"] = " " + df["Q1"] + " "

    # Columns in a shuffled order: order is free in the contract.
    cols = list(df.columns)
    rng.shuffle(cols)
    df[cols].to_csv(args.out, index=False)


if __name__ == "__main__":
    main()
