//! The native side of the `ferrolite_host` file imports: a table of open
//! files (handles >= 1), positional reads and writes, sync, size, truncate,
//! delete, existence and non-blocking byte-range locks (docs/abi.md,
//! "Imports").
//!
//! Result conventions (as the ABI says): functions that return a count or a
//! handle return a negative SQLite code on failure; the others return 0 or a
//! positive SQLite (extended) code. Nothing here panics on bad input.
//!
//! Locks are `fcntl` byte ranges: open-file-description locks
//! (F_OFD_SETLK/F_OFD_GETLK) on Linux, so two handles of one process exclude
//! each other as two processes do; process-owned F_SETLK/F_GETLK elsewhere.
//!
//! Invariants:
//! - A handle's file is closed exactly once, when the handle is closed or the
//!   table is dropped; closing releases the handle's locks.
//! - Database files never get descriptors 0-2 (a stray write to stdout or
//!   stderr must not land in a database), as SQLite's unix VFS ensures.

use std::ffi::OsStr;
use std::fs::{File, OpenOptions};
use std::io::ErrorKind;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::Path;

pub(crate) mod code {
    pub(crate) const BUSY: i32 = 5;
    pub(crate) const CANTOPEN: i32 = 14;
    pub(crate) const FULL: i32 = 13;
    pub(crate) const IOERR_READ: i32 = 10 | (1 << 8);
    pub(crate) const IOERR_WRITE: i32 = 10 | (3 << 8);
    pub(crate) const IOERR_FSYNC: i32 = 10 | (4 << 8);
    pub(crate) const IOERR_DIR_FSYNC: i32 = 10 | (5 << 8);
    pub(crate) const IOERR_TRUNCATE: i32 = 10 | (6 << 8);
    pub(crate) const IOERR_FSTAT: i32 = 10 | (7 << 8);
    pub(crate) const IOERR_UNLOCK: i32 = 10 | (8 << 8);
    pub(crate) const IOERR_RDLOCK: i32 = 10 | (9 << 8);
    pub(crate) const IOERR_DELETE: i32 = 10 | (10 << 8);
    pub(crate) const IOERR_ACCESS: i32 = 10 | (13 << 8);
    pub(crate) const IOERR_CHECKRESERVEDLOCK: i32 = 10 | (14 << 8);
    pub(crate) const IOERR_LOCK: i32 = 10 | (15 << 8);
    pub(crate) const IOERR_CLOSE: i32 = 10 | (16 << 8);
    pub(crate) const IOERR_DELETE_NOENT: i32 = 10 | (23 << 8);
    pub(crate) const CANTOPEN_ISDIR: i32 = 14 | (2 << 8);
}

/// `fs_open` flag bits.
pub(crate) const OPEN_READONLY: i32 = 1;
pub(crate) const OPEN_CREATE: i32 = 2;
pub(crate) const OPEN_EXCLUSIVE: i32 = 4;

/// `fs_lock` kinds.
pub(crate) const LOCK_UNLOCK: i32 = 0;
pub(crate) const LOCK_READ: i32 = 1;
pub(crate) const LOCK_WRITE: i32 = 2;
pub(crate) const LOCK_TEST: i32 = 3;

/// Permissions of files ferrolite creates (SQLite's default, before umask).
const FILE_MODE: u32 = 0o644;

#[derive(Default)]
pub struct FileTable {
    slots: Vec<Option<File>>,
}

fn is_no_space(e: &std::io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::ENOSPC) | Some(libc::EDQUOT))
}

/// Moves a descriptor below 3 to a higher number (SQLite's unix VFS rule).
fn avoid_std_fds(file: File) -> std::io::Result<File> {
    if file.as_raw_fd() > 2 {
        return Ok(file);
    }
    // SAFETY: F_DUPFD_CLOEXEC only reads the valid descriptor `file` owns
    // and returns a new descriptor that nothing else owns.
    let fd = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 3) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `fd` was just returned by fcntl and is owned by no one else.
    Ok(File::from(unsafe { OwnedFd::from_raw_fd(fd) }))
}

