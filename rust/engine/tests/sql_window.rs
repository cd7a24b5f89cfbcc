//! Differential tests for window functions against SQLite: every frame
//! form (ROWS / RANGE / GROUPS, each bound kind, every EXCLUDE), several
//! windows in one query, named windows and their inheritance rules, FILTER,
//! every built-in window function, aggregates as windows, windows over
//! aggregate queries, and SQLite's errors (compile-time and runtime).
mod common;
use common::*;
use ferrolite_engine::Value;

const SETUP: &str = "
CREATE TABLE t(id INTEGER PRIMARY KEY, a, b TEXT, c REAL);
INSERT INTO t VALUES (1, 1, 'x', 1.5), (2, 2, 'y', 2.0), (3, 2, 'x', NULL), (4, 4, 'z', 4.25),
  (5, NULL, 'y', 5.0), (6, 7, 'x', -1.0), (7, 7, 'y', 7.0), (8, 10, NULL, 0.5), (9, 11, 'x', 9.0);
CREATE TABLE e(id INTEGER PRIMARY KEY, a);
CREATE TABLE s(v);
INSERT INTO s VALUES (1), (2.5), ('abc'), (NULL), (3), (X'01'), ('10'), (2);
";

/// Like `check_all`, and SQLite must return rows (not an error) for each.
fn check_rows(f: &mut ferrolite_engine::Connection, l: &rusqlite::Connection, qs: &[&str]) {
    for q in qs {
        assert!(lite_query(l, q, &[]).is_ok(), "SQLite rejects {q}: {:?}", lite_query(l, q, &[]));
    }
    check_all(f, l, qs);
}

fn setup() -> (ferrolite_engine::Connection, rusqlite::Connection) {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, SETUP);
    (f, l)
}

#[test]
fn builtin_window_functions() {
    let (mut f, l) = setup();
    check_rows(&mut f, &l, &[
        "SELECT id, row_number() OVER (ORDER BY a, id), rank() OVER (ORDER BY a), dense_rank() OVER (ORDER BY a) FROM t ORDER BY id",
        "SELECT id, percent_rank() OVER (ORDER BY a), cume_dist() OVER (ORDER BY a) FROM t ORDER BY id",
        "SELECT id, rank() OVER (), dense_rank() OVER (), percent_rank() OVER (), cume_dist() OVER () FROM t ORDER BY id",
        "SELECT id, b, rank() OVER (PARTITION BY b ORDER BY a DESC), percent_rank() OVER (PARTITION BY b ORDER BY a DESC) FROM t ORDER BY id",
        "SELECT id, ntile(1) OVER (ORDER BY id), ntile(2) OVER (ORDER BY id), ntile(4) OVER (ORDER BY id), ntile(20) OVER (ORDER BY id) FROM t ORDER BY id",
        "SELECT id, ntile(3) OVER (PARTITION BY b ORDER BY id), ntile('2') OVER (ORDER BY id), ntile(2.7) OVER (ORDER BY id) FROM t ORDER BY id",
        "SELECT id, lag(a) OVER (ORDER BY id), lead(a) OVER (ORDER BY id), lag(a, 2) OVER (ORDER BY id), lead(a, 3, 'none') OVER (ORDER BY id) FROM t ORDER BY id",
        "SELECT id, lag(a, 0) OVER (ORDER BY id), lag(a, -1) OVER (ORDER BY id), lead(a, -2, 0) OVER (ORDER BY id) FROM t ORDER BY id",
        "SELECT id, lag(a, 1.5, 'd') OVER (ORDER BY id), lag(a, '1') OVER (ORDER BY id), lag(a, NULL, 9) OVER (ORDER BY id), lead(a, 2.0) OVER (ORDER BY id) FROM t ORDER BY id",
        "SELECT id, lag(id, 1, -id) OVER (PARTITION BY b ORDER BY id), lead(c) OVER (PARTITION BY b ORDER BY id) FROM t ORDER BY id",
        "SELECT id, first_value(a) OVER (ORDER BY id), last_value(a) OVER (ORDER BY id), nth_value(a, 3) OVER (ORDER BY id) FROM t ORDER BY id",
        "SELECT id, first_value(id) OVER (PARTITION BY b ORDER BY a), last_value(id) OVER (PARTITION BY b ORDER BY a), nth_value(id, 2) OVER (PARTITION BY b ORDER BY a) FROM t ORDER BY id",
        "SELECT id, nth_value(a, '2') OVER (ORDER BY id), nth_value(a, 2.0) OVER (ORDER BY id) FROM t ORDER BY id",
        "SELECT id, row_number() OVER win FROM t WINDOW win AS (PARTITION BY b ORDER BY id DESC) ORDER BY id",
        "SELECT id, row_number() OVER (ORDER BY a NULLS LAST, id), rank() OVER (ORDER BY a DESC NULLS FIRST) FROM t ORDER BY id",
        "SELECT id, row_number() OVER (ORDER BY b COLLATE NOCASE DESC, id) FROM t ORDER BY id",
        "SELECT row_number() OVER (), count(*) OVER () FROM e",
        "SELECT v, typeof(v), rank() OVER (ORDER BY v), lag(v) OVER (ORDER BY v) FROM s ORDER BY 3, 2",
    ]);
}

