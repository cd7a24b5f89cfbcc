//! Parse every statement and query of a sqllogictest corpus and report the
//! ones that SQLite runs but ferrolite's parser rejects:
//! `cargo run --release --example slt_parse -- DIR_OR_FILE...`
//! Records guarded `skipif sqlite` / `onlyif <other>` are skipped;
//! `statement error` records only have to parse without panicking.

use std::path::{Path, PathBuf};

fn files(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(p)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for e in entries {
            files(&e, out);
        }
    } else if p.extension().is_some_and(|x| x == "test") {
        out.push(p.to_path_buf());
    }
}

fn main() {
    let mut all = Vec::new();
    for a in std::env::args().skip(1) {
        files(Path::new(&a), &mut all);
    }
    let (mut ok, mut bad, mut errs, mut roundtrip_bad) = (0usize, 0usize, 0usize, 0usize);
    for f in &all {
        let text = std::fs::read_to_string(f).unwrap().replace('\r', "");
        let mut lines = text.lines().peekable();
        let mut skip = false;
        while let Some(line) = lines.next() {
            let line = line.trim_end();
            if let Some(engine) = line.strip_prefix("skipif ") {
                skip |= engine.trim().eq_ignore_ascii_case("sqlite");
                continue;
            }
            if let Some(engine) = line.strip_prefix("onlyif ") {
                skip |= !engine.trim().eq_ignore_ascii_case("sqlite");
                continue;
            }
            let kind = if line.starts_with("statement ok") {
                1
            } else if line.starts_with("statement error") {
                2
            } else if line.starts_with("query") {
                3
            } else {
                if line.is_empty() {
                    skip = false;
                }
                continue;
            };
            let mut sql = String::new();
            while let Some(l) = lines.peek() {
                if l.trim().is_empty() || l.starts_with("----") {
                    break;
                }
                sql.push_str(l);
                sql.push('\n');
                lines.next();
            }
            if skip {
                skip = false;
                continue;
            }
            let r = ferrolite_parser::parse_all(&sql);
            match (kind, r) {
                (2, Err(_)) => errs += 1,
                (_, Ok(stmts)) => {
                    ok += 1;
                    // Display must be a fixpoint on real queries too.
                    for st in stmts {
                        if let ferrolite_parser::Stmt::Select(s) = st {
                            let once = s.to_string();
                            let twice = match ferrolite_parser::parse_one(&once) {
                                Ok(Some((ferrolite_parser::Stmt::Select(s2), _))) => s2.to_string(),
                                other => format!("{other:?}"),
                            };
                            if once != twice {
                                roundtrip_bad += 1;
                                if roundtrip_bad <= 10 {
                                    println!("round trip differs:\n    {once}\n    {twice}");
                                }
                            }
                        }
                    }
                }
                (_, Err(e)) => {
                    bad += 1;
                    if bad <= 30 {
                        println!("{}: {}\n    {}", f.display(), e.message, sql.trim());
                    }
                }
            }
        }
    }
    println!(
        "{} files: {ok} parsed, {errs} expected errors rejected, {bad} rejected but SQLite runs them, \
         {roundtrip_bad} display round trips differ",
        all.len()
    );
}
