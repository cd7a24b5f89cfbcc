//! Debug aid: `cargo run --example parse_dump -- "SQL"` prints each
//! statement's AST (or the error) and, for CREATE statements, the text
//! SQLite would store in sqlite_schema.

fn main() {
    let sql: String = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let mut offset = 0;
    loop {
        match ferrolite_parser::parse_one_spanned(&sql[offset..]) {
            Ok(Some(p)) => {
                println!("{:#?}", p.stmt);
                if let Some(t) = ferrolite_parser::schema_sql(&sql[offset..], &p) {
                    println!("schema sql: {t:?}");
                }
                offset += p.end;
            }
            Ok(None) => break,
            Err(e) => {
                println!("error at {}: {}", offset + e.offset, e.message);
                break;
            }
        }
    }
}
