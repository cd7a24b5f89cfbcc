//! Differential tests for FOREIGN KEY enforcement (PRAGMA foreign_keys=ON)
//! against rusqlite (bundled SQLite): every action on DELETE and UPDATE,
//! immediate and deferred keys, defer_foreign_keys, foreign_key_check,
//! foreign_key_list, composite and UNIQUE parent keys, DROP TABLE of a
//! parent, and the mismatch errors.
mod common;
use common::*;

fn setup(sql: &str) -> (ferrolite_engine::Connection, rusqlite::Connection) {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, "PRAGMA foreign_keys=ON;");
    both_exec(&mut f, &l, sql);
    (f, l)
}

#[test]
fn pragma_foreign_keys_and_list() {
    let mut f = mem();
    let l = lite();
    // rusqlite's bundled SQLite is built with SQLITE_DEFAULT_FOREIGN_KEYS=1;
    // stock SQLite (and ferrolite) start with foreign keys off.
    assert_eq!(query(&mut f, "PRAGMA foreign_keys"), Ok(vec![vec![ferrolite_engine::Value::Integer(0)]]));
    both_exec(&mut f, &l, "PRAGMA foreign_keys = 0;");
    check_all(&mut f, &l, &[
        "PRAGMA foreign_keys",
        "PRAGMA foreign_keys = 1",
        "PRAGMA foreign_keys",
        "PRAGMA foreign_keys = off",
        "PRAGMA foreign_keys",
        "PRAGMA foreign_keys = yes",
        "PRAGMA foreign_keys",
        "PRAGMA defer_foreign_keys",
        "PRAGMA defer_foreign_keys = on",
        "PRAGMA defer_foreign_keys",
        "CREATE TABLE p(a INTEGER PRIMARY KEY, b, c, UNIQUE(b, c))",
        "CREATE TABLE c1(x REFERENCES p, y REFERENCES p(a) ON DELETE CASCADE ON UPDATE SET NULL, z, w, \
         FOREIGN KEY (z, w) REFERENCES p(b, c) ON DELETE SET DEFAULT DEFERRABLE INITIALLY DEFERRED, \
         FOREIGN KEY (w) REFERENCES p MATCH FULL ON UPDATE RESTRICT)",
        "PRAGMA foreign_key_list(c1)",
        "PRAGMA foreign_key_list(p)",
        "PRAGMA foreign_key_list(nosuch)",
        "CREATE TABLE c2(a REFERENCES p(a, b))",
        "CREATE TABLE c2(a, b, FOREIGN KEY (a, b) REFERENCES p(a))",
        "CREATE TABLE c2(a, FOREIGN KEY (q) REFERENCES p)",
        "BEGIN",
        "PRAGMA foreign_keys = off",
        "PRAGMA foreign_keys",
        "COMMIT",
    ]);
}

#[test]
fn immediate_keys_on_insert_update_delete() {
    let (mut f, l) = setup(
        "CREATE TABLE p(id INTEGER PRIMARY KEY, name TEXT UNIQUE);
         CREATE TABLE c(id INTEGER PRIMARY KEY, pid INTEGER REFERENCES p(id), pname TEXT REFERENCES p(name));
         INSERT INTO p VALUES (1, 'one'), (2, 'two'), (3, 'three');",
    );
    check_all(&mut f, &l, &[
        "INSERT INTO c VALUES (1, 1, 'one')",
        "INSERT INTO c VALUES (2, 9, NULL)",
        "INSERT INTO c VALUES (3, NULL, 'nine')",
        "INSERT INTO c VALUES (4, NULL, NULL)",
        "INSERT INTO c VALUES (5, '2', 'two')",
        "INSERT INTO c VALUES (6, 'x', NULL)",
        "INSERT INTO c VALUES (7, 2.0, NULL)",
        "INSERT INTO c SELECT 10 + id, id, name FROM p",
        "INSERT INTO c VALUES (20, 1, NULL), (21, 8, NULL)",
        "SELECT * FROM c ORDER BY id",
        "UPDATE c SET pid = 5 WHERE id = 1",
        "UPDATE c SET pid = 3 WHERE id = 1",
        "UPDATE c SET pname = 'zzz' WHERE id = 1",
        "UPDATE p SET id = 10 WHERE id = 1",
        "UPDATE p SET name = 'uno' WHERE id = 1",
        "UPDATE p SET name = 'ONE' WHERE id = 1",
        "DELETE FROM p WHERE id = 3",
        "DELETE FROM c WHERE pid = 3",
        "DELETE FROM p WHERE id = 3",
        "DELETE FROM p",
        "SELECT * FROM p ORDER BY id",
        "SELECT * FROM c ORDER BY id",
        "INSERT OR IGNORE INTO c VALUES (30, 99, NULL)",
        "INSERT OR REPLACE INTO p VALUES (1, 'uno')",
        "REPLACE INTO p VALUES (2, 'dos')",
        "SELECT * FROM p ORDER BY id",
        "PRAGMA foreign_key_check",
        "PRAGMA foreign_key_check(c)",
        "PRAGMA foreign_key_check(p)",
        "PRAGMA foreign_key_check(nosuch)",
        "INSERT INTO c VALUES (40, 99, NULL) RETURNING *",
        "INSERT INTO c VALUES (41, 1, NULL), (42, 98, NULL) RETURNING *",
        "INSERT INTO c VALUES (43, 1, NULL) RETURNING id, pid",
        "DELETE FROM p RETURNING *",
        "SELECT * FROM c ORDER BY id",
    ]);
}