impl FileTable {
    pub fn new() -> FileTable {
        FileTable::default()
    }

    fn get(&self, h: i32) -> Option<&File> {
        let i = usize::try_from(h).ok()?.checked_sub(1)?;
        self.slots.get(i)?.as_ref()
    }

    /// The open file of handle `h` (for `fs_map`).
    pub fn file(&self, h: i32) -> Option<&File> {
        self.get(h)
    }

    /// Number of open handles.
    pub fn open_count(&self) -> usize {
        self.slots.iter().filter(|s| s.is_some()).count()
    }

    /// fs_open: a handle >= 1, or a negative code.
    pub fn open(&mut self, path: &[u8], flags: i32) -> i32 {
        let mut o = OpenOptions::new();
        o.read(true).mode(FILE_MODE);
        if flags & OPEN_READONLY == 0 {
            o.write(true);
            if flags & OPEN_EXCLUSIVE != 0 {
                o.create_new(true);
            } else if flags & OPEN_CREATE != 0 {
                o.create(true);
            }
        }
        let file = match o.open(Path::new(OsStr::from_bytes(path))).and_then(avoid_std_fds) {
            Ok(f) => f,
            Err(e) if e.raw_os_error() == Some(libc::EISDIR) => return -code::CANTOPEN_ISDIR,
            Err(_) => return -code::CANTOPEN,
        };
        match file.metadata() {
            Ok(m) if m.is_dir() => return -code::CANTOPEN_ISDIR,
            Ok(_) => {}
            Err(_) => return -code::CANTOPEN,
        }
        let slot = match self.slots.iter().position(|s| s.is_none()) {
            Some(i) => i,
            None => {
                self.slots.push(None);
                self.slots.len() - 1
            }
        };
        if slot >= i32::MAX as usize - 1 {
            return -code::CANTOPEN;
        }
        self.slots[slot] = Some(file);
        slot as i32 + 1
    }

    /// fs_close: 0, or IOERR_CLOSE for an unknown handle.
    pub fn close(&mut self, h: i32) -> i32 {
        let slot = usize::try_from(h).ok().and_then(|h| h.checked_sub(1)).and_then(|i| self.slots.get_mut(i));
        match slot.and_then(|s| s.take()) {
            Some(f) => {
                drop(f);
                0
            }
            None => code::IOERR_CLOSE,
        }
    }

    /// Closes every handle (after the instance trapped), releasing locks.
    pub fn close_all(&mut self) {
        self.slots.clear();
    }

