//! Differential tests against real SQLite's parser. Each line of the data
//! files says whether SQLite accepted a statement or which parse error it
//! reported; ferrolite must agree exactly, message included.
//! - data/sqlite_outcomes.tsv (data/gen_outcomes.py): a hand-written corpus
//!   of every statement kind, all its truncations and token deletions,
//!   keywords in identifier positions, and seeded random token soups.
//! - data/sqlite_slt_mutations.tsv (data/gen_slt_mutations.py): truncated,
//!   token-deleted and token-duplicated real queries of the sqllogictest
//!   corpus.
//!
//! Both come from Debian's SQLite 3.40.1, built with
//! SQLITE_ENABLE_UPDATE_DELETE_LIMIT. data/sqlite346_delta.tsv lists the
//! cases of the first file where rusqlite's bundled SQLite 3.46 (a
//! standard build, the engine's oracle) answers differently (made by
//! data/oracle346); ferrolite's default options must match that build.
//! data/sqlite346_soups.tsv holds random token soups (data/gen_soups346.py)
//! judged by that 3.46 build; SEMANTIC marks statements SQLite rejected
//! with a non-parse error, which it may raise while still parsing (an
//! unknown collation, a duplicate column), so only those lines are not
//! compared exactly.

use ferrolite_parser::{parse_one_with, ParseOptions};

fn check_file(data: &str, min_cases: usize) {
    check_file_with(data, min_cases, true, &std::collections::HashMap::new());
}

fn check_file_with(
    data: &str,
    min_cases: usize,
    update_delete_limit: bool,
    overrides: &std::collections::HashMap<&str, &str>,
) {
    let mut mismatches = Vec::new();
    let mut total = 0;
    let mut semantic = 0;
    for line in data.lines() {
        let (sql, expected) = line.split_once('\t').expect("tab-separated line");
        let expected = overrides.get(sql).copied().unwrap_or(expected);
        total += 1;
        if expected == "SEMANTIC" {
            semantic += 1;
            let opts = ParseOptions {
                update_delete_limit,
                ..ParseOptions::default()
            };
            let _ = parse_one_with(sql, opts);
            continue;
        }
        let opts = ParseOptions {
            update_delete_limit,
            ..ParseOptions::default()
        };
        let got = match parse_one_with(sql, opts) {
            Ok(Some(p)) if sql[p.end..].trim().is_empty() => "OK".to_string(),
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
        semantic * 10 < total,
        "too few exact cases: {semantic} of {total} are SEMANTIC"
    );
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
fn agrees_with_a_standard_sqlite_346_build_by_default() {
    let delta: std::collections::HashMap<&str, &str> = include_str!("data/sqlite346_delta.tsv")
        .lines()
        .map(|l| l.split_once('\t').expect("tab-separated line"))
        .collect();
    assert!(delta.len() >= 30);
    check_file_with(
        include_str!("data/sqlite_outcomes.tsv"),
        17_000,
        false,
        &delta,
    );
}

#[test]
fn agrees_with_sqlite_346_on_random_token_soups() {
    let none = std::collections::HashMap::new();
    check_file_with(
        include_str!("data/sqlite346_soups.tsv"),
        5_900,
        false,
        &none,
    );
}

#[test]
fn agrees_with_sqlite_on_mutated_sqllogictest_queries() {
    check_file(include_str!("data/sqlite_slt_mutations.tsv"), 6_000);
}

#[test]
fn update_delete_limit_is_off_by_default_like_a_standard_build() {
    // Messages from rusqlite's bundled SQLite 3.46.0 (no
    // SQLITE_ENABLE_UPDATE_DELETE_LIMIT).
    let cases = [
        ("DELETE FROM t LIMIT 1", "near \"LIMIT\": syntax error"),
        ("DELETE FROM t ORDER BY a", "near \"ORDER\": syntax error"),
        (
            "DELETE FROM t ORDER BY a LIMIT 1",
            "near \"ORDER\": syntax error",
        ),
        ("UPDATE t SET a=1 LIMIT 1", "near \"LIMIT\": syntax error"),
        (
            "UPDATE t SET a = 1 ORDER BY a LIMIT 1 x",
            "near \"ORDER\": syntax error",
        ),
    ];
    for (sql, want) in cases {
        assert_eq!(
            ferrolite_parser::parse_one(sql).unwrap_err().message,
            want,
            "{sql}"
        );
    }
    // Also from 3.46.0: 3.42+ names and 3.44+ aggregate ORDER BY parse.
    assert!(ferrolite_parser::parse_one("SELECT left(1)").is_ok());
    assert!(ferrolite_parser::parse_one("SELECT f(1 ORDER BY 1)").is_ok());
    assert_eq!(
        ferrolite_parser::parse_one("SELECT (SELECT 1 ORDER BY 1")
            .unwrap_err()
            .message,
        "incomplete input"
    );
}
