//! Differential tests over tables: affinity on insert, constraints and their
//! errors, SELECT features (WHERE, ORDER BY, LIMIT/OFFSET, DISTINCT,
//! aggregates, GROUP BY/HAVING, joins, subqueries), UPDATE/DELETE.
mod common;
use common::*;

const SETUP: &str = "
CREATE TABLE t(id INTEGER PRIMARY KEY, i INTEGER, r REAL, tx TEXT, n NUMERIC, b BLOB, any);
INSERT INTO t VALUES (1, '12', '3.5', 12, '1e3', 'x', '7');
INSERT INTO t VALUES (2, '12abc', 4, 4.0, '3.0', 5, 8.0);
INSERT INTO t VALUES (3, 3.0, '1e2', 1e20, 'abc', x'00', NULL);
INSERT INTO t VALUES (4, NULL, NULL, NULL, ' 42 ', NULL, '  5');
INSERT INTO t(i, r, tx) VALUES (-5, 2.5, 'b');
INSERT INTO t(i, r, tx) VALUES (7, -1, 'B');
INSERT INTO t(i, tx) VALUES (7, 'a');
CREATE TABLE u(k INTEGER PRIMARY KEY, tid INTEGER, name TEXT COLLATE NOCASE, score REAL);
INSERT INTO u VALUES (1, 1, 'alpha', 10), (2, 1, 'Beta', 20), (3, 2, 'gamma', 30), (4, 9, 'ALPHA', NULL), (5, NULL, 'delta', 5);
CREATE INDEX u_tid ON u(tid);
CREATE TABLE v(a, b, c);
INSERT INTO v VALUES (1, 'x', 1.5), (2, 'y', NULL), (1, 'x', 2.5), (3, NULL, 0), (2, 'z', 7), (NULL, 'x', 1);
";

