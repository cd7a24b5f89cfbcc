//! The native OS VFS for unix: files through std::fs, byte-range locks
//! through fcntl. On Linux it uses open-file-description locks
//! (F_OFD_SETLK / F_OFD_GETLK), which belong to the open file, so two
//! connections in one process exclude each other exactly like two
//! processes do, and interoperate with SQLite's own (process-owned) fcntl
//! locks on the same bytes. Elsewhere it falls back to process-owned
//! F_SETLK/F_GETLK (two handles of one process do not exclude each other).
//!
//! Invariants: read_at zero-fills past end of file; lock calls never block.

#![allow(unsafe_code)]

use crate::error::{codes, Error, Result};
use crate::vfs::{OpenOptions, RangeLock, SyncKind, Vfs, VfsFile};
use std::fs::{File, OpenOptions as StdOpen};
use std::io::ErrorKind;
use std::os::unix::fs::FileExt;
use std::os::unix::io::AsRawFd;

/// The native unix VFS.
#[derive(Clone, Copy, Debug, Default)]
pub struct UnixVfs;

impl UnixVfs {
    pub fn new() -> UnixVfs {
        UnixVfs
    }
}

fn cantopen(path: &str, e: std::io::Error) -> Error {
    let code = if e.kind() == ErrorKind::IsADirectory { codes::CANTOPEN_ISDIR } else { codes::CANTOPEN };
    let _ = path;
    Error::new(code, "unable to open database file")
}

impl Vfs for UnixVfs {
    fn open(&self, path: &str, opts: OpenOptions) -> Result<Box<dyn VfsFile>> {
        let mut o = StdOpen::new();
        o.read(true);
        if !opts.read_only {
            o.write(true);
            if opts.create && opts.exclusive {
                o.create_new(true);
            } else if opts.create {
                o.create(true);
            }
        }
        let file = o.open(path).map_err(|e| cantopen(path, e))?;
        if let Ok(m) = file.metadata() {
            if m.is_dir() {
                return Err(Error::new(codes::CANTOPEN_ISDIR, "unable to open database file"));
            }
        }
        Ok(Box::new(UnixFile { file }))
    }

    fn delete(&self, path: &str, sync_dir: bool) -> Result<()> {
        match std::fs::remove_file(path) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return Err(Error::io(codes::IOERR_DELETE_NOENT, format!("delete {path}")))
            }
            Err(e) => return Err(Error::io(codes::IOERR_DELETE, format!("delete {path}: {e}"))),
        }
        if sync_dir {
            let dir = std::path::Path::new(path).parent().filter(|p| !p.as_os_str().is_empty());
            let dir = dir.unwrap_or_else(|| std::path::Path::new("."));
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }

    fn exists(&self, path: &str) -> Result<bool> {
        match std::fs::metadata(path) {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
            Err(e) => Err(Error::io(codes::IOERR_ACCESS, format!("access {path}: {e}"))),
        }
    }

    fn current_time_ms(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }

    fn randomness(&self, buf: &mut [u8]) {
        use std::io::Read;
        if let Ok(mut f) = File::open("/dev/urandom") {
            if f.read_exact(buf).is_ok() {
                return;
            }
        }
        let mut x = self.current_time_ms() as u64 ^ u64::from(std::process::id()) << 32 | 1;
        for b in buf.iter_mut() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = x as u8;
        }
    }

    fn sleep(&self, micros: u64) {
        std::thread::sleep(std::time::Duration::from_micros(micros));
    }

    fn open_shm(&self, db_path: &str, read_only: bool) -> Result<Box<dyn crate::vfs::VfsShm>> {
        Ok(Box::new(crate::vfs::unix_shm::UnixShm::open(&format!("{db_path}-shm"), read_only)?))
    }
}

struct UnixFile {
    file: File,
}

#[cfg(target_os = "linux")]
const SETLK: libc::c_int = libc::F_OFD_SETLK;
#[cfg(target_os = "linux")]
const GETLK: libc::c_int = libc::F_OFD_GETLK;
#[cfg(not(target_os = "linux"))]
const SETLK: libc::c_int = libc::F_SETLK;
#[cfg(not(target_os = "linux"))]
const GETLK: libc::c_int = libc::F_GETLK;

