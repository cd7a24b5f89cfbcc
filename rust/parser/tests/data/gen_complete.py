#!/usr/bin/env python3
"""Regenerate sqlite_complete.tsv: sqlite3_complete() (via Python's
sqlite3.complete_statement) on statements, their prefixes and variants
with comments, quotes and trigger bodies.
    python3 gen_complete.py > sqlite_complete.tsv
Each line is `ESCAPED_SQL<TAB>0|1` with backslash, newline and tab escaped
as \\\\, \\n and \\t.
"""
import random, sqlite3

BASE = [
    "SELECT 1;", "SELECT 'a;b';", 'SELECT "x;y" FROM t;', "SELECT [a;b] FROM t;", "SELECT `q;` FROM t;",
    "SELECT 1; -- done", "SELECT 1 -- not yet;\n", "SELECT 1 /* ; */ ;", "SELECT 1; /* open",
    "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;",
    "CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET a = 1; DELETE FROM t; END;",
    "create temporary trigger x before delete on t begin select 'end;'; end ;",
    "EXPLAIN CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;",
    "CREATE TABLE trigger(a); SELECT 1;", "CREATE TABLE t(end); SELECT end FROM t;",
    "SELECT 'it''s';", "SELECT \"a\"\"b\";", ";", "  ", "", "-- only\n;", "SELECT 1;\n\n",
    "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT CASE WHEN 1 THEN 2 END; END;",
    "SELECT x'00';", "SELECT 1; SELECT 2;", "SELECT 1; SELECT 2", "SELECT $a::b;",
]

def esc(s):
    return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")

cases = []
seen = set()
def add(s):
    if s not in seen:
        seen.add(s)
        cases.append(s)
for s in BASE:
    add(s)
    for i in range(len(s)):
        add(s[:i])
rng = random.Random(7)
pieces = [";", " ", "\n", "'", '"', "[", "]", "`", "--", "/*", "*/", "CREATE", "TRIGGER", "TEMP", "END",
          "EXPLAIN", "BEGIN", "x", "SELECT", "1", "-", "/"]
for _ in range(3000):
    s = "".join(rng.choice(pieces) + rng.choice(["", " "]) for _ in range(rng.randint(1, 12)))
    add(s)
    add(s + ";")
    add(s + "\n;")
for s in cases:
    print(f"{esc(s)}\t{int(sqlite3.complete_statement(s))}")
