#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""docs/catalogue.py - the catalogues generated from what the cases declare.

Every fact about a case is kept once, in its NSX_CASE() declaration
(lib/nsx.h), which `nsxrun --meta` prints as JSON; the kernels it passed on
are the KTAP reports `make vm` wrote (docs/ktap/<release>.txt, copied there
by `make checked-on`).  From those this writes, to stdout:

  families     "family|rule|cases" lines, for docs/semantics.sh
  checked-on   "release|where|skipped|xfail|not run" lines, likewise
  cases        docs/cases.md, the cases table
  findings     docs/findings.md, the inconsistencies the cases pin
  kconfig      the kernel options the cases need, each with its cases
  check        nothing: exits 1 naming every declaration that disagrees
               with docs/family-rules.txt, the map or the golden files

usage: docs/catalogue.py WHAT [META.json]  (default: build/runner/nsxrun --meta)
"""
import glob
import json
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def meta(path):
    if path:
        with open(path) as f:
            return json.load(f)
    runner = os.environ.get("NSXRUN", os.path.join(TOP, "build/runner/nsxrun"))
    out = subprocess.run([runner, "--meta"], cwd=TOP, stdout=subprocess.PIPE, check=True)
    return json.loads(out.stdout)


def rules():
    out = []
    with open(os.path.join(TOP, "docs/family-rules.txt")) as f:
        for line in f:
            if line.startswith("#") or "|" not in line:
                continue
            family, rule = line.rstrip("\n").split("|", 1)
            out.append((family, rule))
    return out


def words(c, key):
    return (c.get(key) or "").split()


def header(name):
    """The first paragraph of a case's header comment, on one line."""
    src = os.path.join(TOP, "cases", name + ".c")
    lines = []
    with open(src) as f:
        body = f.read().split("\n")
    for line in body[2:]:
        if line.startswith(" */"):
            break
        text = re.sub(r"^ \* ?", "", line).rstrip()
        if text in ("", "*"):
            break
        lines.append(text)
    text = " ".join(lines)
    return re.sub(r"^" + re.escape(name) + r" - ", "", text)


def ktaps():
    """[(release, first lines, root pass {case: (verdict, note)}, matched variants)]"""
    out = []
    for path in sorted(glob.glob(os.path.join(TOP, "docs/ktap/*.txt"))):
        release = os.path.basename(path)[:-4]
        head, results, variants, npass = [], {}, [], 0
        with open(path) as f:
            for line in f:
                line = line.rstrip("\n")
                if line.startswith("# pass "):
                    npass += 1
                    continue
                if npass == 0 and line.startswith("# "):
                    head.append(line[2:])
                if npass != 1:
                    continue
                m = re.match(r"(not ok|ok) \d+ (\S+)(?: # (SKIP|XFAIL)\b ?(.*))?$", line)
                if m:
                    verdict = m.group(3) or ("PASS" if m.group(1) == "ok" else "FAIL")
                    results[m.group(2)] = (verdict, m.group(4) or "")
                m = re.match(r"# (\S+): output matches (\S+) ", line)
                if m:
                    variants.append(m.group(2))
        out.append((release, head, results, sorted(set(variants))))
    return out


def where(head, variants):
    text = "; ".join(head) if head else "(no header)"
    text = re.sub(r"^(guest|machine): \S+ ", "", text)
    if variants:
        text += "; variants " + ", ".join(variants)
    return text


def families(cases):
    for family, rule in rules():
        names = sorted(c["name"] for c in cases if c.get("family") == family)
        print("%s|%s|%s" % (family, rule, " ".join(names)))


def checked_on(cases):
    names = [c["name"] for c in cases]
    for release, head, results, variants in ktaps():
        skipped = [n for n in names if results.get(n, ("",))[0] == "SKIP"]
        xfail = [n for n in names if results.get(n, ("",))[0] == "XFAIL"]
        notrun = [n for n in names if n not in results]
        failed = [n for n in names if results.get(n, ("",))[0] == "FAIL"]
        if failed:
            sys.exit("catalogue: docs/ktap/%s.txt: failed: %s" % (release, " ".join(failed)))
        print("%s|%s|%s|%s|%s" % (release, where(head, variants), " ".join(skipped),
                                  " ".join(xfail), " ".join(notrun)))


def needs(c):
    out = []
    if c.get("guest"):
        out.append("guest only (%s)" % c["guest"])
    if c.get("root"):
        out.append("root in the initial user namespace (%s)" % c["root"])
    if c.get("own_pidns"):
        out.append("a pid namespace of its own (writes %s)" % c["own_pidns"])
    if c.get("min_kernel"):
        out.append("Linux %s" % c["min_kernel"])
    if c.get("kconfig"):
        out.append(", ".join(words(c, "kconfig")))
    return "; ".join(out)


def cell(text):
    return text.replace("|", "\\|")


