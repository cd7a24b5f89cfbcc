//! ferrolite-slt: runs sqllogictest files against the native engine.
//!
//! `ferrolite-slt [-v] PATH...` (files or folders, walked recursively in
//! name order) prints one line per file and then `N passed, M failed`,
//! counting statements and queries. Records guarded by `skipif sqlite` are
//! skipped and `onlyif X` for other engines too, as the corpus intends.
//! Exit status: 0 when nothing failed, 1 otherwise.

mod record;
mod render;
mod run;

use std::path::{Path, PathBuf};

fn collect(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(p) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(_) => return,
        };
        entries.sort();
        for e in entries {
            collect(&e, out);
        }
    } else if p.extension().is_some_and(|e| e == "test") {
        out.push(p.to_path_buf());
    }
}

fn main() {
    let mut verbose = false;
    let mut files = Vec::new();
    for a in std::env::args().skip(1) {
        if a == "-v" {
            verbose = true;
        } else {
            collect(Path::new(&a), &mut files);
        }
    }
    if files.is_empty() {
        eprintln!("usage: ferrolite-slt [-v] PATH...");
        std::process::exit(2);
    }
    let (mut passed, mut failed) = (0usize, 0usize);
    for f in &files {
        let text = match std::fs::read(f) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                println!("{}: cannot read: {e}", f.display());
                failed += 1;
                continue;
            }
        };
        let records = record::parse(&text, "sqlite");
        let o = run::run_file(&records, verbose);
        println!("{}: {} ok, {} not ok", f.display(), o.passed, o.failed);
        for msg in o.failures.iter().take(20) {
            println!("    {msg}");
        }
        passed += o.passed;
        failed += o.failed;
    }
    println!("{passed} passed, {failed} failed");
    std::process::exit(if failed == 0 { 0 } else { 1 });
}
