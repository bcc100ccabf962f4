#!/usr/bin/env python3
"""mutants/sites/classify.py MAP INTERNAL SITES: what the export map says of
each site mutant's call site, by the rules of docs/scan-exports.sh: the map
row (docs/pid-exports.md) that names the site's file and, as a whole word,
its function, with the row's pinned mark (✔, ◐, ✘) - for a uid mutant one
of the uid rows (U.n), for a pid mutant one of the numbered rows; else, for
a pid mutant, the first line of the internal list
(docs/pid-exports-internal.txt: "path-glob function-or-* | category |
reason") that matches, as "internal: <category>"; else "-" (the uid rows
cover the ids the suite pins, not every uid site).  Prints "<id>
<class>" a line, in SITES' order (number.py's table).
"""
import re
import sys


def glob_re(g):
    """** any path, * within a component (as docs/scan-exports.sh)."""
    r = re.escape(g).replace(r'\*\*', '\x01').replace(r'\*', '[^/]*').replace('\x01', '.*')
    return re.compile('^%s$' % r)


def main():
    if len(sys.argv) != 4:
        sys.exit('usage: classify.py MAP INTERNAL SITES')
    rows = [l for l in open(sys.argv[1]) if l.startswith('| ')]
    internal = []
    for l in open(sys.argv[2]):
        if not l.strip() or l.lstrip().startswith('#'):
            continue
        key, cat = l.split('|')[0].split(), l.split('|')[1].strip()
        internal.append((glob_re(key[0]), key[1] if len(key) > 1 else '*', cat))
    uid_rows = [r for r in rows if r.startswith('| U.')]
    pid_rows = [r for r in rows if not r.startswith('| U.')]
    for l in open(sys.argv[3]):
        sid, f, fn, _, op = l.split()[:5]
        word = re.compile(r'(?<![A-Za-z0-9_])%s(?![A-Za-z0-9_])' % re.escape(fn))
        cls = '-'
        for r in uid_rows if op == 'uid' else pid_rows:
            if f in r and word.search(r):
                cells = [c.strip() for c in r.strip().strip('|').split('|')]
                mark = next((c[0] for c in cells[3:] if c[:1] in ('✔', '◐', '✘')), '')
                cls = 'map %s %s' % (cells[0].split()[0], mark)
                break
        else:
            # the internal list accounts for pid sites only
            for g, fnm, cat in internal if op != 'uid' else []:
                if g.match(f) and fnm in ('*', fn):
                    cls = 'internal: %s' % cat
                    break
        print(sid, cls)


if __name__ == '__main__':
    main()
