//! Differential tests for RIGHT and FULL [OUTER] JOIN in general against
//! SQLite: USING and NATURAL (unqualified columns and `*` read as
//! COALESCE), more than one per FROM, subqueries, views and CTEs on either
//! side, mixed with LEFT and inner joins, inside aggregates and subqueries.
mod common;
use common::*;

const SETUP: &str = "
CREATE TABLE a(id INTEGER PRIMARY KEY, x, y TEXT);
INSERT INTO a VALUES (1, 1, 'a1'), (2, 2, 'a2'), (3, NULL, 'a3'), (4, 4, 'a4');
CREATE TABLE b(id INTEGER PRIMARY KEY, x, z TEXT);
INSERT INTO b VALUES (10, 2, 'b2'), (11, 3, 'b3'), (12, NULL, 'bn'), (13, 2, 'b2bis');
CREATE INDEX b_x ON b(x);
CREATE TABLE c(id INTEGER PRIMARY KEY, x, w REAL);
INSERT INTO c VALUES (20, 3, 0.5), (21, 4, 1.5), (22, 5, 2.5);
CREATE TABLE e(id INTEGER PRIMARY KEY, x);
CREATE VIEW vb AS SELECT x, z FROM b WHERE id <> 13;
";

fn check_rows(f: &mut ferrolite_engine::Connection, l: &rusqlite::Connection, qs: &[&str]) {
    for q in qs {
        assert!(lite_query(l, q, &[]).is_ok(), "SQLite rejects {q}: {:?}", lite_query(l, q, &[]));
    }
    check_all(f, l, qs);
}

#[test]
fn using_and_natural() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, SETUP);
    check_rows(&mut f, &l, &[
        "SELECT * FROM a RIGHT JOIN b USING (x) ORDER BY b.id, a.id",
        "SELECT x, a.x, b.x, y, z FROM a RIGHT JOIN b USING (x) ORDER BY b.id, a.id",
        "SELECT * FROM a FULL JOIN b USING (x) ORDER BY x, a.id, b.id",
        "SELECT x, typeof(x), a.id, b.id FROM a FULL OUTER JOIN b USING (x) ORDER BY 1, 3, 4",
        "SELECT * FROM a FULL JOIN b USING (x, id) ORDER BY id",
        "SELECT * FROM a NATURAL FULL JOIN c ORDER BY id",
        "SELECT * FROM a NATURAL RIGHT JOIN b ORDER BY id",
        "SELECT x FROM a FULL JOIN b USING (x) WHERE x > 1 ORDER BY 1",
        "SELECT x, count(*) FROM a FULL JOIN b USING (x) GROUP BY x ORDER BY x",
        "SELECT * FROM a FULL JOIN b USING (x) FULL JOIN c USING (x) ORDER BY x, a.id, b.id, c.id",
        "SELECT x, a.id, b.id, c.id FROM a LEFT JOIN b USING (x) RIGHT JOIN c USING (x) ORDER BY x, a.id, b.id",
        "SELECT * FROM e FULL JOIN a USING (x) ORDER BY a.id",
    ]);
}

#[test]
fn several_per_from_and_mixed() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, SETUP);
    check_rows(&mut f, &l, &[
        "SELECT a.id, b.id, c.id FROM a RIGHT JOIN b ON a.x = b.x RIGHT JOIN c ON c.x = b.x ORDER BY c.id, b.id, a.id",
        "SELECT a.id, b.id, c.id FROM a FULL JOIN b ON a.x = b.x FULL JOIN c ON c.x = coalesce(a.x, b.x) ORDER BY 1, 2, 3",
        "SELECT a.id, b.id, c.id FROM a FULL JOIN b ON a.x = b.x FULL JOIN c ON c.x = b.x ORDER BY 1, 2, 3",
        "SELECT a.id, b.id, c.id FROM a RIGHT JOIN b ON a.x = b.x LEFT JOIN c ON c.x = b.x ORDER BY b.id, a.id",
        "SELECT a.id, b.id, c.id FROM a LEFT JOIN b ON a.x = b.x FULL JOIN c ON c.x = a.x ORDER BY 1, 2, 3",
        "SELECT a.id, b.id, c.id, e.id FROM a FULL JOIN b ON a.x = b.x JOIN c ON c.x = b.x FULL JOIN e ON e.x = c.x ORDER BY 1, 2, 3",
        "SELECT a.id, b.id, c.id FROM a RIGHT JOIN b ON a.x = b.x RIGHT JOIN c ON c.x = a.x WHERE c.w > 1 ORDER BY 3, 2, 1",
        "SELECT count(*), count(a.id), count(b.id), count(c.id) FROM a FULL JOIN b ON a.x = b.x FULL JOIN c ON c.x = b.x",
        "SELECT a.id, b.id, c.id FROM a FULL JOIN b ON a.x = b.x AND b.z LIKE 'b2%' FULL JOIN c ON c.x = a.x ORDER BY 1, 2, 3",
        "SELECT a.id, e1.id, e2.id FROM a FULL JOIN e AS e1 ON e1.x = a.x FULL JOIN e AS e2 ON e2.x = a.x ORDER BY 1",
    ]);
}

#[test]
fn subqueries_views_ctes_on_either_side() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, SETUP);
    check_rows(&mut f, &l, &[
        "SELECT a.id, s.x, s.n FROM a RIGHT JOIN (SELECT x, count(*) AS n FROM b GROUP BY x) AS s ON s.x = a.x ORDER BY s.x, a.id",
        "SELECT a.id, s.x FROM a FULL JOIN (SELECT x FROM b WHERE x IS NOT NULL) AS s ON s.x = a.x ORDER BY 1, 2",
        "SELECT s.id, b.id FROM (SELECT id, x FROM a WHERE id > 1) AS s RIGHT JOIN b ON s.x = b.x ORDER BY b.id, s.id",
        "SELECT s.id, t.id FROM (SELECT id, x FROM a) AS s FULL JOIN (SELECT id, x FROM c) AS t ON s.x = t.x ORDER BY 1, 2",
        "SELECT a.id, vb.z FROM a RIGHT JOIN vb ON vb.x = a.x ORDER BY vb.z, a.id",
        "SELECT a.id, vb.z FROM a FULL JOIN vb ON vb.x = a.x ORDER BY 1, 2",
        "SELECT * FROM a FULL JOIN vb USING (x) ORDER BY x, a.id",
        "WITH k(x, tag) AS (VALUES (1, 'one'), (5, 'five'), (NULL, 'null')) SELECT a.id, k.tag FROM a FULL JOIN k ON k.x = a.x ORDER BY 1, 2",
        "WITH k(x, tag) AS (VALUES (2, 'two'), (7, 'seven')) SELECT * FROM k RIGHT JOIN b USING (x) ORDER BY b.id",
        "SELECT (SELECT count(*) FROM a FULL JOIN b ON a.x = b.x WHERE b.id IS NULL OR a.id IS NULL), (SELECT count(*) FROM (SELECT 1 AS x) AS o RIGHT JOIN c ON o.x < c.x)",
        "SELECT c.id FROM c WHERE c.x IN (SELECT b.x FROM a RIGHT JOIN b ON a.x = b.x WHERE a.id IS NULL) ORDER BY 1",
        "SELECT a.id, s.m FROM a FULL JOIN (SELECT max(x) AS m FROM c) AS s ON s.m = a.x ORDER BY 1",
    ]);
}