#[test]
fn select_features_match_sqlite() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, SETUP);
    check_all(&mut f, &l, &[
        "SELECT id, i, typeof(i), r, typeof(r), tx, typeof(tx), n, typeof(n), b, typeof(b), any, typeof(any) FROM t",
        "SELECT * FROM t WHERE id = 2",
        "SELECT * FROM t WHERE id = '3'",
        "SELECT * FROM t WHERE id = 2.0",
        "SELECT * FROM t WHERE id = 2.5",
        "SELECT * FROM t WHERE rowid = 1 OR _rowid_ = 4",
        "SELECT id FROM t WHERE i = 12",
        "SELECT id FROM t WHERE i = '12'",
        "SELECT id FROM t WHERE tx = 12",
        "SELECT id FROM t WHERE tx > 'a'",
        "SELECT id FROM t WHERE any = 7",
        "SELECT id FROM t WHERE any = '7'",
        "SELECT id FROM t WHERE n = 1000",
        "SELECT id FROM t WHERE i IS NULL",
        "SELECT id FROM t WHERE i IN (12, 7)",
        "SELECT id FROM t WHERE i IN ('12', 7)",
        "SELECT id, i FROM t ORDER BY i",
        "SELECT id, i FROM t ORDER BY i DESC, id",
        "SELECT id, tx FROM t ORDER BY tx COLLATE NOCASE, id",
        "SELECT id, tx FROM t ORDER BY 2 DESC",
        "SELECT id AS x, tx FROM t ORDER BY x DESC",
        "SELECT id FROM t ORDER BY id LIMIT 3",
        "SELECT id FROM t ORDER BY id LIMIT 3 OFFSET 2",
        "SELECT id FROM t ORDER BY id LIMIT 2, 3",
        "SELECT id FROM t LIMIT -1 OFFSET 5",
        "SELECT id FROM t LIMIT 0",
        "SELECT id FROM t ORDER BY 9",
        "SELECT DISTINCT a FROM v",
        "SELECT DISTINCT a, b FROM v ORDER BY a, b",
        "SELECT count(*), count(a), count(c), sum(a), total(a), avg(c), min(b), max(b), group_concat(b), group_concat(b, '|') FROM v",
        "SELECT count(*), sum(a), avg(a), min(a), max(a) FROM v WHERE 0",
        "SELECT a, count(*), sum(c) FROM v GROUP BY a",
        "SELECT a, count(*) AS n FROM v GROUP BY a HAVING n > 1",
        "SELECT b, max(c), min(c) FROM v GROUP BY b ORDER BY b DESC",
        "SELECT a + 1, count(*) FROM v GROUP BY a + 1",
        "SELECT count(DISTINCT a), count(DISTINCT b), sum(DISTINCT a) FROM v",
        "SELECT a, b FROM v GROUP BY 1, 2",
        "SELECT sum(c) / count(*) FROM v",
        "SELECT name FROM u WHERE name = 'ALPHA'",
        "SELECT name FROM u ORDER BY name",
        "SELECT name FROM u WHERE name < 'b'",
        "SELECT t.id, u.name FROM t, u WHERE t.id = u.tid ORDER BY u.k",
        "SELECT t.id, u.name FROM t JOIN u ON t.id = u.tid ORDER BY u.k",
        "SELECT t.id, u.name FROM t LEFT JOIN u ON t.id = u.tid ORDER BY t.id, u.k",
        "SELECT t.id, u.name FROM t LEFT JOIN u ON t.id = u.tid WHERE u.k IS NULL",
        "SELECT u.k, t.tx FROM u LEFT JOIN t ON t.id = u.tid ORDER BY u.k",
        "SELECT * FROM u WHERE tid = 1",
        "SELECT * FROM u WHERE tid = '1'",
        "SELECT k FROM u WHERE tid IS NULL",
        "SELECT id FROM t WHERE id IN (SELECT tid FROM u)",
        "SELECT id FROM t WHERE id NOT IN (SELECT tid FROM u WHERE tid IS NOT NULL)",
        "SELECT id, (SELECT count(*) FROM u WHERE u.tid = t.id) FROM t",
        "SELECT id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.tid = t.id)",
        "SELECT x.id, y.id FROM t AS x, t AS y WHERE x.id = y.id + 1",
        "SELECT * FROM (SELECT a, count(*) AS n FROM v GROUP BY a) WHERE n > 1",
        "SELECT id FROM t WHERE i BETWEEN 0 AND 10",
        "SELECT id FROM t WHERE tx LIKE 'b%'",
        "SELECT max(id), min(id) FROM t",
        "SELECT id, count(*) FROM t",
        "SELECT a FROM v UNION SELECT tid FROM u",
        "SELECT a FROM v UNION ALL SELECT tid FROM u ORDER BY 1 LIMIT 4",
        "SELECT k, name FROM u WHERE k > 2 AND score IS NOT NULL",
        "SELECT t.*, u.k FROM t, u WHERE u.k = t.id AND t.id < 3",
        "SELECT nosuch FROM t",
        "SELECT id FROM nosuch",
        "SELECT id FROM t, u",
        "SELECT t.nosuch FROM t",
        "SELECT k FROM u WHERE tid IN (1, 2) ORDER BY k DESC",
        "SELECT tid, group_concat(name) FROM u GROUP BY tid",
        "SELECT count(*) FROM t WHERE tx IS NOT NULL AND i > 0",
        "SELECT id, CASE WHEN i > 5 THEN 'big' ELSE 'small' END FROM t",
        "SELECT sum(i), total(i), typeof(sum(i)), avg(i) FROM t",
        "SELECT * FROM t WHERE id > 3",
        "SELECT * FROM t ORDER BY id DESC",
        "SELECT coalesce(max(score), 0) FROM u WHERE k > 100",
        "SELECT id FROM t WHERE id > 2",
        "SELECT id FROM t WHERE id >= 2 AND id < 5",
        "SELECT id FROM t WHERE 3 < id",
        "SELECT id FROM t WHERE id > 2.5 AND id <= 6.0",
        "SELECT id FROM t WHERE id BETWEEN 2 AND 4",
        "SELECT id FROM t WHERE id > 'abc'",
        "SELECT id FROM t WHERE id < 'abc'",
        "SELECT id FROM t WHERE id > '3'",
        "SELECT id FROM t WHERE id > NULL",
        "SELECT id FROM t WHERE id > -9223372036854775808 AND id < 9223372036854775807",
        "SELECT id FROM t WHERE id > 9223372036854775807",
        "SELECT id, i FROM t ORDER BY id DESC LIMIT 3",
        "SELECT id FROM t WHERE i > 0 ORDER BY id DESC",
        "SELECT id FROM t WHERE id > 2 ORDER BY id LIMIT 2",
        "SELECT id FROM t WHERE id > 2 ORDER BY rowid DESC",
        "SELECT k FROM u WHERE tid = 1 ORDER BY k DESC",
    ]);
}

