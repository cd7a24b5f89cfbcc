//! Differential tests for ALTER TABLE against rusqlite (bundled SQLite):
//! RENAME TO, RENAME COLUMN, ADD COLUMN and DROP COLUMN, comparing the
//! rewritten CREATE text in sqlite_schema string for string, the rows, and
//! SQLite's errors.
mod common;
use common::*;

const SCHEMA: &str = "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY rowid";

#[test]
fn rename_table_and_columns() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, r#"
        CREATE TABLE p(id INTEGER PRIMARY KEY, "Name" TEXT UNIQUE, [x y] INT CHECK ([x y] > 0 AND Name <> 'id'), z DEFAULT 5);
        CREATE TABLE c(a REFERENCES p(id), b, FOREIGN KEY (b) REFERENCES p("Name") ON DELETE CASCADE);
        CREATE INDEX pi ON p(z, "Name" COLLATE nocase);
        CREATE VIEW v AS SELECT id, p.z AS zz, Name FROM p WHERE z > 0;
        CREATE TRIGGER tr AFTER UPDATE OF z ON p WHEN new.z > 0 BEGIN INSERT INTO c(a) VALUES (new.id); UPDATE p SET z = old.z WHERE id = new.id; END;
        INSERT INTO p VALUES (1, 'one', 2, 3);
    "#);
    check_all(&mut f, &l, &[
        "ALTER TABLE p RENAME COLUMN z TO zed",
        SCHEMA,
        "ALTER TABLE p RENAME COLUMN \"Name\" TO \"full name\"",
        SCHEMA,
        "SELECT * FROM v",
        "ALTER TABLE p RENAME TO \"parent\"",
        SCHEMA,
        "ALTER TABLE parent RENAME TO p2",
        SCHEMA,
        "SELECT * FROM p2",
        "UPDATE p2 SET zed = 4",
        "SELECT * FROM c",
        "ALTER TABLE p2 RENAME COLUMN nosuch TO q",
        "ALTER TABLE p2 RENAME COLUMN zed TO id",
        "ALTER TABLE p2 RENAME COLUMN zed TO [zz z]",
        SCHEMA,
        "ALTER TABLE p2 RENAME TO c",
        "ALTER TABLE p2 RENAME TO pi",
        "ALTER TABLE sqlite_schema RENAME TO x",
        "ALTER TABLE v RENAME TO x",
        "ALTER TABLE nosuch RENAME TO x",
        "ALTER TABLE p2 RENAME TO sqlite_x",
        "CREATE TABLE a1(k INTEGER PRIMARY KEY AUTOINCREMENT, w)",
        "INSERT INTO a1(w) VALUES (1)",
        "ALTER TABLE a1 RENAME TO a2",
        "SELECT * FROM sqlite_sequence",
        "ALTER TABLE sqlite_sequence RENAME TO s",
        "INSERT INTO a2(w) VALUES (2)",
        "SELECT * FROM a2",
    ]);
}

#[test]
fn add_column() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, "CREATE TABLE w(a, b , c  ); CREATE TABLE y(a , PRIMARY KEY(a)); CREATE TABLE full(x); INSERT INTO full VALUES (1);");
    check_all(&mut f, &l, &[
        "ALTER TABLE w ADD COLUMN q INT DEFAULT 3 ;",
        "ALTER TABLE y ADD COLUMN z",
        "ALTER TABLE y ADD COLUMN \"r s\" TEXT",
        "ALTER TABLE y ADD k REFERENCES w(a) DEFAULT 1",
        "ALTER TABLE y ADD COLUMN k3 DEFAULT (1+1)",
        "ALTER TABLE y ADD COLUMN k4 DEFAULT CURRENT_TIME",
        "ALTER TABLE y ADD COLUMN k5 NOT NULL",
        "ALTER TABLE y ADD COLUMN k5 INT",
        "ALTER TABLE y ADD COLUMN pk PRIMARY KEY",
        "ALTER TABLE y ADD COLUMN u UNIQUE",
        SCHEMA,
        "ALTER TABLE full ADD COLUMN n NOT NULL",
        "ALTER TABLE full ADD COLUMN d DEFAULT (1+1)",
        "ALTER TABLE full ADD COLUMN t DEFAULT CURRENT_TIMESTAMP",
        "ALTER TABLE full ADD COLUMN n NOT NULL DEFAULT 'x'",
        "ALTER TABLE full ADD COLUMN m DEFAULT -2.5",
        "SELECT * FROM full",
        SCHEMA,
    ]);
}

