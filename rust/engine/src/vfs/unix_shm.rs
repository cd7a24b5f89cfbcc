//! The wal-index shared memory for the native unix VFS: the `<db>-shm`
//! file mapped with mmap(MAP_SHARED) in 32 KiB regions, exactly as SQLite's
//! unix VFS maps it, so ferrolite and SQLite processes share one index.
//!
//! Locks are byte-range locks on the `-shm` file through the same OFD
//! fcntl helper as database files (`unix::set_range_lock`), so connections
//! of one process exclude each other and conflict with SQLite's own
//! process-owned locks.
//!
//! Invariants: `read`/`write` touch only mapped regions (anything else is
//! IOERR_SHMMAP); every mapping is unmapped exactly once (close or drop);
//! the file is grown (never shrunk) by `map`, and shrunk only by `truncate`.

#![allow(unsafe_code)]

use crate::error::{codes, Error, Result};
use crate::vfs::unix::set_range_lock;
use crate::vfs::{RangeLock, VfsShm, SHM_REGION_SIZE};
use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::AsRawFd;

/// Largest wal-index this VFS maps (64 Ki regions = 2 GiB).
const MAX_REGIONS: u32 = 1 << 16;

pub struct UnixShm {
    path: String,
    file: Option<File>,
    read_only: bool,
    /// Base address of each mapped region (null = not mapped).
    regions: Vec<*mut u8>,
}

impl UnixShm {
    pub fn open(path: &str, read_only: bool) -> Result<UnixShm> {
        let mut o = OpenOptions::new();
        o.read(true);
        if !read_only {
            o.write(true).create(true).mode(0o644);
        }
        let file = o.open(path).map_err(|e| Error::io(codes::IOERR_SHMOPEN, format!("open {path}: {e}")))?;
        Ok(UnixShm { path: path.to_owned(), file: Some(file), read_only, regions: Vec::new() })
    }

    fn file(&self) -> Result<&File> {
        self.file.as_ref().ok_or_else(|| Error::io(codes::IOERR_SHMOPEN, "wal-index is closed"))
    }

    fn unmap_all(&mut self) {
        for p in self.regions.drain(..) {
            if !p.is_null() {
                // SAFETY: `p` was returned by a successful mmap of exactly
                // SHM_REGION_SIZE bytes and is unmapped only here, once.
                unsafe {
                    libc::munmap(p.cast(), SHM_REGION_SIZE as usize);
                }
            }
        }
    }

    /// Splits [offset, offset+len) into (region base, start in region, n).
    fn pieces(&self, offset: u32, len: usize) -> Result<Vec<(*mut u8, usize, usize)>> {
        let mut out = Vec::with_capacity(1);
        let mut off = u64::from(offset);
        let end = off + len as u64;
        while off < end {
            let r = (off / u64::from(SHM_REGION_SIZE)) as usize;
            let inner = (off % u64::from(SHM_REGION_SIZE)) as usize;
            let n = ((SHM_REGION_SIZE as usize) - inner).min((end - off) as usize);
            let base = self.regions.get(r).copied().unwrap_or(std::ptr::null_mut());
            if base.is_null() {
                return Err(Error::io(codes::IOERR_SHMMAP, format!("wal-index offset {off} is not mapped")));
            }
            out.push((base, inner, n));
            off += n as u64;
        }
        Ok(out)
    }
}

impl VfsShm for UnixShm {
    fn size(&mut self) -> Result<u64> {
        self.file()?.metadata().map(|m| m.len()).map_err(|e| Error::io(codes::IOERR_SHMSIZE, e))
    }

    fn truncate(&mut self, size: u64) -> Result<()> {
        self.file()?.set_len(size).map_err(|e| Error::io(codes::IOERR_SHMSIZE, e))
    }

    fn map(&mut self, region: u32) -> Result<()> {
        if region >= MAX_REGIONS {
            return Err(Error::io(codes::IOERR_SHMMAP, format!("wal-index region {region} too large")));
        }
        let r = region as usize;
        if self.regions.get(r).is_some_and(|p| !p.is_null()) {
            return Ok(());
        }
        let want = u64::from(region + 1) * u64::from(SHM_REGION_SIZE);
        if self.size()? < want {
            if self.read_only {
                return Err(Error::io(codes::IOERR_SHMSIZE, "read-only wal-index is too small"));
            }
            self.file()?.set_len(want).map_err(|e| Error::io(codes::IOERR_SHMSIZE, e))?;
        }
        let prot = if self.read_only { libc::PROT_READ } else { libc::PROT_READ | libc::PROT_WRITE };
        let fd = self.file()?.as_raw_fd();
        // SAFETY: maps SHM_REGION_SIZE bytes of an open file at a page
        // aligned offset (a multiple of 32 KiB) at an address the kernel
        // chooses; the result is checked before use.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                SHM_REGION_SIZE as usize,
                prot,
                libc::MAP_SHARED,
                fd,
                (u64::from(region) * u64::from(SHM_REGION_SIZE)) as libc::off_t,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(Error::io(codes::IOERR_SHMMAP, std::io::Error::last_os_error()));
        }
        if self.regions.len() <= r {
            self.regions.resize(r + 1, std::ptr::null_mut());
        }
        self.regions[r] = p.cast();
        Ok(())
    }

    fn read(&self, offset: u32, buf: &mut [u8]) -> Result<()> {
        let mut done = 0;
        for (base, inner, n) in self.pieces(offset, buf.len())? {
            // SAFETY: `base` is a live mapping of SHM_REGION_SIZE bytes and
            // inner + n <= SHM_REGION_SIZE (see `pieces`); other processes
            // may write the bytes concurrently, which the wal-index
            // protocol tolerates (headers are checked, values validated).
            unsafe { std::ptr::copy_nonoverlapping(base.add(inner), buf[done..].as_mut_ptr(), n) };
            done += n;
        }
        Ok(())
    }

    fn write(&mut self, offset: u32, data: &[u8]) -> Result<()> {
        if self.read_only {
            return Err(Error::new(codes::READONLY, "attempt to write a readonly database"));
        }
        let mut done = 0;
        for (base, inner, n) in self.pieces(offset, data.len())? {
            // SAFETY: as in `read`; the mapping is writable (not read-only).
            unsafe { std::ptr::copy_nonoverlapping(data[done..].as_ptr(), base.add(inner), n) };
            done += n;
        }
        Ok(())
    }

    fn barrier(&self) {
        std::sync::atomic::fence(std::sync::atomic::Ordering::SeqCst);
    }

    fn lock_range(&mut self, start: u64, len: u64, kind: RangeLock) -> Result<bool> {
        set_range_lock(self.file()?, start, len, kind, codes::IOERR_SHMLOCK, codes::IOERR_SHMLOCK)
    }

    fn close(&mut self, delete: bool) -> Result<()> {
        self.file()?;
        self.unmap_all();
        if delete && !self.read_only {
            let _ = std::fs::remove_file(&self.path);
        }
        self.file = None;
        Ok(())
    }
}

impl Drop for UnixShm {
    fn drop(&mut self) {
        self.unmap_all();
    }
}
