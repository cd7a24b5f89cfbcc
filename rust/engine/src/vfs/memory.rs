//! An in-memory VFS: files live in a table keyed by path and are shared by
//! every handle opened on that path through the same `MemoryVfs` (clones of
//! a `MemoryVfs` share the table). Used for ":memory:" databases and tests.
//!
//! Locks: a per-file table of (handle id, range, kind) emulating POSIX OFD
//! locks: a handle's own locks never conflict with itself; setting a lock on
//! a range replaces that handle's locks on the overlapping bytes; dropping a
//! handle releases its locks.
//!
//! Fault injection (tests): `fail_writes_after(n)` lets the next n writes
//! and syncs succeed, then fails every later one with IOERR_WRITE, which
//! simulates a crash at that point; `snapshot()` copies every file into a
//! new, independent `MemoryVfs` (the "disk after the crash", every write
//! kept); `crash_snapshot(seed)` models a power loss instead: writes not
//! yet synced survive or not, sector by sector.

use crate::error::{codes, Error, Result};
use crate::vfs::{OpenOptions, RangeLock, SyncKind, Vfs, VfsFile};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

/// Largest in-memory file (writes beyond fail with SQLITE_FULL instead of
/// exhausting memory, e.g. for offsets taken from damaged input).
pub const MAX_FILE_SIZE: u64 = 1 << 30;

#[derive(Clone, Copy, Debug)]
struct RangeEntry {
    owner: u64,
    start: u64,
    end: u64,
    write: bool,
}

#[derive(Default)]
struct MemData {
    bytes: Vec<u8>,
    /// Contents as of the last sync (what surely survives a power loss).
    durable: Vec<u8>,
    locks: Vec<RangeEntry>,
}

#[derive(Default)]
struct Shared {
    files: RefCell<HashMap<String, Rc<RefCell<MemData>>>>,
    next_id: Cell<u64>,
    /// Writes/syncs still allowed before injected failures; None = no limit.
    budget: Cell<Option<u64>>,
    rng: Cell<u64>,
    /// Where time, randomness and sleep come from (the OS VFS of the
    /// build; on wasm the host-import VFS). None = std (native) fallback.
    host: Option<Rc<dyn Vfs>>,
}

impl Shared {
    fn spend(&self) -> Result<()> {
        match self.budget.get() {
            None => Ok(()),
            Some(0) => Err(Error::io(codes::IOERR_WRITE, "injected fault")),
            Some(n) => {
                self.budget.set(Some(n - 1));
                Ok(())
            }
        }
    }
}

/// The in-memory VFS. Clones share the same files.
#[derive(Clone, Default)]
pub struct MemoryVfs {
    shared: Rc<Shared>,
}

impl MemoryVfs {
    pub fn new() -> MemoryVfs {
        let v = MemoryVfs::default();
        v.shared.rng.set(0x9E37_79B9_7F4A_7C15);
        v
    }

    /// An in-memory VFS that takes current time, randomness and sleep from
    /// `host` (use this on wasm, where std has no clock and cannot sleep).
    pub fn with_host(host: Rc<dyn Vfs>) -> MemoryVfs {
        let shared = Shared { host: Some(host), ..Shared::default() };
        shared.rng.set(0x9E37_79B9_7F4A_7C15);
        MemoryVfs { shared: Rc::new(shared) }
    }

    /// Lets `n` more writes/syncs/truncates succeed, then fails all later ones.
    /// `None` removes the limit.
    pub fn fail_writes_after(&self, n: Option<u64>) {
        self.shared.budget.set(n);
    }

    /// An independent copy of every file (without locks).
    pub fn snapshot(&self) -> MemoryVfs {
        let copy = MemoryVfs::new();
        for (k, v) in self.shared.files.borrow().iter() {
            let v = v.borrow();
            let d = MemData { bytes: v.bytes.clone(), durable: v.durable.clone(), locks: Vec::new() };
            copy.shared.files.borrow_mut().insert(k.clone(), Rc::new(RefCell::new(d)));
        }
        copy
    }

