//! Differential tests for aggregates against SQLite: FILTER (WHERE ...) on
//! every aggregate, ORDER BY inside aggregate calls (group_concat /
//! string_agg and the others), DISTINCT with them, with and without GROUP
//! BY, and bare columns in aggregate queries (min/max pick the row).
mod common;
use common::*;

const SETUP: &str = "
CREATE TABLE t(id INTEGER PRIMARY KEY, g TEXT, a, b TEXT, c REAL);
INSERT INTO t VALUES (1, 'p', 3, 'c', 1.5), (2, 'q', 1, 'a', 2.0), (3, 'p', 2, 'B', NULL), (4, 'q', 3, 'b', 4.25),
  (5, 'p', NULL, 'A', 5.0), (6, 'r', 7, NULL, -1.0), (7, 'q', 1, 'a', 7.0), (8, 'p', 10, 'd', 0.5);
CREATE TABLE e(id INTEGER PRIMARY KEY, g, a);
";

fn setup() -> (ferrolite_engine::Connection, rusqlite::Connection) {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, SETUP);
    (f, l)
}

fn check_rows(f: &mut ferrolite_engine::Connection, l: &rusqlite::Connection, qs: &[&str]) {
    for q in qs {
        assert!(lite_query(l, q, &[]).is_ok(), "SQLite rejects {q}: {:?}", lite_query(l, q, &[]));
    }
    check_all(f, l, qs);
}

#[test]
fn filter_on_every_aggregate() {
    let (mut f, l) = setup();
    check_rows(&mut f, &l, &[
        "SELECT count(*) FILTER (WHERE a > 1), count(a) FILTER (WHERE g = 'p'), sum(a) FILTER (WHERE id % 2 = 0), total(c) FILTER (WHERE c > 1), avg(a) FILTER (WHERE a < 5) FROM t",
        "SELECT min(c) FILTER (WHERE id > 2), max(b) FILTER (WHERE b < 'b'), group_concat(id) FILTER (WHERE a IS NOT NULL), string_agg(b, '|') FILTER (WHERE g <> 'q') FROM t",
        "SELECT g, count(*) FILTER (WHERE a > 1), sum(a) FILTER (WHERE c IS NOT NULL), group_concat(b) FILTER (WHERE b > 'a') FROM t GROUP BY g ORDER BY g",
        "SELECT g, count(DISTINCT a) FILTER (WHERE id > 1), sum(DISTINCT a) FILTER (WHERE a < 10) FROM t GROUP BY g ORDER BY g",
        "SELECT count(*) FILTER (WHERE 0), sum(a) FILTER (WHERE NULL), max(a) FILTER (WHERE 0) FROM t",
        "SELECT count(*) FILTER (WHERE a > 1) FROM e",
        "SELECT g, sum(a) FILTER (WHERE a > 2) AS s FROM t GROUP BY g HAVING sum(a) FILTER (WHERE a > 2) > 3 ORDER BY g",
        "SELECT g, count(*) FILTER (WHERE a > 1) AS n FROM t GROUP BY g ORDER BY n DESC, g",
        "SELECT sum(a) FILTER (WHERE a > 1) + count(*) FILTER (WHERE a <= 1) FROM t",
    ]);
}

#[test]
fn order_by_inside_aggregates() {
    let (mut f, l) = setup();
    check_rows(&mut f, &l, &[
        "SELECT group_concat(b ORDER BY b) FROM t",
        "SELECT group_concat(b ORDER BY b DESC) FROM t",
        "SELECT group_concat(b ORDER BY b COLLATE NOCASE, id) FROM t",
        "SELECT group_concat(id, '-' ORDER BY c DESC NULLS FIRST) FROM t",
        "SELECT group_concat(id, '-' ORDER BY c NULLS LAST) FROM t",
        "SELECT string_agg(b, ',' ORDER BY a, id DESC) FROM t",
        "SELECT g, group_concat(id ORDER BY a DESC, id), string_agg(b, '' ORDER BY id DESC) FROM t GROUP BY g ORDER BY g",
        "SELECT group_concat(DISTINCT a ORDER BY a DESC) FROM t",
        "SELECT g, group_concat(DISTINCT b ORDER BY b) FROM t GROUP BY g ORDER BY g",
        "SELECT group_concat(b ORDER BY b) FILTER (WHERE a > 1) FROM t",
        "SELECT sum(a ORDER BY id), count(a ORDER BY b), max(c ORDER BY a), avg(a ORDER BY c DESC) FROM t",
        "SELECT group_concat(a ORDER BY a) FROM e",
        "SELECT g, group_concat(id ORDER BY id DESC) AS l FROM t GROUP BY g HAVING count(*) > 1 ORDER BY l",
        "SELECT group_concat(id ORDER BY (SELECT count(*) FROM t AS u WHERE u.a < t.a), id) FROM t",
    ]);
}

#[test]
fn distinct_and_bare_columns() {
    let (mut f, l) = setup();
    check_rows(&mut f, &l, &[
        "SELECT count(DISTINCT a), sum(DISTINCT a), avg(DISTINCT a), group_concat(DISTINCT g), total(DISTINCT a) FROM t",
        "SELECT g, count(DISTINCT b COLLATE NOCASE) FROM t GROUP BY g ORDER BY g",
        "SELECT id, b, max(a) FROM t",
        "SELECT id, b, min(c) FROM t",
        "SELECT g, id, max(a) FROM t GROUP BY g ORDER BY g",
        "SELECT g, b, min(a) FROM t GROUP BY g ORDER BY g",
        "SELECT g, id, max(a) FILTER (WHERE id < 4) FROM t GROUP BY g ORDER BY g",
        "SELECT id, max(a) FILTER (WHERE id < 3) FROM t",
        "SELECT max(a), id FROM t WHERE g = 'q'",
        "SELECT id, count(*) FROM e",
        "SELECT id, min(a) FILTER (WHERE id = 1) FROM t",
        "SELECT id, min(a) FILTER (WHERE id > 100) FROM t",
        "SELECT id, max(a) FILTER (WHERE id IN (2, 3)) FROM t",
        "SELECT g, id, min(a) FILTER (WHERE id > 4) FROM t GROUP BY g ORDER BY g",
        "SELECT g, id, max(a) FILTER (WHERE id = 99) FROM t GROUP BY g ORDER BY g",
        "SELECT id, max(a) FROM t WHERE a IS NULL",
        "SELECT g, id, max(b) FROM t WHERE id IN (5, 6, 1) GROUP BY g ORDER BY g",
    ]);
}

#[test]
fn aggregate_errors() {
    let (mut f, l) = setup();
    check_all(&mut f, &l, &[
        "SELECT abs(a) FILTER (WHERE 1) FROM t",
        "SELECT sum(a) FILTER (WHERE max(a) > 1) FROM t",
        "SELECT group_concat(b ORDER BY sum(a)) FROM t",
        "SELECT count(*) FROM t WHERE count(*) FILTER (WHERE a > 1) > 0",
        "SELECT count(*) FROM t WHERE max(a) > 0",
        "SELECT a FROM t WHERE max(a) > 0",
        "UPDATE t SET a = count(*) FILTER (WHERE 1)",
        "SELECT group_concat(DISTINCT b, ',') FROM t",
        "SELECT sum(a) FILTER (WHERE row_number() OVER () > 1) FROM t",
        "SELECT nosuch(a ORDER BY b) FROM t",
    ]);
}