#[test]
fn aggregates_as_windows() {
    let (mut f, l) = setup();
    check_rows(&mut f, &l, &[
        "SELECT id, sum(a) OVER (), count(*) OVER (), count(a) OVER (), avg(a) OVER (), total(a) OVER () FROM t ORDER BY id",
        "SELECT id, sum(a) OVER (ORDER BY a), min(c) OVER (ORDER BY a), max(c) OVER (ORDER BY a) FROM t ORDER BY id",
        "SELECT id, group_concat(id) OVER (PARTITION BY b ORDER BY id), group_concat(b, '-') OVER (ORDER BY id) FROM t ORDER BY id",
        "SELECT id, string_agg(b, ';') OVER (ORDER BY id ROWS 2 PRECEDING) FROM t ORDER BY id",
        "SELECT id, sum(c) OVER (PARTITION BY b), avg(c) OVER (PARTITION BY b ORDER BY id) FROM t ORDER BY id",
        "SELECT b, id, sum(a) OVER (PARTITION BY b ORDER BY id) FROM t",
        "SELECT id, sum(a) OVER (ORDER BY id DESC) FROM t",
        "SELECT id, sum(a) FILTER (WHERE a > 2) OVER (ORDER BY id), count(*) FILTER (WHERE b = 'x') OVER (), max(id) FILTER (WHERE c IS NULL) OVER () FROM t ORDER BY id",
        "SELECT id, count(*) FILTER (WHERE id % 2 = 0) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t ORDER BY id",
        "SELECT v, sum(v) OVER (ORDER BY rowid), total(v) OVER (ORDER BY rowid), max(v) OVER (), min(v) OVER () FROM s ORDER BY rowid",
        "SELECT id, sum(a) OVER (ORDER BY id) - lag(a, 1, 0) OVER (ORDER BY id) AS x FROM t ORDER BY x, id",
        "SELECT id, a + sum(a) OVER (PARTITION BY b) FROM t ORDER BY id",
    ]);
}

