//! Planner checks against SQLite: EXPLAIN QUERY PLAN details (the access
//! path of each table) equal SQLite's for index lookups on expressions,
//! partial indexes, IN lists and OR terms, with the same rows; and a query
//! over an indexed column of a 1M-row table does not scan it (counted in VM
//! instructions through the interrupt probe, which the VM consults every
//! 4096 instructions).
mod common;
use common::*;
use ferrolite_engine::{Connection, Value};

fn details(rows: Vec<Vec<Value>>) -> Vec<String> {
    rows.into_iter()
        .map(|r| match &r[3] {
            Value::Text(s) => s.clone(),
            _ => String::new(),
        })
        .collect()
}

/// Same plan details and same rows as SQLite.
fn same_plan(f: &mut Connection, l: &rusqlite::Connection, q: &str) {
    let eqp = format!("EXPLAIN QUERY PLAN {q}");
    let mine = details(query(f, &eqp).expect("ferrolite eqp"));
    let theirs = details(lite_query(l, &eqp, &[]).expect("sqlite eqp"));
    assert_eq!(mine, theirs, "plan differs for {q}");
    same(f, l, q);
}

const SETUP: &str = "
CREATE TABLE t(id INTEGER PRIMARY KEY, a, b TEXT, c REAL);
CREATE INDEX t_expr ON t(a + 1);
CREATE INDEX t_lower ON t(lower(b), a);
CREATE INDEX t_part ON t(b) WHERE c > 1;
CREATE INDEX t_nn ON t(a) WHERE a IS NOT NULL;
CREATE TABLE u(x, y);
CREATE INDEX u_x ON u(x);
CREATE INDEX u_y ON u(y);
";

fn fill(f: &mut Connection, l: &rusqlite::Connection) {
    both_exec(f, l, SETUP);
    let mut ins = String::from("INSERT INTO t VALUES ");
    for i in 1..=300 {
        let b = ["Apple", "pear", "PLUM", "fig", "Kiwi"][i % 5];
        ins.push_str(&format!("({i}, {}, '{b}{}', {}),", if i % 7 == 0 { "NULL".to_string() } else { (i % 40).to_string() }, i % 3, (i % 4) as f64 * 0.75));
    }
    ins.pop();
    both_exec(f, l, &ins);
    both_exec(f, l, "INSERT INTO u SELECT id % 50, id % 13 FROM t ORDER BY id; ANALYZE;");
}

#[test]
fn expression_and_partial_index_plans() {
    let mut f = mem();
    let l = lite();
    fill(&mut f, &l);
    for q in [
        "SELECT id FROM t WHERE a + 1 = 22",
        "SELECT id, a FROM t WHERE lower(b) = 'apple0'",
        "SELECT id FROM t WHERE lower(b) = 'kiwi1' AND a = 4",
        "SELECT id FROM t WHERE b = 'pear1' AND c > 1",
        "SELECT id FROM t WHERE a = 5 AND a IS NOT NULL",
    ] {
        same_plan(&mut f, &l, q);
    }
}

#[test]
fn in_lists_and_covering_indexes() {
    let mut f = mem();
    let l = lite();
    fill(&mut f, &l);
    for q in [
        "SELECT * FROM u WHERE x IN (3, 1, 7, 3, NULL)",
        "SELECT x, y FROM u WHERE x IN ('3', 2.0, 'a')",
        "SELECT rowid FROM u WHERE y IN (1, 2) AND x > 10",
        "SELECT id, a FROM t WHERE a IN (4, 5, 6)",
        "SELECT x FROM u WHERE x = 4",
        "SELECT x, rowid FROM u WHERE x > 45",
        "SELECT count(*) FROM u WHERE x = 7",
        "SELECT count(*), max(x) FROM u WHERE y = 3",
        "SELECT t.id, u.x FROM t LEFT JOIN u ON u.x = t.id WHERE t.id IN (1, 2, 60)",
        "SELECT count(*), min(x), max(x) FROM u WHERE x IN (5, 6)",
        "SELECT x FROM u WHERE x > 40",
        "SELECT count(*) FROM t",
        "SELECT x FROM u NOT INDEXED WHERE x = 4",
        "SELECT count(*) FROM u NOT INDEXED",
        "SELECT x, y FROM u INDEXED BY u_y WHERE y = 4 AND x = 4",
        "SELECT t.id, u.x FROM t LEFT JOIN u ON u.x = t.a WHERE t.id < 20",
    ] {
        same_plan(&mut f, &l, q);
    }
    // Rows read through a covering index feed windows and aggregates.
    check_all(&mut f, &l, &[
        "SELECT x, sum(x) OVER (ORDER BY x, rowid) FROM u WHERE x IN (2, 4)",
        "SELECT x, count(*) FROM u WHERE x IN (2, 4, 9) GROUP BY x",
        "SELECT y, group_concat(rowid) FROM u WHERE y IN (1, 2) GROUP BY y",
    ]);
}

