"""Generates survey rows for scripts/bench-analytics: composite scores that depend on age, sex,
time since return, country and programme, with some missing scores, at three phases.

Usage: generate.py N OUT.csv [--seed S]
"""

import sys

import numpy as np
import pandas as pd

n, out = int(sys.argv[1]), sys.argv[2]
seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 42
rng = np.random.default_rng(seed)
countries = np.array(["Côte Divoire", "Ethiopia", "Guinea", "Guinea-Bissau", "Nigeria", "Other", "Senegal"])
programs = np.array(["Financial Services", "Material Assistance", "Medical Support", "Microbusiness", "None",
                     "Psychosocial Support", "Training"])
phases = np.array(["baseline", "intermediate", "final"])
c = rng.integers(0, len(countries), n)
p = rng.integers(0, len(programs), n)
age = rng.integers(18, 63, n)
female = rng.random(n) < 0.4
time = rng.integers(0, 4, n)
score = 0.45 + 0.001 * age + 0.03 * time - 0.02 * c + 0.015 * p + 0.01 * female + (rng.random(n) - 0.5) * (0.05 + 0.1 * time)
score = np.clip(score, 0, 1).round(6).astype(str)
score[rng.random(n) < 0.03] = ""
pd.DataFrame({
    "case": np.arange(n),
    "phase": phases[rng.integers(0, 3, n)],
    "composite": score,
    "age": age,
    "sex": np.where(female, "Female", "Male"),
    "time": time,
    "country": countries[c],
    "program": programs[p],
}).to_csv(out, index=False)