#[test]
fn frames_rows_range_groups() {
    let (mut f, l) = setup();
    let frames = [
        "ROWS UNBOUNDED PRECEDING",
        "ROWS 2 PRECEDING",
        "ROWS CURRENT ROW",
        "ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING",
        "ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING",
        "ROWS BETWEEN 2 FOLLOWING AND 4 FOLLOWING",
        "ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING",
        "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING",
        "ROWS BETWEEN 0 PRECEDING AND 0 FOLLOWING",
        "ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING",
        "ROWS BETWEEN UNBOUNDED PRECEDING AND 2 PRECEDING",
        "RANGE UNBOUNDED PRECEDING",
        "RANGE CURRENT ROW",
        "RANGE BETWEEN 2 PRECEDING AND 1 FOLLOWING",
        "RANGE BETWEEN 1.5 PRECEDING AND CURRENT ROW",
        "RANGE BETWEEN CURRENT ROW AND 3 FOLLOWING",
        "RANGE BETWEEN 1 FOLLOWING AND 5 FOLLOWING",
        "RANGE BETWEEN 5 PRECEDING AND 1 PRECEDING",
        "RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING",
        "RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING",
        "GROUPS UNBOUNDED PRECEDING",
        "GROUPS 1 PRECEDING",
        "GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING",
        "GROUPS BETWEEN CURRENT ROW AND 2 FOLLOWING",
        "GROUPS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING",
        "GROUPS BETWEEN 2 PRECEDING AND 1 PRECEDING",
    ];
    let excludes = ["", " EXCLUDE NO OTHERS", " EXCLUDE CURRENT ROW", " EXCLUDE GROUP", " EXCLUDE TIES"];
    let mut qs = Vec::new();
    for fr in frames {
        for ex in excludes {
            qs.push(format!(
                "SELECT id, a, sum(id) OVER w, count(*) OVER w, group_concat(id, '.') OVER w, first_value(id) OVER w, last_value(id) OVER w, nth_value(id, 2) OVER w, min(c) OVER w FROM t WINDOW w AS (ORDER BY a {fr}{ex}) ORDER BY id"
            ));
            qs.push(format!(
                "SELECT id, sum(a) OVER (PARTITION BY b ORDER BY a DESC {fr}{ex}), count(a) OVER (PARTITION BY b ORDER BY a DESC {fr}{ex}) FROM t ORDER BY id"
            ));
        }
    }
    // Frames without ORDER BY (every row a peer) and on text keys.
    for fr in ["ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING", "RANGE CURRENT ROW", "GROUPS BETWEEN CURRENT ROW AND 1 FOLLOWING"] {
        for ex in excludes {
            qs.push(format!("SELECT id, sum(id) OVER (PARTITION BY b {fr}{ex}) FROM t ORDER BY id"));
        }
    }
    qs.push("SELECT rowid, v, count(*) OVER (ORDER BY v RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM s ORDER BY rowid".into());
    qs.push("SELECT rowid, v, count(*) OVER (ORDER BY v DESC RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM s ORDER BY rowid".into());
    qs.push("SELECT id, sum(id) OVER (ORDER BY a NULLS LAST RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t ORDER BY id".into());
    qs.push("SELECT id, sum(id) OVER (ORDER BY c RANGE BETWEEN 0.5 PRECEDING AND 0.75 FOLLOWING) FROM t ORDER BY id".into());
    qs.push("SELECT id, sum(id) OVER (ORDER BY a RANGE BETWEEN '1' PRECEDING AND CURRENT ROW) FROM t ORDER BY id".into());
    qs.push("SELECT id, sum(id) OVER (ORDER BY id ROWS '1' PRECEDING), sum(id) OVER (ORDER BY id ROWS 1.0 PRECEDING) FROM t ORDER BY id".into());
    qs.push("SELECT id, sum(id) OVER (ORDER BY id ROWS 1+1 PRECEDING) FROM t ORDER BY id".into());
    let refs: Vec<&str> = qs.iter().map(|s| s.as_str()).collect();
    check_rows(&mut f, &l, &refs);
    // A parameter is a constant offset.
    let q = "SELECT id, sum(id) OVER (ORDER BY id ROWS ?1 PRECEDING) FROM t ORDER BY id";
    for p in [Value::Integer(2), Value::Text("1".into()), Value::Integer(-1), Value::Null] {
        same_params(&mut f, &l, q, &[p]);
    }
}