    /// fs_read: reads up to `buf.len()` bytes at `offset`, looping over
    /// short reads until end of file; the count, or a negative code.
    pub fn read(&self, h: i32, buf: &mut [u8], offset: i64) -> i32 {
        let (Some(f), Ok(mut off)) = (self.get(h), u64::try_from(offset)) else {
            return -code::IOERR_READ;
        };
        let mut done = 0;
        while done < buf.len() {
            match f.read_at(&mut buf[done..], off) {
                Ok(0) => break,
                Ok(n) => {
                    done += n;
                    off += n as u64;
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => return -code::IOERR_READ,
            }
        }
        i32::try_from(done).unwrap_or(-code::IOERR_READ)
    }

    /// fs_write: writes all of `buf` at `offset`; 0, FULL, or IOERR_WRITE.
    pub fn write(&self, h: i32, buf: &[u8], offset: i64) -> i32 {
        let (Some(f), Ok(off)) = (self.get(h), u64::try_from(offset)) else {
            return code::IOERR_WRITE;
        };
        match f.write_all_at(buf, off) {
            Ok(()) => 0,
            Err(e) if is_no_space(&e) => code::FULL,
            Err(_) => code::IOERR_WRITE,
        }
    }

    /// fs_sync: flags 0 normal, 1 full, 2 data only.
    pub fn sync(&self, h: i32, flags: i32) -> i32 {
        let Some(f) = self.get(h) else { return code::IOERR_FSYNC };
        let r = match flags {
            2 => f.sync_data(),
            1 => full_sync(f),
            _ => f.sync_all(),
        };
        if r.is_ok() {
            0
        } else {
            code::IOERR_FSYNC
        }
    }

    /// fs_size: the size, or a negative code.
    pub fn size(&self, h: i32) -> i64 {
        match self.get(h).map(|f| f.metadata()) {
            Some(Ok(m)) => i64::try_from(m.len()).unwrap_or(-(code::IOERR_FSTAT as i64)),
            _ => -(code::IOERR_FSTAT as i64),
        }
    }

    pub fn truncate(&self, h: i32, size: i64) -> i32 {
        match (self.get(h), u64::try_from(size)) {
            (Some(f), Ok(size)) => match f.set_len(size) {
                Ok(()) => 0,
                Err(_) => code::IOERR_TRUNCATE,
            },
            _ => code::IOERR_TRUNCATE,
        }
    }

    /// fs_lock: 0 done (kind 3: the range is free of others' write locks), 5
    /// BUSY (another holder conflicts), or an I/O error code.
    pub fn lock(&self, h: i32, start: i64, len: i64, kind: i32) -> i32 {
        let err = match kind {
            LOCK_UNLOCK => code::IOERR_UNLOCK,
            LOCK_READ => code::IOERR_RDLOCK,
            LOCK_WRITE => code::IOERR_LOCK,
            LOCK_TEST => code::IOERR_CHECKRESERVEDLOCK,
            _ => return code::IOERR_LOCK,
        };
        let Some(f) = self.get(h) else { return err };
        if start < 0 || len < 0 {
            return err;
        }
        match kind {
            LOCK_TEST => match test_lock(f, start, len) {
                Ok(false) => 0,
                Ok(true) => code::BUSY,
                Err(_) => err,
            },
            _ => {
                let ty = match kind {
                    LOCK_UNLOCK => libc::F_UNLCK,
                    LOCK_READ => libc::F_RDLCK,
                    _ => libc::F_WRLCK,
                };
                match set_lock(f, start, len, ty) {
                    Ok(true) => 0,
                    Ok(false) => code::BUSY,
                    Err(_) => err,
                }
            }
        }
    }
}

/// fs_delete: 0, IOERR_DELETE_NOENT when missing, IOERR_DELETE otherwise.
/// With `sync_dir`, syncs the parent directory (a directory that cannot be
/// opened is not an error, as in SQLite).
pub fn delete(path: &[u8], sync_dir: bool) -> i32 {
    let path = Path::new(OsStr::from_bytes(path));
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => return code::IOERR_DELETE_NOENT,
        Err(_) => return code::IOERR_DELETE,
    }
    if sync_dir {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if let Ok(d) = File::open(dir) {
            if d.sync_all().is_err() {
                return code::IOERR_DIR_FSYNC;
            }
        }
    }
    0
}

/// fs_exists: 1, 0, or a negative code.
pub fn exists(path: &[u8]) -> i32 {
    match std::fs::metadata(Path::new(OsStr::from_bytes(path))) {
        Ok(_) => 1,
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory | ErrorKind::InvalidInput) => 0,
        Err(_) => -code::IOERR_ACCESS,
    }
}

