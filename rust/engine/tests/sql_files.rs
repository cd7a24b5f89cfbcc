//! File round trips with real SQLite (rusqlite, bundled) on the native VFS:
//! ferrolite writes (tables, indexes, 10k rows, blobs larger than a page)
//! and SQLite's integrity_check says ok and reads identical rows; SQLite
//! writes (with an index and overflow rows), ferrolite reads identically,
//! modifies, and SQLite's integrity_check still says ok.
mod common;
use common::*;
use ferrolite_engine::vfs::unix::UnixVfs;
use ferrolite_engine::{Connection, OpenFlags, Value};
use std::rc::Rc;

fn temp_path(tag: &str) -> String {
    let dir = std::env::temp_dir();
    let p = dir.join(format!("ferrolite-sql-{tag}-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&p);
    let _ = std::fs::remove_file(format!("{}-journal", p.display()));
    p.to_string_lossy().into_owned()
}

fn open(path: &str) -> Connection {
    Connection::open(Rc::new(UnixVfs::new()), path, OpenFlags::default_rwc()).expect("open")
}

fn lite_rows(l: &rusqlite::Connection, sql: &str) -> Vec<Vec<Value>> {
    lite_query(l, sql, &[]).expect("sqlite query")
}

fn integrity(l: &rusqlite::Connection) -> String {
    l.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0)).unwrap()
}

fn blob(i: i64, n: usize) -> Vec<u8> {
    (0..n).map(|k| ((k as i64 * 31 + i * 7) % 251) as u8).collect()
}

#[test]
fn ferrolite_writes_sqlite_reads() {
    let path = temp_path("fw");
    {
        let mut f = open(&path);
        f.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, data BLOB, UNIQUE(name));
                CREATE INDEX t_score ON t(score DESC, id);
                CREATE TABLE kv(k TEXT PRIMARY KEY, v)").unwrap();
        f.exec("BEGIN").unwrap();
        let (ins, _) = f.prepare("INSERT INTO t(name, score, data) VALUES (?1, ?2, ?3)").unwrap();
        let ins = ins.unwrap();
        for i in 0..10_000i64 {
            f.bind(ins, 1, Value::Text(format!("name-{i:05}"))).unwrap();
            f.bind(ins, 2, if i % 7 == 0 { Value::Null } else { Value::Real((i % 100) as f64 / 4.0) }).unwrap();
            let n = if i % 500 == 0 { 10_000 } else { (i % 50) as usize };
            f.bind(ins, 3, Value::Blob(blob(i, n))).unwrap();
            assert_eq!(f.step(ins).unwrap(), ferrolite_engine::StepResult::Done);
            f.reset(ins).unwrap();
        }
        f.finalize(ins).unwrap();
        f.exec("COMMIT").unwrap();
        f.exec("INSERT INTO kv VALUES ('a', 1), ('b', x'00'), ('c', 'text'); UPDATE t SET score = -1 WHERE id % 1000 = 0; DELETE FROM t WHERE id % 3 = 0").unwrap();
        f.exec("PRAGMA user_version = 7").unwrap();
        f.close().unwrap();
    }
    let l = rusqlite::Connection::open(&path).unwrap();
    assert_eq!(integrity(&l), "ok");
    let mut f = open(&path);
    for q in [
        "SELECT count(*), sum(length(data)), sum(score) FROM t",
        "SELECT * FROM t WHERE id IN (1, 2, 500, 501, 9998, 10000) ORDER BY id",
        "SELECT id, name FROM t WHERE name = 'name-04321'",
        "SELECT id FROM t ORDER BY score DESC, id LIMIT 20",
        "SELECT * FROM kv ORDER BY k",
        "PRAGMA user_version",
        "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema ORDER BY name",
    ] {
        assert_eq!(query(&mut f, q).unwrap(), lite_rows(&l, q), "{q}");
    }
    assert_eq!(query(&mut f, "PRAGMA integrity_check").unwrap(), vec![vec![Value::Text("ok".into())]]);
}

#[test]
fn sqlite_writes_ferrolite_reads_and_modifies() {
    let path = temp_path("sw");
    {
        let l = rusqlite::Connection::open(&path).unwrap();
        l.execute_batch("PRAGMA journal_mode=DELETE; CREATE TABLE items(id INTEGER PRIMARY KEY, cat TEXT, qty INT, note TEXT, UNIQUE(cat, qty));
                         CREATE INDEX items_note ON items(note);
                         CREATE TABLE log(msg TEXT, at DEFAULT CURRENT_TIMESTAMP);").unwrap();
        let tx = l.unchecked_transaction().unwrap();
        for i in 0..3000i64 {
            let note = if i % 100 == 0 { "n".repeat(6000) + &i.to_string() } else { format!("note {}", i % 37) };
            l.execute("INSERT INTO items(cat, qty, note) VALUES (?1, ?2, ?3)", rusqlite::params![format!("c{}", i % 10), i, note]).unwrap();
        }
        tx.commit().unwrap();
    }
    let mut f = open(&path);
    {
        let l = rusqlite::Connection::open(&path).unwrap();
        for q in [
            "SELECT count(*), sum(qty), sum(length(note)) FROM items",
            "SELECT * FROM items WHERE id = 1501",
            "SELECT id, cat FROM items WHERE note = 'note 5' ORDER BY id",
            "SELECT cat, count(*), max(qty) FROM items GROUP BY cat",
            "SELECT id, length(note) FROM items WHERE length(note) > 1000 ORDER BY id",
        ] {
            assert_eq!(query(&mut f, q).unwrap(), lite_rows(&l, q), "{q}");
        }
    }
    f.exec("BEGIN; UPDATE items SET note = 'changed ' || id WHERE id % 5 = 0; DELETE FROM items WHERE id % 7 = 0;
            INSERT INTO items(cat, qty, note) VALUES ('new', 1, 'x'), ('new', 2, NULL); INSERT INTO log(msg) VALUES ('hi'); COMMIT;").unwrap();
    let e = f.exec("INSERT INTO items(cat, qty) VALUES ('c1', 1)").unwrap_err();
    assert_eq!(e.message, "UNIQUE constraint failed: items.cat, items.qty");
    f.exec("CREATE INDEX items_qty ON items(qty); DROP INDEX items_note; CREATE TABLE extra(a, b); INSERT INTO extra SELECT id, note FROM items WHERE id < 50; DROP TABLE extra").unwrap();
    f.close().unwrap();
    let l = rusqlite::Connection::open(&path).unwrap();
    assert_eq!(integrity(&l), "ok");
    let mut f = open(&path);
    for q in [
        "SELECT count(*), sum(qty), sum(length(note)) FROM items",
        "SELECT * FROM items WHERE note LIKE 'changed 1%' ORDER BY id",
        "SELECT id FROM items WHERE qty = 77",
        "SELECT msg, typeof(at), length(at) FROM log",
        "SELECT name FROM sqlite_schema ORDER BY name",
    ] {
        assert_eq!(query(&mut f, q).unwrap(), lite_rows(&l, q), "{q}");
    }
}