/// Non-blocking byte-range lock (SETLK) on `file`: Ok(false) when another
/// holder conflicts; other failures are `lock_code` / `unlock_code` errors.
/// Shared with the `-shm` file (`unix_shm`).
pub(crate) fn set_range_lock(file: &File, start: u64, len: u64, kind: RangeLock, lock_code: i32, unlock_code: i32) -> Result<bool> {
    let ty = match kind {
        RangeLock::Unlock => libc::F_UNLCK,
        RangeLock::Read => libc::F_RDLCK,
        RangeLock::Write => libc::F_WRLCK,
    };
    match flock(file, SETLK, start, len, ty as libc::c_int) {
        Ok(_) => Ok(true),
        Err(e) => match e.raw_os_error() {
            Some(libc::EAGAIN) | Some(libc::EACCES) => Ok(false),
            _ => Err(Error::io(if kind == RangeLock::Unlock { unlock_code } else { lock_code }, e)),
        },
    }
}

fn flock(file: &File, cmd: libc::c_int, start: u64, len: u64, ty: libc::c_int) -> std::io::Result<libc::flock> {
        // SAFETY: flock is a plain C struct; all-zero is a valid value
        // (l_pid must be 0 for OFD locks).
        let mut fl: libc::flock = unsafe { std::mem::zeroed() };
        fl.l_type = ty as _;
        fl.l_whence = libc::SEEK_SET as _;
        fl.l_start = start as libc::off_t;
        fl.l_len = len as libc::off_t;
        // SAFETY: the fd is owned by `file` and open for the call's
        // duration; `fl` is a valid, exclusively borrowed flock.
        let rc = unsafe { libc::fcntl(file.as_raw_fd(), cmd, &mut fl as *mut libc::flock) };
        if rc == -1 {
            Err(std::io::Error::last_os_error())
        } else {
            Ok(fl)
        }
}

impl VfsFile for UnixFile {
    fn read_at(&mut self, buf: &mut [u8], offset: u64) -> Result<usize> {
        let mut done = 0;
        while done < buf.len() {
            match self.file.read_at(&mut buf[done..], offset + done as u64) {
                Ok(0) => break,
                Ok(n) => done += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io(codes::IOERR_READ, e)),
            }
        }
        buf[done..].fill(0);
        Ok(done)
    }

    fn write_at(&mut self, buf: &[u8], offset: u64) -> Result<()> {
        self.file.write_all_at(buf, offset).map_err(|e| Error::io(codes::IOERR_WRITE, e))
    }

    fn sync(&mut self, kind: SyncKind) -> Result<()> {
        let r = match kind {
            SyncKind::DataOnly => self.file.sync_data(),
            _ => self.file.sync_all(),
        };
        r.map_err(|e| Error::io(codes::IOERR_FSYNC, e))
    }

    fn size(&mut self) -> Result<u64> {
        self.file.metadata().map(|m| m.len()).map_err(|e| Error::io(codes::IOERR_FSTAT, e))
    }

    fn truncate(&mut self, size: u64) -> Result<()> {
        self.file.set_len(size).map_err(|e| Error::io(codes::IOERR_TRUNCATE, e))
    }

    fn lock_range(&mut self, start: u64, len: u64, kind: RangeLock) -> Result<bool> {
        set_range_lock(&self.file, start, len, kind, codes::IOERR_LOCK, codes::IOERR_UNLOCK)
    }

    fn range_is_write_locked(&mut self, start: u64, len: u64) -> Result<bool> {
        // A read request conflicts only with someone else's write lock.
        match flock(&self.file, GETLK, start, len, libc::F_RDLCK as libc::c_int) {
            Ok(fl) => Ok(fl.l_type as libc::c_int != libc::F_UNLCK as libc::c_int),
            Err(e) => Err(Error::io(codes::IOERR_CHECKRESERVEDLOCK, e)),
        }
    }
}
