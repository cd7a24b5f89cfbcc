//! The pager in WAL mode (journal_mode=WAL): the same transaction states
//! as rollback mode, with the `-wal` log instead of a journal.
//!
//! ```text
//!   open WAL: the file's header says read/write version 2 (or a -wal file
//!   exists beside a non-empty database, as SQLite) at the first SHARED
//!   lock; SHARED on the database file is then held until the WAL closes.
//!
//!   begin_read : Wal::begin_read (busy handler on BUSY/BUSY_RECOVERY);
//!                changed -> drop the cache (the schema cookie is re-read
//!                from page 1 by the connection); size = WAL's nPage or
//!                the file's; page 1 validated.
//!   get(p)     : newest frame of p in the snapshot, else the db file.
//!   begin_write: Wal::begin_write (WRITE lock; BUSY_SNAPSHOT if stale).
//!   commit     : page 1's size field kept right; dirty pages -> frames;
//!                then auto-checkpoint (PASSIVE) once the log has
//!                `autockpt` frames, outside the transaction.
//!   rollback   : drop dirty pages (nothing reaches the log before commit).
//!   close      : EXCLUSIVE on the db (one try): checkpoint, delete -wal
//!                and -shm; else just close.
//! ```
//!
//! Invariants: in WAL mode the cache never spills (frames are written
//! only at commit, so a rollback never has to rewind the log); the
//! database file is written only by checkpoints.

use super::{BusyWait, JournalMode, Pager, PagerState};
use crate::error::{codes, Error, Result};
use crate::storage::pager::header;
use crate::storage::varint::{get_u32, put_u32};
use crate::storage::wal::{CheckpointMode, Wal};
use crate::storage::wal::checkpoint::CheckpointResult;
use crate::vfs::lock::LockLevel;

/// WAL state of a pager.
pub struct WalState {
    pub(super) wal: Option<Wal>,
    /// PRAGMA wal_autocheckpoint (frames; <= 0 disables).
    pub(super) autockpt: i64,
    /// While rewriting the header out of WAL mode: do not reopen the WAL.
    pub(super) no_wal: bool,
    /// The database path ("" for none).
    pub(super) db_path: String,
}

impl WalState {
    pub fn new(db_path: &str) -> WalState {
        WalState { wal: None, autockpt: 1000, no_wal: false, db_path: db_path.to_owned() }
    }
}

impl Pager {
    /// True while the WAL is open (journal_mode=WAL in force).
    pub fn in_wal_mode(&self) -> bool {
        self.walst.wal.is_some()
    }

    /// SQLite refuses WAL for in-memory databases.
    pub fn wal_supported(&self) -> bool {
        self.walst.db_path != ":memory:" && !self.walst.db_path.is_empty()
    }

    /// Before a switch into WAL: can this VFS give the wal-index shared
    /// memory? Opens `<db>-shm` and maps region 0, as the first WAL read
    /// will, then closes it (removing a `-shm` this probe created when the
    /// mapping failed). A host that cannot map (IOERR_SHMMAP) thus refuses
    /// WAL before the header says WAL. Exclusive locking mode keeps the
    /// index in heap memory and needs no probe.
    pub fn probe_shm(&self) -> Result<()> {
        if self.exclusive {
            return Ok(());
        }
        let existed = self.vfs.exists(&format!("{}-shm", self.walst.db_path))?;
        let mut shm = self.vfs.open_shm(&self.walst.db_path, false)?;
        let r = shm.map(0);
        let c = shm.close(r.is_err() && !existed);
        r.and(c)
    }

    /// Called with SHARED held after the rollback-mode header read: opens
    /// the WAL if the database is in WAL mode. True if it did.
    pub(super) fn open_wal_if_needed(&mut self, read_version: u8) -> Result<bool> {
        if self.walst.no_wal || !self.wal_supported() {
            return Ok(false);
        }
        let wal_exists = self.vfs.exists(&self.wal_path)?;
        if read_version != 2 && !(wal_exists && self.db_size > 0) {
            return Ok(false);
        }
        self.open_wal()?;
        Ok(true)
    }

