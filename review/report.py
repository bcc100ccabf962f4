#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""review/report.py DIR: the review of a patch series as plain text (80
columns, no machine paths), from what review/review.sh left in DIR:

  series/       review/series.sh's patches and subjects (and range)
  before.ktap   the guest's report on the kernel before the series
  after.ktap    the same after it (both passes: root, uid 65534)
  kernel        "<version before> <version after>"
  sites/        review/sites.sh's tables (before.sites, after.sites,
                changed) and review/mutate.sh's verdicts (the site
                mutants the series adds or changes, on the kernel after it)
  meta.json     nsxrun --meta (what each case declares)

and the project's docs: the export map (docs/pid-exports.md, its internal
list) through mutants/sites/classify.py, and, for a site the series removes,
its mutant's verdict in the last full site run of the base of the same
version, when there is one (docs/site-mutants.md for 6.1,
docs/site-mutants-<series>.md for others).
"""
import json
import os
import re
import subprocess
import sys
import textwrap

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WIDTH = 78


def wrap(text, indent="", sub=None):
    return textwrap.fill(text, WIDTH, initial_indent=indent,
                         subsequent_indent=indent if sub is None else sub,
                         break_on_hyphens=False, break_long_words=False)


def ktap(path):
    """{(pass, case): (status, [comment lines])}: status "ok", "not ok",
    "skip", "xfail"; the comments are the lines above the result (the diff
    against the golden file, the runner's notes)."""
    res = {}
    if not os.path.exists(path):
        return res
    pas, notes = "", []
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        m = re.match(r"# pass \d+: (\S+)", line)
        if m:
            pas, notes = ("root" if m.group(1) == "root" else "uid 65534"), []
            continue
        m = re.match(r"(not ok|ok) \d+ (\S+)(?: # (\S+))?", line)
        if m:
            st = m.group(1)
            if m.group(3) == "SKIP":
                st = "skip"
            elif m.group(3) == "XFAIL":
                st = "xfail"
            res[(pas, m.group(2))] = (st, notes)
            notes = []
        elif line.startswith("# "):
            notes.append(line[2:])
        else:
            notes = []
    return res


def diff_lines(notes):
    """The golden-line diff's changed lines (+ the kernel printed, - expected)."""
    out = []
    for n in notes:
        if re.match(r"[+-](?![+-]{2} )", n):
            out.append(n)
    return out


def known(notes, case):
    """The known-bad variant the runner said the output matches, with what
    expected/VARIANTS says of this kernel, or None."""
    for n in notes:
        m = re.match(re.escape(case) + r": output matches ([^\s:]+)(.*)", n)
        if not m:
            continue
        label, rest = m.group(1), m.group(2)
        q = re.match(r" \((a known bug of|the behaviour of) ([^)]*)\)", rest)
        if q:
            return "%s, %s %s" % (label, q.group(1), q.group(2))
        q = re.search(r"VARIANTS expects it only on (.*), not on (\S+)", rest)
        if q:
            return "%s, which expected/VARIANTS expects only on %s, not on %s" % (
                label, q.group(1), q.group(2))
        return label
    return None


def site_table(path):
    out = {}
    if os.path.exists(path):
        for line in open(path):
            w = line.split()
            if len(w) >= 5:
                out["%s:%s:%s:%s" % (w[1], w[2], w[3], w[4])] = w
    return out


def verdicts(version):
    """{site name with operator: (verdict, cases that killed it)} of the last
    full site run of the base of this version, and that base's version."""
    series = ".".join(version.split(".")[:2])
    path = os.path.join(TOP, "docs", "site-mutants.md" if series == "6.1" else
                        "site-mutants-%s.md" % series)
    if not os.path.exists(path):
        return {}, None
    head = open(path).readline()
    m = re.search(r"of the (\S+) base", head)
    out = {}
    for line in open(path):
        c = [x.strip() for x in line.split("|")]
        if len(c) > 7 and re.match(r"\S+:\S+:\d+$", c[1]):
            out["%s:%s" % (c[1], c[2])] = (c[5], c[6])
    return out, m.group(1) if m else None


def after_verdicts(path):
    """{site name with operator: (verdict, cases, executions)} of
    review/mutate.sh, on the kernel after the series."""
    out = {}
    if os.path.exists(path):
        for line in open(path):
            w = line.rstrip("\n").split("|")
            if len(w) == 4:
                out[w[0]] = tuple(w[1:])
    return out


def after_verdict(v):
    """One site mutant's verdict after the series, as a sentence's end."""
    verdict, cases, hits = v
    runs = "" if not hits else " (%s execution%s while selected)" % (
        hits, "" if hits == "1" else "s")
    if verdict == "killed":
        return "killed by %s%s" % (cases.replace(" ", ", "), runs)
    if verdict == "survived":
        return "survived: executed%s, no case's output changed" % runs
    if verdict == "errors only":
        return "not killed by a diff: %s failed with errors only%s" % (
            cases.replace(" ", ", "), runs)
    if verdict == "not hit":
        return "not hit: no case executed it"
    if verdict == "not built":
        return "not built: the suite's configuration does not compile its file"
    if verdict == "crashed":
        return "crashed or hung the guest"
    if verdict == "runner killed":
        return "killed the runner itself (no totals)"
    if verdict == "not run":
        return "not run: no case passed on the kernel after the series"
    return verdict


def classify(sites_file):
    if not os.path.exists(sites_file) or not os.path.getsize(sites_file):
        return {}
    r = subprocess.run([sys.executable, os.path.join(TOP, "mutants/sites/classify.py"),
                        os.path.join(TOP, "docs/pid-exports.md"),
                        os.path.join(TOP, "docs/pid-exports-internal.txt"), sites_file],
                       stdout=subprocess.PIPE, universal_newlines=True, check=True)
    return dict(l.split(" ", 1) for l in r.stdout.splitlines() if " " in l)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[0])
    d = sys.argv[1]
    subjects = open(os.path.join(d, "series/subjects")).read().splitlines()
    kb, ka = open(os.path.join(d, "kernel")).read().split()[:2]
    meta = json.load(open(os.path.join(d, "meta.json")))
    out = []
    n = len(subjects)
    out.append("nsxlate review: %d patch%s on Linux %s" % (n, "es" if n != 1 else "", kb))
    out.append("")
    for i, s in enumerate(subjects, 1):
        out.append(wrap("%d/%d %s" % (i, n, s), "  ", "      "))
    rng = os.path.join(d, "series/range")
    if os.path.exists(rng):
        a, b = open(rng).read().split()[:2]
        out.append("  (the git range %s..%s)" % (a[:12], b[:12]))
    out.append("")
    out.append(wrap("The suite ran in both passes (root; uid 65534, root in a user "
                    "namespace) on a kernel built from the tree before the series "
                    "(Linux %s) and after it (Linux %s), with the same "
                    "configuration (tinyconfig + vm/config)." % (kb, ka)))
    out.append("")

    # 1. golden-line differences
    before, after = ktap(os.path.join(d, "before.ktap")), ktap(os.path.join(d, "after.ktap"))
    if not before or not after:
        out.append("No report from the %s kernel: see its console." %
                   ("before" if not before else "after"))
    changed = []
    for key in sorted(set(before) | set(after), key=lambda k: (k[1], k[0])):
        b, a = before.get(key, ("absent", [])), after.get(key, ("absent", []))
        if b[0] == a[0] and diff_lines(b[1]) == diff_lines(a[1]):
            continue
        changed.append((key, b, a))
    out.append("Golden-line differences, before -> after")
    out.append("-" * 40)
    if not changed:
        out.append(wrap("No difference: every case gave the same result and "
                        "printed the same lines before and after the series, "
                        "in both passes (%d results each)." % len(after)))
    for (pas, case), b, a in changed:
        out.append("%s (%s): %s -> %s" % (case, pas, b[0], a[0]))
        lines = diff_lines(a[1]) or diff_lines(b[1])
        if lines:
            out.append("    the kernel %s the series against the golden file"
                       " (- golden, + printed):" % ("after" if diff_lines(a[1]) else "before"))
        # the first two lines each side of the golden-line diff
        shown = [l for l in lines if l[0] == "-"][:2] + [l for l in lines if l[0] == "+"][:2]
        for l in shown:
            out.append(("    " + l) if len(l) <= WIDTH - 4 else "    " + l[:WIDTH - 8] + " ...")
        if len(lines) > len(shown):
            out.append("    (%d more changed lines)" % (len(lines) - len(shown)))
        kb_, ka_ = known(b[1], case), known(a[1], case)
        if kb_:
            out.append(wrap("the output before the series matches the known-bad "
                            "variant %s" % kb_, "    "))
        if ka_:
            out.append(wrap("the output after the series matches the known-bad "
                            "variant %s" % ka_, "    "))
    out.append("")

    # 2. translation sites the series touches
    sd = os.path.join(d, "sites")
    sb, sa = site_table(os.path.join(sd, "before.sites")), site_table(os.path.join(sd, "after.sites"))
    funcs = set()
    if os.path.exists(os.path.join(sd, "changed")):
        funcs = {tuple(l.split()[:2]) for l in open(os.path.join(sd, "changed")) if l.strip()}
    cls_a, cls_b = classify(os.path.join(sd, "after.sites")), classify(os.path.join(sd, "before.sites"))
    ver, vbase = verdicts(kb)
    aver = after_verdicts(os.path.join(sd, "verdicts"))
    rows_cases = {}
    for c in meta:
        for r in (c.get("rows") or "").split():
            rows_cases.setdefault(r, []).append(c["name"])
    touched = []
    for name in sorted(set(sb) | set(sa)):
        w = sa.get(name) or sb.get(name)
        if name not in sb:
            how = "added"
        elif name not in sa:
            how = "removed"
        elif (w[1], w[2]) in funcs:
            how = "changed"
        else:
            continue
        cls = (cls_a.get(sa[name][0]) if name in sa else cls_b.get(sb[name][0])) or "-"
        touched.append((name, how, cls.strip()))
    out.append("Translation sites the series touches")
    out.append("-" * 36)
    if not touched:
        out.append(wrap("None: the series adds, removes or changes no call of the "
                        "pid or uid translation helpers (in the C files and "
                        "headers it touches)."))
    uncovered = []
    for name, how, cls in touched:
        out.append("%s  %s" % (name, how))
        m = re.search(r"map ((?:U|\d+)\.\d+)", cls)
        row = m.group(1) if m else None
        cases = rows_cases.get(row, []) if row else []
        if row:
            out.append(wrap("map row %s%s; pinned by: %s" % (
                row, (" " + cls.split()[-1]) if cls.split()[-1] in "✔◐✘" else "",
                ", ".join(cases) or "no case"), "    ", "      "))
        else:
            out.append(wrap("the map: %s" % ("not in it" if cls == "-" else cls), "    "))
        if name in aver:
            out.append(wrap("its mutant on the kernel after the series: %s" %
                            after_verdict(aver[name]), "    ", "      "))
        elif how != "removed" and os.path.exists(os.path.join(sd, "mutate.failed")):
            out.append("    its mutant on the kernel after the series: not run (the step"
                       " failed)")
        elif name in ver:
            v, by = ver[name]
            out.append(wrap("its mutant on %s (the last site run): %s%s" % (
                vbase, v, (" by " + by) if by not in ("", "-") else ""), "    ", "      "))
        elif vbase:
            out.append("    its mutant: not in the %s site run" % vbase)
        else:
            out.append("    its mutant: no site run of a %s base" % ".".join(kb.split(".")[:2]))
        killed = aver[name][0] == "killed" if name in aver else (
            name in ver and ver[name][0] == "killed")
        if how != "removed" and not cases and not killed:
            uncovered.append(name)
    if uncovered:
        out.append("")
        out.append(wrap("The reviewer's first question: no case pins, and no "
                        "case's diff kills a mutant at, %s." % ", ".join(uncovered)))
    print("\n".join(out))


if __name__ == "__main__":
    main()
