//! The engine's `VfsShm` (the wal-index `<db>-shm`, shared memory) over the
//! host imports: the file is opened with `fs_open` flag bit 3, and each
//! 32 KiB region k (bytes k*32768 .. (k+1)*32768 of the file) is mapped by
//! the host (`fs_map`) over a 32 KiB-aligned block of this instance's linear
//! memory (`ShmBlock`). Reads and writes are volatile copies from/to that
//! block, i.e. from/to the file's shared pages themselves; `barrier` is the
//! host's `shm_barrier`. Locks are `fs_lock` ranges on the `-shm` handle.
//!
//! Invariants:
//! - `regions[k]` is Some exactly when region k is mapped; a read or write
//!   touching an unmapped region is IOERR_SHMMAP, never a panic.
//! - At most `MAX_REGIONS` regions (a 2 GiB wal-index) are ever mapped, so
//!   a hostile frame count cannot make the engine map without bound.
//! - `close` (or drop) unmaps every block before freeing it; a block the
//!   host fails to unmap is leaked, never reused. After `close` every call
//!   is an error.

use crate::host;
use crate::host_vfs::host_error;
use crate::shm_block::ShmBlock;
use ferrolite_engine::codes;
use ferrolite_engine::vfs::{RangeLock, VfsShm, SHM_REGION_SIZE};
use ferrolite_engine::{Error, Result};

/// `fs_open` flag bit 3: the file is a wal-index.
pub const OPEN_SHM: i32 = 1 << 3;

/// Regions mappable at most (65536 * 32 KiB = 2 GiB).
const MAX_REGIONS: u32 = 65536;

const REGION: usize = SHM_REGION_SIZE as usize;

pub struct HostShm {
    fd: i32, // 0 once closed
    path: String,
    regions: Vec<Option<ShmBlock>>,
}

fn closed() -> Error {
    Error::io(codes::IOERR_SHMMAP, "wal-index used after close")
}

fn unmapped(offset: u32, len: usize) -> Error {
    Error::io(codes::IOERR_SHMMAP, format!("wal-index bytes {offset}..+{len} are not mapped"))
}

impl HostShm {
    /// Opens `<db_path>-shm` (creating it unless `read_only`).
    pub fn open(db_path: &str, read_only: bool) -> Result<HostShm> {
        let path = format!("{db_path}-shm");
        let flags = OPEN_SHM | if read_only { 1 } else { 2 };
        let fd = host::open(&path, flags);
        if fd < 1 {
            return Err(host_error(fd as i64, codes::CANTOPEN, &path));
        }
        Ok(HostShm { fd, path, regions: Vec::new() })
    }

    /// Calls `f(block, offset in block, start, end)` for each piece of
    /// `[offset, offset+len)`, one region at a time.
    fn pieces(&self, offset: u32, len: usize, mut f: impl FnMut(&ShmBlock, usize, usize, usize) -> bool) -> Result<()> {
        if self.fd == 0 {
            return Err(closed());
        }
        let mut done = 0;
        while done < len {
            let at = offset as usize + done;
            let (k, in_block) = (at / REGION, at % REGION);
            let n = (REGION - in_block).min(len - done);
            let Some(Some(block)) = self.regions.get(k) else { return Err(unmapped(offset, len)) };
            if !f(block, in_block, done, done + n) {
                return Err(unmapped(offset, len));
            }
            done += n;
        }
        Ok(())
    }

    fn lock_code(kind: RangeLock) -> (i32, i32) {
        match kind {
            RangeLock::Unlock => (0, codes::IOERR_SHMLOCK),
            RangeLock::Read => (1, codes::IOERR_SHMLOCK),
            RangeLock::Write => (2, codes::IOERR_SHMLOCK),
        }
    }

