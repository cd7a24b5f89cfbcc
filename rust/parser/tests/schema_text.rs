//! `schema_sql` / `alter_add_column_text` against the text real SQLite
//! stores in sqlite_schema (expected values captured from SQLite 3.40.1).

use ferrolite_parser::{alter_add_column_text, parse_one_spanned, schema_sql};

#[test]
fn create_statements_store_what_sqlite_stores() {
    let cases = [
        ("CREATE TABLE t1(a, b)", "CREATE TABLE t1(a, b)"),
        (
            "create  temp table if not exists main2 ( a INT ) ",
            "CREATE TABLE main2 ( a INT )",
        ),
        (
            "CREATE TABLE main.t2 (a)  -- trailing comment",
            "CREATE TABLE t2 (a)",
        ),
        (
            "CREATE TABLE t3(a PRIMARY KEY) WITHOUT ROWID   ",
            "CREATE TABLE t3(a PRIMARY KEY) WITHOUT ROWID   ",
        ),
        (
            "CREATE TABLE t4(a PRIMARY KEY) WITHOUT ROWID /* c */ ;",
            "CREATE TABLE t4(a PRIMARY KEY) WITHOUT ROWID /* c */ ",
        ),
        (
            "CREATE TABLE t5(a INTEGER) STRICT;",
            "CREATE TABLE t5(a INTEGER) STRICT",
        ),
        (
            "CREATE TABLE \"t 6\"(\"a\" TEXT)",
            "CREATE TABLE \"t 6\"(\"a\" TEXT)",
        ),
        ("CREATE TABLE t7(a) /* c */ ;", "CREATE TABLE t7(a)"),
        ("CREATE INDEX i1 ON t1(a)", "CREATE INDEX i1 ON t1(a)"),
        (
            "CREATE UNIQUE INDEX IF NOT EXISTS main.i2 ON t1 (a, b)  ;",
            "CREATE UNIQUE INDEX i2 ON t1 (a, b)  ",
        ),
        (
            "CREATE INDEX i3 ON t1(a) WHERE a > 0 -- c",
            "CREATE INDEX i3 ON t1(a) WHERE a > 0 -- c",
        ),
        (
            "CREATE VIEW v1 AS SELECT a FROM t1",
            "CREATE VIEW v1 AS SELECT a FROM t1",
        ),
        (
            "CREATE TEMP VIEW IF NOT EXISTS v2(x) AS SELECT a FROM t1   ;",
            "CREATE VIEW v2(x) AS SELECT a FROM t1",
        ),
        (
            "CREATE VIEW v3 AS SELECT 1 /* c */ ",
            "CREATE VIEW v3 AS SELECT 1 /* c */",
        ),
        (
            "CREATE TRIGGER tr1 AFTER INSERT ON t1 BEGIN SELECT 1; END",
            "CREATE TRIGGER tr1 AFTER INSERT ON t1 BEGIN SELECT 1; END",
        ),
        (
            "CREATE TEMP TRIGGER IF NOT EXISTS tr2 BEFORE DELETE ON t1 BEGIN SELECT 1; END ;",
            "CREATE TRIGGER tr2 BEFORE DELETE ON t1 BEGIN SELECT 1; END",
        ),
        (
            "CREATE TRIGGER main.tr3 AFTER INSERT ON t1 BEGIN SELECT 1; END -- c",
            "CREATE TRIGGER tr3 AFTER INSERT ON t1 BEGIN SELECT 1; END",
        ),
        (
            "CREATE VIRTUAL TABLE f USING fts5(a, b)  ;",
            "CREATE VIRTUAL TABLE f USING fts5(a, b)",
        ),
        (
            "CREATE VIRTUAL TABLE IF NOT EXISTS main.g USING fts5(x) -- c",
            "CREATE VIRTUAL TABLE g USING fts5(x)",
        ),
    ];
    for (sql, want) in cases {
        let p = parse_one_spanned(sql).unwrap().unwrap();
        assert_eq!(schema_sql(sql, &p).as_deref(), Some(want), "for {sql:?}");
    }
    for sql in ["CREATE TABLE t AS SELECT 1", "SELECT 1", "DROP TABLE t"] {
        let p = parse_one_spanned(sql).unwrap().unwrap();
        assert_eq!(schema_sql(sql, &p), None, "for {sql:?}");
    }
}

#[test]
fn add_column_text_is_what_sqlite_appends() {
    let cases = [
        (
            "ALTER TABLE t1 ADD COLUMN c INT DEFAULT 0",
            "c INT DEFAULT 0",
        ),
        ("ALTER TABLE t1 ADD d TEXT  ;", "d TEXT"),
        ("alter table t1 add column e /* x */ ;", "e /* x */"),
    ];
    for (sql, want) in cases {
        let p = parse_one_spanned(sql).unwrap().unwrap();
        assert_eq!(
            alter_add_column_text(sql, &p).as_deref(),
            Some(want),
            "for {sql:?}"
        );
    }
}

#[test]
fn check_constraint_texts_name_unnamed_checks() {
    // SQLite 3.40.1 reports "CHECK constraint failed: a >   0" and
    // "... b != 2" for the unnamed ones below (and "nm" for the named one).
    let sql =
        "create table t(a check(  a >   0 ) , b, constraint nm check (b<>1), check( b != 2 ))";
    let p = parse_one_spanned(sql).unwrap().unwrap();
    let texts: Vec<&str> = p.check_spans.iter().map(|s| s.text(sql)).collect();
    assert_eq!(texts, vec!["a >   0", "b<>1", "b != 2"]);
    let sql = "ALTER TABLE t ADD COLUMN c INT CHECK (c IS NOT NULL)";
    let p = parse_one_spanned(sql).unwrap().unwrap();
    assert_eq!(p.check_spans.len(), 1);
    assert_eq!(p.check_spans[0].text(sql), "c IS NOT NULL");
}
