//! Differential tests for the TEMP schema table against SQLite (rusqlite,
//! bundled): `sqlite_temp_master`, `sqlite_temp_schema`,
//! `temp.sqlite_master` and `temp.sqlite_schema` list the connection's
//! TEMP views (type, name, tbl_name, rootpage 0, the CREATE text as SQLite
//! stores it), follow CREATE/DROP, and `temp.` qualifies TEMP views;
//! PRAGMA database_list lists `temp` once a TEMP object was created.
mod common;
use common::*;

#[test]
fn temp_schema_table_lists_temp_views() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, "CREATE TABLE t(x); INSERT INTO t VALUES (1), (2);");
    check_all(&mut f, &l, &[
        "SELECT * FROM sqlite_temp_master",
        "PRAGMA database_list",
        "CREATE TEMP VIEW tv AS SELECT x FROM t",
        "PRAGMA database_list",
        "SELECT * FROM pragma_database_list",
        "CREATE TEMPORARY VIEW tw(a) AS SELECT 1",
        "SELECT * FROM sqlite_temp_master",
        "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_temp_schema",
        "SELECT name FROM temp.sqlite_master ORDER BY name",
        "SELECT count(*) FROM temp.sqlite_schema",
        "SELECT m.name, s.name FROM sqlite_master m, sqlite_temp_master s ORDER BY 1, 2",
        "SELECT * FROM temp.tv",
        "SELECT * FROM temp.tw",
        "DROP VIEW tv",
        "SELECT name FROM sqlite_temp_master",
        "SELECT name FROM sqlite_master",
        "SELECT * FROM main.sqlite_temp_master",
        "DROP VIEW tw",
        "PRAGMA database_list",
    ]);
}