#[test]
fn constraints_match_sqlite() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, "
        CREATE TABLE c(id INTEGER PRIMARY KEY, a UNIQUE, b, d NOT NULL DEFAULT 1, e DEFAULT (2 + 3), g DEFAULT 'x', h DEFAULT -1, UNIQUE(a, b));
        CREATE TABLE p(x, y, z, PRIMARY KEY (x, y));
        INSERT INTO c(id, a, b) VALUES (1, 1, 1);
        INSERT INTO p VALUES (1, 2, 3);
    ");
    check_all(&mut f, &l, &[
        "INSERT INTO c(id, a) VALUES (1, 5)",
        "INSERT INTO c(a) VALUES (1)",
        "INSERT INTO c(a, d) VALUES (9, NULL)",
        "INSERT INTO p VALUES (1, 2, 4)",
        "INSERT INTO p VALUES (1, NULL, 4)",
        "INSERT INTO p VALUES (1, NULL, 5)",
        "INSERT INTO c VALUES (1, 2)",
        "INSERT INTO c(a, b) VALUES (1)",
        "INSERT INTO c(zz) VALUES (1)",
        "INSERT INTO nosuch VALUES (1)",
        "INSERT INTO c(id, a) VALUES ('abc', 5)",
        "INSERT INTO c(id, a) VALUES (2.5, 5)",
        "INSERT INTO c(id, a) VALUES ('10', 10)",
        "INSERT INTO c(a) VALUES (NULL), (NULL)",
        "INSERT OR IGNORE INTO c(id, a) VALUES (1, 77)",
        "INSERT OR IGNORE INTO c(a) VALUES (1)",
        "INSERT OR REPLACE INTO c(id, a, b) VALUES (1, 100, 100)",
        "INSERT OR REPLACE INTO c(a, b) VALUES (100, 5)",
        "INSERT INTO c(a) VALUES (200) ON CONFLICT DO NOTHING",
        "INSERT INTO c(a) VALUES (200) ON CONFLICT DO NOTHING",
        "SELECT * FROM c ORDER BY id",
        "UPDATE c SET a = 200 WHERE id = 10",
        "UPDATE c SET id = 10 WHERE a = 100",
        "UPDATE c SET d = NULL",
        "UPDATE c SET nosuch = 1",
        "UPDATE c SET a = a + 1000, b = id",
        "SELECT * FROM c ORDER BY id",
        "UPDATE c SET id = id + 100",
        "SELECT * FROM c ORDER BY id",
        "DELETE FROM c WHERE a > 1150",
        "SELECT * FROM c ORDER BY id",
        "INSERT INTO c DEFAULT VALUES",
        "SELECT * FROM c ORDER BY id",
        "DELETE FROM c",
        "SELECT count(*) FROM c",
        "CREATE TABLE c(x)",
        "CREATE TABLE IF NOT EXISTS c(x)",
        "CREATE INDEX c ON p(x)",
        "CREATE UNIQUE INDEX pz ON p(z)",
        "INSERT INTO p VALUES (5, 5, 3)",
        "CREATE INDEX pz ON p(y)",
        "DROP TABLE nosuch",
        "DROP TABLE IF EXISTS nosuch",
        "DROP INDEX sqlite_autoindex_p_1",
        "DROP INDEX pz",
        "INSERT INTO p VALUES (5, 5, 3)",
        "SELECT * FROM p ORDER BY x, y",
        "CREATE UNIQUE INDEX pz ON p(z)",
        "DROP TABLE p",
        "SELECT * FROM p",
        "INSERT INTO sqlite_master VALUES (1,2,3,4,5)",
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name",
    ]);
}