    /// The disk after a power loss: for every file, each 512-byte sector
    /// written since the last sync independently keeps either its synced
    /// or its newest contents, and the length is either the synced or the
    /// newest one (chosen by `seed`). Synced data always survives.
    pub fn crash_snapshot(&self, seed: u64) -> MemoryVfs {
        let copy = MemoryVfs::new();
        let mut x = seed | 1;
        let mut coin = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x & 1 == 1
        };
        for (k, v) in self.shared.files.borrow().iter() {
            let v = v.borrow();
            let len = if coin() { v.bytes.len() } else { v.durable.len() };
            let mut out = vec![0u8; len];
            for (i, chunk) in out.chunks_mut(512).enumerate() {
                let start = i * 512;
                let src = if coin() { &v.bytes } else { &v.durable };
                for (j, b) in chunk.iter_mut().enumerate() {
                    *b = src.get(start + j).copied().unwrap_or(0);
                }
            }
            let d = MemData { bytes: out.clone(), durable: out, locks: Vec::new() };
            copy.shared.files.borrow_mut().insert(k.clone(), Rc::new(RefCell::new(d)));
        }
        copy
    }

    /// The bytes of a file, if it exists.
    pub fn file_bytes(&self, path: &str) -> Option<Vec<u8>> {
        self.shared.files.borrow().get(path).map(|d| d.borrow().bytes.clone())
    }

    /// Creates or replaces a file with `bytes`.
    pub fn put_file(&self, path: &str, bytes: Vec<u8>) {
        let d = MemData { durable: bytes.clone(), bytes, locks: Vec::new() };
        self.shared.files.borrow_mut().insert(path.to_owned(), Rc::new(RefCell::new(d)));
    }
}

impl Vfs for MemoryVfs {
    fn open(&self, path: &str, opts: OpenOptions) -> Result<Box<dyn VfsFile>> {
        let mut files = self.shared.files.borrow_mut();
        let data = match files.get(path) {
            Some(d) => {
                if opts.exclusive && opts.create {
                    return Err(Error::new(codes::CANTOPEN, "unable to open database file"));
                }
                d.clone()
            }
            None => {
                if !opts.create {
                    return Err(Error::new(codes::CANTOPEN, "unable to open database file"));
                }
                let d = Rc::new(RefCell::new(MemData::default()));
                files.insert(path.to_owned(), d.clone());
                d
            }
        };
        let id = self.shared.next_id.get() + 1;
        self.shared.next_id.set(id);
        Ok(Box::new(MemFile { data, id, read_only: opts.read_only, shared: self.shared.clone() }))
    }

    fn delete(&self, path: &str, _sync_dir: bool) -> Result<()> {
        self.shared.spend()?;
        match self.shared.files.borrow_mut().remove(path) {
            Some(_) => Ok(()),
            None => Err(Error::io(codes::IOERR_DELETE_NOENT, format!("delete {path}"))),
        }
    }

    fn exists(&self, path: &str) -> Result<bool> {
        Ok(self.shared.files.borrow().contains_key(path))
    }

    fn current_time_ms(&self) -> i64 {
        if let Some(h) = &self.shared.host {
            return h.current_time_ms();
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as i64)
                .unwrap_or(0)
        }
        #[cfg(target_arch = "wasm32")]
        {
            0
        }
    }

    fn randomness(&self, buf: &mut [u8]) {
        if let Some(h) = &self.shared.host {
            return h.randomness(buf);
        }
        // xorshift64*: deterministic, good enough for nonces in tests.
        let mut x = self.shared.rng.get();
        if x == 0 {
            x = 0x9E37_79B9_7F4A_7C15;
        }
        for b in buf.iter_mut() {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            *b = (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8;
        }
        self.shared.rng.set(x);
    }

    fn sleep(&self, micros: u64) {
        if let Some(h) = &self.shared.host {
            return h.sleep(micros);
        }
        #[cfg(not(target_arch = "wasm32"))]
        std::thread::sleep(std::time::Duration::from_micros(micros.min(100_000)));
    }

    fn open_shm(&self, db_path: &str, read_only: bool) -> Result<Box<dyn crate::vfs::VfsShm>> {
        Ok(Box::new(crate::vfs::memory_shm::MemoryShm::open(self.clone(), &format!("{db_path}-shm"), read_only)?))
    }
}