/// Calls of the interrupt probe (one per 4096 VM instructions) while
/// running `q` to the end.
fn probe_count(f: &mut Connection, q: &str) -> (usize, Vec<Vec<Value>>) {
    let n = std::rc::Rc::new(std::cell::Cell::new(0usize));
    let n2 = n.clone();
    f.set_interrupt_probe(Box::new(move || {
        n2.set(n2.get() + 1);
        false
    }));
    let rows = query(f, q).expect("query");
    f.set_interrupt_probe(Box::new(|| false));
    (n.get(), rows)
}

#[test]
fn indexed_lookup_in_a_million_rows_does_not_scan() {
    let path = std::env::temp_dir().join(format!("ferrolite-planner-1m-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    {
        let l = rusqlite::Connection::open(&path).unwrap();
        l.execute_batch(
            "CREATE TABLE big(id INTEGER PRIMARY KEY, k INT, v TEXT);
             WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1000000)
             INSERT INTO big SELECT i, (i * 7919) % 1000003, 'v' || i FROM c;
             CREATE INDEX big_k ON big(k);
             CREATE TABLE small(k2 INT); INSERT INTO small VALUES (7919), (15838), ('5'), (NULL);",
        )
        .unwrap();
    }
    let l = rusqlite::Connection::open(&path).unwrap();
    let vfs = std::rc::Rc::new(ferrolite_engine::vfs::unix::UnixVfs::new());
    let mut f = Connection::open(vfs, path.to_str().unwrap(), ferrolite_engine::OpenFlags::default_rwc()).unwrap();
    for q in [
        "SELECT id, v FROM big WHERE k = 7919",
        "SELECT id FROM big WHERE k IN (7919, 15838, 5, 999999)",
        "SELECT count(*) FROM big WHERE k BETWEEN 1000 AND 1100",
        "SELECT v FROM big WHERE id = 500000",
        "SELECT id FROM big WHERE k IN (SELECT k2 FROM small)",
        "SELECT v FROM big WHERE id IN (SELECT k2 * 3 FROM small WHERE k2 > 6)",
    ] {
        let (probes, rows) = probe_count(&mut f, q);
        assert_eq!(Ok(rows), lite_query(&l, q, &[]), "{q}");
        assert!(probes <= 2, "{q}: {probes} probes (x4096 instructions): the table was scanned");
    }
    // The same count over an unindexed column does scan (the probe works).
    let (probes, _) = probe_count(&mut f, "SELECT count(*) FROM big WHERE v = 'v7919'");
    assert!(probes > 100, "a full scan consulted the probe only {probes} times");
    drop(f);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn or_terms_use_indexes() {
    let mut f = mem();
    let l = lite();
    fill(&mut f, &l);
    for q in [
        "SELECT * FROM u WHERE x = 3 OR x = 9",
        "SELECT * FROM u WHERE x = 3 OR y = 5",
        "SELECT rowid, * FROM u WHERE y = 2 OR x = 3 OR rowid = 250",
        "SELECT id, b FROM t WHERE id = 4 OR id = 300 OR id = 9",
        "SELECT count(*) FROM u WHERE x = '3' OR y = 5.0",
    ] {
        same_plan(&mut f, &l, q);
    }
    check_all(&mut f, &l, &[
        "SELECT t.id, u.rowid FROM t JOIN u ON u.x = t.a OR u.y = t.a WHERE t.id < 4 ORDER BY 1, 2",
        "SELECT t.id, u.rowid FROM t LEFT JOIN u ON (u.x = t.id OR u.y = t.id) AND u.rowid < 30 WHERE t.id IN (3, 77) ORDER BY 1, 2",
    ]);
}

#[test]
fn automatic_index_for_unindexed_joins() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, "CREATE TABLE p(id INTEGER PRIMARY KEY, k, name TEXT); CREATE TABLE q(k2, w REAL, tag TEXT);");
    let mut a = String::from("INSERT INTO p VALUES ");
    let mut b = String::from("INSERT INTO q VALUES ");
    for i in 1..=3000 {
        a.push_str(&format!("({i}, {}, 'n{i}'),", (i * 37) % 1000));
        b.push_str(&format!("({}, {}.5, 't{}'),", (i * 11) % 1500, i % 17, i % 5));
    }
    a.pop();
    b.pop();
    both_exec(&mut f, &l, &a);
    both_exec(&mut f, &l, &b);
    let q = "SELECT p.id, q.w, q.tag FROM p JOIN q ON q.k2 = p.k WHERE p.id < 400 ORDER BY p.id, q.rowid";
    // SQLite plans an automatic covering index on q(k2) too.
    let search = |rows: Vec<Vec<Value>>| details(rows).into_iter().filter(|d| d.starts_with("SEARCH q")).collect::<Vec<_>>();
    let eqp = format!("EXPLAIN QUERY PLAN {q}");
    let mine = search(query(&mut f, &eqp).unwrap());
    assert_eq!(mine, ["SEARCH q USING AUTOMATIC COVERING INDEX (k2=?)"]);
    assert_eq!(mine, search(lite_query(&l, &eqp, &[]).unwrap()));
    let (probes, rows) = probe_count(&mut f, q);
    assert_eq!(Ok(rows), lite_query(&l, q, &[]));
    // 399 outer rows x 3000 inner rows would be over 1M comparisons.
    assert!(probes < 60, "{probes} probes: the inner table was scanned per row");
    check_all(&mut f, &l, &[
        "SELECT p.id, q.rowid FROM p LEFT JOIN q ON q.k2 = p.k WHERE p.id BETWEEN 10 AND 60 ORDER BY 1, 2",
        "SELECT count(*), sum(q.w) FROM p, q WHERE q.k2 = p.k AND p.name LIKE 'n1%'",
        "SELECT p.id, (SELECT count(*) FROM q WHERE q.k2 = p.k) FROM p WHERE p.id < 30 ORDER BY 1",
        "SELECT p.id, q.tag FROM p JOIN q ON q.tag = p.name WHERE p.id < 50",
    ]);
}