/// Fills `buf` from the OS's random source.
pub fn fill_random(buf: &mut [u8]) {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let mut done = 0;
        while done < buf.len() {
            let rest = &mut buf[done..];
            // SAFETY: getrandom writes at most `rest.len()` bytes into the
            // exclusively borrowed `rest`.
            let n = unsafe { libc::getrandom(rest.as_mut_ptr().cast(), rest.len(), 0) };
            if n > 0 {
                done += n as usize;
            } else if std::io::Error::last_os_error().kind() != ErrorKind::Interrupted {
                break;
            }
        }
        if done == buf.len() {
            return;
        }
    }
    use std::io::Read;
    if let Ok(mut f) = File::open("/dev/urandom") {
        if f.read_exact(buf).is_ok() {
            return;
        }
    }
    // No OS randomness at all: mix the clock so values still differ per call
    // (SQLite's unix VFS does the same when /dev/urandom is missing).
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    for (i, b) in buf.iter_mut().enumerate() {
        *b = (t >> ((i % 16) * 8)) as u8 ^ (i as u8).wrapping_mul(151);
    }
}

#[cfg(target_os = "macos")]
fn full_sync(f: &File) -> std::io::Result<()> {
    // SAFETY: F_FULLFSYNC takes no pointer argument; `f` owns the descriptor.
    let rc = unsafe { libc::fcntl(f.as_raw_fd(), libc::F_FULLFSYNC) };
    if rc == 0 {
        Ok(())
    } else {
        f.sync_all()
    }
}

#[cfg(not(target_os = "macos"))]
fn full_sync(f: &File) -> std::io::Result<()> {
    f.sync_all()
}

#[cfg(any(target_os = "linux", target_os = "android"))]
const SETLK: libc::c_int = libc::F_OFD_SETLK;
#[cfg(any(target_os = "linux", target_os = "android"))]
const GETLK: libc::c_int = libc::F_OFD_GETLK;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const SETLK: libc::c_int = libc::F_SETLK;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const GETLK: libc::c_int = libc::F_GETLK;

fn flock(start: i64, len: i64, ty: libc::c_int) -> libc::flock {
    // SAFETY: `flock` is a plain C struct of integers; all-zero is a valid
    // value (and l_pid must be 0 for OFD locks).
    let mut fl: libc::flock = unsafe { std::mem::zeroed() };
    fl.l_type = ty as _;
    fl.l_whence = libc::SEEK_SET as _;
    fl.l_start = start as _;
    fl.l_len = len as _;
    fl
}

/// Sets or clears a lock without blocking: Ok(false) when another holder's
/// lock conflicts.
fn set_lock(f: &File, start: i64, len: i64, ty: libc::c_int) -> std::io::Result<bool> {
    let mut fl = flock(start, len, ty);
    loop {
        // SAFETY: `fl` is a valid flock the call reads (and may write); the
        // descriptor is owned by `f`, alive for the call.
        let rc = unsafe { libc::fcntl(f.as_raw_fd(), SETLK, &mut fl as *mut libc::flock) };
        if rc == 0 {
            return Ok(true);
        }
        let e = std::io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EINTR) => continue,
            Some(libc::EAGAIN) | Some(libc::EACCES) => return Ok(false),
            _ => return Err(e),
        }
    }
}