#[test]
fn views_ctes_and_subqueries_match_sqlite() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, SETUP);
    both_exec(&mut f, &l, "CREATE VIEW big AS SELECT k, name, score * 2 AS s2 FROM u WHERE score > 5; CREATE VIEW vc(x, y) AS SELECT a, b FROM v;");
    check_all(&mut f, &l, &[
        "SELECT * FROM big ORDER BY k",
        "SELECT name, s2 FROM big WHERE s2 > 30",
        "SELECT x, count(*) FROM vc GROUP BY x",
        "SELECT big.name, t.tx FROM big JOIN t ON t.id = big.k",
        "WITH c AS (SELECT a, c FROM v WHERE a IS NOT NULL) SELECT a, sum(c) FROM c GROUP BY a",
        "WITH c(p, q) AS (SELECT 1, 2), d AS (SELECT p + q AS r FROM c) SELECT * FROM c, d",
        "SELECT * FROM (SELECT 1 AS a UNION ALL SELECT 2) AS s WHERE a > 1",
        "SELECT s.n FROM (SELECT count(*) AS n FROM t) s",
        "CREATE VIEW big AS SELECT 1",
        "DROP TABLE big",
        "DROP VIEW big",
        "SELECT * FROM big",
        "SELECT type, name FROM sqlite_master WHERE type = 'view'",
        "SELECT 1 IN v",
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10) SELECT x FROM c",
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 5) SELECT sum(x) FROM c",
        "WITH RECURSIVE c(x) AS (VALUES (1) UNION SELECT x % 3 + 1 FROM c) SELECT x FROM c ORDER BY x",
        "WITH RECURSIVE fib(a, b) AS (SELECT 0, 1 UNION ALL SELECT b, a + b FROM fib WHERE b < 100) SELECT a FROM fib",
        "WITH RECURSIVE tree(k, depth) AS (SELECT k, 0 FROM u WHERE tid IS NULL UNION ALL SELECT u.k, tree.depth + 1 FROM u JOIN tree ON u.tid = tree.k) SELECT * FROM tree ORDER BY k",
    ]);
}

#[test]
fn returning_and_upsert_match_sqlite() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, "CREATE TABLE kv(id INTEGER PRIMARY KEY, k TEXT UNIQUE, v INT DEFAULT 0, n INT)");
    check_all(&mut f, &l, &[
        "INSERT INTO kv(k, v) VALUES ('a', 1), ('b', 2) RETURNING id, k, v * 10 AS v10",
        "INSERT INTO kv(k) VALUES ('c') RETURNING *",
        "UPDATE kv SET v = v + 1 WHERE k <> 'b' RETURNING k, v",
        "DELETE FROM kv WHERE k = 'c' RETURNING id, k",
        "INSERT INTO kv(k, v) VALUES ('a', 100) ON CONFLICT(k) DO UPDATE SET v = v + excluded.v RETURNING id, k, v",
        "INSERT INTO kv(k, v) VALUES ('a', 5) ON CONFLICT(k) DO UPDATE SET v = excluded.v WHERE excluded.v > 1000",
        "INSERT INTO kv(id, k, v) VALUES (2, 'zz', 7) ON CONFLICT(id) DO UPDATE SET n = excluded.v",
        "INSERT INTO kv(id, k, v) VALUES (2, 'zz', 7) ON CONFLICT(v) DO NOTHING",
        "INSERT INTO kv(k, v) VALUES ('b', 9) ON CONFLICT DO NOTHING",
        "INSERT INTO kv(k, v) VALUES ('b', 9) ON CONFLICT(k) DO UPDATE SET k = 'a'",
        "SELECT * FROM kv ORDER BY id",
        "SELECT changes(), last_insert_rowid()",
    ]);
}

