//! Differential tests for WITHOUT ROWID tables against SQLite (rusqlite,
//! bundled): DDL and its errors, INSERT/UPDATE/DELETE/UPSERT/REPLACE,
//! lookups and ranges by PRIMARY KEY, secondary indexes, triggers and
//! RETURNING, introspection pragmas; and files both ways (ferrolite writes,
//! SQLite's integrity_check is ok and it reads the same rows; SQLite writes,
//! ferrolite reads and writes, SQLite still says ok).
mod common;
use common::*;
use ferrolite_engine::vfs::unix::UnixVfs;
use ferrolite_engine::{Connection, OpenFlags, Value};
use std::rc::Rc;

#[test]
fn ddl_and_errors() {
    let mut f = mem();
    let l = lite();
    check_all(&mut f, &l, &[
        "CREATE TABLE a(x, y) WITHOUT ROWID",
        "CREATE TABLE a(x INTEGER PRIMARY KEY AUTOINCREMENT) WITHOUT ROWID",
        "CREATE TABLE a(x INTEGER, PRIMARY KEY(x AUTOINCREMENT)) WITHOUT ROWID",
        "CREATE TABLE t(a TEXT, b INT, c, PRIMARY KEY(b, a)) WITHOUT ROWID",
        "CREATE TABLE u(x PRIMARY KEY, y UNIQUE, z) WITHOUT ROWID",
        "CREATE TABLE d(k TEXT PRIMARY KEY DESC, v) WITHOUT ROWID",
        "CREATE TABLE n(k TEXT COLLATE NOCASE PRIMARY KEY, v) WITHOUT ROWID",
        "CREATE INDEX tc ON t(c)",
        "CREATE UNIQUE INDEX tca ON t(c, a)",
        "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name",
        "PRAGMA table_info(t)",
        "PRAGMA index_list(t)",
        "PRAGMA index_list(u)",
        "PRAGMA index_info(sqlite_autoindex_t_1)",
        "PRAGMA index_info(sqlite_autoindex_u_1)",
        "PRAGMA index_info(tc)",
        "DROP INDEX sqlite_autoindex_t_1",
        "DROP INDEX sqlite_autoindex_u_2",
        "SELECT rowid FROM t",
        "SELECT _rowid_ FROM u",
        "INSERT INTO t(rowid, a, b) VALUES (1, 'x', 2)",
        "PRAGMA integrity_check",
        "DROP TABLE u",
        "PRAGMA integrity_check",
        "SELECT name FROM sqlite_schema ORDER BY name",
    ]);
}

#[test]
fn writes_and_reads() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, "CREATE TABLE t(a TEXT, b INT, c, PRIMARY KEY(b, a)) WITHOUT ROWID; CREATE INDEX tc ON t(c);");
    check_all(&mut f, &l, &[
        // Without ORDER BY SQLite may walk the covering index tc instead of
        // the table: results are compared in a fixed order.
        "INSERT INTO t VALUES ('x', 1, 10), ('y', 1, 20), ('a', 2, 10), ('b', '3', 'q')",
        "SELECT a, b, typeof(b), c FROM t ORDER BY +b, +a",
        "SELECT * FROM t WHERE b = 1",
        "SELECT * FROM t WHERE b = 1 AND a = 'y'",
        "SELECT * FROM t WHERE b > 1",
        "SELECT * FROM t WHERE b BETWEEN 1 AND 2 ORDER BY b DESC, a DESC",
        "SELECT * FROM t WHERE c = 10",
        "SELECT a FROM t WHERE c = 'q'",
        "SELECT count(*), sum(b), max(a) FROM t",
        "SELECT * FROM t ORDER BY b, a",
        "INSERT INTO t VALUES ('x', 1, 99)",
        "INSERT INTO t VALUES (NULL, 1, 99)",
        "INSERT INTO t VALUES ('z', NULL, 99)",
        "INSERT OR IGNORE INTO t VALUES ('x', 1, 99), ('w', 9, 90)",
        "SELECT * FROM t ORDER BY b, a",
        "INSERT OR REPLACE INTO t VALUES ('x', 1, 11)",
        "SELECT * FROM t ORDER BY b, a",
        "SELECT * FROM t WHERE c = 10",
        "UPDATE t SET c = c + 1 WHERE b = 1",
        "SELECT * FROM t ORDER BY b, a",
        "UPDATE t SET b = 5 WHERE a = 'x'",
        "SELECT * FROM t ORDER BY b, a",
        "UPDATE t SET b = 1 WHERE a = 'x' AND b = 5",
        "UPDATE t SET a = 'y' WHERE a = 'x'",
        "UPDATE t SET a = 'x' WHERE a = 'x'",
        "SELECT * FROM t WHERE c > 10 ORDER BY c",
        "DELETE FROM t WHERE c = 10",
        "SELECT * FROM t ORDER BY b, a",
        "DELETE FROM t WHERE b > 100",
        "SELECT changes()",
        "INSERT INTO t VALUES ('m', 7, 1) RETURNING *",
        "UPDATE t SET c = 'r' WHERE b = 7 RETURNING a, c",
        "DELETE FROM t WHERE b = 7 RETURNING b, a",
        "SELECT * FROM t ORDER BY b, a",
        "PRAGMA integrity_check",
        "DELETE FROM t",
        "SELECT count(*) FROM t",
    ]);
}

