#!/usr/bin/env python3
"""mutants/schema.py PRISTINE OUT PATCH...: mutant schemata from patches.

Every patch (one mutant, mutants/README.md) is turned into a switch in the
kernel source: the original and the mutated code side by side, the mutated
one taken only while that mutant is selected.  The files that change are
written under OUT at their paths in the tree (PRISTINE is only read), with
the selector (mutants/kernel/: include/linux/nsx_mutant.h,
kernel/nsx_mutant.c, and kernel/Makefile building it) and the list
OUT/.nsx-files.  A mutant's number is its patch's NN: each file that holds
a switch defines the numbers of its own mutants after including
linux/nsx_mutant.h, so a mutant added elsewhere rebuilds nothing in it.
Stdout gets one line per mutant: "<number> <name> <form>".

A hunk's change (its removed lines R, its added lines A) becomes, tried in
this order:
  expr   NSX_MUTATE(name, original, mutated): the smallest expression that
         holds the whole change (a call with its arguments, an operand with
         its member chain), found from the tokens both sides share;
  arg    NSX_MUTATE around a whole argument or condition (an operator that
         changes, a term added to a condition);
  stmt   if (!NSX_MUTANT(name)) { R } else { A }: complete statements.
Where R and A have as many lines, each pair of lines is tried on its own
first (two assignments that each change).  A change none of the three fits
stops the run, naming the patch: write that mutant by hand.
"""
import os
import re
import sys

TOKEN = re.compile(
    r"""(?P<space>\s+)
    |(?P<comment>/\*.*?\*/|//[^\n]*)
    |(?P<string>"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')
    |(?P<ident>[A-Za-z_]\w*)
    |(?P<number>\.?\d[\w.]*)
    |(?P<op>->|\+\+|--|<<=|>>=|<=|>=|==|!=|&&|\|\||\+=|-=|\*=|/=|%=|&=|\^=|\|=|<<|>>|\.\.\.|.)""",
    re.S | re.X,
)
OPEN = {"(": ")", "[": "]", "{": "}"}
CLOSE = {v: k for k, v in OPEN.items()}
ASSIGN = {"=", "+=", "-=", "*=", "/=", "%=", "&=", "^=", "|=", "<<=", ">>="}
UNARY = {"!", "~", "-", "+", "*", "&"}
KEYWORDS = {"return", "break", "continue", "goto", "if", "else", "for", "while",
            "do", "switch", "case", "default", "sizeof", "typeof", "__typeof__"}
# Macros whose argument must stay an lvalue (they take its address or type):
# a change inside one switches the whole call.
LVALUE_MACROS = {"READ_ONCE", "WRITE_ONCE", "rcu_dereference", "rcu_access_pointer",
                 "rcu_dereference_protected", "rcu_dereference_check", "smp_load_acquire",
                 "smp_store_release", "sizeof", "typeof", "__typeof__", "offsetof",
                 "ARRAY_SIZE", "get_user", "__get_user"}


class Unfit(Exception):
    pass


def tokens(text):
    out = []
    for m in TOKEN.finditer(text):
        if m.lastgroup in ("space", "comment"):
            continue
        out.append((m.group(), m.start(), m.end(), m.lastgroup))
    return out


def match(toks, i, step):
    """Index of the bracket matching toks[i], scanning forward (step 1) from
    an opener or backward (step -1) from a closer; None if there is none."""
    ups, downs = (OPEN, CLOSE) if step > 0 else (CLOSE, OPEN)
    depth = 0
    for k in range(i, len(toks) if step > 0 else -1, step):
        t = toks[k][0]
        if t in ups:
            depth += 1
        elif t in downs:
            depth -= 1
            if depth == 0:
                return k
    return None


def match_close(toks, i):
    return match(toks, i, 1)


def match_open(toks, i):
    return match(toks, i, -1)


def unbalanced(toks):
    """(closers without an opener, openers without a closer) in toks."""
    depth = 0
    lead = 0
    for t in toks:
        if t[0] in OPEN:
            depth += 1
        elif t[0] in CLOSE:
            if depth == 0:
                lead += 1
            else:
                depth -= 1
    return lead, depth


