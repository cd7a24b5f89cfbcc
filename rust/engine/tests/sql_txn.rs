//! Transactions, statement rollback, parameters of every form, changes(),
//! last_insert_rowid, EXPLAIN, interrupt, schema changes seen by another
//! connection.
mod common;
use common::*;
use ferrolite_engine::{codes, Connection, OpenFlags, StepResult, Value};
use std::rc::Rc;

#[test]
fn transactions_and_statement_rollback() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, "CREATE TABLE t(id INTEGER PRIMARY KEY, a UNIQUE)");
    check_all(&mut f, &l, &[
        "COMMIT",
        "ROLLBACK",
        "BEGIN",
        "BEGIN",
        "INSERT INTO t VALUES (1, 'a')",
        "INSERT INTO t VALUES (2, 'b'), (3, 'a')",
        "SELECT * FROM t",
        "ROLLBACK",
        "SELECT * FROM t",
        "BEGIN IMMEDIATE",
        "INSERT INTO t VALUES (1, 'a')",
        "INSERT INTO t VALUES (2, 'b'), (3, 'a')",
        "INSERT INTO t VALUES (4, 'd')",
        "END",
        "SELECT * FROM t",
        "INSERT INTO t VALUES (5, 'e'), (6, 'a')",
        "SELECT * FROM t",
        "BEGIN EXCLUSIVE",
        "DELETE FROM t WHERE id > 1",
        "COMMIT TRANSACTION",
        "SELECT * FROM t",
    ]);
    assert!(f.is_autocommit());
    f.exec("BEGIN").unwrap();
    assert!(!f.is_autocommit());
    f.exec("COMMIT").unwrap();
    assert!(f.is_autocommit());
}

#[test]
fn parameters_of_every_form() {
    let mut f = mem();
    let (id, _) = f.prepare("SELECT ?, ?3, :a, @b, $c, ?, :a").unwrap();
    let id = id.unwrap();
    assert_eq!(f.param_count(id), 7);
    let names: Vec<Option<&str>> = (1..=7).map(|i| f.param_name(id, i)).collect();
    assert_eq!(names, vec![None, None, Some("?3"), Some(":a"), Some("@b"), Some("$c"), None]);
    for i in 1..=7 {
        f.bind(id, i, Value::Integer(i as i64 * 10)).unwrap();
    }
    assert_eq!(f.bind(id, 8, Value::Null).unwrap_err().code, codes::RANGE);
    assert_eq!(f.bind(id, 0, Value::Null).unwrap_err().code, codes::RANGE);
    assert_eq!(f.step(id).unwrap(), StepResult::Row);
    assert_eq!(
        f.row(id),
        &[Value::Integer(10), Value::Integer(30), Value::Integer(40), Value::Integer(50), Value::Integer(60), Value::Integer(70), Value::Integer(40)]
    );
    f.finalize(id).unwrap();
    // Compare with rusqlite for the same statement.
    let l = lite();
    let p = [Value::Integer(1), Value::Text("x".into()), Value::Real(2.5), Value::Blob(vec![1]), Value::Null];
    same_params(&mut f, &l, "SELECT ?1, ?2, ?3, ?4, ?5, typeof(?2)", &p);
    same_params(&mut f, &l, "SELECT ? + ?, ? || ?", &[Value::Integer(1), Value::Text("2".into()), Value::Null, Value::Text("a".into())]);
    // Same name twice is one parameter.
    let (id, _) = f.prepare("SELECT :x, :x, ?").unwrap();
    let id = id.unwrap();
    assert_eq!(f.param_count(id), 2);
    assert_eq!(f.param_name(id, 2), None);
    f.finalize(id).unwrap();
}

