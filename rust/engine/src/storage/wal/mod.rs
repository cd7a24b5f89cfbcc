//! Write-ahead log (WAL mode): the `-wal` file (`format`), the wal-index
//! in `-shm` (`index`), and SQLite's locking protocol over them, so that
//! ferrolite and SQLite connections share one WAL database safely.
//!
//! ```text
//!   Wal::open: DMS protocol on -shm byte 128 (first opener, who gets it
//!   exclusively, resets a stale -shm; everyone then holds it shared).
//!
//!   begin_read (walTryBeginRead)            begin_write
//!     read header (copy1, barrier, copy2)      WRITE (120) exclusive,
//!     bad -> WRITE lock, re-read, recover      live header == snapshot
//!            (CKPT+RECOVER exclusive)          else BUSY_SNAPSHOT
//!     mxFrame == nBackfill -> READ(0) shared        |
//!     else reuse/raise a read mark i in 1..4   commit_frames: restart the
//!        (exclusive READ(i) to raise it),      log if READ(0) held and all
//!        READ(i) shared, re-check header       backfilled and READ(1..4)
//!     page p: newest frame <= mxFrame          free; frames; index; header
//!        (and > nBackfill) holding p           (copy2, barrier, copy1)
//!
//!   checkpoint (`checkpoint`): CKPT exclusive; mxSafeFrame = min over
//!   busy read marks; READ(0) exclusive while backfilling; sync WAL, copy
//!   pages, truncate + sync db, nBackfill = mxSafeFrame; RESTART/TRUNCATE
//!   wait for READ(1..4) and restart the log.
//! ```
//!
//! Lock bytes on `-shm`: 120 WRITE, 121 CKPT, 122 RECOVER, 123..127
//! READ(0..4), 128 DMS. With locking_mode=EXCLUSIVE the index lives in heap
//! memory (`heap::HeapShm`, no `-shm` file, no locks).
//!
//! Invariants:
//! - A read transaction holds exactly one READ(i) shared and sees the log
//!   up to its snapshot's mxFrame; pages at or below nBackfill(at start)
//!   come from the database file.
//! - Frames reach the wal-index only after they are in the `-wal` file; the
//!   header (mxFrame) moves only at commit, so readers never see a partial
//!   transaction.
//! - The database file is written only by a checkpoint, only with frames
//!   no reader still needs (<= every in-use read mark).
//! - Bytes from `-wal` and `-shm` are untrusted: bad frames end the log, a
//!   bad or impossible header triggers recovery, never a panic.

pub mod checkpoint;
pub mod format;
pub mod heap;
pub mod index;
mod recover;
mod write;

use crate::error::{codes, Error, Result};
use crate::vfs::{FileKind, OpenOptions, RangeLock, Vfs, VfsFile};
use index::{lock_read, IndexHdr, ShmIndex, LOCK_DMS, LOCK_RECOVER, LOCK_WRITE, NREADER};
use std::rc::Rc;

pub use checkpoint::CheckpointMode;

/// An open WAL of one connection.
pub struct Wal {
    vfs: Rc<dyn Vfs>,
    wal_path: String,
    file: Box<dyn VfsFile>,
    index: ShmIndex,
    /// Heap-memory index (locking_mode=EXCLUSIVE): locks are not taken.
    heap: bool,
    read_only: bool,
    /// Snapshot of the wal-index header for the current read transaction.
    hdr: IndexHdr,
    /// READ(i) held shared, or -1.
    read_lock: i32,
    /// First frame a reader may use (nBackfill + 1 at read start).
    min_frame: u32,
    write_lock: bool,
    ckpt_lock: bool,
    /// PRAGMA journal_size_limit (-1 = none): the log is truncated to it
    /// after the first commit following a restart.
    pub size_limit: i64,
    truncate_on_commit: bool,
}

fn busy() -> Error {
    Error::busy()
}

impl Wal {
    /// Opens `<db>-wal` and the wal-index (`heap`: in private memory).
    pub fn open(vfs: Rc<dyn Vfs>, db_path: &str, read_only: bool, heap: bool) -> Result<Wal> {
        let wal_path = format!("{db_path}-wal");
        let opts = OpenOptions { read_only, create: !read_only, exclusive: false, kind: FileKind::Wal };
        let shm: Box<dyn crate::vfs::VfsShm> = if heap { Box::new(heap::HeapShm::new()) } else { vfs.open_shm(db_path, read_only)? };
        let file = vfs.open(&wal_path, opts)?;
        let mut w = Wal {
            vfs,
            wal_path,
            file,
            index: ShmIndex::new(shm),
            heap,
            read_only,
            hdr: IndexHdr::default(),
            read_lock: -1,
            min_frame: 1,
            write_lock: false,
            ckpt_lock: false,
            size_limit: -1,
            truncate_on_commit: true,
        };
        if !heap {
            w.take_dms()?;
        }
        Ok(w)
    }

