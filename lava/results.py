#!/usr/bin/python3
# lava/results.py OUTDIR LOG: the results a lava-run of the nsxlate job
# logged (LOG: its output, one YAML mapping a line; those of level
# "results" are LAVA's test cases), per test set, then the whole run as
# "N passed, N failed, N skipped" (and ", N known kernel bugs (xfail)" for
# LAVA's "unknown", what lava/ktap-to-lava.sh records for a KTAP XFAIL),
# the last line, as the runner prints it.  runner-status, the runner's exit
# status, is not a case: a pass that ended with another status counts as
# one failure more.  Exit 1 when the job recorded no nsxlate case.
import sys

import yaml

log = sys.argv[2]
sets = {}
status_bad = 0
with open(log, encoding="utf-8", errors="replace") as f:
    for line in f:
        if '"lvl": "results"' not in line:
            continue
        try:
            msg = yaml.safe_load(line)["msg"]
        except (yaml.YAMLError, KeyError, TypeError):
            continue
        if not str(msg.get("definition", "")).endswith("_nsxlate"):
            continue
        s = sets.setdefault(msg.get("set", "-"), {"pass": 0, "fail": 0, "skip": 0, "unknown": 0})
        if msg.get("case") == "runner-status":
            status_bad += msg.get("result") != "pass"
            print("%s: runner status %s" % (msg.get("set", "-"), msg.get("measurement")))
            continue
        s[msg.get("result", "fail")] = s.get(msg.get("result", "fail"), 0) + 1
total = {"pass": 0, "fail": 0, "skip": 0, "unknown": 0}
for name, s in sets.items():
    print("%s: %d passed, %d failed, %d skipped, %d unknown" % (name, s["pass"], s["fail"], s["skip"], s["unknown"]))
    for k in total:
        total[k] += s.get(k, 0)
line = "%d passed, %d failed, %d skipped" % (total["pass"], total["fail"] + status_bad, total["skip"])
if total["unknown"]:
    line += ", %d known kernel bug%s (xfail)" % (total["unknown"], "" if total["unknown"] == 1 else "s")
print(line)
sys.exit(0 if sets else 1)