#[test]
fn changes_and_last_insert_rowid() {
    let mut f = mem();
    let l = lite();
    let stmts = [
        "CREATE TABLE t(id INTEGER PRIMARY KEY, a)",
        "INSERT INTO t(a) VALUES (1), (2), (3)",
        "INSERT INTO t VALUES (100, 4)",
        "UPDATE t SET a = a + 1 WHERE id < 3",
        "SELECT 1",
        "DELETE FROM t WHERE a > 3",
        "INSERT INTO t(a) VALUES (9)",
        "DELETE FROM t",
    ];
    for s in stmts {
        f.exec(s).unwrap();
        l.execute_batch(s).unwrap();
        assert_eq!(f.changes(), l.changes() as i64, "changes after {s}");
        assert_eq!(f.total_changes(), l.total_changes() as i64, "total_changes after {s}");
        assert_eq!(f.last_insert_rowid(), l.last_insert_rowid(), "last_insert_rowid after {s}");
    }
    check_all(&mut f, &l, &["SELECT changes(), total_changes(), last_insert_rowid()"]);
}

#[test]
fn rowid_at_max_picks_random_free_rowid() {
    let mut f = mem();
    f.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, a); INSERT INTO t VALUES (9223372036854775807, 1); INSERT INTO t(a) VALUES (2)").unwrap();
    let rows = query(&mut f, "SELECT count(*), count(DISTINCT id) FROM t").unwrap();
    assert_eq!(rows, vec![vec![Value::Integer(2), Value::Integer(2)]]);
    let r = f.last_insert_rowid();
    assert!(r > 0 && r != i64::MAX);
}

#[test]
fn explain_lists_the_program() {
    let mut f = mem();
    f.exec("CREATE TABLE t(a)").unwrap();
    let rows = query(&mut f, "EXPLAIN SELECT a FROM t WHERE a > 1").unwrap();
    assert!(rows.len() > 5);
    let ops: Vec<String> = rows.iter().map(|r| match &r[1] { Value::Text(s) => s.clone(), _ => String::new() }).collect();
    assert!(ops.contains(&"OpenRead".to_string()) && ops.contains(&"ResultRow".to_string()) && ops.contains(&"Halt".to_string()), "{ops:?}");
    let (id, _) = f.prepare("EXPLAIN SELECT 1").unwrap();
    let id = id.unwrap();
    let names: Vec<&str> = (0..f.column_count(id)).map(|i| f.column_name(id, i)).collect();
    assert_eq!(names, ["addr", "opcode", "p1", "p2", "p3", "p4", "p5", "comment"]);
}

#[test]
fn interrupt_stops_a_long_query() {
    let mut f = mem();
    f.exec("CREATE TABLE t(a); INSERT INTO t VALUES (1),(2),(3),(4),(5),(6),(7),(8),(9),(10)").unwrap();
    let calls = Rc::new(std::cell::Cell::new(0));
    let c2 = calls.clone();
    f.set_interrupt_probe(Box::new(move || {
        c2.set(c2.get() + 1);
        c2.get() > 3
    }));
    let e = query(&mut f, "SELECT count(*) FROM t, t, t, t, t, t").unwrap_err();
    assert_eq!(e, (codes::INTERRUPT, "interrupted".to_string()));
    assert!(f.is_autocommit());
}

#[test]
fn column_names_and_decltypes() {
    let mut f = mem();
    f.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, name VARCHAR(10), x)").unwrap();
    let (id, _) = f.prepare("SELECT id, name AS n, x + 1, t.x, *, count(*) FROM t").unwrap();
    let id = id.unwrap();
    let names: Vec<&str> = (0..f.column_count(id)).map(|i| f.column_name(id, i)).collect();
    assert_eq!(names, ["id", "n", "x + 1", "x", "id", "name", "x", "count(*)"]);
    let types: Vec<Option<&str>> = (0..f.column_count(id)).map(|i| f.column_decltype(id, i)).collect();
    assert_eq!(types, [Some("INTEGER"), Some("VARCHAR(10)"), None, None, Some("INTEGER"), Some("VARCHAR(10)"), None, None]);
    assert!(f.stmt_readonly(id));
    f.finalize(id).unwrap();
    let (id, _) = f.prepare("INSERT INTO t(x) VALUES (1)").unwrap();
    assert!(!f.stmt_readonly(id.unwrap()));
}