#[test]
fn alter_table_matches_sqlite() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, "CREATE TABLE t(a, b, UNIQUE(a)  ); INSERT INTO t VALUES (1, 2), (3, 4);");
    check_all(&mut f, &l, &[
        "ALTER TABLE t ADD COLUMN c INT DEFAULT 5",
        "ALTER TABLE t ADD d TEXT NOT NULL DEFAULT 'x'",
        "ALTER TABLE t ADD COLUMN e NOT NULL",
        "ALTER TABLE t ADD COLUMN f UNIQUE",
        "ALTER TABLE t ADD COLUMN g DEFAULT (1 + 1)",
        "ALTER TABLE t ADD COLUMN a",
        "ALTER TABLE t ADD COLUMN h DEFAULT -7",
        "SELECT * FROM t",
        "SELECT sql FROM sqlite_master WHERE name = 't'",
        "INSERT INTO t(a) VALUES (9)",
        "CREATE INDEX tc ON t(c, h)",
        "SELECT a, c, h FROM t WHERE c = 5 ORDER BY a",
        "UPDATE t SET c = 6 WHERE a = 1",
        "SELECT * FROM t ORDER BY a",
        "ALTER TABLE nosuch ADD COLUMN x",
        "CREATE TABLE r(x, y)",
        "ALTER TABLE r RENAME TO r2",
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE name LIKE 'r%'",
        "SELECT * FROM r2",
    ]);
    let (id, _) = f.prepare("SELECT 1").unwrap();
    f.finalize(id.unwrap()).unwrap();
}

#[test]
fn check_constraints_match_sqlite() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, "CREATE TABLE c(id INTEGER PRIMARY KEY CHECK (id < 100), a INT CHECK (a > 0), b TEXT, CONSTRAINT blen CHECK (length(b) <= 3), CHECK (a <> 7 OR b IS NULL))");
    check_all(&mut f, &l, &[
        "INSERT INTO c(a, b) VALUES (1, 'abc')",
        "INSERT INTO c(a, b) VALUES (0, 'x')",
        "INSERT INTO c(a, b) VALUES (NULL, 'x')",
        "INSERT INTO c(a, b) VALUES (2, 'long')",
        "INSERT INTO c(a, b) VALUES (7, 'x')",
        "INSERT INTO c(a, b) VALUES (7, NULL)",
        "INSERT INTO c(id, a) VALUES (100, 1)",
        "INSERT OR IGNORE INTO c(a, b) VALUES (-1, 'x'), (5, 'ok')",
        "UPDATE c SET a = -5 WHERE id = 1",
        "UPDATE c SET b = 'toolong'",
        "UPDATE c SET a = a + 1",
        "SELECT * FROM c ORDER BY id",
    ]);
}