    /// Unmaps and frees every block, closes the file; the first error.
    fn release(&mut self, delete: bool) -> Result<()> {
        if self.fd == 0 {
            return Err(closed());
        }
        let mut first = None;
        for slot in self.regions.iter_mut() {
            if let Some(block) = slot.take() {
                // SAFETY: the block is this shm's own, mapped by `map`.
                match unsafe { host::unmap(block.as_ptr(), REGION) } {
                    // SAFETY: the host put private memory back over it.
                    0 => unsafe { block.free() },
                    rc => {
                        block.leak(); // still the file's pages: never reuse
                        first.get_or_insert(host_error(rc as i64, codes::IOERR_SHMMAP, "unmap wal-index"));
                    }
                }
            }
        }
        self.regions.clear();
        if delete {
            match host::delete(&self.path, false) {
                0 | codes::IOERR_DELETE_NOENT => {}
                rc => {
                    first.get_or_insert(host_error(rc as i64, codes::IOERR_DELETE, "delete wal-index"));
                }
            }
        }
        let rc = host::close(self.fd);
        self.fd = 0;
        if rc != 0 {
            first.get_or_insert(host_error(rc as i64, codes::IOERR_CLOSE, "close wal-index"));
        }
        first.map_or(Ok(()), Err)
    }
}

impl VfsShm for HostShm {
    fn size(&mut self) -> Result<u64> {
        if self.fd == 0 {
            return Err(closed());
        }
        let n = host::size(self.fd);
        u64::try_from(n).map_err(|_| host_error(n, codes::IOERR_FSTAT, "fstat wal-index"))
    }

    fn truncate(&mut self, size: u64) -> Result<()> {
        if self.fd == 0 {
            return Err(closed());
        }
        let size = i64::try_from(size).map_err(|_| Error::io(codes::IOERR_SHMSIZE, "wal-index size out of range"))?;
        match host::truncate(self.fd, size) {
            0 => Ok(()),
            rc => Err(host_error(rc as i64, codes::IOERR_SHMSIZE, "truncate wal-index")),
        }
    }

    fn map(&mut self, region: u32) -> Result<()> {
        if self.fd == 0 {
            return Err(closed());
        }
        if region >= MAX_REGIONS {
            return Err(Error::io(codes::IOERR_SHMMAP, format!("wal-index region {region} is too large")));
        }
        let k = region as usize;
        if matches!(self.regions.get(k), Some(Some(_))) {
            return Ok(());
        }
        let block = ShmBlock::alloc().ok_or_else(|| Error::new(codes::NOMEM, "out of memory"))?;
        let offset = i64::from(region) * REGION as i64;
        // SAFETY: `block` was just allocated and nothing else refers to it.
        match unsafe { host::map_file(self.fd, offset, block.as_ptr(), REGION) } {
            0 => {
                if self.regions.len() <= k {
                    self.regions.resize_with(k + 1, || None);
                }
                self.regions[k] = Some(block);
                Ok(())
            }
            rc => {
                // A failed fs_map leaves the block untouched or makes the host
                // restore it; unmap to be sure before it goes back.
                // SAFETY: as above.
                if unsafe { host::unmap(block.as_ptr(), REGION) } == 0 {
                    // SAFETY: private memory again.
                    unsafe { block.free() };
                } else {
                    block.leak();
                }
                let err = host_error(rc as i64, codes::IOERR_SHMMAP, "map wal-index");
                if err.code == codes::IOERR_SHMMAP {
                    Err(Error::io(
                        codes::IOERR_SHMMAP,
                        "cannot map the wal-index: this host has no shared memory for WAL mode",
                    ))
                } else {
                    Err(err)
                }
            }
        }
    }

    fn read(&self, offset: u32, buf: &mut [u8]) -> Result<()> {
        let len = buf.len();
        self.pieces(offset, len, |b, at, from, to| b.read(at, &mut buf[from..to]))
    }

    fn write(&mut self, offset: u32, data: &[u8]) -> Result<()> {
        self.pieces(offset, data.len(), |b, at, from, to| b.write(at, &data[from..to]))
    }

    fn barrier(&self) {
        host::barrier();
    }

    fn lock_range(&mut self, start: u64, len: u64, kind: RangeLock) -> Result<bool> {
        if self.fd == 0 {
            return Err(closed());
        }
        let (k, code) = HostShm::lock_code(kind);
        let range = |v: u64| i64::try_from(v).map_err(|_| Error::io(code, "wal-index lock out of range"));
        match host::lock(self.fd, range(start)?, range(len)?, k) {
            0 => Ok(true),
            5 => Ok(false),
            rc => Err(host_error(rc as i64, code, "wal-index lock")),
        }
    }

    fn close(&mut self, delete: bool) -> Result<()> {
        self.release(delete)
    }
}

impl Drop for HostShm {
    fn drop(&mut self) {
        if self.fd != 0 {
            // Nothing can be reported from drop; blocks are still unmapped
            // before they are freed.
            let _ = self.release(false);
        }
    }
}