def cases_md(cases):
    print("# The cases\n")
    print("*Generated by `make docs` from each case's `NSX_CASE()` declaration and")
    print("the first paragraph of its header comment (`cases/<case>.c`); do not edit.")
    print("What each case prints, line by line, with the kernel code behind it, is in")
    print("[semantics.md](semantics.md); the map rows are those of")
    print("[pid-exports.md](pid-exports.md); the kernels in")
    print("[semantics.md#kernels](semantics.md#kernels).*\n")
    n = len(cases)
    print("%d cases in %d families.\n" % (n, len(rules())))
    for family, rule in rules():
        members = [c for c in cases if c.get("family") == family]
        print("## %s\n" % family)
        print("| case | what it pins down | needs | map rows |")
        print("|---|---|---|---|")
        for c in members:
            print("| `%s` | %s | %s | %s |" % (c["name"], cell(header(c["name"])),
                                          cell(needs(c)) or "-", c.get("rows") or "-"))
        print()


def findings_md(cases):
    print("# Inconsistencies found\n")
    print("*Generated by `make docs` from the `.finding` of each case's `NSX_CASE()`")
    print("declaration; do not edit.*\n")
    print("Places where the kernel numbers a pid or a uid differently from its")
    print("sibling interfaces, pinned as the kernels of")
    print("[semantics.md#kernels](semantics.md#kernels) show them (each case's")
    print("header names the function responsible). [pid-exports.md](pid-exports.md)")
    print("lists the sites no case pins yet, each with its reason.\n")
    for c in cases:
        if c.get("finding"):
            print("- %s (`%s`)" % (c["finding"], c["name"]))


def kconfig_md(cases):
    """A kselftest config fragment: vm/config's options (what the runner and
    lib need, and what make vm's own kernels build), then every option a case
    declares that vm/config does not have, each after the cases needing it."""
    with open(os.path.join(TOP, "vm/config")) as f:
        config = f.read()
    print("# nsxlate: generated by docs/catalogue.py kconfig from vm/config and the")
    print("# cases' NSX_CASE() .kconfig declarations.")
    print(config.rstrip("\n"))
    opts = {}
    for c in cases:
        for k in words(c, "kconfig"):
            opts.setdefault(k, []).append(c["name"])
    extra = [k for k in sorted(opts)
             if not re.search(r"^(# )?%s(=| is not set)" % k.split("=")[0], config, re.M)]
    if extra:
        print("\n# -- declared by cases, not built by make vm's own kernels (Debian's have them)")
        for k in extra:
            print("# %s" % " ".join(sorted(opts[k])))
            print(k if "=" in k else k + "=y")


def map_rows():
    """{row: text of the row} from docs/pid-exports.md."""
    rows = {}
    with open(os.path.join(TOP, "docs/pid-exports.md")) as f:
        for line in f:
            m = re.match(r"\| ((?:U|\d+)\.\d+) \|", line)
            if m:
                rows[m.group(1)] = line
    return rows


def check(cases):
    bad = []
    fams = [f for f, _ in rules()]
    rows = map_rows()
    for c in cases:
        n = c["name"]
        if "family" not in c:
            bad.append("%s: no declaration (%s)" % (n, c.get("stub") or c.get("error")))
            continue
        base = re.sub(r"(-musl|_shim)$", "", n)  # built from the same source
        if c["family"] not in fams:
            bad.append("%s: family \"%s\" is not in docs/family-rules.txt" % (n, c["family"]))
        for r in words(c, "rows"):
            if r not in rows:
                bad.append("%s: row %s is not in docs/pid-exports.md" % (n, r))
            elif not re.search(r"(?<![\w-])" + re.escape(base) + r"(?![\w-])", rows[r]):
                bad.append("%s: row %s of docs/pid-exports.md does not name it" % (n, r))
        files = sorted(os.path.basename(p)[len(n) + 1:-4]
                       for p in glob.glob(os.path.join(TOP, "expected", n + ".*.out")))
        if sorted(words(c, "variants")) != files and base == n:
            bad.append("%s: .variants \"%s\" but expected/ has %s" % (n, c.get("variants", ""),
                                                                    " ".join(files) or "none"))
    for f in fams:
        if not any(c.get("family") == f for c in cases):
            bad.append("family \"%s\" of docs/family-rules.txt has no case" % f)
    # every map row that names a case is declared by it
    names = {c["name"] for c in cases}
    for r, line in rows.items():
        if "✔" not in line and "◐" not in line:
            continue
        notes = "|".join(line.split("|")[-3:])
        for n in names:
            if re.search(r"(?<![\w-])" + re.escape(n) + r"(?![\w-])", notes):
                c = next(x for x in cases if x["name"] == n)
                if r not in words(c, "rows"):
                    bad.append("%s: docs/pid-exports.md row %s names it; its .rows do not" % (n, r))
    for b in bad:
        print("catalogue: " + b, file=sys.stderr)
    sys.exit(1 if bad else 0)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.split("\n\n")[-1].strip())
    what = sys.argv[1]
    cases = sorted(meta(sys.argv[2] if len(sys.argv) == 3 else None), key=lambda c: c["name"])
    jobs = {"families": families, "checked-on": checked_on, "cases": cases_md,
            "findings": findings_md, "kconfig": kconfig_md, "check": check}
    if what not in jobs:
        sys.exit("catalogue: what is %s? (%s)" % (what, ", ".join(jobs)))
    jobs[what](cases)


if __name__ == "__main__":
    main()