#[test]
fn triggers_match_sqlite() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, "
        CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, qty INT, updated INT DEFAULT 0);
        CREATE TABLE log(ev TEXT, item INT, a, b);
        CREATE TRIGGER item_ai AFTER INSERT ON item BEGIN INSERT INTO log VALUES ('ins', new.id, new.name, new.qty); END;
        CREATE TRIGGER item_bu BEFORE UPDATE OF qty ON item WHEN new.qty < 0 BEGIN SELECT RAISE(ABORT, 'negative qty'); END;
        CREATE TRIGGER item_au AFTER UPDATE ON item BEGIN INSERT INTO log VALUES ('upd', old.id, old.qty, new.qty); UPDATE item SET updated = updated + 1 WHERE id = new.id; END;
        CREATE TRIGGER item_bd BEFORE DELETE ON item WHEN old.name = 'keep' BEGIN SELECT RAISE(IGNORE); END;
        CREATE TRIGGER item_ad AFTER DELETE ON item BEGIN DELETE FROM log WHERE item = old.id AND ev = 'ins'; INSERT INTO log VALUES ('del', old.id, old.name, NULL); END;
    ");
    check_all(&mut f, &l, &[
        "INSERT INTO item(name, qty) VALUES ('a', 1), ('b', 2), ('keep', 3)",
        "SELECT changes(), last_insert_rowid()",
        "UPDATE item SET qty = qty + 10 WHERE id <= 2",
        "SELECT changes()",
        "UPDATE item SET qty = -1 WHERE id = 1",
        "UPDATE item SET name = 'z' WHERE id = 2",
        "DELETE FROM item",
        "SELECT changes()",
        "SELECT * FROM item ORDER BY id",
        "SELECT * FROM log ORDER BY rowid",
        "CREATE TRIGGER item_ai AFTER INSERT ON item BEGIN SELECT 1; END",
        "CREATE TRIGGER tx AFTER INSERT ON nosuch BEGIN SELECT 1; END",
        "DROP TRIGGER item_ai",
        "DROP TRIGGER item_ai",
        "DROP TRIGGER IF EXISTS item_ai",
        "INSERT INTO item(name, qty) VALUES ('c', 5)",
        "SELECT count(*) FROM log",
        "SELECT RAISE(ABORT, 'x')",
        "SELECT type, name, tbl_name FROM sqlite_master WHERE type = 'trigger' ORDER BY name",
        "DROP TABLE item",
        "SELECT type, name FROM sqlite_master WHERE type = 'trigger'",
    ]);
}

#[test]
fn index_range_scans_match_sqlite() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, "
        CREATE TABLE r(id INTEGER PRIMARY KEY, n INT, s TEXT, x, g INT);
        CREATE INDEX rn ON r(n); CREATE INDEX rs ON r(s); CREATE INDEX rx ON r(x); CREATE INDEX rgn ON r(g, n);
        CREATE INDEX rsn ON r(s COLLATE NOCASE);
        INSERT INTO r(n, s, x, g) VALUES (5, 'e', 5, 1), (1, 'a', 'text', 1), (NULL, NULL, NULL, 2), (3, 'C', 2.5, 2), (9, 'z', x'00', 1),
                                        (7, 'g', 7, 2), (-2, 'B', -2, 1), (3, 'c', '3', 2), (10, 'j', 10.5, NULL);
    ");
    check_all(&mut f, &l, &[
        "SELECT id FROM r WHERE n > 3 ORDER BY id",
        "SELECT id FROM r WHERE n >= 3 AND n < 9 ORDER BY id",
        "SELECT id FROM r WHERE n < 3 ORDER BY id",
        "SELECT id FROM r WHERE n <= '5' ORDER BY id",
        "SELECT id FROM r WHERE n > 2.5 ORDER BY id",
        "SELECT id FROM r WHERE n BETWEEN 1 AND 7 ORDER BY id",
        "SELECT id FROM r WHERE 4 < n ORDER BY id",
        "SELECT id FROM r WHERE n > 'abc' ORDER BY id",
        "SELECT id FROM r WHERE n < NULL",
        "SELECT id FROM r WHERE s > 'c' ORDER BY id",
        "SELECT id FROM r WHERE s >= 'C' AND s < 'g' ORDER BY id",
        "SELECT id FROM r WHERE s COLLATE NOCASE > 'c' ORDER BY id",
        "SELECT id FROM r WHERE x > 3 ORDER BY id",
        "SELECT id FROM r WHERE x < 3 ORDER BY id",
        "SELECT id FROM r WHERE x > 'a' ORDER BY id",
        "SELECT id FROM r WHERE g = 1 AND n > 0 ORDER BY id",
        "SELECT id FROM r WHERE g = 2 AND n <= 3 ORDER BY id",
        "SELECT id FROM r WHERE g = 2 AND n BETWEEN 3 AND 7 ORDER BY id",
        "SELECT count(*) FROM r WHERE n > -100",
        "SELECT id, n FROM r ORDER BY n",
        "SELECT id, n FROM r ORDER BY n DESC LIMIT 3",
        "SELECT id, n FROM r ORDER BY n LIMIT 2 OFFSET 3",
        "SELECT id, s FROM r ORDER BY s",
        "SELECT id, s FROM r ORDER BY s COLLATE NOCASE DESC",
        "SELECT id, g, n FROM r ORDER BY g, n",
        "SELECT id, g, n FROM r WHERE x IS NOT NULL ORDER BY g DESC, n DESC",
        "SELECT id FROM r ORDER BY g, n DESC",
        "SELECT id, n FROM r WHERE id IN (3, 1, 7, 3, 100)",
        "SELECT id FROM r WHERE id IN ('2', 2.0, 2.5, NULL, 'x', 4)",
        "SELECT id FROM r WHERE rowid IN (5, 6) AND n > 5",
        "SELECT id FROM r WHERE id IN (SELECT 1) OR id IN (2)",
        "SELECT r.id, r2.id FROM r, r AS r2 WHERE r.id IN (1, 2) AND r2.id IN (r.id + 1)",
    ]);
    let rows = query(&mut f, "EXPLAIN QUERY PLAN SELECT id FROM r ORDER BY n DESC LIMIT 3").unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0][3], ferrolite_engine::Value::Text("SCAN r USING COVERING INDEX rn".into()));
    let rows = query(&mut f, "EXPLAIN QUERY PLAN SELECT id FROM r WHERE n > 3").unwrap();
    assert_eq!(rows[0][3], ferrolite_engine::Value::Text("SEARCH r USING COVERING INDEX rn (n>?)".into()));
}