struct MemFile {
    data: Rc<RefCell<MemData>>,
    id: u64,
    read_only: bool,
    shared: Rc<Shared>,
}

impl MemFile {
    fn check_writable(&self) -> Result<()> {
        if self.read_only {
            return Err(Error::new(codes::READONLY, "attempt to write a readonly database"));
        }
        self.shared.spend()
    }
}

/// Removes `owner`'s locks on [start, end), splitting entries that overlap.
fn clear_range(locks: &mut Vec<RangeEntry>, owner: u64, start: u64, end: u64) {
    let mut out = Vec::with_capacity(locks.len() + 1);
    for e in locks.drain(..) {
        if e.owner != owner || e.end <= start || e.start >= end {
            out.push(e);
            continue;
        }
        if e.start < start {
            out.push(RangeEntry { end: start, ..e });
        }
        if e.end > end {
            out.push(RangeEntry { start: end, ..e });
        }
    }
    *locks = out;
}

impl VfsFile for MemFile {
    fn read_at(&mut self, buf: &mut [u8], offset: u64) -> Result<usize> {
        let d = self.data.borrow();
        let len = d.bytes.len() as u64;
        let n = if offset >= len { 0 } else { ((len - offset) as usize).min(buf.len()) };
        if n > 0 {
            buf[..n].copy_from_slice(&d.bytes[offset as usize..offset as usize + n]);
        }
        buf[n..].fill(0);
        Ok(n)
    }

    fn write_at(&mut self, buf: &[u8], offset: u64) -> Result<()> {
        self.check_writable()?;
        let end = offset.saturating_add(buf.len() as u64);
        if end > MAX_FILE_SIZE {
            return Err(Error::new(codes::FULL, "database or disk is full"));
        }
        let end = end as usize;
        let mut d = self.data.borrow_mut();
        if d.bytes.len() < end {
            d.bytes.resize(end, 0);
        }
        d.bytes[offset as usize..end].copy_from_slice(buf);
        Ok(())
    }

    fn sync(&mut self, _kind: SyncKind) -> Result<()> {
        if self.read_only {
            return Ok(());
        }
        self.shared.spend()?;
        let mut d = self.data.borrow_mut();
        d.durable = d.bytes.clone();
        Ok(())
    }

    fn size(&mut self) -> Result<u64> {
        Ok(self.data.borrow().bytes.len() as u64)
    }

    fn truncate(&mut self, size: u64) -> Result<()> {
        self.check_writable()?;
        if size > MAX_FILE_SIZE {
            return Err(Error::new(codes::FULL, "database or disk is full"));
        }
        self.data.borrow_mut().bytes.resize(size as usize, 0);
        Ok(())
    }

    fn lock_range(&mut self, start: u64, len: u64, kind: RangeLock) -> Result<bool> {
        let end = start + len;
        let mut d = self.data.borrow_mut();
        if kind != RangeLock::Unlock {
            let want_write = kind == RangeLock::Write;
            let conflict = d.locks.iter().any(|e| {
                e.owner != self.id && e.start < end && e.end > start && (want_write || e.write)
            });
            if conflict {
                return Ok(false);
            }
        }
        clear_range(&mut d.locks, self.id, start, end);
        if kind != RangeLock::Unlock {
            d.locks.push(RangeEntry { owner: self.id, start, end, write: kind == RangeLock::Write });
        }
        Ok(true)
    }

    fn range_is_write_locked(&mut self, start: u64, len: u64) -> Result<bool> {
        let end = start + len;
        let d = self.data.borrow();
        Ok(d.locks.iter().any(|e| e.owner != self.id && e.write && e.start < end && e.end > start))
    }
}

impl Drop for MemFile {
    fn drop(&mut self) {
        if let Ok(mut d) = self.data.try_borrow_mut() {
            let id = self.id;
            d.locks.retain(|e| e.owner != id);
        }
    }
}
