//! Fixed work for instruction-count profiling (valgrind/perf stat):
//! parses a small statement mix N times.

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let stmts = [
        "SELECT a, b FROM t WHERE a = ? AND b > 10 ORDER BY a LIMIT 5",
        "INSERT INTO t (a, b, c) VALUES (?, ?, ?)",
        "UPDATE t SET a = a + 1, b = ? WHERE id = ?",
    ];
    for _ in 0..n {
        for sql in stmts {
            std::hint::black_box(ferrolite_parser::parse_one(std::hint::black_box(sql)).unwrap());
        }
    }
}
