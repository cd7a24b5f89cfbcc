//! Damaged and hostile -wal / -shm bytes.
//! - Differential: a log written by SQLite is damaged (a page byte, a
//!   frame's salt, a checksum, the log header, a cut mid-frame); SQLite and
//!   ferrolite, each on its own copy without -shm, must see the same rows
//!   (the log ends at the first bad frame; only whole commits count).
//! - Fuzz: random damage to -wal and -shm (the -shm kept alive by another
//!   holder of the DMS lock so it is not reset, and with a re-sealed
//!   header so its checksum passes): errors are fine, panics, hangs and
//!   huge allocations are not.
mod common;
use common::*;
use ferrolite_engine::storage::wal::index::{IndexHdr, HDR_SIZE, LOCK_DMS};
use ferrolite_engine::vfs::memory::MemoryVfs;
use ferrolite_engine::vfs::unix::UnixVfs;
use ferrolite_engine::vfs::{RangeLock, Vfs};
use ferrolite_engine::{Connection, OpenFlags, Value};
use std::rc::Rc;

fn temp_path(tag: &str) -> String {
    let p = std::env::temp_dir().join(format!("ferrolite-walh-{tag}-{}.db", std::process::id()));
    let p = p.to_string_lossy().into_owned();
    cleanup(&p);
    p
}

fn cleanup(path: &str) {
    for s in ["", "-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{s}"));
    }
}

const Q: &str = "SELECT count(*), coalesce(sum(a), 0), coalesce(sum(length(b)), 0) FROM t";

/// What SQLite and ferrolite see in a copy of `src` whose -wal went
/// through `damage`.
fn both_see(src: &str, tag: &str, damage: &dyn Fn(&mut Vec<u8>)) {
    let (a, b) = (temp_path(&format!("{tag}-a")), temp_path(&format!("{tag}-b")));
    let mut wal = std::fs::read(format!("{src}-wal")).unwrap();
    damage(&mut wal);
    for d in [&a, &b] {
        std::fs::copy(src, d).unwrap();
        std::fs::write(format!("{d}-wal"), &wal).unwrap();
    }
    let l = rusqlite::Connection::open(&a).unwrap();
    let want = lite_query(&l, Q, &[]);
    let mut f = Connection::open(Rc::new(UnixVfs::new()), &b, OpenFlags::default_rwc()).unwrap();
    let got = query(&mut f, Q);
    assert_eq!(got, want, "{tag}");
    if got.is_ok() {
        assert_eq!(query(&mut f, "PRAGMA integrity_check").unwrap(), vec![vec![Value::Text("ok".into())]], "{tag}");
    }
    drop(f);
    drop(l);
    cleanup(&a);
    cleanup(&b);
}

