//! Differential tests for AUTOINCREMENT against rusqlite (bundled SQLite):
//! sqlite_sequence created with the first AUTOINCREMENT table, rowids never
//! reused after deletes, explicit rowids raising the sequence, manual edits
//! of sqlite_sequence, DROP TABLE removing the table's row, and the errors
//! for AUTOINCREMENT on anything but an INTEGER PRIMARY KEY.
mod common;
use common::*;

#[test]
fn autoincrement_matches_sqlite() {
    let mut f = mem();
    let l = lite();
    check_all(&mut f, &l, &[
        "CREATE TABLE plain(id INTEGER PRIMARY KEY, v)",
        "SELECT name, sql FROM sqlite_schema ORDER BY rowid",
        "CREATE TABLE a(id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT UNIQUE)",
        "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema ORDER BY rowid",
        "SELECT * FROM sqlite_sequence",
        "INSERT INTO a(v) VALUES ('x'), ('y'), ('z')",
        "SELECT * FROM sqlite_sequence",
        "DELETE FROM a WHERE id = 3",
        "INSERT INTO a(v) VALUES ('w')",
        "SELECT * FROM a ORDER BY id",
        "DELETE FROM a",
        "INSERT INTO a(v) VALUES ('after delete')",
        "SELECT * FROM a",
        "INSERT INTO a VALUES (100, 'explicit')",
        "INSERT INTO a VALUES (50, 'lower')",
        "INSERT INTO a(v) VALUES ('next')",
        "SELECT * FROM a ORDER BY id",
        "SELECT * FROM sqlite_sequence",
        "INSERT OR IGNORE INTO a VALUES (500, 'next')",
        "SELECT * FROM sqlite_sequence",
        "INSERT INTO a VALUES (600, 'x')",
        "SELECT * FROM sqlite_sequence",
        "CREATE TABLE b(id INTEGER PRIMARY KEY AUTOINCREMENT)",
        "SELECT name FROM sqlite_schema WHERE name = 'sqlite_sequence'",
        "INSERT INTO b DEFAULT VALUES",
        "INSERT INTO b SELECT NULL FROM a",
        "SELECT * FROM sqlite_sequence ORDER BY name",
        "UPDATE sqlite_sequence SET seq = 1000 WHERE name = 'b'",
        "INSERT INTO b DEFAULT VALUES",
        "SELECT max(id) FROM b",
        "DELETE FROM sqlite_sequence WHERE name = 'b'",
        "INSERT INTO b DEFAULT VALUES",
        "SELECT max(id), count(*) FROM b",
        "SELECT * FROM sqlite_sequence ORDER BY name",
        "UPDATE sqlite_sequence SET seq = 'abc' WHERE name = 'b'",
        "INSERT INTO b DEFAULT VALUES",
        "SELECT * FROM sqlite_sequence ORDER BY name",
        "INSERT INTO plain(v) VALUES (1)",
        "SELECT * FROM sqlite_sequence ORDER BY name",
        "DROP TABLE b",
        "SELECT * FROM sqlite_sequence ORDER BY name",
        "DROP TABLE sqlite_sequence",
        "CREATE TABLE sqlite_sequence(x)",
        "BEGIN",
        "INSERT INTO a(v) VALUES ('in txn')",
        "ROLLBACK",
        "SELECT * FROM sqlite_sequence ORDER BY name",
        "INSERT INTO a VALUES (9223372036854775807, 'max')",
        "INSERT INTO a(v) VALUES ('overflow')",
        "CREATE TABLE e1(id INT PRIMARY KEY AUTOINCREMENT)",
        "CREATE TABLE e2(id INTEGER, v, PRIMARY KEY(id, v) AUTOINCREMENT)",
        "CREATE TABLE e3(id TEXT PRIMARY KEY AUTOINCREMENT)",
        "CREATE TABLE e4(id INTEGER PRIMARY KEY AUTOINCREMENT) WITHOUT ROWID",
        "CREATE TABLE ok2(v, id INTEGER, PRIMARY KEY(id AUTOINCREMENT))",
        "CREATE TABLE ok3(v, id INTEGER, PRIMARY KEY(id) AUTOINCREMENT)",
        "INSERT INTO ok3(v) VALUES (1), (2)",
        "SELECT * FROM sqlite_sequence ORDER BY name",
    ]);
}
