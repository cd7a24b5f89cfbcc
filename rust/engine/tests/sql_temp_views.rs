//! Differential tests for TEMP views: created with CREATE TEMP|TEMPORARY
//! VIEW, used like views (also after other DDL re-reads the schema),
//! dropped with DROP VIEW, per connection and never written to the file.
mod common;
use common::*;
use ferrolite_engine::vfs::unix::UnixVfs;
use ferrolite_engine::{Connection, OpenFlags};
use std::rc::Rc;

#[test]
fn temp_views_match_sqlite() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, "CREATE TABLE t1(x INTEGER, y TEXT); INSERT INTO t1 VALUES (1, 'a'), (-2, 'b'), (3, NULL);");
    check_all(&mut f, &l, &[
        "CREATE TEMP VIEW view2 AS SELECT x FROM t1 WHERE x>0",
        "CREATE TEMPORARY VIEW view3(a, b) AS SELECT x, y FROM t1 WHERE x>0",
        "SELECT * FROM view2 ORDER BY x",
        "SELECT a, b, typeof(b) FROM view3 ORDER BY a",
        "SELECT count(*) FROM view2 JOIN view3 ON view2.x = view3.a",
        "CREATE TEMP VIEW view2 AS SELECT 1",
        "CREATE TEMP VIEW IF NOT EXISTS view2 AS SELECT 1",
        "SELECT name FROM sqlite_schema",
        "CREATE TABLE t2(z)",
        "INSERT INTO t1 VALUES (5, 'e')",
        "SELECT * FROM view2 ORDER BY x",
        "DELETE FROM view2",
        "INSERT INTO view2 VALUES (1)",
        "UPDATE view2 SET x = 1",
        "CREATE VIEW mainv AS SELECT y FROM t1",
        "DELETE FROM mainv",
        "SELECT count(*) FROM mainv, view2",
        "DROP VIEW mainv",
        "DROP TABLE view2",
        "DROP VIEW view2",
        "SELECT * FROM view2",
        "DROP VIEW view2",
        "DROP VIEW IF EXISTS view2",
        "SELECT a FROM view3 ORDER BY a",
        "DROP VIEW view3",
        "SELECT a FROM view3",
        "CREATE TEMP VIEW view2 AS SELECT y FROM t1 WHERE x < 0",
        "SELECT * FROM view2",
    ]);
}

#[test]
fn temp_view_is_per_connection_and_not_in_the_file() {
    let dir = std::env::temp_dir().join(format!("ferrolite-tempview-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.db").to_string_lossy().into_owned();
    let _ = std::fs::remove_file(&path);
    let open = || Connection::open(Rc::new(UnixVfs::new()), &path, OpenFlags::default_rwc()).expect("open");
    let mut a = open();
    assert_eq!(query(&mut a, "CREATE TABLE t(x)"), Ok(vec![]));
    assert_eq!(query(&mut a, "CREATE TEMP VIEW v AS SELECT x FROM t"), Ok(vec![]));
    assert_eq!(query(&mut a, "SELECT count(*) FROM v"), Ok(vec![vec![ferrolite_engine::Value::Integer(0)]]));
    let mut b = open();
    assert_eq!(query(&mut b, "SELECT * FROM v"), Err((1, "no such table: v".to_string())));
    drop(a);
    let mut c = open();
    assert_eq!(query(&mut c, "SELECT * FROM v"), Err((1, "no such table: v".to_string())));
    let l = rusqlite::Connection::open(&path).unwrap();
    let n: i64 = l.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1);
    let ok: String = l.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    let _ = std::fs::remove_dir_all(&dir);
}
