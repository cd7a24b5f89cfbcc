//! The engine's `Vfs` and `VfsFile` over the `ferrolite_host` imports: the
//! only way the wasm engine reaches files, clocks and randomness.
//!
//! Open flags sent to `fs_open`: bit 0 read-only, bit 1 create, bit 2
//! exclusive, bit 3 wal-index (`host_shm`). Lock kinds sent to `fs_lock`: 0 unlock, 1 read, 2 write, 3 test
//! whether another holder write-locks the range.
//!
//! Invariants:
//! - A `HostFile` owns its handle and closes it on drop, which releases its
//!   byte-range locks (locks are per handle, OFD style).
//! - Host results are untrusted: a count larger than asked or an unknown
//!   code becomes an I/O error, never a panic.
//! - Short reads zero-fill the rest of the buffer (the `Vfs` invariant).

use crate::host;
use ferrolite_engine::codes;
use crate::host_shm::HostShm;
use ferrolite_engine::vfs::{OpenOptions, RangeLock, SyncKind, Vfs, VfsFile, VfsShm};
use ferrolite_engine::{Error, Result};

/// Turns a host error result (negative or positive) into an I/O error with
/// the host's code, or `fallback` when the code is not a SQLite error code.
pub(crate) fn host_error(rc: i64, fallback: i32, what: &str) -> Error {
    let code = i32::try_from(rc.unsigned_abs()).unwrap_or(fallback);
    let code = if code & 0xff == 0 || code & 0xff >= codes::ROW { fallback } else { code };
    if code & 0xff == codes::CANTOPEN {
        Error::new(code, format!("unable to open database file ({what})"))
    } else if code & 0xff == codes::BUSY {
        Error::busy()
    } else {
        Error::io(code, what)
    }
}

fn offset(off: u64, code: i32, what: &str) -> Result<i64> {
    i64::try_from(off).map_err(|_| Error::io(code, format!("{what}: offset {off} out of range")))
}

pub struct HostVfs;

impl Vfs for HostVfs {
    fn open(&self, path: &str, opts: OpenOptions) -> Result<Box<dyn VfsFile>> {
        let flags = opts.read_only as i32 | (opts.create as i32) << 1 | (opts.exclusive as i32) << 2;
        let fd = host::open(path, flags);
        if fd < 1 {
            return Err(host_error(fd as i64, codes::CANTOPEN, path));
        }
        Ok(Box::new(HostFile { fd }))
    }

    fn delete(&self, path: &str, sync_dir: bool) -> Result<()> {
        match host::delete(path, sync_dir) {
            0 => Ok(()),
            rc => Err(host_error(rc as i64, codes::IOERR_DELETE, "delete")),
        }
    }

    fn exists(&self, path: &str) -> Result<bool> {
        match host::exists(path) {
            0 => Ok(false),
            1 => Ok(true),
            rc => Err(host_error(rc as i64, codes::IOERR_ACCESS, "access")),
        }
    }

    fn current_time_ms(&self) -> i64 {
        host::now_ms()
    }

    fn randomness(&self, buf: &mut [u8]) {
        host::fill_random(buf)
    }

    fn sleep(&self, micros: u64) {
        host::sleep_micros(i64::try_from(micros).unwrap_or(i64::MAX))
    }

    fn open_shm(&self, db_path: &str, read_only: bool) -> Result<Box<dyn VfsShm>> {
        Ok(Box::new(HostShm::open(db_path, read_only)?))
    }
}

pub struct HostFile {
    fd: i32,
}

impl Drop for HostFile {
    fn drop(&mut self) {
        // Nothing can be reported from drop; the host releases the handle
        // and its locks whatever the result.
        let _ = host::close(self.fd);
    }
}

impl VfsFile for HostFile {
    fn read_at(&mut self, buf: &mut [u8], off: u64) -> Result<usize> {
        let off = offset(off, codes::IOERR_READ, "read")?;
        let n = host::read(self.fd, buf, off);
        if n < 0 {
            return Err(host_error(n as i64, codes::IOERR_READ, "read"));
        }
        let n = n as usize;
        if n > buf.len() {
            return Err(Error::io(codes::IOERR_READ, "read: host returned more bytes than asked"));
        }
        buf[n..].fill(0);
        Ok(n)
    }

    fn write_at(&mut self, buf: &[u8], off: u64) -> Result<()> {
        let off = offset(off, codes::IOERR_WRITE, "write")?;
        match host::write(self.fd, buf, off) {
            0 => Ok(()),
            rc => Err(host_error(rc as i64, codes::IOERR_WRITE, "write")),
        }
    }

    fn sync(&mut self, kind: SyncKind) -> Result<()> {
        let flags = match kind {
            SyncKind::Normal => 0,
            SyncKind::Full => 1,
            SyncKind::DataOnly => 2,
        };
        match host::sync(self.fd, flags) {
            0 => Ok(()),
            rc => Err(host_error(rc as i64, codes::IOERR_FSYNC, "fsync")),
        }
    }

    fn size(&mut self) -> Result<u64> {
        let n = host::size(self.fd);
        u64::try_from(n).map_err(|_| host_error(n, codes::IOERR_FSTAT, "fstat"))
    }

    fn truncate(&mut self, size: u64) -> Result<()> {
        let size = offset(size, codes::IOERR_TRUNCATE, "truncate")?;
        match host::truncate(self.fd, size) {
            0 => Ok(()),
            rc => Err(host_error(rc as i64, codes::IOERR_TRUNCATE, "truncate")),
        }
    }

    fn lock_range(&mut self, start: u64, len: u64, kind: RangeLock) -> Result<bool> {
        let (k, code) = match kind {
            RangeLock::Unlock => (0, codes::IOERR_UNLOCK),
            RangeLock::Read => (1, codes::IOERR_RDLOCK),
            RangeLock::Write => (2, codes::IOERR_LOCK),
        };
        let start = offset(start, code, "lock")?;
        let len = offset(len, code, "lock")?;
        match host::lock(self.fd, start, len, k) {
            0 => Ok(true),
            5 => Ok(false),
            rc => Err(host_error(rc as i64, code, "lock")),
        }
    }

    fn range_is_write_locked(&mut self, start: u64, len: u64) -> Result<bool> {
        let code = codes::IOERR_CHECKRESERVEDLOCK;
        let start = offset(start, code, "check lock")?;
        let len = offset(len, code, "check lock")?;
        match host::lock(self.fd, start, len, 3) {
            0 => Ok(false),
            5 => Ok(true),
            rc => Err(host_error(rc as i64, code, "check lock")),
        }
    }
}