def operand(toks):
    """True if toks is exactly one operand: unary* primary postfix*."""
    i, n = 0, len(toks)
    while i < n and toks[i][0] in UNARY:
        i += 1
    if i >= n:
        return False
    t, kind = toks[i][0], toks[i][3]
    if t == "(":
        k = match_close(toks, i)
        if k is None:
            return False
        i = k + 1
    elif kind == "string":
        while i < n and toks[i][3] == "string":
            i += 1
    elif kind in ("ident", "number") and t not in KEYWORDS:
        i += 1
    else:
        return False
    while i < n:
        t = toks[i][0]
        if t in ("(", "["):
            k = match_close(toks, i)
            if k is None:
                return False
            i = k + 1
        elif t in (".", "->") and i + 1 < n and toks[i + 1][3] == "ident":
            i += 2
        else:
            return False
    return True


def operand_end(tok):
    return tok[3] in ("ident", "number", "string") and tok[0] not in KEYWORDS or tok[0] in (")", "]")


def region(r, a):
    """The change between token lists r and a as (form, p, sr): the region is
    r[p:len(r)-sr] and a[p:len(a)-sr] (tokens before p and the last sr are
    the same on both sides)."""
    n = min(len(r), len(a))
    p = 0
    while p < n and r[p][0] == a[p][0]:
        p += 1
    s = 0
    while s < n - p and r[len(r) - 1 - s][0] == a[len(a) - 1 - s][0]:
        s += 1
    if p == len(r) and p == len(a):
        raise Unfit("no change")
    for _ in range(64):
        rm, am = r[p:len(r) - s], a[p:len(a) - s]
        # brackets the change opens or closes are part of it
        lr, dr = unbalanced(rm)
        la, da = unbalanced(am)
        if max(lr, la) and p:
            p -= 1
            continue
        if max(dr, da) and s:
            s -= 1
            continue
        right = r[len(r) - s] if s else None
        left = r[p - 1] if p else None
        # a call or index after the change: its arguments go with it
        if right and right[0] in ("(", "[") and (rm and operand_end(rm[-1]) or am and operand_end(am[-1])):
            k = match_close(r, len(r) - s)
            if k is None:
                raise Unfit("unclosed bracket")
            s = len(r) - 1 - k
            continue
        if (rm and rm[-1][0] in (".", "->") or am and am[-1][0] in (".", "->")) and s:
            s -= 1
            continue
        if right and right[0] in (".", "->"):
            s = max(s - 2, 0)
            continue
        if left and left[0] in (".", "->") and p >= 2:
            p -= 1
            prev = r[p - 1]
            if prev[0] in (")", "]"):
                k = match_open(r, p - 1)
                if k is None:
                    raise Unfit("unopened bracket")
                p = k
                if p and r[p - 1][3] == "ident":
                    p -= 1
            else:
                p -= 1
            continue
        # address-of, or ++/-- on it: the operand must stay an lvalue
        if left and (left[0] in ("++", "--") or left[0] == "&" and (p < 2 or not operand_end(r[p - 2]))):
            p -= 1
            continue
        if right and right[0] in ("++", "--"):
            s -= 1
            continue
        # inside a macro that takes its argument's address or type: the whole call
        o = enclosing(r, p, len(r) - s)
        if o is not None and o > 0 and r[o - 1][0] in LVALUE_MACROS:
            c = match_close(r, o)
            p, s = o - 1, len(r) - 1 - c
            continue
        lvalue = right and right[0] in ASSIGN
        if rm and am and not lvalue and operand(rm) and operand(am):
            return "expr", p, s
        # the whole argument, or the whole condition
        if o is None:
            raise Unfit("not within brackets")
        c = match_close(r, o)
        lo = o + 1
        for k in range(o + 1, p):
            if r[k][0] == "," and depth_at(r, o, k) == 1:
                lo = k + 1
        hi = c
        for k in range(len(r) - s, c):
            if r[k][0] == "," and depth_at(r, o, k) == 1:
                hi = k
                break
        if lo == p and hi == len(r) - s:
            rm, am = r[p:len(r) - s], a[p:len(a) - s]
            if not rm or not am or lvalue or any(t[0] == "," for t in top_level(rm)) or any(
                    t[0] == "," for t in top_level(am)):
                raise Unfit("not a whole expression")
            return "arg", p, s
        p, s = lo, len(r) - hi
    raise Unfit("no fixed point")