#[test]
fn unique_upsert_and_collation() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, "CREATE TABLE u(x PRIMARY KEY, y UNIQUE, z) WITHOUT ROWID; CREATE TABLE n(k TEXT COLLATE NOCASE PRIMARY KEY, v) WITHOUT ROWID; CREATE TABLE d(k INT PRIMARY KEY DESC, v) WITHOUT ROWID;");
    check_all(&mut f, &l, &[
        "INSERT INTO u VALUES (1, 'a', 0), (2, 'b', 0), (3, NULL, 0), (4, NULL, 0)",
        "INSERT INTO u VALUES (5, 'a', 0)",
        "INSERT INTO u VALUES (1, 'q', 0)",
        "INSERT OR REPLACE INTO u VALUES (5, 'a', 1)",
        "SELECT * FROM u",
        "INSERT INTO u VALUES (2, 'z', 9) ON CONFLICT(x) DO UPDATE SET z = excluded.z + z",
        "INSERT INTO u VALUES (7, 'b', 3) ON CONFLICT(y) DO UPDATE SET z = 100 WHERE z < 50",
        "INSERT INTO u VALUES (8, 'b', 3) ON CONFLICT DO NOTHING",
        "INSERT INTO u VALUES (9, 'c', 3) ON CONFLICT(x) DO UPDATE SET z = -1 RETURNING *",
        "SELECT * FROM u",
        "UPDATE u SET y = 'a' WHERE x = 2",
        "UPDATE u SET x = 1 WHERE x = 2",
        "UPDATE u SET y = y WHERE x = 2",
        "UPDATE u SET x = 20 WHERE y = 'b'",
        "SELECT * FROM u WHERE y = 'b'",
        "SELECT * FROM u WHERE x >= 5",
        "PRAGMA integrity_check",
        "INSERT INTO n VALUES ('Abc', 1), ('abd', 2)",
        "INSERT INTO n VALUES ('ABC', 3)",
        "SELECT * FROM n WHERE k = 'aBc'",
        "SELECT * FROM n ORDER BY k",
        "INSERT INTO d VALUES (1, 'a'), (3, 'c'), (2, 'b')",
        "SELECT * FROM d",
        "SELECT * FROM d WHERE k = 2",
        "SELECT * FROM d ORDER BY k",
        "SELECT * FROM d ORDER BY k DESC",
    ]);
}