#[test]
fn schema_change_by_another_connection_recompiles() {
    let vfs = Rc::new(ferrolite_engine::vfs::memory::MemoryVfs::new());
    let mut a = Connection::open(vfs.clone(), "db", OpenFlags::default_rwc()).unwrap();
    let mut b = Connection::open(vfs.clone(), "db", OpenFlags::default_rwc()).unwrap();
    a.exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)").unwrap();
    // b's schema is stale: preparing reloads it.
    assert_eq!(query(&mut b, "SELECT x FROM t").unwrap(), vec![vec![Value::Integer(1)]]);
    let (st, _) = b.prepare("SELECT * FROM t").unwrap();
    let st = st.unwrap();
    a.exec("DROP TABLE t; CREATE TABLE t(x, y); INSERT INTO t VALUES (2, 3)").unwrap();
    assert_eq!(b.step(st).unwrap(), StepResult::Row);
    assert_eq!(b.row(st), &[Value::Integer(2), Value::Integer(3)]);
    assert_eq!(b.column_count(st), 2);
    b.finalize(st).unwrap();
}

#[test]
fn several_statements_in_one_exec_and_tail() {
    let mut f = mem();
    f.exec("CREATE TABLE t(a); INSERT INTO t VALUES (1); -- comment\n INSERT INTO t VALUES (2);;").unwrap();
    assert_eq!(query(&mut f, "SELECT sum(a) FROM t").unwrap(), vec![vec![Value::Integer(3)]]);
    let sql = "SELECT 1; SELECT 2";
    let (id, tail) = f.prepare(sql).unwrap();
    assert!(id.is_some());
    assert_eq!(&sql[tail..].trim(), &"SELECT 2");
    let (id, _) = f.prepare("  -- only a comment\n").unwrap();
    assert!(id.is_none());
    let e = f.exec("INSERT INTO t VALUES (3); SELECT nosuch; INSERT INTO t VALUES (4)").unwrap_err();
    assert_eq!(e.message, "no such column: nosuch");
    assert_eq!(query(&mut f, "SELECT count(*) FROM t").unwrap(), vec![vec![Value::Integer(3)]]);
}

#[test]
fn savepoints_match_sqlite() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, "CREATE TABLE t(a UNIQUE)");
    check_all(&mut f, &l, &[
        "RELEASE nosuch",
        "SAVEPOINT s1",
        "INSERT INTO t VALUES (1)",
        "SAVEPOINT s2",
        "INSERT INTO t VALUES (2)",
        "INSERT INTO t VALUES (2)",
        "SELECT * FROM t",
        "ROLLBACK TO s2",
        "SELECT * FROM t",
        "INSERT INTO t VALUES (3)",
        "RELEASE s2",
        "SELECT * FROM t",
        "ROLLBACK TO S1",
        "SELECT * FROM t",
        "INSERT INTO t VALUES (4)",
        "RELEASE s1",
        "SELECT * FROM t",
        "BEGIN",
        "SAVEPOINT a",
        "INSERT INTO t VALUES (5)",
        "RELEASE a",
        "ROLLBACK",
        "SELECT * FROM t",
        "ROLLBACK TO a",
    ]);
    assert!(f.is_autocommit());
}

