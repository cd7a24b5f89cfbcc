#!/usr/bin/env python3
"""Regenerate sqlite_slt_mutations.tsv: SQLite's parse outcome for
mutations (truncation, token deletion, token duplication) of real queries
from the sqllogictest corpus in ../shared/sqllogictest (see its README).
    python3 gen_slt_mutations.py /work/shared/sqllogictest > sqlite_slt_mutations.tsv
Same line format and classification as gen_outcomes.py.
"""
import glob, os, random, sys

here = os.path.dirname(os.path.abspath(__file__))
src = open(os.path.join(here, "gen_outcomes.py")).read().replace("\nmain()\n", "\n")
g = {}
exec(compile(src, "gen_outcomes", "exec"), g)

def main():
    root = sys.argv[1]
    rng = random.Random(20261124)
    stmts = []
    for f in sorted(glob.glob(os.path.join(root, "**", "*.test"), recursive=True)):
        lines = open(f, encoding="utf-8", errors="replace").read().replace("\r", "").split("\n")
        i = 0
        while i < len(lines):
            if lines[i].startswith(("statement", "query")):
                j = i + 1
                sql = []
                while j < len(lines) and lines[j].strip() and not lines[j].startswith("----"):
                    sql.append(lines[j])
                    j += 1
                stmts.append(" ".join(sql))
                i = j
            else:
                i += 1
    rng.shuffle(stmts)
    seen = set()
    printed = 0
    for s in stmts:
        if printed >= 6000:
            break
        toks = g["tokens"](s)
        if len(toks) < 2:
            continue
        k = rng.randrange(1, len(toks))
        for v in (" ".join(toks[:k]), " ".join(toks[:k] + toks[k + 1:]),
                  " ".join(toks[:k] + [rng.choice(toks)] + toks[k:])):
            if v in seen:
                continue
            seen.add(v)
            o = g["outcome"](v)
            if o is not None and not o.startswith("variable number") and not g["agg_order_by"](v, o):
                print(f"{v}\t{o}")
                printed += 1

main()