#[test]
fn triggers_and_joins() {
    let mut f = mem();
    let l = lite();
    both_exec(
        &mut f,
        &l,
        "CREATE TABLE kv(k TEXT PRIMARY KEY, v) WITHOUT ROWID; CREATE TABLE log(what, k, v);
         CREATE TRIGGER ti AFTER INSERT ON kv BEGIN INSERT INTO log VALUES ('ins', new.k, new.v); END;
         CREATE TRIGGER tu BEFORE UPDATE ON kv BEGIN INSERT INTO log VALUES ('upd', old.k, new.v); END;
         CREATE TRIGGER td AFTER DELETE ON kv BEGIN INSERT INTO log VALUES ('del', old.k, old.v); END;
         CREATE TABLE r(id INTEGER PRIMARY KEY, k TEXT);",
    );
    check_all(&mut f, &l, &[
        "INSERT INTO kv VALUES ('a', 1), ('b', 2), ('c', 3)",
        "UPDATE kv SET v = v * 10 WHERE k <> 'b'",
        "DELETE FROM kv WHERE k = 'c'",
        "SELECT * FROM log",
        "INSERT INTO r(k) VALUES ('a'), ('b'), ('zz')",
        "SELECT r.id, kv.v FROM r JOIN kv ON kv.k = r.k ORDER BY r.id",
        "SELECT r.id, kv.v FROM r LEFT JOIN kv ON kv.k = r.k ORDER BY r.id",
        "SELECT k FROM kv WHERE k IN (SELECT k FROM r)",
        "SELECT (SELECT v FROM kv WHERE k = r.k) FROM r ORDER BY id",
        "INSERT INTO kv SELECT k || 'x', id FROM r",
        "SELECT * FROM kv ORDER BY v",
    ]);
}

#[test]
fn strict_and_foreign_keys() {
    let mut f = mem();
    let l = lite();
    both_exec(
        &mut f,
        &l,
        "PRAGMA foreign_keys = ON;
         CREATE TABLE s(k INT PRIMARY KEY, v TEXT) STRICT, WITHOUT ROWID;
         CREATE TABLE par(code TEXT PRIMARY KEY, n) WITHOUT ROWID;
         CREATE TABLE kid(id INTEGER PRIMARY KEY, code REFERENCES par(code) ON DELETE CASCADE ON UPDATE CASCADE);
         CREATE TABLE wkid(a, code REFERENCES par(code), PRIMARY KEY(a)) WITHOUT ROWID;
         CREATE TABLE g(k TEXT PRIMARY KEY, v INT, dbl AS (v * 2), st TEXT AS (k || v) STORED) WITHOUT ROWID;
         CREATE INDEX gd ON g(dbl);",
    );
    check_all(&mut f, &l, &[
        "INSERT INTO s VALUES (1, 'a')",
        "INSERT INTO s VALUES ('x', 'a')",
        "INSERT INTO s VALUES (2, 3)",
        "UPDATE s SET v = x'00' WHERE k = 1",
        "SELECT k, typeof(k), v FROM s",
        "INSERT INTO par VALUES ('a', 1), ('b', 2)",
        "INSERT INTO kid(code) VALUES ('a'), ('b'), ('a')",
        "INSERT INTO kid(code) VALUES ('zz')",
        "INSERT INTO wkid VALUES (1, 'a'), (2, 'b')",
        "INSERT INTO wkid VALUES (3, 'zz')",
        "UPDATE wkid SET code = 'nope' WHERE a = 1",
        "DELETE FROM par WHERE code = 'b'",
        "DELETE FROM wkid WHERE code = 'b'",
        "DELETE FROM par WHERE code = 'b'",
        "UPDATE par SET code = 'c' WHERE code = 'a'",
        "UPDATE wkid SET code = 'b'",
        "SELECT * FROM kid ORDER BY id",
        "SELECT * FROM wkid ORDER BY a",
        "PRAGMA foreign_key_check",
        "INSERT INTO g(k, v) VALUES ('a', 1), ('b', 2)",
        "UPDATE g SET v = v + 10 WHERE k = 'a'",
        "INSERT INTO g(k, v) VALUES ('a', 5) ON CONFLICT(k) DO UPDATE SET v = excluded.v",
        "SELECT k, v, dbl, st FROM g ORDER BY k",
        "SELECT k FROM g WHERE dbl = 4",
        "PRAGMA table_xinfo(g)",
        "SELECT * FROM pragma_table_info('g')",
        "PRAGMA integrity_check",
    ]);
}

