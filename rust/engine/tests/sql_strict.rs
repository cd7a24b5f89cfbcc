//! Differential tests for STRICT tables against rusqlite (bundled SQLite):
//! allowed type names and their errors, conversions by the column types,
//! SQLITE_CONSTRAINT_DATATYPE with SQLite's messages on INSERT, UPDATE and
//! UPSERT, and ANY columns keeping values as given.
mod common;
use common::*;

#[test]
fn strict_tables_match_sqlite() {
    let mut f = mem();
    let l = lite();
    check_all(&mut f, &l, &[
        "CREATE TABLE s1(a INT, b INTEGER, c REAL, d TEXT, e BLOB, f ANY) STRICT",
        "CREATE TABLE s2(a VARCHAR(10)) STRICT",
        "CREATE TABLE s3(a, b INT) STRICT",
        "CREATE TABLE s4(a int, b Text, c integer PRIMARY KEY) strict",
        "CREATE TABLE s5(a INT) STRICT, WITHOUT ROWID",
        "INSERT INTO s1 VALUES (1, 2, 3.5, 'x', x'00', 'any')",
        "INSERT INTO s1 VALUES ('10', '20', '3', 4, x'01', 5)",
        "INSERT INTO s1 VALUES (1.0, 2.0, 3, 'x', x'00', 1.5)",
        "INSERT INTO s1 VALUES (NULL, NULL, NULL, NULL, NULL, NULL)",
        "INSERT INTO s1 VALUES ('abc', 1, 1, 'x', x'00', 1)",
        "INSERT INTO s1 VALUES (1, 'abc', 1, 'x', x'00', 1)",
        "INSERT INTO s1 VALUES (1, 1.5, 1, 'x', x'00', 1)",
        "INSERT INTO s1 VALUES (1, 1, 'abc', 'x', x'00', 1)",
        "INSERT INTO s1 VALUES (1, 1, x'00', 'x', x'00', 1)",
        "INSERT INTO s1 VALUES (1, 1, 1, x'00', x'00', 1)",
        "INSERT INTO s1 VALUES (1, 1, 1, 'x', 'text', 1)",
        "INSERT INTO s1 VALUES (1, 1, 1, 'x', 12, 1)",
        "INSERT INTO s1(f) VALUES ('123')",
        "INSERT INTO s1(f) VALUES (x'41')",
        "SELECT a, typeof(a), b, typeof(b), c, typeof(c), d, typeof(d), e, typeof(e), f, typeof(f) FROM s1 ORDER BY rowid",
        "UPDATE s1 SET a = 'oops' WHERE rowid = 1",
        "UPDATE s1 SET c = 7 WHERE rowid = 1",
        "SELECT c, typeof(c) FROM s1 WHERE rowid = 1",
        "INSERT INTO s4 VALUES (1, 'a', 'x')",
        "INSERT INTO s4 VALUES (1, 'a', '7')",
        "SELECT * FROM s4",
        "CREATE TABLE s6(k INTEGER PRIMARY KEY, v INT UNIQUE) STRICT",
        "INSERT INTO s6 VALUES (1, 1)",
        "INSERT INTO s6 VALUES (2, 1) ON CONFLICT(v) DO UPDATE SET v = 'bad'",
        "INSERT INTO s6 VALUES (2, 1) ON CONFLICT(v) DO UPDATE SET v = 5",
        "SELECT * FROM s6",
        "PRAGMA table_info(s1)",
    ]);
}
