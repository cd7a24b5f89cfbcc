mod common;
use common::*;

#[test]
fn smoke() {
    let mut f = mem();
    let l = lite();
    both_exec(&mut f, &l, "CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b REAL, c);");
    both_exec(&mut f, &l, "INSERT INTO t(a,b,c) VALUES ('x', 1, 2), ('y', 2.5, 'z'), (NULL, NULL, x'00ff');");
    same(&mut f, &l, "SELECT * FROM t");
    same(&mut f, &l, "SELECT id, a, b*2, typeof(b), c FROM t WHERE id = 2");
    same(&mut f, &l, "SELECT count(*), sum(b), max(a) FROM t");
}
