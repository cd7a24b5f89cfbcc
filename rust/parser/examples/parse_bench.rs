//! Rough parse throughput: `cargo run --release --example parse_bench`.
//! (A measurement aid, not a timed test.)

use std::time::Instant;

fn main() {
    let stmts = [
        "SELECT a, b FROM t WHERE a = ? AND b > 10 ORDER BY a LIMIT 5",
        "INSERT INTO t (a, b, c) VALUES (?, ?, ?)",
        "UPDATE t SET a = a + 1, b = ? WHERE id = ?",
        "SELECT count(*), sum(x) FROM orders o JOIN customers c ON o.cid = c.id WHERE c.region IN ('a', 'b') GROUP BY c.id HAVING count(*) > 1",
        "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '', v REAL CHECK (v >= 0))",
    ];
    for sql in stmts {
        let n = 200_000;
        let t = Instant::now();
        for _ in 0..n {
            let r = ferrolite_parser::parse_one(std::hint::black_box(sql)).unwrap();
            std::hint::black_box(r);
        }
        let per = t.elapsed().as_nanos() as f64 / n as f64;
        println!(
            "{per:8.0} ns  {:5.1} MB/s  {sql}",
            sql.len() as f64 / per * 1000.0
        );
    }
}