#[test]
fn joins_alter_and_odd_keys() {
    let mut f = mem();
    let l = lite();
    both_exec(
        &mut f,
        &l,
        "CREATE TABLE t(a TEXT, b INT, c, PRIMARY KEY(b, a)) WITHOUT ROWID; CREATE INDEX tc ON t(c);
         CREATE TABLE r(x INTEGER PRIMARY KEY, y);
         INSERT INTO t VALUES ('x', 1, 10), ('y', 2, 20), ('z', 3, 30); INSERT INTO r VALUES (1, 1), (2, 5);",
    );
    check_all(&mut f, &l, &[
        "SELECT r.x, t.a FROM r RIGHT JOIN t ON t.b = r.y ORDER BY t.a",
        "SELECT r.x, t.a FROM r FULL JOIN t ON t.b = r.y ORDER BY t.a, r.x",
        "SELECT r.x, t.a FROM t LEFT JOIN r ON t.b = r.y ORDER BY t.a",
        "ALTER TABLE t ADD COLUMN d DEFAULT 7",
        "SELECT * FROM t ORDER BY b",
        "ALTER TABLE t RENAME COLUMN c TO cc",
        "SELECT cc FROM t ORDER BY b",
        "ALTER TABLE t DROP COLUMN d",
        "SELECT * FROM t ORDER BY b",
        "ALTER TABLE t DROP COLUMN b",
        "ALTER TABLE t RENAME TO t2",
        "SELECT * FROM t2 WHERE b IN (1, 3) ORDER BY b",
        "PRAGMA integrity_check",
        "UPDATE t2 SET b = b + 1",
        "SELECT * FROM t2 ORDER BY b",
        "SELECT min(b), max(b), count(DISTINCT a) FROM t2",
        "SELECT b, count(*) FROM t2 GROUP BY b",
        "CREATE TABLE dup(a, b, PRIMARY KEY(a, a, b)) WITHOUT ROWID",
        "INSERT INTO dup VALUES (1, 2), (1, 3)",
        "SELECT * FROM dup",
        "PRAGMA table_info(dup)",
        "PRAGMA index_xinfo(sqlite_autoindex_dup_1)",
        "CREATE TABLE rdup(a, b, PRIMARY KEY(a, a, b))",
        "PRAGMA table_info(rdup)",
        "CREATE TABLE v2(a PRIMARY KEY, b) WITHOUT ROWID",
        "INSERT INTO v2 VALUES (1, 1), (2, 2)",
        "INSERT INTO v2 SELECT a + 10, b FROM v2",
        "INSERT INTO v2 SELECT a, b FROM v2",
        "REPLACE INTO v2 SELECT a, b + 100 FROM v2 WHERE a > 10",
        "SELECT * FROM v2",
    ]);
    // Query plans: the PRIMARY KEY is the table (detail text as SQLite's).
    for q in ["SELECT * FROM v2 WHERE a = 1", "SELECT * FROM v2 WHERE a > 1", "SELECT * FROM dup WHERE a = 1 AND b = 2"] {
        let eqp = format!("EXPLAIN QUERY PLAN {q}");
        let detail = |rows: Vec<Vec<Value>>| rows.into_iter().map(|r| r[3].clone()).collect::<Vec<_>>();
        assert_eq!(detail(query(&mut f, &eqp).unwrap()), detail(lite_query(&l, &eqp, &[]).unwrap()), "{eqp}");
    }
}