#[test]
fn explain_query_plan_names_the_access_paths() {
    let mut f = mem();
    f.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, a, b); CREATE INDEX ta ON t(a); CREATE TABLE u(x, y)").unwrap();
    let plan = |f: &mut Connection, q: &str| -> Vec<String> {
        query(f, &format!("EXPLAIN QUERY PLAN {q}"))
            .unwrap()
            .into_iter()
            .map(|r| match &r[3] {
                Value::Text(s) => s.clone(),
                _ => String::new(),
            })
            .collect()
    };
    assert_eq!(plan(&mut f, "SELECT * FROM t"), ["SCAN t"]);
    assert_eq!(plan(&mut f, "SELECT * FROM t WHERE id = 1"), ["SEARCH t USING INTEGER PRIMARY KEY (rowid=?)"]);
    assert_eq!(plan(&mut f, "SELECT * FROM t WHERE a = 1"), ["SEARCH t USING INDEX ta (a=?)"]);
    assert_eq!(plan(&mut f, "SELECT * FROM t WHERE id > 5"), ["SEARCH t USING INTEGER PRIMARY KEY (rowid>?)"]);
    assert_eq!(plan(&mut f, "SELECT * FROM t ORDER BY b"), ["SCAN t", "USE TEMP B-TREE FOR ORDER BY"]);
    assert_eq!(plan(&mut f, "SELECT * FROM t, u WHERE t.id = u.x"), ["SCAN u", "SEARCH t USING INTEGER PRIMARY KEY (rowid=?)"]);
    assert_eq!(plan(&mut f, "SELECT b, count(*) FROM t GROUP BY b"), ["SCAN t", "USE TEMP B-TREE FOR GROUP BY"]);
    let (id, _) = f.prepare("EXPLAIN QUERY PLAN SELECT 1").unwrap();
    let id = id.unwrap();
    let names: Vec<&str> = (0..f.column_count(id)).map(|i| f.column_name(id, i)).collect();
    assert_eq!(names, ["id", "parent", "notused", "detail"]);
}

