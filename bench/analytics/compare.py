"""Checks that Homeward's and the peer's results of scripts/bench-analytics agree (1e-8 relative).

Usage: compare.py summary homeward.json peer.json | compare.py regress homeward.json peer.json
"""

import json
import math
import sys

task, ours, theirs = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))


def close(a, b, what):
    if not math.isclose(a, b, rel_tol=1e-8, abs_tol=1e-12):
        sys.exit(f"differ at {what}: homeward {a!r}, peer {b!r}")


if task == "summary":
    rows = ours["rows"]
    assert len(rows) == len(theirs), (len(rows), len(theirs))
    for a, b in zip(rows, theirs):
        assert a["group"] == b["group"], (a["group"], b["group"])
        assert a["n"] == b["n"], (a["group"], a["n"], b["n"])
        for k in ["mean", "sd", "median"]:
            close(a[k], b[k], f"{a['group']} {k}")
        close(a["bands"][0], b["intensive"], f"{a['group']} intensive")
        close(a["bands"][2], b["light"], f"{a['group']} light")
    print(f"summary: {len(rows)} groups agree")
else:
    assert ours["n"] == theirs["n"]
    close(ours["r_squared"], theirs["r_squared"], "r_squared")
    assert sorted(c["term"] for c in ours["coefficients"]) == sorted(theirs["coefficients"]), "the same terms"
    for c in ours["coefficients"]:
        e, s = theirs["coefficients"][c["term"]]
        close(c["estimate"], e, c["term"])
        close(c["std_error"], s, c["term"] + " se")
    print(f"regression: {len(ours['coefficients'])} coefficients agree")
