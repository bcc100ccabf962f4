#!/usr/bin/env python3
"""mutants/sites/number.py TREE TABLE FILE...: number the site mutants that
mutants/sites/sites.cocci wrote into FILEs (paths relative to TREE, rewritten
in place), and write TABLE, one line a mutant:

    <id> <file> <function> <ordinal> <operator> <line>

<ordinal> is the site's place among the calls of its function that carry a
mutant (1, 2, ...), so a mutant is named <file>:<function>:<ordinal>:<operator>
whatever lines move.  Ids are 1, 2, ... over all FILEs in the order given.

A mutant that changes nothing is dropped (the call stays as it was): global
where the namespace is already the initial one, wrongns where it is already
the caller's, uid where the user namespace is the initial one.  A site inside
a hand-written mutant's mutated code (NSX_MUTATE()'s third argument, the else
branch of `if (!NSX_MUTANT(...))`) runs only while that mutant is selected,
so it gets none either.  A FILE with sites includes <linux/nsx_site.h>.
"""
import re
import sys

SITE = re.compile(r'\bNSX_SITE2?\(')
NOOP = {
    'global': re.compile(r'^&init_pid_ns$'),
    'wrongns': re.compile(r'^(task_active_pid_ns\(current\)|NULL)$'),
    'uid': re.compile(r'^&init_user_ns$'),
}


def close_paren(s, i):
    """Index of the parenthesis closing the one at s[i] (or the brace)."""
    opening, closing = s[i], {'(': ')', '{': '}'}[s[i]]
    depth, j = 0, i
    while j < len(s):
        c = s[j]
        if c in '"\'':
            q = c
            j += 1
            while j < len(s) and s[j] != q:
                j += 2 if s[j] == '\\' else 1
        elif s.startswith('/*', j):
            j = s.index('*/', j) + 1
        elif s.startswith('//', j):
            j = s.index('\n', j)
        elif c == opening:
            depth += 1
        elif c == closing:
            depth -= 1
            if depth == 0:
                return j
        j += 1
    raise ValueError('unbalanced')


def split_args(s):
    """The top-level comma-separated arguments of s (no outer parentheses)."""
    args, depth, start, j = [], 0, 0, 0
    while j < len(s):
        c = s[j]
        if c in '"\'':
            q = c
            j += 1
            while s[j] != q:
                j += 2 if s[j] == '\\' else 1
        elif c in '([{':
            depth += 1
        elif c in ')]}':
            depth -= 1
        elif c == ',' and depth == 0:
            args.append(s[start:j].strip())
            start = j + 1
        j += 1
    args.append(s[start:].strip())
    return args


def hand_mutated_spans(s):
    """(start, end) spans of hand-written mutants' mutated code."""
    spans = []
    for m in re.finditer(r'\bNSX_MUTATE\(', s):
        o = m.end() - 1
        c = close_paren(s, o)
        args = split_args(s[o + 1:c])
        third = s.rfind(args[2], o, c)
        spans.append((third, c))
    for m in re.finditer(r'if \(!NSX_MUTANT\(\w+\)\) \{', s):
        b = close_paren(s, m.end() - 1)
        e = re.match(r'\s*else\s*\{', s[b + 1:])
        if e:
            o = b + 1 + e.end() - 1
            spans.append((o, close_paren(s, o)))
    return spans


def ns_arg(original, op):
    """The namespace argument of an original call, for the no-op test."""
    args = split_args(original[original.index('(') + 1:-1])
    return args[0] if op == 'uid' else args[-1]


def shadowed(s, mutated):
    """Does the file declare a variable named like the mutated call's
    function (fs/fuse/file.c: `pid_t pid_nr = ...`)?  Then the mutant would
    not compile there, and is not made."""
    m = re.match(r'\s*(\w+)\s*\(', mutated)
    if not m:
        return False
    name = m.group(1)
    return re.search(r'\b(pid_t|int|long|u32|uid_t|gid_t|kuid_t|kgid_t)\s+\*?%s\s*[=;,)]'
                     % name, s) is not None


def syscall_name(s, pos, fn):
    """SYSCALL_DEFINE0(getpid) and its kind: Coccinelle names the macro."""
    if not fn.startswith(('SYSCALL_DEFINE', 'COMPAT_SYSCALL_DEFINE')):
        return fn
    for m in re.finditer(r'^\s*%s\((\w+)' % fn, s[:pos], re.M):
        name = m.group(1)
    return name if 'name' in locals() else fn


def number(tree, files, table):
    next_id = 1
    for f in files:
        path = '%s/%s' % (tree, f)
        s = open(path).read()
        if SITE.search(s):
            # before the first #include (some files include more at the end)
            first = re.search(r'^#include [<"]', s, re.M)
            at = first.start() if first else 0
            s = s[:at] + '#include <linux/nsx_site.h>\n' + s[at:]
        rows = []  # (function, operators kept): row r's tags are @r.i@
        # innermost sites first (a call in another's arguments), a pass at
        # a time
        while True:
            found = []
            for m in SITE.finditer(s):
                o = m.end() - 1
                c = close_paren(s, o)
                if not SITE.search(s, o, c):
                    found.append((m, o, c))
            if not found:
                break
            spans = hand_mutated_spans(s)
            out, last = [], 0
            for m, o, c in found:
                args = split_args(s[o + 1:c])
                two = m.group(0) == 'NSX_SITE2('
                fn = syscall_name(s, m.start(), args[0])
                ops = [a.strip('"') for a in (args[1:3] if two else args[1:2])]
                original = args[3] if two else args[2]
                mutated = args[4:6] if two else args[3:4]
                inside = any(a <= m.start() < b for a, b in spans)
                keep = [(op, mu) for op, mu in zip(ops, mutated)
                        if not inside and not NOOP[op].match(ns_arg(original, op))
                        and not shadowed(s, mu)]
                out.append(s[last:m.start()])
                if not keep:
                    out.append(original)
                else:
                    r = len(rows)
                    rows.append((fn, [op for op, _ in keep]))
                    tags = ['@%d.%d@' % (r, i) for i in range(len(keep))]
                    out.append('@NSXDONE%s(%s, %s, %s)' % (
                        '2' if len(keep) == 2 else '', ', '.join(tags), original,
                        ', '.join(mu for _, mu in keep)))
                last = c + 1
            out.append(s[last:])
            s = ''.join(out)
        # ids and ordinals in the order the sites stand in the file
        ids, ordinal = {}, {}
        for r in sorted(range(len(rows)), key=lambda r: s.index('@%d.0@' % r)):
            fn, ops = rows[r]
            ordinal[fn] = ordinal.get(fn, 0) + 1
            line = s.count('\n', 0, s.index('@%d.0@' % r)) + 1
            for i, op in enumerate(ops):
                ids['%d.%d' % (r, i)] = next_id
                table.write('%d %s %s %d %s %d\n' % (next_id, f, fn, ordinal[fn], op, line))
                next_id += 1
        s = re.sub(r'@(\d+\.\d+)@', lambda m: str(ids[m.group(1)]), s)
        s = s.replace('@NSXDONE(', 'NSX_SITE(').replace('@NSXDONE2(', 'NSX_SITE2(')
        open(path, 'w').write(s)
    return next_id - 1


def main():
    if len(sys.argv) < 3:
        sys.exit('usage: number.py TREE TABLE FILE...')
    with open(sys.argv[2], 'w') as table:
        n = number(sys.argv[1], sys.argv[3:], table)
    print('sites: %d mutants in %d files' % (n, len(sys.argv) - 3), file=sys.stderr)


if __name__ == '__main__':
    main()