#[test]
fn integrity_check_finds_index_rows_missing() {
    let dir = std::env::temp_dir().join(format!("ferrolite-ic-{}.db", std::process::id()));
    let path = dir.to_string_lossy().into_owned();
    let _ = std::fs::remove_file(&path);
    {
        // Real SQLite builds an index on `a`, then (writable_schema) we
        // declare it to be on `b`: its entries no longer match the rows.
        let l = rusqlite::Connection::open(&path).unwrap();
        l.execute_batch("CREATE TABLE t(id INTEGER PRIMARY KEY, a, b); CREATE INDEX ti ON t(a);
                         INSERT INTO t VALUES (1, 'x', 10), (2, 'y', 20), (3, 'z', 30);
                         PRAGMA writable_schema = ON;
                         UPDATE sqlite_master SET sql = 'CREATE INDEX ti ON t(b)' WHERE name = 'ti';").unwrap();
        drop(l);
        let l = rusqlite::Connection::open(&path).unwrap();
        let lite_report: String = l.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert!(lite_report.contains("missing from index ti"), "{lite_report}");
    }
    let mut f = Connection::open(Rc::new(ferrolite_engine::vfs::unix::UnixVfs::new()), &path, OpenFlags::default_rwc()).unwrap();
    // One row per problem, as SQLite.
    let rows = query(&mut f, "PRAGMA integrity_check").unwrap();
    let report: Vec<String> = rows
        .iter()
        .flat_map(|r| match &r[0] {
            Value::Text(t) => t.lines().map(str::to_string).collect::<Vec<_>>(),
            v => panic!("{v:?}"),
        })
        .collect();
    assert!(report.iter().any(|l| l == "row 1 missing from index ti") && report.iter().any(|l| l == "row 3 missing from index ti"), "{report:?}");
    f.exec("DROP INDEX ti; CREATE INDEX ti ON t(b)").unwrap();
    assert_eq!(query(&mut f, "PRAGMA integrity_check").unwrap(), vec![vec![Value::Text("ok".into())]]);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn write_while_reading_commits_at_once() {
    let vfs = Rc::new(ferrolite_engine::vfs::memory::MemoryVfs::new());
    let mut a = Connection::open(vfs.clone(), "db", OpenFlags::default_rwc()).unwrap();
    let mut b = Connection::open(vfs.clone(), "db", OpenFlags::default_rwc()).unwrap();
    a.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v); INSERT INTO t(v) VALUES (1), (2), (3), (4), (5)").unwrap();
    let (sel, _) = a.prepare("SELECT id, v FROM t ORDER BY id").unwrap();
    let sel = sel.unwrap();
    let mut seen = Vec::new();
    while a.step(sel).unwrap() == StepResult::Row {
        let row = a.row(sel).to_vec();
        seen.push(row[0].clone());
        if let Value::Integer(id) = row[0] {
            if id <= 2 {
                a.exec(&format!("UPDATE t SET v = v * 10 WHERE id = {id}")).unwrap();
                a.exec("INSERT INTO log_free_table_does_not_exist VALUES (1)").unwrap_err();
                // The other connection sees the committed update at once.
                let rows = query(&mut b, &format!("SELECT v FROM t WHERE id = {id}")).unwrap();
                assert_eq!(rows, vec![vec![Value::Integer(id * 10)]]);
            }
        }
    }
    a.finalize(sel).unwrap();
    assert_eq!(seen, (1..=5).map(Value::Integer).collect::<Vec<_>>());
    assert!(a.is_autocommit());
    assert_eq!(query(&mut b, "SELECT sum(v) FROM t").unwrap(), vec![vec![Value::Integer(10 + 20 + 3 + 4 + 5)]]);
    // And b can write now (no lock left behind by a).
    b.exec("INSERT INTO t(v) VALUES (6)").unwrap();
}

#[test]
fn uri_filenames_with_mode() {
    let dir = std::env::temp_dir().join(format!("ferrolite uri {}.db", std::process::id()));
    let path = dir.to_string_lossy().into_owned();
    let _ = std::fs::remove_file(&path);
    let vfs: Rc<dyn ferrolite_engine::vfs::Vfs> = Rc::new(ferrolite_engine::vfs::unix::UnixVfs::new());
    let uri = format!("file:{}?mode=rwc", path.replace(' ', "%20"));
    let mut c = Connection::open(vfs.clone(), &uri, OpenFlags(OpenFlags::URI | OpenFlags::READWRITE)).unwrap();
    c.exec("CREATE TABLE t(a); INSERT INTO t VALUES (1)").unwrap();
    c.close().unwrap();
    assert!(std::path::Path::new(&path).exists());
    let ro = format!("file://{}?mode=ro", path.replace(' ', "%20"));
    let mut r = Connection::open(vfs.clone(), &ro, OpenFlags(OpenFlags::URI | OpenFlags::READWRITE | OpenFlags::CREATE)).unwrap();
    assert_eq!(query(&mut r, "SELECT a FROM t").unwrap(), vec![vec![Value::Integer(1)]]);
    assert_eq!(query(&mut r, "INSERT INTO t VALUES (2)").unwrap_err().0 & 0xff, codes::READONLY);
    let mut m = Connection::open(vfs.clone(), "file:x?mode=memory", OpenFlags(OpenFlags::URI | OpenFlags::READWRITE)).unwrap();
    m.exec("CREATE TABLE z(a)").unwrap();
    assert!(Connection::open(vfs, "file:x?mode=bogus", OpenFlags(OpenFlags::URI)).is_err());
    let _ = std::fs::remove_file(&path);
}

#[test]
fn commit_while_a_select_is_running() {
    let mut f = mem();
    f.exec("CREATE TABLE t(a); INSERT INTO t VALUES (1), (2), (3)").unwrap();
    let (sel, _) = f.prepare("SELECT a FROM t").unwrap();
    let sel = sel.unwrap();
    assert_eq!(f.step(sel).unwrap(), StepResult::Row);
    f.exec("BEGIN; INSERT INTO t VALUES (4); COMMIT").unwrap();
    let mut rest = vec![];
    while f.step(sel).unwrap() == StepResult::Row {
        rest.push(f.row(sel)[0].clone());
    }
    f.finalize(sel).unwrap();
    assert_eq!(rest, vec![Value::Integer(2), Value::Integer(3), Value::Integer(4)]);
    assert_eq!(query(&mut f, "SELECT count(*) FROM t").unwrap(), vec![vec![Value::Integer(4)]]);
}
