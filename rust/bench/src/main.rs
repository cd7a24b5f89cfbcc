//! The native benchmark (`make bench`, see docs/benchmarks.md): bulk insert
//! of N rows (default 1,000,000) in one transaction into a file, then a full
//! scan of them, run by ferrolite's engine (release, native, UnixVfs) and by
//! SQLite 3.46 (rusqlite, bundled) with the same schema, rows and defaults
//! (journal_mode DELETE, synchronous FULL, default cache size).
//!
//! Usage: `ferrolite-bench ENGINE [ROWS] [DIR]` with ENGINE `ferrolite` or
//! `sqlite`. One engine per process so the peak RSS (VmHWM) it prints is that
//! engine's own. Output is one `key=value` line per figure, in this order:
//! `engine`, `rows`, `insert_ms`, `scan_ms`, `file_bytes`, `peak_rss_kib`.
//!
//! Invariants checked (a run that breaks one exits non-zero, so a broken
//! engine cannot produce a figure): the scan returns exactly ROWS rows whose
//! id, name, score and n sums match the generated values, and the file
//! passes SQLite's `PRAGMA integrity_check` afterwards.

mod rows;

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let engine = args.get(1).map(String::as_str).unwrap_or("");
    let n: i64 = match args.get(2).map(|s| s.parse()) {
        None => 1_000_000,
        Some(Ok(n)) if n > 0 => n,
        _ => usage(),
    };
    let dir = args.get(3).cloned().unwrap_or_else(|| std::env::temp_dir().to_string_lossy().into_owned());
    let path = format!("{dir}/ferrolite-bench-{engine}-{}.db", std::process::id());
    let _ = std::fs::remove_file(&path);
    let result = match engine {
        "ferrolite" => rows::run_ferrolite(&path, n),
        "sqlite" => rows::run_sqlite(&path, n),
        _ => usage(),
    };
    let outcome = result.and_then(|t| {
        let check = integrity(&path)?;
        if check != "ok" {
            return Err(format!("integrity_check: {check}"));
        }
        Ok(t)
    });
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let _ = std::fs::remove_file(&path);
    match outcome {
        Ok(t) => {
            println!("engine={engine}");
            println!("rows={n}");
            println!("insert_ms={:.1}", t.insert.as_secs_f64() * 1000.0);
            println!("scan_ms={:.1}", t.scan.as_secs_f64() * 1000.0);
            println!("file_bytes={size}");
            println!("peak_rss_kib={}", peak_rss_kib());
        }
        Err(e) => {
            eprintln!("ferrolite-bench {engine}: {e}");
            std::process::exit(1);
        }
    }
}

fn usage() -> ! {
    eprintln!("usage: ferrolite-bench ferrolite|sqlite [ROWS] [DIR]");
    std::process::exit(2);
}

/// SQLite's verdict on the file (always through rusqlite).
fn integrity(path: &str) -> Result<String, String> {
    let c = rusqlite::Connection::open(path).map_err(|e| e.to_string())?;
    c.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0)).map_err(|e| e.to_string())
}

/// The process's peak resident set (VmHWM) in KiB, or 0 where unknown.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Phase timings of one run.
pub struct Timings {
    pub insert: std::time::Duration,
    pub scan: std::time::Duration,
}

/// Times `f`.
pub fn timed<T>(f: impl FnOnce() -> Result<T, String>) -> Result<(T, std::time::Duration), String> {
    let start = Instant::now();
    let v = f()?;
    Ok((v, start.elapsed()))
}
