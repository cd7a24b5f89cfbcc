//! A private wal-index in heap memory, used with locking_mode=EXCLUSIVE
//! (as SQLite's WAL_HEAPMEMORY_MODE): no `-shm` file, no sharing, and the
//! `Wal` takes no locks on it. The connection holds EXCLUSIVE on the
//! database file instead.
//!
//! Invariant: accesses outside mapped regions are IOERR_SHMMAP errors.

use crate::error::{codes, Error, Result};
use crate::vfs::{RangeLock, VfsShm, SHM_REGION_SIZE};

/// At most this many regions (each 32 KiB).
const MAX_REGIONS: u32 = 1 << 14;

#[derive(Default)]
pub struct HeapShm {
    regions: Vec<Vec<u8>>,
}

impl HeapShm {
    pub fn new() -> HeapShm {
        HeapShm::default()
    }

    fn span(&self, offset: u32, len: usize) -> Result<(usize, usize)> {
        let r = (offset / SHM_REGION_SIZE) as usize;
        let inner = (offset % SHM_REGION_SIZE) as usize;
        if r >= self.regions.len() || inner + len > SHM_REGION_SIZE as usize {
            return Err(Error::io(codes::IOERR_SHMMAP, format!("wal-index offset {offset} is not mapped")));
        }
        Ok((r, inner))
    }
}

impl VfsShm for HeapShm {
    fn size(&mut self) -> Result<u64> {
        Ok(self.regions.len() as u64 * u64::from(SHM_REGION_SIZE))
    }

    fn truncate(&mut self, size: u64) -> Result<()> {
        let keep = (size / u64::from(SHM_REGION_SIZE)) as usize;
        self.regions.truncate(keep);
        Ok(())
    }

    fn map(&mut self, region: u32) -> Result<()> {
        if region >= MAX_REGIONS {
            return Err(Error::io(codes::IOERR_SHMMAP, format!("wal-index region {region} too large")));
        }
        while self.regions.len() <= region as usize {
            self.regions.push(vec![0u8; SHM_REGION_SIZE as usize]);
        }
        Ok(())
    }

    fn read(&self, offset: u32, buf: &mut [u8]) -> Result<()> {
        let (r, i) = self.span(offset, buf.len())?;
        buf.copy_from_slice(&self.regions[r][i..i + buf.len()]);
        Ok(())
    }

    fn write(&mut self, offset: u32, data: &[u8]) -> Result<()> {
        let (r, i) = self.span(offset, data.len())?;
        self.regions[r][i..i + data.len()].copy_from_slice(data);
        Ok(())
    }

    fn barrier(&self) {}

    fn lock_range(&mut self, _start: u64, _len: u64, _kind: RangeLock) -> Result<bool> {
        Ok(true)
    }

    fn close(&mut self, _delete: bool) -> Result<()> {
        self.regions.clear();
        Ok(())
    }
}
