#!/usr/bin/env python3
"""Print seeded random token soups (one statement per line) for the
rusqlite/SQLite 3.46 oracle (see oracle346/Cargo.toml)."""
import os, random

here = os.path.dirname(os.path.abspath(__file__))
src = open(os.path.join(here, "gen_outcomes.py")).read().replace("\nmain()\n", "\n")
g = {}
exec(compile(src, "gen_outcomes", "exec"), g)
rng = random.Random(346)
vocab = g["KEYWORDS"] + ("( ) ( ) ( ) , , , . * + - = < > || -> ->> ~ & | << >> % / a b t x 'x' 1 2.5 ? :a "
                         "x'01' \"q\" [z] 0x1f 1e5 .5").split()
starts = g["KEYWORD_SOUP_STARTS"] + [
    "CREATE TABLE z (a INT,", "SELECT * FROM t WINDOW w AS (", "INSERT INTO t VALUES (1) ON CONFLICT",
    "SELECT a FROM t ORDER BY", "SELECT count(", "CREATE TRIGGER tr BEFORE UPDATE OF a ON t WHEN",
    "REPLACE INTO t", "SAVEPOINT", "ROLLBACK", "VACUUM", "REINDEX", "ANALYZE", "DETACH",
    "SELECT a FROM t GROUP BY a HAVING", "SELECT * FROM t LIMIT", "SELECT left(", "SELECT f(a ORDER BY",
]
for _ in range(6000):
    print(rng.choice(starts) + " " + " ".join(rng.choice(vocab) for _ in range(rng.randint(1, 10))))