#[test]
fn in_subquery_uses_indexes() {
    let mut f = mem();
    let l = lite();
    fill(&mut f, &l);
    both_exec(&mut f, &l, "CREATE TABLE v(id INTEGER PRIMARY KEY, k INT, w TEXT); CREATE INDEX v_k ON v(k);
        INSERT INTO v SELECT id, id % 17, b FROM t ORDER BY id;");
    let outer = |rows: Vec<Vec<Value>>, tbl: &str| details(rows).into_iter().filter(|d| d.starts_with(&format!("SEARCH {tbl} ")) || d.starts_with(&format!("SCAN {tbl}"))).collect::<Vec<_>>();
    for (q, tbl) in [
        ("SELECT id, w FROM v WHERE k IN (SELECT x FROM u WHERE y = 3)", "v"),
        ("SELECT id, w FROM v WHERE id IN (SELECT x * 2 FROM u WHERE y = 4) ORDER BY w, id", "v"),
        ("SELECT count(*) FROM v WHERE k IN (SELECT '5' FROM t WHERE id < 3)", "v"),
        ("SELECT id FROM v WHERE k IN (SELECT c FROM t WHERE id < 9)", "v"),
    ] {
        let eqp = format!("EXPLAIN QUERY PLAN {q}");
        let mine = outer(query(&mut f, &eqp).unwrap(), tbl);
        let theirs = outer(lite_query(&l, &eqp, &[]).unwrap(), tbl);
        assert_eq!(mine, theirs, "plan differs for {q}");
        same(&mut f, &l, q);
    }
    // Correlated or compound subqueries keep the scan; results still match.
    check_all(&mut f, &l, &[
        "SELECT id FROM v WHERE k IN (SELECT x FROM u WHERE u.y = v.id % 13) ORDER BY id",
        "SELECT id FROM v WHERE k IN (SELECT 1 UNION SELECT 2) ORDER BY id",
        "SELECT id FROM v WHERE k NOT IN (SELECT x FROM u) ORDER BY id",
        "SELECT v.id, u.rowid FROM v LEFT JOIN u ON u.rowid IN (SELECT id FROM t WHERE a = v.k) WHERE v.id < 20 ORDER BY 1, 2",
    ]);
}
