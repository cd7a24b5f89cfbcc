//! Expression and partial indexes against SQLite: CREATE INDEX on
//! expressions / with WHERE (and SQLite's errors for what it prohibits),
//! the indexes maintained on INSERT, UPDATE, DELETE, REPLACE and UPSERT with
//! the same UNIQUE errors, PRAGMA index_info, and real SQLite's
//! integrity_check saying ok on files ferrolite wrote, in both directions.
mod common;
use common::*;
use ferrolite_engine::vfs::unix::UnixVfs;
use ferrolite_engine::{Connection, OpenFlags};
use std::rc::Rc;

const SETUP: &str = "
CREATE TABLE t(id INTEGER PRIMARY KEY, a, b TEXT, c REAL);
CREATE INDEX t_expr ON t(a + 1, lower(b) DESC);
CREATE INDEX t_part ON t(b) WHERE c > 1;
CREATE UNIQUE INDEX t_uexpr ON t(abs(a), substr(b, 1, 1));
CREATE UNIQUE INDEX t_upart ON t(b COLLATE NOCASE) WHERE a IS NOT NULL AND c IS NULL;
CREATE INDEX t_rowid ON t(id * 2) WHERE id % 2 = 0;
";

/// Runs `stmt` on both engines, then compares the table and the change count.
fn step(f: &mut Connection, l: &rusqlite::Connection, stmt: &str) {
    same(f, l, stmt);
    same(f, l, "SELECT changes()");
    same(f, l, "SELECT * FROM t ORDER BY id");
}

const WRITES: &[&str] = &[
    "INSERT INTO t VALUES (1, 5, 'Apple', 2.0), (2, -5, 'banana', NULL), (3, NULL, 'cherry', 0.5)",
    "INSERT INTO t VALUES (4, 5, 'axe', 3.0)",
    "INSERT INTO t VALUES (5, 6, 'APPLE', NULL)",
    "INSERT INTO t VALUES (6, 6, 'apple', NULL)",
    "INSERT INTO t VALUES (7, NULL, 'apple', NULL), (8, 7, 'apple', 9.5)",
    "INSERT OR IGNORE INTO t VALUES (9, -6, 'Bob', 1.0)",
    "INSERT OR REPLACE INTO t VALUES (10, 7, 'avocado', 4.0)",
    "INSERT INTO t VALUES (11, 20, 'Date', NULL) ON CONFLICT DO NOTHING",
    "INSERT INTO t VALUES (12, 21, 'date', NULL) ON CONFLICT DO NOTHING",
    "INSERT INTO t VALUES (3, 1, 'x', 1.0) ON CONFLICT(id) DO UPDATE SET a = excluded.a + 100, c = 7.5",
    "UPDATE t SET c = 5.0 WHERE id = 2",
    "UPDATE t SET b = upper(b) WHERE c > 1",
    "UPDATE t SET a = -a WHERE id IN (1, 2)",
    "UPDATE t SET c = NULL WHERE id = 4",
    "UPDATE t SET b = 'banana' WHERE id = 5",
    "UPDATE t SET id = id + 100 WHERE id % 2 = 0",
    "DELETE FROM t WHERE id = 1",
    "DELETE FROM t WHERE c IS NULL",
    "INSERT INTO t SELECT id + 1000, a * 3, b || 'z', c FROM t",
    "DELETE FROM t WHERE a > 50",
];

#[test]
fn expression_and_partial_indexes_are_maintained() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, SETUP);
    for w in WRITES {
        step(&mut f, &l, w);
    }
    check_all(&mut f, &l, &[
        "SELECT id FROM t WHERE a + 1 = 22 ORDER BY id",
        "SELECT id FROM t WHERE b = 'AVOCADO' AND c > 1",
        "SELECT count(*) FROM t WHERE c > 1",
        "PRAGMA index_info(t_expr)",
        "PRAGMA index_info(t_part)",
        "PRAGMA index_list(t)",
    ]);
}

