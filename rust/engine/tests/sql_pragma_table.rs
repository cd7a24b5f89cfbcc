//! Differential tests for the schema-introspection pragmas and their
//! table-valued forms against SQLite (rusqlite, bundled): pragma_table_info,
//! table_xinfo, index_list, index_info, index_xinfo, foreign_key_list and
//! database_list as FROM sources (with literal arguments, with arguments
//! from an earlier source of a join, qualified hidden columns arg/schema),
//! and PRAGMA index_xinfo / database_list.
mod common;
use common::*;
use ferrolite_engine::vfs::unix::UnixVfs;
use ferrolite_engine::{Connection, OpenFlags, Value};
use std::rc::Rc;

const SCHEMA: &str = "CREATE TABLE p(id INTEGER PRIMARY KEY, code TEXT UNIQUE NOT NULL DEFAULT 'x');
CREATE TABLE c(a INT, b TEXT COLLATE NOCASE, pid REFERENCES p(id) ON DELETE CASCADE, PRIMARY KEY(b DESC, a));
CREATE INDEX cb ON c(b, pid DESC);
CREATE TABLE w(k TEXT PRIMARY KEY, v, s UNIQUE) WITHOUT ROWID;
CREATE INDEX wv ON w(v);
CREATE VIEW vv AS SELECT 1;";

#[test]
fn pragma_functions_match_sqlite() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, SCHEMA);
    check_all(&mut f, &l, &[
        "SELECT * FROM pragma_table_info('c')",
        "SELECT * FROM pragma_table_xinfo('p')",
        "SELECT name, pk FROM pragma_table_info('w') WHERE pk > 0 ORDER BY pk",
        "SELECT * FROM pragma_index_list('c')",
        "SELECT * FROM pragma_index_list('w')",
        "SELECT * FROM pragma_index_info('cb')",
        "SELECT * FROM pragma_index_xinfo('cb')",
        "SELECT * FROM pragma_index_xinfo('sqlite_autoindex_c_1')",
        "SELECT * FROM pragma_index_xinfo('sqlite_autoindex_w_1')",
        "SELECT * FROM pragma_index_xinfo('wv')",
        "SELECT * FROM pragma_index_xinfo('sqlite_autoindex_w_2')",
        "SELECT * FROM pragma_foreign_key_list('c')",
        "SELECT * FROM pragma_table_info('nope')",
        "SELECT * FROM pragma_table_info(NULL)",
        "SELECT * FROM pragma_table_info",
        "SELECT p.arg, p.schema, p.name FROM pragma_table_info('p') AS p",
        "SELECT p.arg, p.schema, p.name FROM pragma_table_info('p', 'main') AS p",
        "SELECT * FROM pragma_table_info('p', 'nope')",
        "SELECT * FROM pragma_table_info('p', 'main', 3)",
        "SELECT * FROM pragma_nope('p')",
        "SELECT * FROM pragma_database_list",
        "SELECT * FROM pragma_database_list(1)",
        "SELECT m.name, p.* FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.cid",
        "SELECT m.name, p.name, p.origin FROM sqlite_schema AS m, pragma_index_list(m.name) AS p ORDER BY 1, 2",
        "SELECT m.name, x.* FROM sqlite_schema m, pragma_index_list(m.name) l, pragma_index_xinfo(l.name) x ORDER BY 1, l.name, x.seqno",
        "SELECT count(*) FROM sqlite_schema m LEFT JOIN pragma_foreign_key_list(m.name) k WHERE m.type = 'table'",
        "SELECT (SELECT group_concat(name) FROM pragma_table_info(m.name)) FROM sqlite_schema m WHERE type = 'table' ORDER BY name",
        "PRAGMA index_xinfo(cb)",
        "PRAGMA index_xinfo('sqlite_autoindex_w_1')",
        "PRAGMA index_xinfo(nope)",
        "PRAGMA database_list",
        "PRAGMA table_info(w)",
        "PRAGMA index_list(w)",
        "PRAGMA index_info(sqlite_autoindex_w_1)",
        "SELECT * FROM pragma_table_info WHERE arg = 'p'",
        "SELECT name, arg, schema FROM pragma_table_info WHERE arg = 'c' AND schema = 'main'",
        "SELECT name FROM pragma_index_list WHERE 'w' = arg ORDER BY seq",
        "SELECT arg, name FROM pragma_table_info('p')",
        "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info p ON p.arg = m.name WHERE m.type = 'table' ORDER BY 1, p.cid",
        "SELECT count(*) FROM pragma_table_info WHERE arg = 'nope'",
    ]);
}

#[test]
fn database_list_names_the_file() {
    let dir = std::env::temp_dir().join(format!("ferrolite-pragmatable-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("d.db").to_string_lossy().into_owned();
    let _ = std::fs::remove_file(&path);
    let mut f = Connection::open(Rc::new(UnixVfs::new()), &path, OpenFlags::default_rwc()).expect("open");
    let l = rusqlite::Connection::open(&path).unwrap();
    for q in ["PRAGMA database_list", "SELECT seq, name, file FROM pragma_database_list"] {
        let mine = query(&mut f, q).unwrap();
        assert_eq!(mine, lite_query(&l, q, &[]).unwrap(), "{q}");
        assert_eq!(mine, vec![vec![Value::Integer(0), Value::Text("main".into()), Value::Text(path.clone())]]);
    }
}