#[test]
fn actions_on_delete_and_update() {
    let (mut f, l) = setup(
        "CREATE TABLE p(id INTEGER PRIMARY KEY, k TEXT UNIQUE);
         CREATE TABLE casc(id INTEGER PRIMARY KEY, pid REFERENCES p ON DELETE CASCADE ON UPDATE CASCADE);
         CREATE TABLE setn(id INTEGER PRIMARY KEY, pk REFERENCES p(k) ON DELETE SET NULL ON UPDATE SET NULL);
         CREATE TABLE setd(id INTEGER PRIMARY KEY, pid INTEGER DEFAULT 2 REFERENCES p ON DELETE SET DEFAULT ON UPDATE SET DEFAULT);
         CREATE TABLE restr(id INTEGER PRIMARY KEY, pk REFERENCES p(k) ON DELETE RESTRICT ON UPDATE RESTRICT);
         INSERT INTO p VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd');
         INSERT INTO casc VALUES (1, 1), (2, 1), (3, 3), (4, NULL);
         INSERT INTO setn VALUES (1, 'a'), (2, 'c'), (3, 'b');
         INSERT INTO setd VALUES (1, 1), (2, 3), (3, 4);
         INSERT INTO restr VALUES (1, 'd');",
    );
    check_all(&mut f, &l, &[
        "DELETE FROM p WHERE id = 1",
        "SELECT * FROM casc ORDER BY id",
        "SELECT * FROM setn ORDER BY id",
        "SELECT * FROM setd ORDER BY id",
        "UPDATE p SET id = 30 WHERE id = 3",
        "SELECT * FROM p ORDER BY id",
        "SELECT * FROM casc ORDER BY id",
        "SELECT * FROM setd ORDER BY id",
        "UPDATE p SET k = 'cc' WHERE id = 30",
        "SELECT * FROM setn ORDER BY id",
        "UPDATE p SET k = 'dd' WHERE id = 4",
        "DELETE FROM p WHERE id = 4",
        "UPDATE p SET k = k WHERE id = 4",
        "DELETE FROM restr",
        "DELETE FROM p WHERE id = 4",
        "DELETE FROM p WHERE id = 2",
        "SELECT * FROM setd ORDER BY id",
        "SELECT * FROM p ORDER BY id",
        "SELECT changes()",
        "DELETE FROM p",
        "SELECT changes()",
        "SELECT (SELECT count(*) FROM casc), (SELECT count(*) FROM setn), (SELECT count(*) FROM setd)",
    ]);
}

#[test]
fn self_referencing_tree_cascade() {
    let (mut f, l) = setup(
        "CREATE TABLE node(id INTEGER PRIMARY KEY, parent INTEGER REFERENCES node(id) ON DELETE CASCADE, label TEXT);
         INSERT INTO node SELECT i, CASE WHEN i = 1 THEN NULL ELSE i / 2 END, 'n' || i
           FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60) SELECT i FROM n);",
    );
    check_all(&mut f, &l, &[
        "SELECT count(*) FROM node",
        "INSERT INTO node VALUES (100, 100, 'self')",
        "INSERT INTO node VALUES (101, 102, 'forward')",
        "DELETE FROM node WHERE id = 2",
        "SELECT group_concat(id) FROM node",
        "DELETE FROM node WHERE id = 1",
        "SELECT count(*) FROM node",
        "DELETE FROM node",
    ]);
}