/// True if another holder has a lock that conflicts with a write lock on the
/// range (SQLite's check for the RESERVED byte).
fn test_lock(f: &File, start: i64, len: i64) -> std::io::Result<bool> {
    let mut fl = flock(start, len, libc::F_WRLCK);
    // SAFETY: as in set_lock; F_GETLK writes the conflicting lock into `fl`.
    let rc = unsafe { libc::fcntl(f.as_raw_fd(), GETLK, &mut fl as *mut libc::flock) };
    if rc != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(fl.l_type as libc::c_int != libc::F_UNLCK)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("ferrolite-hostfs-{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&dir);
        dir
    }

    #[test]
    fn open_read_write_size_truncate_close() {
        let p = tmp("rw");
        let pb = p.as_os_str().as_bytes();
        let mut t = FileTable::new();
        assert_eq!(t.open(pb, 0), -code::CANTOPEN, "missing file without create");
        let h = t.open(pb, OPEN_CREATE);
        assert!(h >= 1);
        assert_eq!(t.write(h, b"hello world", 3), 0);
        assert_eq!(t.size(h), 14);
        let mut buf = [7u8; 20];
        assert_eq!(t.read(h, &mut buf, 0), 14);
        assert_eq!(&buf[..14], b"\0\0\0hello world");
        assert_eq!(t.read(h, &mut buf, 100), 0);
        assert_eq!(t.truncate(h, 5), 0);
        assert_eq!(t.size(h), 5);
        assert_eq!(t.sync(h, 0), 0);
        assert_eq!(t.sync(h, 1), 0);
        assert_eq!(t.sync(h, 2), 0);
        assert_eq!(t.open(pb, OPEN_CREATE | OPEN_EXCLUSIVE), -code::CANTOPEN);
        assert_eq!(t.close(h), 0);
        assert_eq!(t.close(h), code::IOERR_CLOSE);
        assert_eq!(exists(pb), 1);
        assert_eq!(delete(pb, true), 0);
        assert_eq!(exists(pb), 0);
        assert_eq!(delete(pb, false), code::IOERR_DELETE_NOENT);
    }

    #[test]
    fn bad_handles_and_offsets_are_codes() {
        let t = FileTable::new();
        let mut buf = [0u8; 4];
        assert_eq!(t.read(0, &mut buf, 0), -code::IOERR_READ);
        assert_eq!(t.read(-5, &mut buf, 0), -code::IOERR_READ);
        assert_eq!(t.write(9, &buf, 0), code::IOERR_WRITE);
        assert_eq!(t.size(1), -(code::IOERR_FSTAT as i64));
        assert_eq!(t.lock(1, 0, 1, LOCK_WRITE), code::IOERR_LOCK);
        assert_eq!(t.lock(1, 0, 1, 99), code::IOERR_LOCK);
        let p = tmp("neg");
        let mut t = FileTable::new();
        let h = t.open(p.as_os_str().as_bytes(), OPEN_CREATE);
        assert_eq!(t.read(h, &mut buf, -1), -code::IOERR_READ);
        assert_eq!(t.truncate(h, -1), code::IOERR_TRUNCATE);
        assert_eq!(t.lock(h, -1, 1, LOCK_READ), code::IOERR_RDLOCK);
        assert_eq!(t.open(b"/", OPEN_READONLY), -code::CANTOPEN_ISDIR);
        assert_eq!(t.open(b"a\0b", OPEN_CREATE), -code::CANTOPEN);
        drop(t);
        let _ = std::fs::remove_file(p);
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn two_handles_exclude_each_other() {
        let p = tmp("locks");
        let pb = p.as_os_str().as_bytes();
        let mut t = FileTable::new();
        let a = t.open(pb, OPEN_CREATE);
        let b = t.open(pb, 0);
        // Shared locks coexist; a write lock conflicts with them.
        assert_eq!(t.lock(a, 100, 10, LOCK_READ), 0);
        assert_eq!(t.lock(b, 100, 10, LOCK_READ), 0);
        assert_eq!(t.lock(b, 105, 1, LOCK_WRITE), code::BUSY);
        assert_eq!(t.lock(a, 100, 10, LOCK_UNLOCK), 0);
        assert_eq!(t.lock(b, 105, 1, LOCK_WRITE), 0);
        // The test kind sees b's write lock from a, but not from b itself.
        assert_eq!(t.lock(a, 105, 1, LOCK_TEST), code::BUSY);
        assert_eq!(t.lock(b, 105, 1, LOCK_TEST), 0);
        assert_eq!(t.lock(a, 200, 1, LOCK_TEST), 0);
        // Closing b releases its locks.
        assert_eq!(t.close(b), 0);
        assert_eq!(t.lock(a, 105, 1, LOCK_TEST), 0);
        assert_eq!(t.lock(a, 100, 10, LOCK_WRITE), 0);
        drop(t);
        let _ = std::fs::remove_file(p);
    }

    #[test]
    fn random_fills() {
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        fill_random(&mut a);
        fill_random(&mut b);
        assert_ne!(a, b);
    }
}
