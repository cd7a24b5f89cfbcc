//! Debug aid: compare ferrolite's parse outcome with a SQLite outcome file
//! (`SQL<TAB>OUTCOME` lines, see tests/data/gen_outcomes.py) and print the
//! statements where they differ.

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: diff_tsv FILE [--standard]");
    let standard = std::env::args().nth(2).as_deref() == Some("--standard");
    let data = std::fs::read_to_string(path).expect("readable file");
    let (mut total, mut bad) = (0, 0);
    for line in data.lines() {
        let Some((sql, expected)) = line.split_once('\t') else {
            continue;
        };
        total += 1;
        // The outcome files come from a SQLITE_ENABLE_UPDATE_DELETE_LIMIT build.
        let opts = ferrolite_parser::ParseOptions {
            update_delete_limit: !standard,
            ..Default::default()
        };
        let got = match ferrolite_parser::parse_one_with(sql, opts) {
            Ok(Some(p)) if sql[p.end..].trim().is_empty() => "OK".to_string(),
            Ok(Some(_)) => "more than one statement".to_string(),
            Ok(None) => "no statement".to_string(),
            Err(e) => e.message,
        };
        if got != expected {
            bad += 1;
            println!("{sql}\n    sqlite:    {expected}\n    ferrolite: {got}");
        }
    }
    println!("{bad} of {total} differ");
}