/// Subqueries, automatic indexes, index hints, windows and DDL around a
/// WITHOUT ROWID table.
#[test]
fn subqueries_hints_and_drops() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, "CREATE TABLE t(a TEXT, b INT, c, PRIMARY KEY(b, a)) WITHOUT ROWID; CREATE TABLE r(x INTEGER PRIMARY KEY, y); INSERT INTO t VALUES ('x',1,10),('y',2,20),('z',3,30),('w',4,20); INSERT INTO r VALUES (1,10),(2,20),(3,99);");
    let qs = [
        "SELECT r.x, t.a FROM r JOIN t ON t.c = r.y ORDER BY 1, 2",
        "SELECT r.x, t.a FROM r LEFT JOIN t ON t.c = r.y ORDER BY 1, 2",
        "SELECT x FROM r WHERE EXISTS (SELECT 1 FROM t WHERE t.c = r.y) ORDER BY x",
        "SELECT x FROM r WHERE y NOT IN (SELECT c FROM t) ORDER BY x",
        "SELECT a FROM t WHERE b IN (SELECT x FROM r) ORDER BY a",
        "SELECT * FROM t INDEXED BY sqlite_autoindex_t_1 WHERE b = 2",
        "SELECT * FROM t NOT INDEXED WHERE b = 2",
        "SELECT * FROM t WHERE b = 2 AND a > 'a'",
        "SELECT * FROM t WHERE b >= 2 AND b < 4 ORDER BY b DESC",
        "SELECT a, row_number() OVER (ORDER BY b) FROM t",
        "SELECT * FROM t ORDER BY b DESC, a DESC LIMIT 2",
        "SELECT * FROM t WHERE a = 'y'",
        "CREATE INDEX tca ON t(c, a)",
        "SELECT r.x, t.a FROM r JOIN t ON t.c = r.y ORDER BY 1, 2",
        "SELECT a, b FROM t WHERE c = 20 ORDER BY a",
        "SELECT count(*) FROM t WHERE c > 10",
        "UPDATE t SET c = 21 WHERE c = 20",
        "SELECT * FROM t WHERE c = 21 ORDER BY b",
        "PRAGMA integrity_check",
        "DROP INDEX tca",
        "PRAGMA integrity_check",
        "DROP TABLE t",
        "PRAGMA integrity_check",
        "SELECT name FROM sqlite_schema",
    ];
    check_all(&mut f, &l, &qs);
}