#[test]
fn create_index_errors_and_population() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, "CREATE TABLE t(a, b, c); INSERT INTO t VALUES (1, 'x', 3), (2, 'X', NULL), (-1, 'y', 4), (3, 'y', 5);");
    for s in [
        "CREATE INDEX i1 ON t(random())",
        "CREATE INDEX i2 ON t((SELECT 1))",
        "CREATE INDEX i3 ON t(a) WHERE random() > 0",
        "CREATE INDEX i4 ON t(a) WHERE a IN (SELECT 1)",
        "CREATE INDEX i5 ON t(nosuch + 1)",
        "CREATE INDEX i6 ON t(a) WHERE nosuch > 1",
        "CREATE INDEX i7 ON t(count(a))",
        "CREATE INDEX i8 ON t(a) WHERE ? > 1",
        "CREATE INDEX i9 ON t(u.a + 1)",
        "CREATE INDEX i10 ON t(a + ?)",
        "CREATE INDEX i12 ON t(t.a + 1)",
        "CREATE INDEX i13 ON t(nosuchfn(a))",
        "CREATE UNIQUE INDEX u1 ON t(abs(a))",
        "CREATE UNIQUE INDEX u2 ON t(lower(b))",
        "CREATE UNIQUE INDEX u3 ON t(lower(b)) WHERE c > 3",
        "CREATE UNIQUE INDEX u4 ON t(b) WHERE c IS NOT NULL",
        "CREATE INDEX ok1 ON t(a * 2, b COLLATE NOCASE) WHERE c IS NOT NULL",
        "INSERT INTO t VALUES (4, 'Y', 6)",
        "INSERT INTO t VALUES (5, 'z', 5)",
        "SELECT name, sql FROM sqlite_master ORDER BY name",
    ] {
        same(&mut f, &l, s);
    }
}

fn temp_path(tag: &str) -> String {
    let p = std::env::temp_dir().join(format!("ferrolite-idxexpr-{tag}-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&p);
    let _ = std::fs::remove_file(format!("{}-journal", p.display()));
    p.to_string_lossy().into_owned()
}

fn integrity(l: &rusqlite::Connection) -> String {
    l.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0)).unwrap()
}

#[test]
fn sqlite_integrity_check_after_ferrolite_writes() {
    // ferrolite creates and writes; SQLite checks.
    let path = temp_path("fw");
    {
        let mut f = Connection::open(Rc::new(UnixVfs::new()), &path, OpenFlags::default_rwc()).expect("open");
        f.exec(SETUP).unwrap();
        for w in WRITES {
            let _ = f.exec(w);
        }
        f.exec("INSERT INTO t SELECT id + 5000, a * 1000 + id, b || id, c FROM t").unwrap();
        f.close().unwrap();
    }
    let l = rusqlite::Connection::open(&path).unwrap();
    assert_eq!(integrity(&l), "ok");
    drop(l);
    // SQLite creates and writes, ferrolite modifies, SQLite checks; the
    // same statements on an in-memory SQLite give the same rows.
    let path2 = temp_path("sw");
    let fill = "INSERT INTO t VALUES (1, 1, 'a', 2.0), (2, 2, 'b', NULL), (3, 3, 'c', 0.5), (4, 4, 'd', 8.0);";
    let change = "UPDATE t SET a = a * 10, c = c + 1 WHERE id > 1; DELETE FROM t WHERE id = 1; INSERT INTO t VALUES (9, 9, 'e', NULL); INSERT INTO t VALUES (10, 9, 'E', 3.0) ON CONFLICT DO NOTHING; INSERT INTO t VALUES (11, -9, 'e', 4.0) ON CONFLICT DO NOTHING";
    {
        let l = rusqlite::Connection::open(&path2).unwrap();
        l.execute_batch(SETUP).unwrap();
        l.execute_batch(fill).unwrap();
    }
    {
        let mut f = Connection::open(Rc::new(UnixVfs::new()), &path2, OpenFlags::default_rwc()).expect("open");
        f.exec(change).unwrap();
        f.close().unwrap();
    }
    let l = rusqlite::Connection::open(&path2).unwrap();
    assert_eq!(integrity(&l), "ok");
    let reference = lite();
    reference.execute_batch(SETUP).unwrap();
    reference.execute_batch(fill).unwrap();
    reference.execute_batch(change).unwrap();
    let q = "SELECT * FROM t ORDER BY id";
    assert_eq!(lite_query(&l, q, &[]).unwrap(), lite_query(&reference, q, &[]).unwrap());
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_file(&path2);
}

#[test]
fn without_rowid_tables_refuse_them_cleanly() {
    let mut f = mem();
    f.exec("CREATE TABLE w(k PRIMARY KEY, v) WITHOUT ROWID").unwrap();
    for s in ["CREATE INDEX wi ON w(v + 1)", "CREATE INDEX wp ON w(v) WHERE v > 0"] {
        let e = f.exec(s).unwrap_err();
        assert!(e.message.contains("not supported yet"), "{e:?}");
    }
    f.exec("INSERT INTO w VALUES (1, 2)").unwrap();
}
