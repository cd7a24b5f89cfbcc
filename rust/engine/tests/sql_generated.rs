//! Differential tests for generated columns (VIRTUAL and STORED) against
//! rusqlite (bundled SQLite): values computed on INSERT/UPDATE and read
//! back with their types, the errors for writing them and for invalid
//! definitions, table_info/table_xinfo, indexes on them, constraints on
//! them, and ALTER TABLE ADD/DROP COLUMN with them.
mod common;
use common::*;

#[test]
fn generated_columns_match_sqlite() {
    let mut f = mem();
    let l = lite();
    check_all(&mut f, &l, &[
        "CREATE TABLE g(a INTEGER, b AS (a * 2), c TEXT GENERATED ALWAYS AS (a || 'x') STORED, d INT AS (b + 1) VIRTUAL)",
        "INSERT INTO g VALUES (1)",
        "INSERT INTO g VALUES (1, 2)",
        "INSERT INTO g(a) VALUES ('3')",
        "INSERT INTO g(a, b) VALUES (1, 2)",
        "INSERT INTO g(c) VALUES (1)",
        "SELECT *, typeof(b), typeof(c), typeof(d) FROM g",
        "UPDATE g SET b = 1",
        "UPDATE g SET a = 10 WHERE a = 1",
        "SELECT * FROM g",
        "PRAGMA table_info(g)",
        "PRAGMA table_xinfo(g)",
        "CREATE TABLE e1(a, b AS (a) DEFAULT 1)",
        "CREATE TABLE e2(a AS (b), b AS (a))",
        "CREATE TABLE e3(a INTEGER PRIMARY KEY AS (1))",
        "CREATE TABLE e4(a AS (1))",
        "CREATE TABLE e5(a, b AS (random()))",
        "CREATE TABLE e6(a, b AS ((SELECT 1)))",
        "CREATE TABLE e7(a, b AS (zz))",
        "CREATE TABLE e9(a, b AS (c), c AS (b))",
        "CREATE TABLE e8(a, b AS (a) STORED NOT NULL, c AS (a) CHECK (c > 0))",
        "INSERT INTO e8 VALUES (NULL)",
        "INSERT INTO e8 VALUES (0)",
        "INSERT INTO e8 VALUES (5)",
        "SELECT * FROM e8",
        "CREATE INDEX gi ON g(d)",
        "SELECT a FROM g WHERE d = 21",
        "DELETE FROM g WHERE b = 20",
        "SELECT * FROM g",
        "ALTER TABLE g ADD COLUMN v AS (a + 100)",
        "ALTER TABLE g ADD COLUMN s AS (a + 100) STORED",
        "SELECT * FROM g",
        "ALTER TABLE g DROP COLUMN a",
        "ALTER TABLE g DROP COLUMN d",
        "SELECT * FROM g",
        "INSERT INTO g VALUES (7)",
        "SELECT * FROM g",
        "PRAGMA integrity_check",
        "CREATE TABLE h(x, y AS (x + 1) STORED, z AS (y * 10), w)",
        "INSERT INTO h(x, w) VALUES (1, 'w1'), (2, 'w2')",
        "INSERT INTO h VALUES (3, 'w3')",
        "UPDATE h SET w = upper(w) WHERE x > 1",
        "SELECT * FROM h ORDER BY x",
        "ALTER TABLE h DROP COLUMN z",
        "SELECT * FROM h ORDER BY x",
        "ALTER TABLE h DROP COLUMN w",
        "SELECT * FROM h ORDER BY x",
        "INSERT INTO h VALUES (4)",
        "SELECT *, typeof(y) FROM h ORDER BY x",
        "CREATE TABLE st(a INT, b INT AS (a || 'q') STORED) STRICT",
        "INSERT INTO st VALUES (1)",
        "SELECT b, typeof(b) FROM st",
        "CREATE TABLE emp(x)",
        "ALTER TABLE emp ADD COLUMN y AS (x * 2) STORED",
        "INSERT INTO emp VALUES (4)",
        "SELECT * FROM emp",
    ]);
}