#[test]
fn damaged_log_ends_where_sqlite_says() {
    let src = temp_path("src");
    let l = rusqlite::Connection::open(&src).unwrap();
    l.execute_batch("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE t(a INTEGER, b TEXT);").unwrap();
    for i in 0..40 {
        l.execute_batch(&format!("BEGIN; INSERT INTO t VALUES({i}, hex(randomblob({}))); INSERT INTO t VALUES(-{i}, 'x'); COMMIT;", 50 + i * 40)).unwrap();
    }
    // Hold the files: copy while SQLite has them open (no checkpoint).
    let held = temp_path("held");
    std::fs::copy(&src, &held).unwrap();
    std::fs::copy(format!("{src}-wal"), format!("{held}-wal")).unwrap();
    drop(l);
    let wal_len = std::fs::metadata(format!("{held}-wal")).unwrap().len() as usize;
    let frame = 24 + 4096;
    let frames = (wal_len - 32) / frame;
    assert!(frames > 40);
    both_see(&held, "intact", &|_| {});
    for k in [1, 2, frames / 3, frames / 2, frames - 1, frames] {
        let off = 32 + (k - 1) * frame;
        both_see(&held, &format!("page{k}"), &move |w| w[off + 24 + 100] ^= 0x5a);
        both_see(&held, &format!("salt{k}"), &move |w| w[off + 9] ^= 1);
        both_see(&held, &format!("cksum{k}"), &move |w| w[off + 20] ^= 0x80);
        both_see(&held, &format!("pgno0-{k}"), &move |w| w[off..off + 4].fill(0));
        both_see(&held, &format!("cut{k}"), &move |w| w.truncate(off + 24 + 2000));
    }
    both_see(&held, "hdr-magic", &|w| w[3] ^= 2);
    both_see(&held, "hdr-cksum", &|w| w[25] ^= 1);
    both_see(&held, "hdr-pagesize", &|w| w[8..12].copy_from_slice(&3000u32.to_be_bytes()));
    both_see(&held, "tiny", &|w| w.truncate(20));
    cleanup(&src);
    cleanup(&held);
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A MemoryVfs with a WAL database (frames not checkpointed) and its -shm.
fn wal_db() -> MemoryVfs {
    let vfs = MemoryVfs::new();
    let mut c = Connection::open(Rc::new(vfs.clone()), "db", OpenFlags::default_rwc()).unwrap();
    c.exec("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT); CREATE INDEX tb ON t(b);").unwrap();
    for i in 0..60 {
        c.exec(&format!("INSERT INTO t VALUES({i}, hex(randomblob({})))", 20 + i * 30)).unwrap();
    }
    // Keep -wal and -shm as they are while the connection is open.
    let snap = vfs.snapshot();
    drop(c);
    snap
}

fn poke(c: &mut Connection) {
    for sql in [Q, "PRAGMA integrity_check", "SELECT b FROM t WHERE b > 'A' LIMIT 3"] {
        let _ = query(c, sql);
    }
    let _ = c.exec("INSERT INTO t VALUES(1000, 'new')");
    let _ = query(c, "PRAGMA wal_checkpoint(FULL)");
    let _ = query(c, Q);
}

#[test]
fn random_damage_never_panics() {
    let base = wal_db();
    let wal0 = base.file_bytes("db-wal").unwrap();
    let shm0 = base.file_bytes("db-shm").unwrap();
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for round in 0..120 {
        let vfs = base.snapshot();
        let mut wal = wal0.clone();
        let mut shm = shm0.clone();
        match round % 4 {
            0 => {
                for _ in 0..1 + rng.below(8) {
                    let i = rng.below(wal.len() as u64) as usize;
                    wal[i] = rng.next() as u8;
                }
            }
            1 => {
                for _ in 0..1 + rng.below(16) {
                    let i = rng.below(shm.len() as u64) as usize;
                    shm[i] = rng.next() as u8;
                }
            }
            _ => {
                // A well-formed header (checksum passes) with hostile fields.
                let mut raw = [0u8; HDR_SIZE];
                raw.copy_from_slice(&shm[..HDR_SIZE]);
                let mut h = IndexHdr::decode(&raw);
                match rng.below(5) {
                    0 => h.mx_frame = rng.next() as u32,
                    1 => h.n_page = rng.next() as u32,
                    2 => h.page_size_raw = rng.next() as u16,
                    3 => h.mx_frame = h.mx_frame.saturating_sub(rng.below(5) as u32),
                    _ => h.salt[0] ^= 1,
                }
                h.seal();
                let b = h.encode();
                shm[..HDR_SIZE].copy_from_slice(&b);
                shm[HDR_SIZE..2 * HDR_SIZE].copy_from_slice(&b);
                // And hostile checkpoint info / hash slots.
                for _ in 0..rng.below(6) {
                    let i = 96 + rng.below((shm.len() - 96) as u64) as usize;
                    shm[i] = rng.next() as u8;
                }
            }
        }
        vfs.put_file("db-wal", wal);
        vfs.put_file("db-shm", shm);
        // Another "process" holds the DMS lock: the -shm is used as it is.
        let mut holder = vfs.open_shm("db", false).unwrap();
        assert!(holder.lock_range(LOCK_DMS, 1, RangeLock::Read).unwrap());
        match Connection::open(Rc::new(vfs.clone()), "db", OpenFlags::default_rwc()) {
            Ok(mut c) => poke(&mut c),
            Err(_) => {}
        }
        holder.close(false).unwrap();
        // Without the holder the -shm is reset and the log recovered.
        if let Ok(mut c) = Connection::open(Rc::new(vfs.clone()), "db", OpenFlags::default_rwc()) {
            poke(&mut c);
        }
    }
}
