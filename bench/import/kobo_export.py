"""Writes a synthetic KoboToolbox export of Homeward's RSS form (CSV with `;`, group paths, Kobo's
meta columns, Q8 also as 1/0 columns) for the import benchmark: ROWS submissions spread over the
case numbers given on standard input, answers drawn from the codebook. Standard library only.

    python3 kobo_export.py CODEBOOK ROWS OUT.csv < case_numbers.txt
"""

import csv
import random
import re
import sys

codebook, rows, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
cases = [line.strip() for line in sys.stdin if line.strip()]
codes = {}
kinds = {}
dimension = {}
# A question asked only when another has a given answer, as the codebook's notes say.
asked_if = {}
with open(codebook, newline="", encoding="utf-8") as f:
    for r in csv.DictReader(f):
        kinds[r["question"]] = r["type"]
        dimension[r["question"]] = r["dimension"]
        condition = re.search(r"asked only if (Q\d+) = (\w+)", r["note"])
        if condition:
            asked_if[r["question"]] = condition.groups()
        if r["type"] != "derived":
            codes.setdefault(r["question"], []).append(r["code"])
questions = [q for q in codes]
rng = random.Random(7)
q8 = [c for c in codes["Q8"] if c not in ("no", "dk", "dwa")]
header = ["start", "end", "today", "deviceid", "username", "profile/case_id", "profile/round",
          "profile/interview_date", "consent"]
header += [f"{dimension[q]}/{q}" for q in questions]
header += [f"economic/Q8/{c}" for c in q8]
header += ["_id", "_uuid", "_submission_time", "_index", "_validation_status", "__version__"]
rounds = ["baseline", "intermediate", "final", "ad_hoc"]
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, delimiter=";")
    w.writerow(header)
    for i in range(rows):
        day = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}"
        row = [f"{day}T09:00:00.000+00:00", f"{day}T09:40:00.000+00:00", day, f"collect:{i % 50}",
               f"enumerator{i % 20}", cases[i % len(cases)], rounds[i % 4], day, "yes"]
        chosen_q8 = []
        answered = {}
        for q in questions:
            if q in asked_if and answered.get(asked_if[q][0]) != asked_if[q][1]:
                row.append("")
            elif kinds[q] == "select_multiple":
                picked = rng.sample(codes[q][:-2] if len(codes[q]) > 3 else codes[q], 2)
                if q == "Q8":
                    picked = rng.sample(q8, 2)
                    chosen_q8 = picked
                row.append(" ".join(picked))
            else:
                row.append(rng.choice(codes[q]))
            answered[q] = row[-1]
        row += ["1" if c in chosen_q8 else "0" for c in q8]
        row += [str(i + 1), f"{i:08x}-bench-{rows}", f"{day}T10:00:00", str(i + 1), "", "vBench"]
        w.writerow(row)
