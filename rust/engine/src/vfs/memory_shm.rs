//! The wal-index shared memory of `MemoryVfs`: the `<db>-shm` file is an
//! ordinary in-memory file of that VFS, so every connection of the same
//! `MemoryVfs` shares it, its locks are the VFS's OFD-style range locks,
//! and the crash model applies to it like to any file: `snapshot()` keeps
//! it as it is, `crash_snapshot()` keeps a random mix of its (never synced)
//! sectors. A writer killed by `fail_writes_after` stops between two of its
//! wal-index writes. All of that is what the DMS reset and the header
//! checksums must survive.
//!
//! Invariants: `read`/`write` only inside regions this handle mapped
//! (else IOERR_SHMMAP); everything is single-threaded (`barrier` is a
//! no-op).

use crate::error::{codes, Error, Result};
use std::cell::RefCell;
use crate::vfs::memory::MemoryVfs;
use crate::vfs::{FileKind, OpenOptions, RangeLock, Vfs, VfsFile, VfsShm, SHM_REGION_SIZE};

/// Largest wal-index mapped here (MAX_FILE_SIZE of the VFS bounds it too).
const MAX_REGIONS: u32 = 1 << 12;

pub struct MemoryShm {
    vfs: MemoryVfs,
    path: String,
    file: Option<Box<dyn VfsFile>>,
    read_only: bool,
    mapped: u32,
    /// A read-only handle on the same file for `read(&self)` (reads never
    /// spend the fault budget and take no locks).
    reader: RefCell<Box<dyn VfsFile>>,
}

impl MemoryShm {
    pub fn open(vfs: MemoryVfs, path: &str, read_only: bool) -> Result<MemoryShm> {
        let opts = OpenOptions { read_only, create: !read_only, exclusive: false, kind: FileKind::Shm };
        let file = vfs.open(path, opts).map_err(|e| Error::io(codes::IOERR_SHMOPEN, e.message))?;
        let ro = OpenOptions { read_only: true, create: false, exclusive: false, kind: FileKind::Shm };
        let reader = RefCell::new(vfs.open(path, ro).map_err(|e| Error::io(codes::IOERR_SHMOPEN, e.message))?);
        Ok(MemoryShm { vfs, path: path.to_owned(), file: Some(file), read_only, mapped: 0, reader })
    }

    fn file(&mut self) -> Result<&mut Box<dyn VfsFile>> {
        self.file.as_mut().ok_or_else(|| Error::io(codes::IOERR_SHMOPEN, "wal-index is closed"))
    }

    fn check(&self, offset: u32, len: usize) -> Result<()> {
        let end = u64::from(offset) + len as u64;
        if self.file.is_none() || end > u64::from(self.mapped) * u64::from(SHM_REGION_SIZE) {
            return Err(Error::io(codes::IOERR_SHMMAP, format!("wal-index offset {offset} is not mapped")));
        }
        Ok(())
    }
}

impl VfsShm for MemoryShm {
    fn size(&mut self) -> Result<u64> {
        self.file()?.size()
    }

    fn truncate(&mut self, size: u64) -> Result<()> {
        self.file()?.truncate(size)?;
        // Regions past the new end read as zeros again once re-mapped.
        self.mapped = self.mapped.min((size / u64::from(SHM_REGION_SIZE)) as u32);
        Ok(())
    }

    fn map(&mut self, region: u32) -> Result<()> {
        if region >= MAX_REGIONS {
            return Err(Error::io(codes::IOERR_SHMMAP, format!("wal-index region {region} too large")));
        }
        if region < self.mapped {
            return Ok(());
        }
        let want = u64::from(region + 1) * u64::from(SHM_REGION_SIZE);
        let ro = self.read_only;
        let f = self.file()?;
        if f.size()? < want {
            if ro {
                return Err(Error::io(codes::IOERR_SHMSIZE, "read-only wal-index is too small"));
            }
            f.truncate(want)?;
        }
        self.mapped = region + 1;
        Ok(())
    }

    fn read(&self, offset: u32, buf: &mut [u8]) -> Result<()> {
        self.check(offset, buf.len())?;
        let mut f = self.reader.borrow_mut();
        f.read_at(buf, u64::from(offset))?;
        Ok(())
    }

    fn write(&mut self, offset: u32, data: &[u8]) -> Result<()> {
        if self.read_only {
            return Err(Error::new(codes::READONLY, "attempt to write a readonly database"));
        }
        self.check(offset, data.len())?;
        self.file()?.write_at(data, u64::from(offset))
    }

    fn barrier(&self) {}

    fn lock_range(&mut self, start: u64, len: u64, kind: RangeLock) -> Result<bool> {
        self.file()?.lock_range(start, len, kind)
    }

    fn close(&mut self, delete: bool) -> Result<()> {
        self.file()?;
        self.file = None;
        self.mapped = 0;
        if delete && !self.read_only {
            match self.vfs.delete(&self.path, false) {
                Ok(()) => {}
                Err(e) if e.code == codes::IOERR_DELETE_NOENT => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}
