//! Differential tests against real SQLite's parser. Each line of the data
//! files says whether SQLite accepted a statement or which parse error it
//! reported; ferrolite must agree exactly, message included.
//! - data/sqlite_outcomes.tsv (data/gen_outcomes.py): a hand-written corpus
//!   of every statement kind, all its truncations and token deletions,
//!   keywords in identifier positions, and seeded random token soups.
//! - data/sqlite_slt_mutations.tsv (data/gen_slt_mutations.py): truncated,
//!   token-deleted and token-duplicated real queries of the sqllogictest
//!   corpus.

use ferrolite_parser::parse_one;

fn check_file(data: &str, min_cases: usize) {
    let mut mismatches = Vec::new();
    let mut total = 0;
    for line in data.lines() {
        let (sql, expected) = line.split_once('\t').expect("tab-separated line");
        total += 1;
        let got = match parse_one(sql) {
            Ok(Some((_, end))) if sql[end..].trim().is_empty() => "OK".to_string(),
            Ok(Some(_)) => "more than one statement".to_string(),
            Ok(None) => "no statement".to_string(),
            Err(e) => e.message,
        };
        if got != expected {
            mismatches.push(format!(
                "{sql}\n    sqlite:    {expected}\n    ferrolite: {got}"
            ));
        }
    }
    assert!(total >= min_cases, "corpus too small: {total}");
    assert!(
        mismatches.is_empty(),
        "{} of {total} differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn agrees_with_sqlite_on_corpus_and_mutations() {
    check_file(include_str!("data/sqlite_outcomes.tsv"), 17_000);
}

#[test]
fn agrees_with_sqlite_on_mutated_sqllogictest_queries() {
    check_file(include_str!("data/sqlite_slt_mutations.tsv"), 6_000);
}
