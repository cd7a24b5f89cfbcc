//! Differential tests for UPDATE ... FROM against SQLite 3.46: joins with
//! tables, subqueries (aggregates), views, CTE-free self joins, several FROM
//! items, RETURNING, triggers and constraints, and the ORDER BY / LIMIT
//! forms that SQLite's default build rejects as syntax errors.
mod common;
use common::*;

const SETUP: &str = "
CREATE TABLE t(id INTEGER PRIMARY KEY, a, b TEXT UNIQUE, c REAL);
INSERT INTO t VALUES (1, 10, 'one', 1.0), (2, 20, 'two', 2.0), (3, 30, 'three', NULL), (4, 40, 'four', 4.5);
CREATE TABLE u(id, v, w TEXT);
INSERT INTO u VALUES (1, 100, 'x'), (2, 200, 'y'), (2, 250, 'y2'), (5, 500, 'z'), (NULL, 9, 'n');
CREATE TABLE k(tid, cat);
INSERT INTO k VALUES (1, 'p'), (3, 'q'), (4, 'p');
CREATE INDEX u_id ON u(id);
CREATE VIEW vu AS SELECT id, sum(v) AS total FROM u GROUP BY id;
CREATE TABLE log(x);
";

/// Runs `stmt` on both engines (rows or error must match), then compares
/// the whole table and the change count.
fn step(f: &mut ferrolite_engine::Connection, l: &rusqlite::Connection, stmt: &str) {
    same(f, l, stmt);
    same(f, l, "SELECT changes()");
    same(f, l, "SELECT * FROM t ORDER BY id");
    same(f, l, "SELECT * FROM log ORDER BY rowid");
}

#[test]
fn update_from_matches_sqlite() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, SETUP);
    for s in [
        "UPDATE t SET a = u.v FROM u WHERE u.id = t.id AND u.w <> 'y2'",
        "UPDATE t SET a = a + s.total FROM (SELECT id, sum(v) AS total FROM u GROUP BY id) AS s WHERE s.id = t.id",
        "UPDATE t SET c = vu.total / 10.0 FROM vu WHERE vu.id = t.id RETURNING id, c",
        "UPDATE t SET b = b || '-' || k.cat FROM k WHERE k.tid = t.id RETURNING *",
        "UPDATE t AS x SET a = y.a + 1 FROM t AS y WHERE y.id = x.id + 1",
        "UPDATE t SET a = k.cat, c = u.v FROM k, u WHERE k.tid = t.id AND u.id = k.tid AND u.w = 'x'",
        "UPDATE t SET a = 0 FROM k JOIN u ON u.id = k.tid WHERE k.tid = t.id",
        "UPDATE t SET a = -1 FROM u WHERE 0",
        "UPDATE t SET a = 7 FROM u WHERE u.id IS NULL RETURNING id",
        "UPDATE t SET a = u.v FROM u LEFT JOIN k ON k.tid = u.id WHERE u.id = t.id AND k.cat IS NULL AND u.v > 210",
        "UPDATE t SET id = id + 100 FROM k WHERE k.tid = t.id AND k.cat = 'q'",
        "UPDATE t SET c = (SELECT count(*) FROM u WHERE u.id = t.id) FROM k WHERE k.tid = t.id",
        // Errors: ambiguous and unknown columns, RETURNING of FROM columns,
        // constraints.
        "UPDATE t SET a = id FROM u WHERE u.id = t.id",
        "UPDATE t SET a = nosuch FROM u",
        "UPDATE t SET a = 1 FROM u WHERE u.id = t.id RETURNING u.v",
        "UPDATE t SET b = 'one' FROM k WHERE k.tid = t.id AND t.id = 4",
        "UPDATE t SET a = 1 FROM nosuch",
        // SQLite's default build has no UPDATE/DELETE ... ORDER BY/LIMIT.
        "UPDATE t SET a = 5 LIMIT 1",
        "UPDATE t SET a = 5 ORDER BY a",
        "UPDATE t SET a = 5 FROM u ORDER BY a LIMIT 2",
        "DELETE FROM t LIMIT 1",
        "DELETE FROM t WHERE a > 1 ORDER BY a LIMIT 1",
    ] {
        step(&mut f, &l, s);
    }
    // A trigger sees OLD and NEW of each row updated through the join.
    both_exec(&mut f, &l, "CREATE TRIGGER tr AFTER UPDATE ON t BEGIN INSERT INTO log VALUES (old.a || '>' || new.a); END;");
    step(&mut f, &l, "UPDATE t SET a = k.cat || t.id FROM k WHERE k.tid = t.id");
    step(&mut f, &l, "UPDATE t SET a = u.w FROM (SELECT id, w FROM u WHERE v < 300) AS u WHERE u.id = t.id RETURNING a");
}