def depth_at(toks, o, k):
    """Bracket depth of toks[k] counted from the opener at o (o itself: 1)."""
    d = 0
    for i in range(o, k + 1):
        if toks[i][0] in OPEN:
            d += 1
        elif toks[i][0] in CLOSE:
            d -= 1
    return d if toks[k][0] not in OPEN else d - 1


def top_level(toks):
    d = 0
    for t in toks:
        if t[0] in OPEN:
            d += 1
        elif t[0] in CLOSE:
            d -= 1
        elif d == 0:
            yield t


def enclosing(toks, p, q):
    """Index of the innermost '(' before p whose match lies at or after q."""
    d = 0
    for k in range(p - 1, -1, -1):
        t = toks[k][0]
        if t in CLOSE:
            d += 1
        elif t in OPEN:
            if d == 0:
                if t != "(":
                    return None
                c = match_close(toks, k)
                return k if c is not None and c >= q else None
            d -= 1
    return None


def switch_expr(name, rtext, atext):
    """rtext with its change wrapped in NSX_MUTATE, or Unfit."""
    r, a = tokens(rtext), tokens(atext)
    form, p, s = region(r, a)
    rs, re_ = r[p][1], r[len(r) - s - 1][2]
    as_, ae = a[p][1], a[len(a) - s - 1][2]
    return form, "%sNSX_MUTATE(%s, %s, %s)%s" % (rtext[:rs], name, rtext[rs:re_], atext[as_:ae], rtext[re_:])


def statements(lines):
    text = "\n".join(lines)
    toks = tokens(text)
    if not toks:
        return True
    lead, depth = unbalanced(toks)
    return not lead and not depth and toks[-1][0] in (";", "}")


def switch_block(name, rl, al):
    """The replacement lines for removed lines rl, added lines al."""
    if len(rl) == len(al) and len(rl) > 1:
        try:
            out, forms = [], set()
            for r1, a1 in zip(rl, al):
                if r1 == a1:
                    out.append(r1)
                    continue
                form, line = switch_expr(name, r1, a1)
                out.append(line)
                forms.add(form)
            return "+".join(sorted(forms)), out
        except Unfit:
            pass
    if rl and al:
        try:
            form, text = switch_expr(name, "\n".join(rl), "\n".join(al))
            return form, text.split("\n")
        except Unfit:
            pass
    if rl and statements(rl) and statements(al):
        ind = re.match(r"[ \t]*", rl[0]).group()
        out = ["%sif (!NSX_MUTANT(%s)) {" % (ind, name)]
        out += ["\t" + l if l.strip() else l for l in rl]
        if al:
            out.append("%s} else {" % ind)
            out += ["\t" + l if l.strip() else l for l in al]
        out.append("%s}" % ind)
        return "stmt", out
    raise Unfit("the change is neither an expression nor whole statements")


def parse_patch(path):
    """[(file, [hunk]), ...]; a hunk is (old_start, [(op, text)])."""
    files, cur, hunk = [], None, None
    with open(path) as f:
        for line in f.read().split("\n"):
            if line.startswith("+++ "):
                name = line[4:].split("\t")[0].strip()
                name = name[2:] if name.startswith("b/") else name
                cur = (name, [])
                files.append(cur)
                hunk = None
            elif line.startswith("--- "):
                continue
            elif line.startswith("@@"):
                m = re.match(r"@@ -(\d+)", line)
                hunk = (int(m.group(1)), [])
                cur[1].append(hunk)
            elif hunk is not None and line[:1] in (" ", "-", "+"):
                hunk[1].append((line[0], line[1:]))
            elif hunk is not None and line == "":
                hunk[1].append((" ", ""))
    for _, hunks in files:
        for h in hunks:
            while h[1] and h[1][-1] == (" ", ""):
                h[1].pop()
    return files


