//! Differential tests for RIGHT and FULL [OUTER] JOIN against SQLite:
//! unmatched right rows with NULLs on the left, mixed with LEFT and inner
//! joins, ON terms versus WHERE terms, aggregates over outer joins, and
//! the clear errors for the forms not supported yet.
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
";

#[test]
fn right_and_full_joins_match_sqlite() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, SETUP);
    check_all(&mut f, &l, &[
        "SELECT a.id, a.y, b.id, b.z FROM a RIGHT JOIN b ON a.x = b.x ORDER BY b.id, a.id",
        "SELECT a.id, a.y, b.id, b.z FROM a RIGHT OUTER JOIN b ON a.x = b.x",
        "SELECT * FROM a RIGHT JOIN b ON a.x = b.x ORDER BY b.id, a.id",
        "SELECT a.id, b.id FROM a FULL JOIN b ON a.x = b.x ORDER BY a.id, b.id",
        "SELECT a.id, b.id FROM a FULL OUTER JOIN b ON a.x = b.x ORDER BY b.id, a.id",
        "SELECT a.id, b.id, typeof(a.x), typeof(b.x) FROM a FULL JOIN b ON a.x = b.x ORDER BY 1, 2",
        "SELECT a.id, b.id FROM a RIGHT JOIN b ON a.x = b.x WHERE a.id IS NULL ORDER BY b.id",
        "SELECT a.id, b.id FROM a RIGHT JOIN b ON a.x = b.x WHERE b.z LIKE 'b2%' ORDER BY b.id, a.id",
        "SELECT a.id, b.id FROM a RIGHT JOIN b ON a.x = b.x AND a.id > 1 ORDER BY b.id, a.id",
        "SELECT a.id, b.id FROM a RIGHT JOIN b ON a.x = b.x WHERE a.y = 'a2' ORDER BY b.id",
        "SELECT a.id, b.id FROM a RIGHT JOIN b ON a.x = b.x WHERE 0",
        "SELECT a.id, b.id FROM a RIGHT JOIN b ON 1 ORDER BY b.id, a.id",
        "SELECT a.id, b.id FROM a RIGHT JOIN b ON 0 ORDER BY b.id, a.id",
        "SELECT a.id, b.id FROM a FULL JOIN b ON 0 ORDER BY a.id, b.id",
        "SELECT a.id, b.id FROM e AS a RIGHT JOIN b ON a.x = b.x ORDER BY b.id",
        "SELECT a.id, b.id FROM a FULL JOIN e AS b ON a.x = b.x ORDER BY a.id",
        "SELECT a.id, b.id FROM e AS a FULL JOIN e AS b ON a.x = b.x",
        "SELECT a.id, b.id, c.id FROM a JOIN c ON a.x = c.x RIGHT JOIN b ON a.x = b.x ORDER BY b.id, a.id",
        "SELECT a.id, b.id, c.id FROM a LEFT JOIN c ON a.x = c.x RIGHT JOIN b ON a.x = b.x ORDER BY b.id, a.id",
        "SELECT a.id, b.id, c.id FROM a RIGHT JOIN b ON a.x = b.x LEFT JOIN c ON c.x = b.x ORDER BY b.id, a.id",
        "SELECT a.id, b.id, c.id FROM a RIGHT JOIN b ON a.x = b.x JOIN c ON c.x = b.x ORDER BY b.id, a.id",
        "SELECT a.id, b.id, c.id FROM a FULL JOIN b ON a.x = b.x LEFT JOIN c ON c.x = coalesce(a.x, b.x) ORDER BY a.id, b.id",
        "SELECT a.id, b.id, c.id FROM a FULL JOIN b ON a.x = b.x JOIN c ON c.x = a.x ORDER BY a.id, b.id",
        "SELECT a.id, b.id, c.id FROM e, a RIGHT JOIN b ON a.x = b.x ORDER BY b.id, a.id",
        "SELECT a.id, b.id, c.id FROM c, a RIGHT JOIN b ON a.x = b.x AND c.x = 3 ORDER BY b.id, a.id, c.id",
        "SELECT count(*), count(a.id), count(b.id) FROM a FULL JOIN b ON a.x = b.x",
        "SELECT b.z, count(a.id) FROM a RIGHT JOIN b ON a.x = b.x GROUP BY b.z ORDER BY b.z",
        "SELECT DISTINCT a.x FROM a RIGHT JOIN b ON a.x = b.x ORDER BY 1",
        "SELECT b.id FROM a RIGHT JOIN b ON a.x = b.x WHERE b.id IN (SELECT id FROM b WHERE x IS NULL OR x = 3) ORDER BY 1",
        "SELECT (SELECT count(*) FROM a RIGHT JOIN b ON a.x = b.x WHERE b.id = c.id - 10) FROM c ORDER BY c.id",
        "SELECT a.id, b.id FROM a RIGHT JOIN b ON a.x = b.x ORDER BY b.id, a.id LIMIT 2 OFFSET 1",
        "SELECT a.id, b.id FROM a AS b RIGHT JOIN b AS a ON a.x = b.x ORDER BY a.id, b.id",
    ]);
}

#[test]
fn right_join_in_dml_and_views_matches_sqlite() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, SETUP);
    both_exec(&mut f, &l, "CREATE TABLE r(p, q); INSERT INTO r SELECT a.id, b.id FROM a FULL JOIN b ON a.x = b.x;");
    both_exec(&mut f, &l, "CREATE VIEW vj AS SELECT a.y, b.z FROM a RIGHT JOIN b ON a.x = b.x;");
    check_all(&mut f, &l, &[
        "SELECT p, q FROM r ORDER BY p, q",
        "SELECT * FROM vj ORDER BY z, y",
        "DELETE FROM b WHERE id IN (SELECT b.id FROM a RIGHT JOIN b ON a.x = b.x WHERE a.id IS NULL)",
        "SELECT id FROM b ORDER BY id",
    ]);
}