    fn open_wal(&mut self) -> Result<()> {
        let heap = self.exclusive;
        if heap && !self.lock.lock(&mut *self.file, LockLevel::Exclusive)? {
            return Err(Error::busy());
        }
        let mut w = Wal::open(self.vfs.clone(), &self.walst.db_path, self.read_only, heap)?;
        w.size_limit = self.journal_size_limit;
        self.walst.wal = Some(w);
        self.journal_mode = JournalMode::Wal;
        self.cache.clear();
        self.file_vers = None;
        Ok(())
    }

    /// begin_read in WAL mode (SHARED is already held).
    pub(super) fn wal_begin_read(&mut self) -> Result<()> {
        let mut busy = BusyWait::default();
        loop {
            let Some(w) = self.walst.wal.as_mut() else { return Err(Error::misuse("WAL is not open")) };
            match w.begin_read() {
                Ok(changed) => {
                    if changed {
                        self.cache.clear();
                    }
                    break;
                }
                Err(e) if e.primary() == codes::BUSY => {
                    if !busy.wait(&*self.vfs, self.busy_timeout_ms) {
                        return Err(e);
                    }
                }
                Err(e) => return Err(e),
            }
        }
        self.state = PagerState::Read;
        let r = self.wal_read_sizes();
        if r.is_err() {
            self.wal_end_read();
        }
        r
    }

    fn wal_read_sizes(&mut self) -> Result<()> {
        let (wal_ps, wal_size) = match self.walst.wal.as_ref() {
            Some(w) => (w.page_size(), w.db_size()),
            None => (None, 0),
        };
        if let Some(ps) = wal_ps {
            if ps != self.page_size {
                self.page_size = ps;
                self.cache.clear();
                self.cache.set_limit(super::cache_pages(self.cache_size, ps));
            }
        }
        let file_size = self.file.size()?;
        if wal_size == 0 && file_size > 0 && wal_ps.is_none() {
            // Page size from the database file itself.
            let mut h = [0u8; 100];
            self.file.read_at(&mut h, 0)?;
            let info = header::validate(&h)?;
            if info.page_size != self.page_size {
                self.page_size = info.page_size;
                self.cache.clear();
                self.cache.set_limit(super::cache_pages(self.cache_size, info.page_size));
            }
        }
        let file_pages = file_size.div_ceil(u64::from(self.page_size)).min(u64::from(u32::MAX)) as u32;
        let n = if wal_size > 0 { wal_size } else { file_pages };
        self.db_size = n;
        if n == 0 {
            return Ok(());
        }
        let p1 = self.get(1)?;
        let p1 = p1.borrow();
        let info = header::validate(&p1[..header::HEADER_SIZE])?;
        if info.page_size != self.page_size {
            return Err(Error::corrupt(format!("page size {} in the header, {} in the WAL", info.page_size, self.page_size)));
        }
        self.reserved = info.reserved;
        self.header_read_only = info.write_version > 2;
        match info.db_size {
            Some(h) if h > n => Err(Error::corrupt(format!("header size {h} pages > {n} pages"))),
            Some(h) => {
                self.db_size = h;
                Ok(())
            }
            None => Ok(()),
        }
    }

    pub(super) fn wal_end_read(&mut self) {
        if let Some(w) = self.walst.wal.as_mut() {
            w.end_read();
        }
        self.savepoints.clear();
        self.state = PagerState::None;
    }