def locate(lines, hunk, where):
    """0-based index in lines where the hunk's old side starts."""
    start, body = hunk
    old = [t for op, t in body if op != "+"]
    hits = [i for i in range(len(lines) - len(old) + 1) if lines[i:i + len(old)] == old]
    if not hits:
        raise Unfit("%s: the hunk at line %d does not match the tree" % (where, start))
    return min(hits, key=lambda i: abs(i - (start - 1)))


def main(argv):
    if len(argv) < 4:
        sys.exit("usage: schema.py PRISTINE OUT PATCH...")
    pristine, out, patches = argv[1], argv[2], argv[3:]
    edits = {}  # file -> [(start, end, new lines, mutant)]
    ids = []
    for path in patches:
        m = re.match(r"(\d+)-(.*)\.patch$", os.path.basename(path))
        if not m:
            sys.exit("schema: %s: not NN-name.patch" % path)
        number, name = int(m.group(1)), m.group(2)
        if number in [i[0] for i in ids]:
            sys.exit("schema: two patches numbered %d" % number)
        ident = name.replace("-", "_")
        ids.append((number, name, ident))
        forms = []
        for fname, hunks in parse_patch(path):
            with open(os.path.join(pristine, fname)) as f:
                lines = f.read().split("\n")
            for hunk in hunks:
                at = locate(lines, hunk, "%s: %s" % (name, fname))
                # each run of removed/added lines, with its place in the file
                i, body, k = at, hunk[1], 0
                while k < len(body):
                    if body[k][0] == " ":
                        i += 1
                        k += 1
                        continue
                    rl, al = [], []
                    while k < len(body) and body[k][0] == "-":
                        rl.append(body[k][1])
                        k += 1
                    while k < len(body) and body[k][0] == "+":
                        al.append(body[k][1])
                        k += 1
                    if not rl:
                        sys.exit("schema: %s: %s: a change that only adds lines: write it by hand" % (path, fname))
                    try:
                        form, new = switch_block(ident, rl, al)
                    except Unfit as e:
                        sys.exit("schema: %s: %s near line %d: %s: write it by hand" % (path, fname, i + 1, e))
                    edits.setdefault(fname, []).append((i, i + len(rl), new, (number, ident)))
                    forms.append(form)
                    i += len(rl)
        print(number, name, ",".join(sorted(set(forms))))
    written = []
    for fname, es in sorted(edits.items()):
        es.sort()
        for e1, e2 in zip(es, es[1:]):
            if e1[1] > e2[0]:
                sys.exit("schema: mutants %d and %d change the same lines of %s" % (e1[3][0], e2[3][0], fname))
        with open(os.path.join(pristine, fname)) as f:
            lines = f.read().split("\n")
        for start, end, new, _ in reversed(es):
            lines[start:end] = new
        first = next((i for i, l in enumerate(lines) if l.startswith("#include")), None)
        if first is None:
            sys.exit("schema: %s has no #include to put linux/nsx_mutant.h beside" % fname)
        # the file's own mutants' numbers, so that a new mutant elsewhere
        # rebuilds nothing here
        lines[first:first] = ["#include <linux/nsx_mutant.h>"] + [
            "#define NSX_MUTANT_ID_%s %d" % (ident, number) for number, ident in sorted(set(e[3] for e in es))]
        dest = os.path.join(out, fname)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "w") as f:
            f.write("\n".join(lines))
        written.append(fname)
    # the selector and the macros, and kernel/Makefile building the first
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kernel")
    for d, _, fs in os.walk(here):
        for fn in fs:
            rel = os.path.relpath(os.path.join(d, fn), here)
            os.makedirs(os.path.dirname(os.path.join(out, rel)), exist_ok=True)
            with open(os.path.join(d, fn)) as src, open(os.path.join(out, rel), "w") as dst:
                dst.write(src.read())
            written.append(rel)
    with open(os.path.join(pristine, "kernel/Makefile")) as f:
        makefile = f.read()
    with open(os.path.join(out, "kernel/Makefile"), "w") as f:
        f.write(makefile + "\n# nsxlate's mutant schemata\nobj-y += nsx_mutant.o\n")
    written.append("kernel/Makefile")
    with open(os.path.join(out, ".nsx-files"), "w") as f:
        f.write("\n".join(written) + "\n")


if __name__ == "__main__":
    main(sys.argv)