    /// The DMS protocol: whoever gets byte 128 exclusively is the only user
    /// of the -shm and resets it; everyone then holds it shared.
    fn take_dms(&mut self) -> Result<()> {
        for attempt in 0..100u64 {
            let shm = &mut self.index.shm;
            if !self.read_only && shm.lock_range(LOCK_DMS, 1, RangeLock::Write)? {
                shm.truncate(0)?;
                self.index.forget_maps();
                if !self.index.shm.lock_range(LOCK_DMS, 1, RangeLock::Read)? {
                    return Err(Error::io(codes::IOERR_SHMLOCK, "downgrade of the DMS lock"));
                }
                return Ok(());
            }
            if self.index.shm.lock_range(LOCK_DMS, 1, RangeLock::Read)? {
                return Ok(());
            }
            // Another opener is resetting the -shm right now.
            self.vfs.sleep(100 * (attempt + 1).min(10));
        }
        Err(busy())
    }

    fn lock_shared(&mut self, byte: u64) -> Result<bool> {
        if self.heap {
            return Ok(true);
        }
        self.index.shm.lock_range(byte, 1, RangeLock::Read)
    }

    fn lock_excl(&mut self, byte: u64, n: u64) -> Result<bool> {
        if self.heap {
            return Ok(true);
        }
        self.index.shm.lock_range(byte, n, RangeLock::Write)
    }

    fn unlock(&mut self, byte: u64, n: u64) {
        if !self.heap {
            let _ = self.index.shm.lock_range(byte, n, RangeLock::Unlock);
        }
    }

    /// Size of the log in whole frames of `page_size`.
    fn file_frames(&mut self, page_size: u32) -> Result<u64> {
        let size = self.file.size()?;
        Ok(size.saturating_sub(format::WAL_HEADER_SIZE as u64) / (u64::from(page_size) + format::FRAME_HEADER_SIZE as u64))
    }

    /// Reads the shared header; true if usable. A header that claims more
    /// frames than the log holds, or an impossible page size, is not.
    fn try_hdr(&mut self, changed: &mut bool) -> Result<bool> {
        let Some(h) = self.index.try_read_hdr()? else { return Ok(false) };
        if h.mx_frame > 0 {
            let ps = h.page_size();
            if !(512..=65536).contains(&ps) || !ps.is_power_of_two() || u64::from(h.mx_frame) > self.file_frames(ps)? {
                return Ok(false);
            }
        }
        if h != self.hdr {
            *changed = true;
            self.hdr = h;
        }
        Ok(true)
    }

    /// walIndexReadHdr: a valid header into `self.hdr`, running recovery
    /// under the WRITE lock when there is none.
    fn read_index_hdr(&mut self, changed: &mut bool) -> Result<()> {
        if !self.try_hdr(changed)? {
            if self.read_only {
                return Err(Error::new(codes::READONLY_RECOVERY, "attempt to write a readonly database"));
            }
            let had_write = self.write_lock;
            if !had_write {
                if !self.lock_excl(LOCK_WRITE, 1)? {
                    return Err(busy());
                }
                self.write_lock = true;
            }
            let r = (|| {
                if !self.try_hdr(changed)? {
                    self.recover()?;
                    *changed = true;
                }
                Ok(())
            })();
            if !had_write {
                self.write_lock = false;
                self.unlock(LOCK_WRITE, 1);
            }
            r?;
        }
        if self.hdr.version != index::INDEX_VERSION {
            return Err(Error::new(codes::CANTOPEN, "unable to open database file"));
        }
        Ok(())
    }

    /// Starts a read transaction; returns true if the database changed
    /// since this connection's last one (drop cached pages and schema).
    /// BUSY / BUSY_RECOVERY when locked out (callers retry with their busy
    /// handler).
    pub fn begin_read(&mut self) -> Result<bool> {
        debug_assert!(self.read_lock < 0);
        let mut changed = false;
        let mut cnt = 0;
        while !self.try_begin_read(&mut changed, false, &mut cnt)? {}
        Ok(changed)
    }