#[test]
fn window_functions_match_sqlite() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, "
        CREATE TABLE s(id INTEGER PRIMARY KEY, dept TEXT, name TEXT, pay INT);
        INSERT INTO s(dept, name, pay) VALUES ('a', 'x', 10), ('a', 'y', 20), ('a', 'z', 20), ('b', 'p', 5), ('b', 'q', NULL), ('c', 'r', 7);
    ");
    check_all(&mut f, &l, &[
        "SELECT name, row_number() OVER (ORDER BY pay, id) FROM s",
        "SELECT name, rank() OVER (ORDER BY pay), dense_rank() OVER (ORDER BY pay) FROM s ORDER BY name",
        "SELECT dept, name, row_number() OVER (PARTITION BY dept ORDER BY pay DESC, id) AS rn FROM s",
        "SELECT dept, name, sum(pay) OVER (PARTITION BY dept) FROM s ORDER BY id",
        "SELECT dept, name, sum(pay) OVER (PARTITION BY dept ORDER BY pay) FROM s ORDER BY id",
        "SELECT name, count(*) OVER (), avg(pay) OVER () FROM s ORDER BY id",
        "SELECT name, lag(pay) OVER (ORDER BY id), lead(pay, 2, -1) OVER (ORDER BY id) FROM s",
        "SELECT name, first_value(name) OVER (PARTITION BY dept ORDER BY pay, id), last_value(name) OVER (PARTITION BY dept ORDER BY pay, id) FROM s ORDER BY id",
        "SELECT name, pay - lag(pay, 1, 0) OVER w FROM s WINDOW w AS (ORDER BY id)",
        "SELECT name, percent_rank() OVER (ORDER BY pay), cume_dist() OVER (ORDER BY pay) FROM s ORDER BY id",
        "SELECT * FROM (SELECT name, row_number() OVER (PARTITION BY dept ORDER BY pay DESC) AS rn FROM s) WHERE rn = 1 ORDER BY name",
        "SELECT name, max(pay) OVER (ORDER BY id) FROM s LIMIT 3",
        "SELECT name FROM s WHERE row_number() OVER () > 1",
    ]);
}
