//! Differential tests for INSTEAD OF triggers on views against SQLite
//! (rusqlite, bundled): creation rules and messages, INSERT (VALUES,
//! SELECT, column lists, DEFAULT VALUES), UPDATE (WHERE, SET from view
//! columns, UPDATE OF column lists) and DELETE on views run the trigger
//! bodies with NEW/OLD; without a matching trigger the view cannot be
//! modified; DROP VIEW removes its triggers; changes() stays 0.
mod common;
use common::*;

#[test]
fn create_rules() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, "CREATE TABLE t(a, b); CREATE VIEW v(x, y) AS SELECT a, b FROM t;");
    check_all(&mut f, &l, &[
        "CREATE TRIGGER tb BEFORE INSERT ON v BEGIN SELECT 1; END",
        "CREATE TRIGGER ta AFTER UPDATE ON v BEGIN SELECT 1; END",
        "CREATE TRIGGER tt INSTEAD OF INSERT ON t BEGIN SELECT 1; END",
        "CREATE TRIGGER ti INSTEAD OF INSERT ON v BEGIN INSERT INTO t VALUES (new.x, new.y); END",
        "CREATE TRIGGER ti INSTEAD OF DELETE ON v BEGIN SELECT 1; END",
        "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name",
        "UPDATE v SET x = 1",
        "DELETE FROM v",
        "DROP VIEW v",
        "SELECT type, name, tbl_name FROM sqlite_schema ORDER BY name",
        "INSERT INTO v VALUES (1, 2)",
    ]);
}

#[test]
fn insert_update_delete_through_views() {
    let mut f = mem();
    let l = lite();
    both_exec(
        &mut f,
        &l,
        "CREATE TABLE t(id INTEGER PRIMARY KEY, a, b); CREATE TABLE log(ev, o, n);
         CREATE VIEW v(k, x, y) AS SELECT id, a, b FROM t;
         CREATE VIEW w AS SELECT a, count(*) AS c FROM t GROUP BY a;
         CREATE TRIGGER vi INSTEAD OF INSERT ON v BEGIN
           INSERT INTO t(id, a, b) VALUES (new.k, new.x * 2, new.y);
           INSERT INTO log VALUES ('ins', NULL, new.x);
         END;
         CREATE TRIGGER vu INSTEAD OF UPDATE OF y ON v WHEN new.y IS NOT NULL BEGIN
           UPDATE t SET b = new.y WHERE id = old.k;
           INSERT INTO log VALUES ('upd', old.y, new.y);
         END;
         CREATE TRIGGER vd INSTEAD OF DELETE ON v BEGIN
           DELETE FROM t WHERE id = old.k;
           INSERT INTO log VALUES ('del', old.x, NULL);
         END;
         CREATE TRIGGER wd INSTEAD OF DELETE ON w BEGIN
           DELETE FROM t WHERE a = old.a;
           INSERT INTO log VALUES ('wdel', old.a, old.c);
         END;",
    );
    check_all(&mut f, &l, &[
        "INSERT INTO v VALUES (1, 10, 'p'), (2, 20, 'q')",
        "SELECT changes()",
        "INSERT INTO v(x) VALUES (30)",
        "INSERT INTO v(y, x) SELECT 'r' || a, a + 1 FROM t WHERE id = 1",
        "INSERT INTO v DEFAULT VALUES",
        "INSERT INTO v VALUES (1, 2)",
        "INSERT INTO v(z) VALUES (1)",
        "SELECT * FROM t ORDER BY id",
        "UPDATE v SET y = y || '!' WHERE x >= 40",
        "SELECT changes()",
        "UPDATE v SET y = NULL",
        "UPDATE v SET x = 0",
        "UPDATE v SET y = 'all', x = 0 WHERE k = 1",
        "UPDATE v SET nope = 1",
        "CREATE TRIGGER vu2 INSTEAD OF UPDATE ON v BEGIN SELECT 1; END",
        "UPDATE v SET nope = 1",
        "DROP TRIGGER vu2",
        "SELECT * FROM t ORDER BY id",
        "DELETE FROM v WHERE y IS NULL",
        "SELECT * FROM t ORDER BY id",
        "DELETE FROM w WHERE c = 1 AND a > 40",
        "SELECT * FROM t ORDER BY id",
        "SELECT * FROM log",
        "DELETE FROM v",
        "SELECT count(*) FROM t",
        "SELECT * FROM log",
    ]);
}

#[test]
fn returning_on_views() {
    let mut f = mem();
    let l = lite();
    both_exec(
        &mut f,
        &l,
        "CREATE TABLE t(a, b); CREATE VIEW v(x, y) AS SELECT a, b FROM t;
         CREATE TRIGGER ti INSTEAD OF INSERT ON v BEGIN INSERT INTO t VALUES (new.x, new.y); END;
         CREATE TRIGGER tu INSTEAD OF UPDATE ON v BEGIN UPDATE t SET b = new.y WHERE a = old.x; END;
         CREATE TRIGGER td INSTEAD OF DELETE ON v BEGIN DELETE FROM t WHERE a = old.x; END;
         INSERT INTO t VALUES (1, 2), (3, 4);",
    );
    check_all(&mut f, &l, &[
        "INSERT INTO v VALUES (5, 6), (7, 8) RETURNING x, y * 2, *",
        "INSERT INTO v(y) SELECT b + 100 FROM t WHERE a = 1 RETURNING y, x",
        "UPDATE v SET y = y + 1 WHERE x > 1 RETURNING *",
        "UPDATE v SET y = y + 1 WHERE x > 1 RETURNING *, old.y",
        "UPDATE v SET x = x, y = 0 WHERE x = 3 RETURNING x + 1, y",
        "DELETE FROM v WHERE x = 1 RETURNING x, y",
        "DELETE FROM v WHERE x > 100 RETURNING *",
        "SELECT * FROM t ORDER BY a",
    ]);
}