    /// walTryBeginRead: Ok(true) done, Ok(false) retry.
    fn try_begin_read(&mut self, changed: &mut bool, use_wal: bool, cnt: &mut u32) -> Result<bool> {
        *cnt += 1;
        if *cnt > 5 {
            if *cnt > 100 {
                return Err(Error::new(codes::PROTOCOL, "locking protocol"));
            }
            let delay = if *cnt >= 10 { u64::from((*cnt - 9) * (*cnt - 9) * 39) } else { 1 };
            self.vfs.sleep(delay);
        }
        if !use_wal {
            match self.read_index_hdr(changed) {
                Err(e) if e.code == codes::BUSY => {
                    // Someone holds WRITE: fine unless a recovery runs.
                    if self.lock_shared(LOCK_RECOVER)? {
                        self.unlock(LOCK_RECOVER, 1);
                        return Ok(false);
                    }
                    return Err(Error::new(codes::BUSY_RECOVERY, "database is locked"));
                }
                r => r?,
            }
        }
        let nbackfill = self.index.nbackfill()?;
        if !use_wal && nbackfill == self.hdr.mx_frame {
            if self.lock_shared(lock_read(0))? {
                self.index.shm.barrier();
                if self.index.raw_hdr()? != self.hdr {
                    self.unlock(lock_read(0), 1);
                    return Ok(false);
                }
                self.read_lock = 0;
                self.min_frame = nbackfill.saturating_add(1);
                return Ok(true);
            }
        }
        let mx_frame = self.hdr.mx_frame;
        let (mut mx_mark, mut mx_i) = (0u32, 0usize);
        for i in 1..NREADER {
            let m = self.index.read_mark(i)?;
            if mx_mark <= m && m <= mx_frame {
                mx_mark = m;
                mx_i = i;
            }
        }
        let mut was_busy = false;
        if !self.read_only && (mx_mark < mx_frame || mx_i == 0) {
            for i in 1..NREADER {
                if self.lock_excl(lock_read(i), 1)? {
                    self.index.set_read_mark(i, mx_frame)?;
                    mx_mark = mx_frame;
                    mx_i = i;
                    self.unlock(lock_read(i), 1);
                    break;
                }
                was_busy = true;
            }
        }
        if mx_i == 0 {
            if was_busy {
                return Ok(false);
            }
            return Err(Error::new(codes::READONLY, "attempt to write a readonly database"));
        }
        if !self.lock_shared(lock_read(mx_i))? {
            return Ok(false);
        }
        self.index.shm.barrier();
        if self.index.read_mark(mx_i)? != mx_mark || self.index.raw_hdr()? != self.hdr {
            self.unlock(lock_read(mx_i), 1);
            return Ok(false);
        }
        self.min_frame = self.index.nbackfill()?.saturating_add(1);
        self.read_lock = mx_i as i32;
        Ok(true)
    }

    /// Ends the read transaction (drops READ(i)).
    pub fn end_read(&mut self) {
        if self.read_lock >= 0 {
            let i = self.read_lock as usize;
            self.unlock(lock_read(i), 1);
            self.read_lock = -1;
        }
    }

    pub fn in_read(&self) -> bool {
        self.read_lock >= 0
    }

    /// Database size in pages as of the snapshot (0 = take the file's).
    pub fn db_size(&self) -> u32 {
        self.hdr.n_page
    }

    /// Page size of the log's frames, when it has any.
    pub fn page_size(&self) -> Option<u32> {
        (self.hdr.mx_frame > 0).then(|| self.hdr.page_size())
    }

    /// Frames in the log as of the snapshot.
    pub fn mx_frame(&self) -> u32 {
        self.hdr.mx_frame
    }

    /// The frame holding the newest copy of `pgno` visible to this read
    /// transaction, or 0 if the page comes from the database file.
    pub fn find_frame(&mut self, pgno: u32) -> Result<u32> {
        if self.hdr.mx_frame == 0 || self.read_lock == 0 {
            return Ok(0);
        }
        self.index.find(pgno, self.min_frame, self.hdr.mx_frame)
    }

    /// Reads the page image of frame `frame` into `buf` (page-size bytes).
    pub fn read_frame(&mut self, frame: u32, buf: &mut [u8]) -> Result<()> {
        let ps = self.hdr.page_size();
        if buf.len() != ps as usize {
            return Err(Error::corrupt(format!("wal page size {ps} != database page size {}", buf.len())));
        }
        let off = format::frame_offset(frame, ps) + format::FRAME_HEADER_SIZE as u64;
        let n = self.file.read_at(buf, off)?;
        if n < buf.len() {
            return Err(Error::io(codes::IOERR_SHORT_READ, "short read of a wal frame"));
        }
        Ok(())
    }

    /// Releases everything and closes the files; deletes `-wal` and `-shm`
    /// when `delete` (the caller holds EXCLUSIVE on the database and has
    /// checkpointed).
    pub fn close(mut self, delete: bool) -> Result<()> {
        self.end_read();
        if self.write_lock {
            self.unlock(LOCK_WRITE, 1);
        }
        let r = self.index.shm.close(delete);
        let Wal { file, vfs, wal_path, .. } = self;
        drop(file);
        if delete {
            match vfs.delete(&wal_path, false) {
                Ok(()) => {}
                Err(e) if e.code == codes::IOERR_DELETE_NOENT => {}
                Err(e) => return Err(e),
            }
        }
        r
    }
}