#[test]
fn several_and_named_windows() {
    let (mut f, l) = setup();
    check_rows(&mut f, &l, &[
        // Without an outer ORDER BY the rows come in the first window's
        // order, ties in the next window's order.
        "SELECT id, count(*) OVER (PARTITION BY b), row_number() OVER (ORDER BY id DESC), row_number() OVER (ORDER BY c) FROM t",
        "SELECT id, count(*) OVER (PARTITION BY b), row_number() OVER (ORDER BY c), row_number() OVER (ORDER BY id DESC) FROM t",
        "SELECT id, sum(a) OVER (ORDER BY id DESC), count(*) OVER (PARTITION BY b ORDER BY id) FROM t",
        "SELECT id, row_number() OVER (ORDER BY c), count(*) OVER (PARTITION BY b ORDER BY id), row_number() OVER (ORDER BY c) FROM t",
        "SELECT id, sum(a) OVER (ORDER BY id ROWS 1 PRECEDING), sum(a) OVER (ORDER BY id) FROM t",
        "SELECT id, sum(a) OVER w1, sum(a) OVER w2, rank() OVER w3 FROM t WINDOW w1 AS (ORDER BY id), w2 AS (PARTITION BY b), w3 AS (ORDER BY a DESC) ORDER BY id",
        "SELECT id, sum(a) OVER (w ORDER BY id) FROM t WINDOW w AS (PARTITION BY b) ORDER BY id",
        "SELECT id, sum(a) OVER (w ROWS 1 PRECEDING) FROM t WINDOW w AS (PARTITION BY b ORDER BY id) ORDER BY id",
        "SELECT id, sum(a) OVER w2 FROM t WINDOW w1 AS (ORDER BY id), w2 AS (w1 ROWS 1 PRECEDING) ORDER BY id",
        "SELECT id, sum(a) OVER w2 FROM t WINDOW w1 AS (PARTITION BY b), w2 AS (w1 ORDER BY id DESC), w3 AS (w2 RANGE CURRENT ROW) ORDER BY id",
        "SELECT id, sum(a) OVER w3 FROM t WINDOW w1 AS (PARTITION BY b), w2 AS (w1 ORDER BY id DESC), w3 AS (w2 RANGE CURRENT ROW) ORDER BY id",
        "SELECT id, sum(id) OVER w FROM t WINDOW w AS (ORDER BY a), w AS (ORDER BY b) ORDER BY id",
        "SELECT id, sum(id) OVER win FROM t WINDOW Win AS (ORDER BY id DESC) ORDER BY id",
        "SELECT DISTINCT count(*) OVER (PARTITION BY b) FROM t ORDER BY 1",
        "SELECT id FROM t ORDER BY sum(a) OVER (ORDER BY id DESC), id LIMIT 4",
        "SELECT id, row_number() OVER (ORDER BY id) AS rn FROM t ORDER BY rn DESC LIMIT 3 OFFSET 1",
        "SELECT * FROM (SELECT id, b, row_number() OVER (PARTITION BY b ORDER BY a DESC, id) AS rn FROM t) WHERE rn = 1 ORDER BY id",
        "SELECT x.id, y.id, row_number() OVER (ORDER BY x.id, y.id) FROM t AS x JOIN t AS y ON x.a = y.a WHERE x.id < y.id",
        "SELECT id, (SELECT count(*) FROM t AS u WHERE u.a < t.a), rank() OVER (ORDER BY a) FROM t ORDER BY id",
        "SELECT id, (SELECT sum(a) OVER () FROM t AS u WHERE u.id = t.id) FROM t ORDER BY id",
        "WITH r AS (SELECT id, a, lag(a) OVER (ORDER BY id) AS p FROM t) SELECT id, a - p FROM r ORDER BY id",
    ]);
}

#[test]
fn windows_over_aggregate_queries() {
    let (mut f, l) = setup();
    check_rows(&mut f, &l, &[
        "SELECT b, sum(a), rank() OVER (ORDER BY sum(a) DESC, b) FROM t GROUP BY b ORDER BY b",
        "SELECT b, count(*), sum(count(*)) OVER (ORDER BY b) FROM t GROUP BY b ORDER BY b",
        "SELECT sum(sum(a)) OVER () FROM t",
        "SELECT sum(a) OVER () FROM t GROUP BY b ORDER BY 1",
        "SELECT b, max(id), row_number() OVER (ORDER BY max(id)) FROM t GROUP BY b HAVING count(*) > 1 ORDER BY b",
        "SELECT b, a, lag(b) OVER (ORDER BY b) FROM t WHERE b IS NOT NULL GROUP BY b ORDER BY b",
        "SELECT count(*), row_number() OVER () FROM e",
        "SELECT a % 3 AS k, avg(c), first_value(avg(c)) OVER (ORDER BY a % 3 DESC) FROM t GROUP BY k ORDER BY k",
    ]);
}