#[test]
fn deferred_keys_and_defer_pragma() {
    let (mut f, l) = setup(
        "CREATE TABLE p(id INTEGER PRIMARY KEY);
         CREATE TABLE c(id INTEGER PRIMARY KEY, pid REFERENCES p DEFERRABLE INITIALLY DEFERRED);
         CREATE TABLE ci(id INTEGER PRIMARY KEY, pid REFERENCES p);
         INSERT INTO p VALUES (1);",
    );
    check_all(&mut f, &l, &[
        "INSERT INTO c VALUES (1, 5)",
        "SELECT count(*) FROM c",
        "BEGIN",
        "INSERT INTO c VALUES (1, 5)",
        "INSERT INTO c VALUES (2, 6)",
        "COMMIT",
        "SELECT count(*) FROM c",
        "INSERT INTO p VALUES (5)",
        "COMMIT",
        "DELETE FROM c WHERE id = 2",
        "COMMIT",
        "SELECT * FROM c ORDER BY id",
        "BEGIN",
        "DELETE FROM p WHERE id = 5",
        "SAVEPOINT s1",
        "INSERT INTO p VALUES (5)",
        "ROLLBACK TO s1",
        "COMMIT",
        "RELEASE s1",
        "COMMIT",
        "ROLLBACK",
        "SELECT * FROM p ORDER BY id",
        "SAVEPOINT a",
        "INSERT INTO c VALUES (9, 99)",
        "RELEASE a",
        "DELETE FROM c WHERE id = 9",
        "RELEASE a",
        "BEGIN",
        "PRAGMA defer_foreign_keys = ON",
        "INSERT INTO ci VALUES (1, 42)",
        "PRAGMA defer_foreign_keys",
        "COMMIT",
        "INSERT INTO p VALUES (42)",
        "COMMIT",
        "PRAGMA defer_foreign_keys",
        "SELECT * FROM ci",
        "INSERT INTO ci VALUES (2, 43)",
        "BEGIN",
        "INSERT INTO c VALUES (3, 77)",
        "ROLLBACK",
        "SELECT count(*) FROM c",
        "BEGIN",
        "INSERT INTO c VALUES (4, 78)",
        "INSERT INTO ci VALUES (5, 79)",
        "DELETE FROM c WHERE id = 4",
        "COMMIT",
        "SELECT * FROM c ORDER BY id",
        "CREATE TABLE cr(id INTEGER PRIMARY KEY, pid REFERENCES p ON DELETE RESTRICT)",
        "INSERT INTO p VALUES (50)",
        "INSERT INTO cr VALUES (1, 50)",
        "DELETE FROM p WHERE id = 50",
        "BEGIN",
        "PRAGMA defer_foreign_keys = 1",
        "DELETE FROM p WHERE id = 50",
        "COMMIT",
        "INSERT INTO p VALUES (50)",
        "COMMIT",
        "SELECT * FROM cr",
    ]);
}

#[test]
fn composite_and_unique_parent_keys() {
    let (mut f, l) = setup(
        "CREATE TABLE p(a, b, c, PRIMARY KEY (a, b), UNIQUE (c COLLATE NOCASE));
         CREATE TABLE q(x TEXT, y INTEGER, UNIQUE(x, y));
         CREATE TABLE c(u, v, FOREIGN KEY (v, u) REFERENCES p(b, a) ON UPDATE CASCADE);
         CREATE TABLE d(u, v, FOREIGN KEY (u, v) REFERENCES p);
         CREATE TABLE g(s, t, FOREIGN KEY (s, t) REFERENCES q(x, y) ON DELETE CASCADE);
         CREATE TABLE m(s REFERENCES nosuch(z));
         INSERT INTO p VALUES (1, 'x', 'C1'), (2, 'y', 'C2');
         INSERT INTO q VALUES ('10', 1), ('20', 2);",
    );
    check_all(&mut f, &l, &[
        "INSERT INTO c VALUES (1, 'x')",
        "INSERT INTO c VALUES ('1', 'x')",
        "INSERT INTO c VALUES (1, 'y')",
        "INSERT INTO c VALUES (NULL, 'zz')",
        "INSERT INTO d VALUES (2, 'y')",
        "INSERT INTO d VALUES (2, 'x')",
        "UPDATE p SET b = 'xx' WHERE a = 1",
        "SELECT * FROM c ORDER BY rowid",
        "DELETE FROM p WHERE a = 2",
        "INSERT INTO g VALUES (10, 1)",
        "INSERT INTO g VALUES ('20', '2')",
        "INSERT INTO g VALUES (30, 3)",
        "SELECT * FROM g",
        "DELETE FROM q WHERE y = 1",
        "SELECT * FROM g",
        "INSERT INTO m VALUES (1)",
        "INSERT INTO m VALUES (NULL)",
        "PRAGMA foreign_key_check(c)",
        "PRAGMA foreign_key_check(m)",
        "CREATE TABLE e(s REFERENCES q(x))",
        "CREATE TABLE h(s REFERENCES p(c))",
        "INSERT INTO e VALUES ('10')",
        "INSERT INTO h VALUES ('c1')",
        "DELETE FROM q",
        "INSERT INTO p VALUES (3, 'z', 'C3')",
        "INSERT INTO p VALUES (4, 'z', 'C4'), (5, 'z', 'C5')",
        "UPDATE p SET c = 'q' WHERE a = 3",
        "UPDATE p SET b = 'q' WHERE a = 3",
        "PRAGMA foreign_key_check(e)",
        "PRAGMA foreign_key_check",
    ]);
}