fn temp_path(tag: &str) -> String {
    let dir = std::env::temp_dir().join(format!("ferrolite-wr-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("t.db").to_string_lossy().into_owned();
    let _ = std::fs::remove_file(&p);
    p
}

fn open(path: &str) -> Connection {
    Connection::open(Rc::new(UnixVfs::new()), path, OpenFlags::default_rwc()).expect("open")
}

fn lite_rows(l: &rusqlite::Connection, sql: &str) -> Vec<Vec<Value>> {
    lite_query(l, sql, &[]).expect("sqlite query")
}

const READS: &[&str] = &[
    "SELECT * FROM w ORDER BY k1, k2",
    "SELECT k2, k1, length(v) FROM w WHERE s = 7 ORDER BY k2, k1",
    "SELECT count(*), sum(length(v)) FROM w",
    "SELECT * FROM w WHERE k1 = 'key-12' ORDER BY k2",
];

#[test]
fn files_both_ways() {
    // ferrolite writes (enough rows for interior pages and overflow), SQLite reads.
    let path = temp_path("fw");
    {
        let mut f = open(&path);
        f.exec("CREATE TABLE w(k1 TEXT, v BLOB, k2 INT, s INT, PRIMARY KEY(k1, k2 DESC)) WITHOUT ROWID; CREATE INDEX ws ON w(s);").unwrap();
        f.exec("BEGIN").unwrap();
        for i in 0..600 {
            let len = if i % 50 == 0 { 5000 } else { i % 97 };
            f.exec(&format!("INSERT INTO w VALUES ('key-{}', zeroblob({len}), {}, {})", i % 40, i, i % 13)).unwrap();
        }
        f.exec("COMMIT").unwrap();
        f.exec("DELETE FROM w WHERE k2 % 7 = 0; UPDATE w SET s = s + 1, v = x'00ff' WHERE k2 % 5 = 0;").unwrap();
        let mine: Vec<_> = READS.iter().map(|q| query(&mut f, q).unwrap()).collect();
        let l = rusqlite::Connection::open(&path).unwrap();
        assert_eq!(lite_rows(&l, "PRAGMA integrity_check"), vec![vec![Value::Text("ok".into())]]);
        for (q, rows) in READS.iter().zip(&mine) {
            assert_eq!(&lite_rows(&l, q), rows, "{q}");
        }
    }
    // SQLite writes, ferrolite reads and modifies, SQLite checks.
    let path = temp_path("sw");
    {
        let l = rusqlite::Connection::open(&path).unwrap();
        l.execute_batch("CREATE TABLE w(k1 TEXT, v BLOB, k2 INT, s INT, PRIMARY KEY(k1, k2 DESC)) WITHOUT ROWID; CREATE INDEX ws ON w(s); BEGIN;").unwrap();
        for i in 0..600 {
            let len = if i % 50 == 0 { 5000 } else { i % 97 };
            l.execute_batch(&format!("INSERT INTO w VALUES ('key-{}', zeroblob({len}), {}, {})", i % 40, i, i % 13)).unwrap();
        }
        l.execute_batch("COMMIT").unwrap();
        let theirs: Vec<_> = READS.iter().map(|q| lite_rows(&l, q)).collect();
        drop(l);
        let mut f = open(&path);
        for (q, rows) in READS.iter().zip(&theirs) {
            assert_eq!(&query(&mut f, q).unwrap(), rows, "{q}");
        }
        assert_eq!(query(&mut f, "PRAGMA integrity_check").unwrap(), vec![vec![Value::Text("ok".into())]]);
        f.exec("DELETE FROM w WHERE k2 % 3 = 0; UPDATE w SET k2 = k2 + 1000 WHERE s = 4; INSERT INTO w VALUES ('new', x'01', 1, 7);").unwrap();
        let mine: Vec<_> = READS.iter().map(|q| query(&mut f, q).unwrap()).collect();
        drop(f);
        let l = rusqlite::Connection::open(&path).unwrap();
        assert_eq!(lite_rows(&l, "PRAGMA integrity_check"), vec![vec![Value::Text("ok".into())]]);
        for (q, rows) in READS.iter().zip(&mine) {
            assert_eq!(&lite_rows(&l, q), rows, "{q}");
        }
    }
}

#[test]
fn integrity_check_finds_missing_index_entries() {
    // SQLite writes a WITHOUT ROWID table whose index text is then changed
    // (writable_schema) to name another column, so the stored entries no
    // longer match the rows: both engines must report the same problems.
    let path = temp_path("ic");
    {
        let l = rusqlite::Connection::open(&path).unwrap();
        l.execute_batch(
            "CREATE TABLE t(k PRIMARY KEY, b, c) WITHOUT ROWID; CREATE INDEX tb ON t(b); CREATE INDEX tc ON t(c);
             INSERT INTO t VALUES (1, 10, 100), (2, 20, 200), (3, 30, 300);
             PRAGMA writable_schema = ON;
             UPDATE sqlite_schema SET sql = 'CREATE INDEX tb ON t(c)' WHERE name = 'tb';",
        )
        .unwrap();
    }
    let l = rusqlite::Connection::open(&path).unwrap();
    let theirs = lite_rows(&l, "PRAGMA integrity_check");
    drop(l);
    let mut f = open(&path);
    let mine = query(&mut f, "PRAGMA integrity_check").unwrap();
    let lines = |rows: Vec<Vec<Value>>| -> Vec<String> {
        rows.into_iter()
            .flat_map(|r| match &r[0] {
                Value::Text(s) => s.lines().map(str::to_string).collect::<Vec<_>>(),
                v => vec![format!("{v:?}")],
            })
            .collect()
    };
    let (mine, theirs) = (lines(mine), lines(theirs));
    assert!(theirs.iter().any(|l| l.contains("missing from index tb")), "{theirs:?}");
    assert_eq!(mine, theirs);
}
