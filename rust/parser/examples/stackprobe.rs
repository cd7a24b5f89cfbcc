fn main() {
    sizes();
    let kind = std::env::args().nth(1).unwrap();
    let depth: usize = std::env::args().nth(2).unwrap().parse().unwrap();
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
        _ => panic!(),
    };
    let h = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            let r = ferrolite_parser::parse_one(&sql);
            r.is_ok()
        })
        .unwrap();
    println!("{kind} {depth}: {:?}", h.join().map_err(|_| "panic"));
}
#[allow(dead_code)]
fn sizes() {
    use ferrolite_parser::*;
    eprintln!(
        "Expr {} Select {} FromItem {} SelectCore {} Stmt {} ParseError {}",
        std::mem::size_of::<Expr>(),
        std::mem::size_of::<Select>(),
        std::mem::size_of::<FromItem>(),
        std::mem::size_of::<SelectCore>(),
        std::mem::size_of::<Stmt>(),
        std::mem::size_of::<ParseError>()
    );
}