#[test]
fn drop_table_of_a_parent() {
    let (mut f, l) = setup(
        "CREATE TABLE p(id INTEGER PRIMARY KEY);
         CREATE TABLE c(pid REFERENCES p);
         CREATE TABLE cc(pid REFERENCES p ON DELETE CASCADE);
         CREATE TABLE lone(x);
         INSERT INTO p VALUES (1), (2);
         INSERT INTO c VALUES (1);
         INSERT INTO cc VALUES (2);",
    );
    check_all(&mut f, &l, &[
        "DROP TABLE p",
        "SELECT count(*) FROM p",
        "DELETE FROM c",
        "DROP TABLE p",
        "SELECT count(*) FROM cc",
        "SELECT name FROM sqlite_schema ORDER BY name",
        "INSERT INTO c VALUES (1)",
        "INSERT INTO c VALUES (NULL)",
        "DROP TABLE lone",
        "PRAGMA foreign_keys = OFF",
        "INSERT INTO c VALUES (1)",
        "SELECT count(*) FROM c",
        "PRAGMA foreign_key_check",
    ]);
}

#[test]
fn statements_recompile_when_the_pragma_changes() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, "CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(pid REFERENCES p);");
    let (id, _) = f.prepare("INSERT INTO c VALUES (7)").unwrap();
    let id = id.unwrap();
    assert!(f.step(id).is_ok());
    f.reset(id).unwrap();
    f.exec("PRAGMA foreign_keys = ON").unwrap();
    let e = f.step(id).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), (787, "FOREIGN KEY constraint failed"));
    f.finalize(id).unwrap();
}

#[test]
fn deep_cascades_and_the_trigger_depth_limit() {
    let (mut f, l) = setup(
        "CREATE TABLE node(id INTEGER PRIMARY KEY, parent INTEGER REFERENCES node(id) ON DELETE CASCADE);
         CREATE INDEX node_parent ON node(parent);",
    );
    let fill = |n: i64| {
        format!(
            "INSERT INTO node SELECT value, CASE WHEN value = 1 THEN NULL ELSE value - 1 END \
             FROM (WITH RECURSIVE n(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM n WHERE value < {n}) SELECT value FROM n)"
        )
    };
    let (f1000, f1001) = (fill(1000), fill(1001));
    check_all(&mut f, &l, &[
        f1001.as_str(),
        "DELETE FROM node WHERE id = 1",
        "SELECT count(*) FROM node",
        "DELETE FROM node WHERE id = 2",
        "SELECT count(*) FROM node",
        "PRAGMA foreign_keys = OFF",
        "DELETE FROM node",
        "PRAGMA foreign_keys = ON",
        f1000.as_str(),
        "DELETE FROM node WHERE id = 1",
        "SELECT count(*) FROM node",
    ]);
}

#[test]
fn self_references_in_without_rowid_tables() {
    let (mut f, l) = setup(
        "CREATE TABLE w(k TEXT PRIMARY KEY, up TEXT REFERENCES w(k)) WITHOUT ROWID;
         CREATE TABLE w2(k INTEGER PRIMARY KEY, up REFERENCES w2 ON DELETE CASCADE) WITHOUT ROWID;",
    );
    check_all(&mut f, &l, &[
        "INSERT INTO w VALUES ('a', NULL), ('b', 'a'), ('c', 'b'), ('d', 'd')",
        "DELETE FROM w WHERE k = 'd'",
        "DELETE FROM w WHERE k = 'b'",
        "DELETE FROM w WHERE k = 'c'",
        "DELETE FROM w WHERE k = 'b'",
        "SELECT * FROM w",
        "INSERT INTO w2 VALUES (1, NULL), (2, 1), (3, 2), (4, NULL)",
        "DELETE FROM w2 WHERE k = 1",
        "SELECT * FROM w2",
    ]);
}

#[test]
fn foreign_key_check_lists_tables_in_sqlite_order() {
    for n in [3usize, 8, 9, 10, 14, 25, 40] {
        let mut f = mem();
        let l = lite();
        both_exec(&mut f, &l, "PRAGMA foreign_keys = OFF; CREATE TABLE p(id INTEGER PRIMARY KEY);");
        for k in 0..n {
            let sql = format!("CREATE TABLE child_{k}(x REFERENCES p, y); INSERT INTO child_{k} VALUES ({k}, 'v{k}'), (NULL, 1);");
            both_exec(&mut f, &l, &sql);
        }
        check_all(&mut f, &l, &["PRAGMA foreign_key_check", "PRAGMA foreign_key_check(child_1)"]);
    }
}