    /// begin_write in WAL mode.
    pub(super) fn wal_begin_write(&mut self) -> Result<()> {
        if self.read_only || self.header_read_only {
            return Err(Error::new(codes::READONLY, "attempt to write a readonly database"));
        }
        if self.state == PagerState::None {
            let mut busy = BusyWait::default();
            loop {
                self.begin_read()?;
                let Some(w) = self.walst.wal.as_mut() else { return Err(Error::misuse("WAL is not open")) };
                match w.begin_write() {
                    Ok(()) => break,
                    Err(e) => {
                        self.wal_end_read();
                        if e.primary() != codes::BUSY || !busy.wait(&*self.vfs, self.busy_timeout_ms) {
                            return Err(e);
                        }
                    }
                }
            }
        } else if let Some(w) = self.walst.wal.as_mut() {
            w.begin_write()?;
        }
        self.orig_size = self.db_size;
        self.state = PagerState::Write;
        Ok(())
    }

    /// commit in WAL mode: the dirty pages become one transaction of
    /// frames; then an auto-checkpoint if due.
    pub(super) fn wal_commit(&mut self) -> Result<()> {
        if !self.cache.dirty_pages().is_empty() && self.db_size > 0 {
            let stale = get_u32(&self.get(1)?.borrow(), header::OFF_DB_SIZE) != self.db_size;
            if stale {
                let p1 = self.write(1)?;
                put_u32(&mut p1.borrow_mut(), header::OFF_DB_SIZE, self.db_size);
            }
        }
        let lock_page = self.lock_page();
        let pgnos: Vec<u32> = self.cache.dirty_pages().into_iter().filter(|&p| p <= self.db_size && p != lock_page).collect();
        if !pgnos.is_empty() {
            let refs: Vec<_> = pgnos.iter().filter_map(|&p| self.cache.get(p).map(|r| (p, r))).collect();
            let borrowed: Vec<_> = refs.iter().map(|(p, r)| (*p, r.borrow())).collect();
            let pages: Vec<(u32, &[u8])> = borrowed.iter().map(|(p, b)| (*p, b.as_slice())).collect();
            let (ps, size, sync) = (self.page_size, self.db_size, self.synchronous);
            let Some(w) = self.walst.wal.as_mut() else { return Err(Error::misuse("WAL is not open")) };
            w.commit_frames(&pages, size, ps, sync >= 2, sync >= 1)?;
            drop(pages);
            drop(borrowed);
            self.cache.mark_all_clean();
        }
        self.cache.discard_dirty();
        let frames = match self.walst.wal.as_mut() {
            Some(w) => {
                w.end_write();
                w.mx_frame()
            }
            None => 0,
        };
        self.wal_end_read();
        if self.walst.autockpt > 0 && i64::from(frames) >= self.walst.autockpt {
            // As sqlite3WalDefaultHook: errors of the auto-checkpoint are
            // not the commit's.
            let _ = self.wal_checkpoint(CheckpointMode::Passive);
        }
        Ok(())
    }

    /// rollback in WAL mode.
    pub(super) fn wal_rollback(&mut self) -> Result<()> {
        if self.state == PagerState::Write {
            self.cache.discard_dirty();
            self.db_size = self.orig_size;
            if let Some(w) = self.walst.wal.as_mut() {
                w.end_write();
            }
        }
        if self.state != PagerState::None {
            self.wal_end_read();
        }
        Ok(())
    }

    /// abandon_write in WAL mode: back to the read transaction.
    pub(super) fn wal_abandon_write(&mut self) -> Result<()> {
        if !self.cache.dirty_pages().is_empty() {
            return self.wal_rollback();
        }
        if let Some(w) = self.walst.wal.as_mut() {
            w.end_write();
        }
        self.state = PagerState::Read;
        Ok(())
    }

    /// PRAGMA wal_checkpoint(mode). Not in WAL mode: (0, -1, -1). Inside a
    /// transaction: SQLITE_LOCKED, as SQLite.
    pub fn wal_checkpoint(&mut self, mode: CheckpointMode) -> Result<CheckpointResult> {
        if self.walst.wal.is_none() {
            return Ok(CheckpointResult { busy: false, log: -1, checkpointed: -1 });
        }
        if self.state != PagerState::None {
            return Err(Error::new(codes::LOCKED, "database table is locked"));
        }
        let (ps, lock_page, sync, timeout) = (self.page_size, self.lock_page(), self.synchronous >= 1, self.busy_timeout_ms);
        let vfs = self.vfs.clone();
        let mut bw = BusyWait::default();
        let mut busy = move || bw.wait(&*vfs, timeout);
        let Pager { walst, file, .. } = self;
        let Some(w) = walst.wal.as_mut() else { return Err(Error::misuse("WAL is not open")) };
        w.checkpoint(&mut **file, mode, ps, sync, lock_page, &mut busy)
    }