#[test]
fn window_errors() {
    let (mut f, l) = setup();
    check_all(&mut f, &l, &[
        "SELECT count(DISTINCT a) OVER () FROM t",
        "SELECT row_number() FILTER (WHERE a > 1) OVER () FROM t",
        "SELECT sum(a) OVER (w) FROM t WINDOW w AS (ORDER BY a ROWS 1 PRECEDING)",
        "SELECT sum(a) OVER (w ROWS 1 PRECEDING) FROM t WINDOW w AS (ORDER BY a ROWS 2 PRECEDING)",
        "SELECT sum(a) OVER (w PARTITION BY a) FROM t WINDOW w AS (ORDER BY b)",
        "SELECT sum(a) OVER (w ORDER BY a) FROM t WINDOW w AS (ORDER BY b)",
        "SELECT sum(a) OVER (x) FROM t WINDOW w AS (PARTITION BY b)",
        "SELECT sum(a) OVER x FROM t WINDOW w AS (PARTITION BY b)",
        "SELECT sum(a) OVER (ORDER BY a ROWS -1 PRECEDING) FROM t",
        "SELECT sum(a) OVER (ORDER BY a ROWS BETWEEN 1 PRECEDING AND -2 FOLLOWING) FROM t",
        "SELECT sum(a) OVER (ORDER BY a ROWS 1.5 PRECEDING) FROM t",
        "SELECT sum(a) OVER (ORDER BY a ROWS NULL PRECEDING) FROM t",
        "SELECT sum(a) OVER (ORDER BY a ROWS a PRECEDING) FROM t",
        "SELECT sum(a) OVER (ORDER BY a ROWS abs(1) PRECEDING) FROM t",
        "SELECT sum(a) OVER (ORDER BY a ROWS (SELECT 1) PRECEDING) FROM t",
        "SELECT sum(a) OVER (ORDER BY a ROWS -1 PRECEDING) FROM e",
        "SELECT sum(a) OVER (ORDER BY a GROUPS 'x' PRECEDING) FROM t",
        "SELECT sum(a) OVER (RANGE 1 PRECEDING) FROM t",
        "SELECT sum(a) OVER (ORDER BY a, b RANGE 1 PRECEDING) FROM t",
        "SELECT sum(a) OVER (ORDER BY a RANGE 'a' PRECEDING) FROM t",
        "SELECT sum(a) OVER (ORDER BY a RANGE BETWEEN CURRENT ROW AND NULL FOLLOWING) FROM t",
        "SELECT sum(a) OVER (ORDER BY a RANGE -1.5 PRECEDING) FROM t",
        "SELECT sum(a) OVER (ORDER BY a ROWS 1 FOLLOWING) FROM t",
        "SELECT sum(a) OVER (ORDER BY a ROWS BETWEEN CURRENT ROW AND 1 PRECEDING) FROM t",
        "SELECT ntile(0) OVER () FROM t",
        "SELECT ntile(NULL) OVER () FROM t",
        "SELECT ntile(-3) OVER (ORDER BY id) FROM t",
        "SELECT nth_value(a, 0) OVER () FROM t",
        "SELECT nth_value(a, 1.5) OVER () FROM t",
        "SELECT nth_value(a, 'x') OVER () FROM t",
        "SELECT abs(a) OVER () FROM t",
        "SELECT row_number() FROM t",
        "SELECT lag(a) FROM t",
        "SELECT row_number(1) OVER () FROM t",
        "SELECT lag() OVER () FROM t",
        "SELECT nth_value(a) OVER () FROM t",
        "SELECT nosuch(1) OVER () FROM t",
        "SELECT sum(a, b) OVER () FROM t",
        "SELECT a FROM t WHERE sum(a) OVER () > 1",
        "SELECT a FROM t GROUP BY a HAVING sum(a) OVER () > 1",
        "SELECT count(*) FROM t GROUP BY row_number() OVER ()",
        "SELECT sum(row_number() OVER ()) FROM t",
        "SELECT sum(a) OVER (ORDER BY a) FROM t WHERE id = 1 + row_number() OVER ()",
        "UPDATE t SET a = row_number() OVER ()",
        "SELECT sum(a) OVER () FILTER (WHERE 1) FROM t",
        "SELECT group_concat(a ORDER BY a) OVER () FROM t",
    ]);
    // Errors are SQLITE_ERROR with SQLite's text (checked above); the
    // statement stays usable afterwards.
    check_all(&mut f, &l, &["SELECT id, sum(a) OVER (ORDER BY id) FROM t ORDER BY id"]);
}

#[test]
fn window_over_many_rows() {
    let (mut f, l) = setup();
    both_exec(&mut f, &l, "CREATE TABLE big(x, g);
        INSERT INTO big SELECT (i * 7919) % 1000, i % 7 FROM
          (WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3000) SELECT i FROM c);");
    check_rows(&mut f, &l, &[
        "SELECT sum(x) OVER (PARTITION BY g ORDER BY x, rowid), count(*) OVER (ORDER BY x RANGE BETWEEN 10 PRECEDING AND 10 FOLLOWING), rank() OVER (PARTITION BY g ORDER BY x) FROM big ORDER BY rowid",
        "SELECT max(x) OVER (ORDER BY rowid ROWS BETWEEN 5 PRECEDING AND 5 FOLLOWING), min(x) OVER (ORDER BY rowid GROUPS 3 PRECEDING EXCLUDE TIES) FROM big ORDER BY rowid",
        "SELECT g, x, ntile(10) OVER (PARTITION BY g ORDER BY x, rowid), cume_dist() OVER (PARTITION BY g ORDER BY x) FROM big ORDER BY rowid",
    ]);
}
