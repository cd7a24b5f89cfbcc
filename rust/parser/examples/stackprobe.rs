//! Measures how deep each kind of nesting can go on a 1 MiB stack (the
//! wasm32 default) with the nesting guard raised, to choose MAX_NESTING:
//! `cargo run --release --example stackprobe -- paren 400`
//! prints `Ok(true)` when the parse finished, otherwise the thread died.
//! Kinds: paren, not, neg, subq, esub, case, func.

fn main() {
    let kind = std::env::args().nth(1).unwrap_or_else(|| "paren".into());
    let depth: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(50);
    let sql = match kind.as_str() {
        "paren" => format!("SELECT {}1{}", "(".repeat(depth), ")".repeat(depth)),
        "not" => format!("SELECT {}1", "NOT ".repeat(depth)),
        "neg" => format!("SELECT {}1", "- ".repeat(depth)),
        "subq" => format!(
            "SELECT * FROM {}(SELECT 1){}",
            "(SELECT * FROM ".repeat(depth),
            ")".repeat(depth)
        ),
        "esub" => format!("SELECT {}1{}", "(SELECT ".repeat(depth), ")".repeat(depth)),
        "case" => format!(
            "SELECT {}1{}",
            "CASE WHEN 1 THEN ".repeat(depth),
            " END".repeat(depth)
        ),
        "func" => format!("SELECT {}1{}", "f(".repeat(depth), ")".repeat(depth)),
        other => panic!("unknown kind {other}"),
    };
    let h = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            ferrolite_parser::parse_one(&sql)
                .map(|_| true)
                .map_err(|e| e.message)
        })
        .unwrap();
    println!("{kind} {depth}: {:?}", h.join().map_err(|_| "panic"));
}