#[test]
fn drop_column() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, "
        PRAGMA foreign_keys = OFF;
        CREATE TABLE t(a INTEGER PRIMARY KEY, b UNIQUE, c, d CHECK (d > 0), e, f REFERENCES t(a), g, h , CONSTRAINT pk2 UNIQUE (g) );
        CREATE INDEX ti ON t(e);
        CREATE VIEW tv AS SELECT h FROM t;
        CREATE TABLE o(x REFERENCES t(c));
        INSERT INTO t VALUES (1, 2, 3, 4, 5, NULL, 7, 8), (2, 3, 4, 5, 6, 1, 8, 9);
        CREATE TABLE u(a);
        CREATE TABLE w(a, b , c  );
        INSERT INTO w VALUES (1, 2, 3);
        CREATE TABLE k(a, b, PRIMARY KEY (a, b));
    ");
    check_all(&mut f, &l, &[
        "ALTER TABLE t DROP COLUMN nosuch",
        "ALTER TABLE t DROP COLUMN a",
        "ALTER TABLE t DROP COLUMN b",
        "ALTER TABLE t DROP COLUMN d",
        "ALTER TABLE t DROP COLUMN e",
        "ALTER TABLE t DROP COLUMN f",
        "ALTER TABLE t DROP COLUMN g",
        "ALTER TABLE t DROP COLUMN h",
        "ALTER TABLE t DROP COLUMN c",
        SCHEMA,
        "SELECT * FROM t",
        "ALTER TABLE u DROP COLUMN a",
        "ALTER TABLE k DROP COLUMN b",
        "ALTER TABLE w DROP COLUMN c",
        "SELECT sql FROM sqlite_schema WHERE name = 'w'",
        "ALTER TABLE w DROP a",
        "SELECT sql FROM sqlite_schema WHERE name = 'w'",
        "SELECT * FROM w",
        "ALTER TABLE w ADD COLUMN q DEFAULT 7",
        "ALTER TABLE w DROP COLUMN b",
        "SELECT * FROM w",
        "PRAGMA integrity_check",
    ]);
}

#[test]
fn renames_reach_views_triggers_and_indexes() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, r#"
        PRAGMA foreign_keys = OFF;
        CREATE TABLE "my t"(a, b, c REFERENCES "my t"(a));
        CREATE TABLE o(a, x, y);
        CREATE VIEW j AS SELECT t1.a, o.a AS oa, b FROM "my t" AS t1 JOIN o ON t1.a = o.x WHERE b > 0 ORDER BY t1.a;
        CREATE VIEW j2 AS SELECT a FROM o WHERE x IN (SELECT a FROM "my t") AND y = (SELECT max(b) FROM "my t" WHERE "my t".a = o.a);
        CREATE TRIGGER ot AFTER INSERT ON o BEGIN UPDATE "my t" SET b = new.x WHERE a = new.a; DELETE FROM "my t" WHERE "my t".c = new.y; INSERT INTO "my t"(a, b) SELECT a, x FROM o WHERE a > 1; END;
        CREATE INDEX mi ON "my t"(b, c COLLATE nocase);
        INSERT INTO "my t" VALUES (1, 2, 3);
        INSERT INTO o VALUES (1, 1, 9);
    "#);
    check_all(&mut f, &l, &[
        "ALTER TABLE \"my t\" RENAME COLUMN a TO aa",
        SCHEMA,
        "ALTER TABLE \"my t\" RENAME COLUMN b TO \"B2\"",
        SCHEMA,
        "ALTER TABLE \"my t\" RENAME TO t",
        SCHEMA,
        "ALTER TABLE o RENAME COLUMN a TO oa2",
        SCHEMA,
        "SELECT * FROM j",
        "SELECT * FROM j2",
        "INSERT INTO o VALUES (2, 5, 3)",
        "SELECT * FROM t ORDER BY rowid",
        "ALTER TABLE o DROP COLUMN y",
        "ALTER TABLE t DROP COLUMN c",
        "DROP TRIGGER ot",
        "ALTER TABLE o DROP COLUMN y",
        "DROP INDEX mi",
        "ALTER TABLE t DROP COLUMN c",
        SCHEMA,
        "SELECT * FROM t",
        "PRAGMA integrity_check",
    ]);
}

#[test]
fn alter_with_foreign_keys_and_generated_columns() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, "
        PRAGMA foreign_keys = ON;
        CREATE TABLE p(id INTEGER PRIMARY KEY, code TEXT UNIQUE);
        CREATE TABLE c(x REFERENCES p(code) ON UPDATE CASCADE, y AS (x || '!'));
        INSERT INTO p VALUES (1, 'a'), (2, 'b');
        INSERT INTO c(x) VALUES ('a'), ('b');
    ");
    check_all(&mut f, &l, &[
        "ALTER TABLE p RENAME COLUMN code TO k",
        SCHEMA,
        "UPDATE p SET k = 'z' WHERE id = 1",
        "SELECT * FROM c",
        "ALTER TABLE p RENAME TO parent",
        "INSERT INTO c(x) VALUES ('q')",
        "INSERT INTO c(x) VALUES ('b')",
        "DELETE FROM parent WHERE id = 2",
        "PRAGMA foreign_key_list(c)",
        SCHEMA,
        "ALTER TABLE c ADD COLUMN w REFERENCES parent(id) DEFAULT 1",
        "ALTER TABLE c ADD COLUMN w REFERENCES parent(id)",
        "ALTER TABLE c DROP COLUMN x",
        "ALTER TABLE c DROP COLUMN y",
        "SELECT * FROM c",
        "PRAGMA foreign_key_check",
        SCHEMA,
    ]);
}

#[test]
fn rename_that_breaks_a_view_is_refused() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, r#"
        CREATE TABLE "my t"(a, b);
        CREATE TABLE o(a, x);
        CREATE VIEW j3 AS SELECT * FROM (SELECT a, b FROM "my t") AS s, o WHERE s.a = o.x;
        CREATE VIEW j4 AS SELECT b FROM "my t";
    "#);
    check_all(&mut f, &l, &[
        "ALTER TABLE \"my t\" RENAME COLUMN a TO aa",
        SCHEMA,
        "ALTER TABLE \"my t\" RENAME COLUMN b TO bb",
        SCHEMA,
        "ALTER TABLE o RENAME COLUMN x TO y",
        SCHEMA,
        "ALTER TABLE \"my t\" RENAME TO t2",
        SCHEMA,
        "SELECT * FROM j3",
    ]);
}