    /// PRAGMA wal_autocheckpoint: sets it when given; returns it.
    pub fn wal_autocheckpoint(&mut self, n: Option<i64>) -> i64 {
        if let Some(n) = n {
            self.walst.autockpt = n;
        }
        self.walst.autockpt
    }

    /// PRAGMA journal_size_limit for the log (-1 = none); `open_wal` copies
    /// the pager's setting into a log opened later.
    pub fn set_wal_size_limit(&mut self, n: i64) {
        if let Some(w) = self.walst.wal.as_mut() {
            w.size_limit = n;
        }
    }

    /// Switches the journal mode to WAL: the header of a database (already
    /// rewritten to version 2 by the caller) is opened in WAL mode now.
    pub fn enter_wal_mode(&mut self) -> Result<()> {
        if self.walst.wal.is_some() {
            return Ok(());
        }
        self.begin_read()?;
        let r = if self.walst.wal.is_some() { Ok(()) } else { Err(Error::new(codes::ERROR, "database is not in WAL format")) };
        self.end_read()?;
        r
    }

    /// Leaves WAL mode for `mode` (outside any transaction): needs
    /// EXCLUSIVE on the database (one try; BUSY otherwise), checkpoints,
    /// deletes the log and index. The caller then rewrites the header to
    /// version 1 while `no_wal` is set.
    pub fn leave_wal_mode(&mut self, mode: JournalMode) -> Result<()> {
        if self.walst.wal.is_none() {
            return Ok(());
        }
        if !self.lock.lock(&mut *self.file, LockLevel::Exclusive)? {
            self.lock.unlock(&mut *self.file, LockLevel::Shared)?;
            return Err(Error::busy());
        }
        self.close_wal(true)?;
        self.journal_mode = mode;
        self.walst.no_wal = true;
        Ok(())
    }

    /// Done rewriting the header out of WAL mode.
    pub fn left_wal_mode(&mut self) {
        self.walst.no_wal = false;
    }

    /// Checkpoints (if `have_exclusive`) and closes the WAL; the log and
    /// index are deleted when the checkpoint succeeded.
    fn close_wal(&mut self, have_exclusive: bool) -> Result<()> {
        let Some(mut w) = self.walst.wal.take() else { return Ok(()) };
        w.end_read();
        w.end_write();
        let mut delete = false;
        let mut result = Ok(());
        if have_exclusive && !self.read_only {
            let mut never = || false;
            let (ps, sync, lock_page) = (self.page_size, self.synchronous >= 1, self.lock_page());
            match w.checkpoint(&mut *self.file, CheckpointMode::Passive, ps, sync, lock_page, &mut never) {
                Ok(r) if !r.busy => delete = true,
                Ok(_) => result = Err(Error::busy()),
                Err(e) => result = Err(e),
            }
        }
        let c = w.close(delete);
        self.cache.clear();
        self.file_vers = None;
        result.and(c)
    }

    /// On drop: as sqlite3WalClose, checkpoint and delete the log when no
    /// other connection has the database open.
    pub(super) fn close_wal_on_drop(&mut self) {
        if self.walst.wal.is_none() {
            return;
        }
        let _ = self.wal_rollback();
        let excl = !self.read_only && self.lock.lock(&mut *self.file, LockLevel::Exclusive).unwrap_or(false);
        let _ = self.close_wal(excl);
        let _ = self.lock.unlock(&mut *self.file, LockLevel::None);
    }
}
