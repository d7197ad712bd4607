#!/usr/bin/env python3
"""Compare Homeward's results with the peer's, row by row. Exit 1 on any disagreement.

Usage: compare.py HOMEWARD.csv PEER.csv
Statuses, the field a reason names, bands, dk/dwa counts, the low-accuracy flag and the profile
must be equal; scores equal within 1e-12 (the two sum in different orders).
"""
import sys

import numpy as np
import pandas as pd


def main(a_path, b_path):
    a = pd.read_csv(a_path, dtype=str, keep_default_na=False)
    b = pd.read_csv(b_path, dtype=str, keep_default_na=False)
    problems = []
    if list(a.columns) != list(b.columns):
        problems.append(f"columns differ: {list(a.columns)} vs {list(b.columns)}")
    if len(a) != len(b):
        problems.append(f"row counts differ: {len(a)} vs {len(b)}")
    if not problems:
        field = lambda s: s.str.split(":").str[0]
        exact = ["survey_id", "status", "economic_band", "social_band", "psychosocial_band", "composite_band",
                 "dk_dwa_count", "low_accuracy", "profile"]
        for col in exact:
            diff = np.flatnonzero(a[col].to_numpy() != b[col].to_numpy())
            if len(diff):
                problems.append(f"{col}: {len(diff)} rows differ, first at data row {diff[0] + 1}: {a[col][diff[0]]!r} vs {b[col][diff[0]]!r}")
        diff = np.flatnonzero(field(a["reason"]).to_numpy() != field(b["reason"]).to_numpy())
        if len(diff):
            problems.append(f"reason field: {len(diff)} rows differ, first at data row {diff[0] + 1}: {a['reason'][diff[0]]!r} vs {b['reason'][diff[0]]!r}")
        for col in ["economic", "social", "psychosocial", "composite"]:
            x = pd.to_numeric(a[col].replace("", np.nan))
            y = pd.to_numeric(b[col].replace("", np.nan))
            same = (np.isnan(x) & np.isnan(y)) | (np.abs(x - y) <= 1e-12)
            diff = np.flatnonzero(~same.to_numpy())
            if len(diff):
                problems.append(f"{col}: {len(diff)} rows differ, first at data row {diff[0] + 1}: {a[col][diff[0]]} vs {b[col][diff[0]]}")
    for p in problems:
        print(p)
    print(f"compared {len(a)} rows: {'agree' if not problems else 'DISAGREE'}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
