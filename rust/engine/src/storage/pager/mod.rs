//! The pager: page-granular access to the database file, the page cache,
//! transactions with SQLite's locking protocol, the rollback journal and
//! in-memory savepoints.
//!
//! ```text
//!            begin_read                 begin_write             commit
//!   NONE ------------------> READ ---------------------> WRITE ----------.
//!  (no lock)   SHARED lock,   (SHARED)  RESERVED lock      (RESERVED)      |
//!     ^        hot-journal                                                  |
//!     |        recovery, cache        first write of page P (P <= orig     |
//!     |        check (change          size): append P's original image    |
//!     |        counter)               to <db>-journal                      |
//!     |                                                                    |
//!     `---- journal sealed (sync, count, sync), PENDING -> EXCLUSIVE, -----'
//!           dirty pages written, db synced, journal deleted, unlock.
//!           rollback: drop dirty pages, or play the journal back if the db
//!           file was written (spill / failed commit), unlock.
//!
//!   Cache spill (inside WRITE, when the cache is full of dirty pages):
//!   seal the journal, try EXCLUSIVE once (no wait), write the dirty pages
//!   not in use, mark them clean; later journal records go to a new segment.
//!
//!   journal_mode (JournalMode): the end of a transaction deletes the
//!   journal (DELETE), truncates it to 0 (TRUNCATE) or zeroes its first 28
//!   bytes (PERSIST); MEMORY keeps it in a private in-memory file, OFF
//!   keeps none (the invariant below then does not hold: no atomicity).
//!
//!   journal_mode=WAL (header versions 2/2): the same states over the
//!   write-ahead log instead of a journal, see `wal_mode` (and
//!   storage/wal for the log and the wal-index); the invariants below
//!   about the journal are then replaced by the WAL's.
//!
//!   Not implemented: auto_vacuum pointer maps (such files are read-only),
//!   super-journals (multi-database commits).
//! ```
//!
//! Invariants:
//! - The database file is written only by `commit` or a cache spill, after
//!   the journal holds the original image of every page about to be
//!   overwritten and is sealed (synced, count written, synced), under
//!   EXCLUSIVE.
//! - A dirty page is never evicted. If the database file was not written in
//!   this transaction, `rollback` only drops dirty pages; otherwise (a spill,
//!   or a commit that failed midway) it plays the journal back.
//! - The lock page (the page holding byte 0x40000000) is never written.
//! - `db_size` is the size in pages as of the current transaction.
//! - Savepoint level k keeps the image of each page as it was when level k
//!   opened (recorded on the page's first write while k is the top level).

pub mod cache;
pub mod header;
pub mod journal;
pub mod wal_mode;

use crate::error::{codes, Error, Result};
use crate::vfs::lock::{LockLevel, LockState, PENDING_BYTE};
use crate::vfs::{FileKind, OpenOptions, SyncKind, Vfs, VfsFile};
use cache::{PageCache, PageRef};
use journal::JournalWriter;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// Transaction state of the pager.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PagerState {
    None,
    Read,
    Write,
}

/// SQLite's default busy handler schedule: sleep 1, 2, 5, 10, ... ms
/// between attempts until the timeout is used up.
#[derive(Default)]
struct BusyWait {
    waited: u32,
    step: usize,
}

impl BusyWait {
    /// Sleeps before the next attempt; false when the timeout is used up.
    fn wait(&mut self, vfs: &dyn Vfs, timeout_ms: u32) -> bool {
        const DELAYS: [u32; 12] = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100];
        if self.waited >= timeout_ms {
            return false;
        }
        let d = DELAYS[self.step.min(DELAYS.len() - 1)].min(timeout_ms - self.waited);
        self.step += 1;
        vfs.sleep(u64::from(d) * 1000);
        self.waited += d;
        true
    }
}

struct Savepoint {
    db_size: u32,
    images: HashMap<u32, Vec<u8>>,
}

pub struct Pager {
    vfs: Rc<dyn Vfs>,
    journal_path: String,
    wal_path: String,
    file: Box<dyn VfsFile>,
    lock: LockState,
    read_only: bool,
    page_size: u32,
    reserved: u8,
    db_size: u32,
    orig_size: u32,
    state: PagerState,
    cache: PageCache,
    cache_size: i64,
    journal: Option<JournalWriter>,
    journaled: HashSet<u32>,
    savepoints: Vec<Savepoint>,
    busy_timeout_ms: u32,
    /// Bytes 24..40 of the header as last seen (change counter .. freelist).
    file_vers: Option<[u8; 16]>,
    /// The database file was written by a commit that did not finish.
    db_dirty_on_disk: bool,
    /// The file header allows no writes (write version > 1).
    header_read_only: bool,
    journal_mode: JournalMode,
    /// PRAGMA synchronous as SQLite stores it minus one: 0 OFF (no syncs),
    /// 1 NORMAL (journal synced once before the database is written), 2
    /// FULL (journal synced before and after its record count is written),
    /// 3 EXTRA (FULL, and the directory synced after the journal is
    /// deleted); up to 6 can be set (4..6 behave as FULL).
    synchronous: u8,
    /// PRAGMA max_page_count: growing the file past it is SQLITE_FULL.
    max_page_count: u32,
    /// PRAGMA locking_mode=EXCLUSIVE: locks are kept when a transaction
    /// ends (SHARED after reads, EXCLUSIVE once a commit wrote), and a
    /// DELETE-mode journal is zeroed instead of deleted, as SQLite.
    exclusive: bool,
    /// WAL mode (see `wal_mode`).
    walst: wal_mode::WalState,
    /// PRAGMA cache_spill: whether dirty pages may be written before
    /// commit, and the cache size in pages past which they are (SQLite's
    /// szSpill; the cache limit when smaller).
    cache_spill: bool,
    spill_size: u32,
    /// PRAGMA journal_size_limit: a kept (PERSIST, or exclusive-mode
    /// DELETE) journal is cut to this many bytes at the end of a
    /// transaction; -1 = no limit.
    journal_size_limit: i64,
}

/// PRAGMA journal_mode. WAL is the write-ahead log (`wal_mode`); the
/// others are rollback-journal modes. DELETE removes the journal at the end of a transaction, TRUNCATE cuts
/// it to 0 bytes, PERSIST zeroes its first 28 bytes (a zero first byte is
/// never hot), MEMORY keeps it in memory (no crash safety), OFF keeps none
/// (ROLLBACK after pages reached the file cannot undo them, as in SQLite).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JournalMode {
    Delete,
    Persist,
    Off,
    Truncate,
    Memory,
    Wal,
}

impl JournalMode {
    pub fn name(self) -> &'static str {
        match self {
            JournalMode::Delete => "delete",
            JournalMode::Persist => "persist",
            JournalMode::Off => "off",
            JournalMode::Truncate => "truncate",
            JournalMode::Memory => "memory",
            JournalMode::Wal => "wal",
        }
    }

    /// The mode named `s` (any case); None for unknown names.
    pub fn parse(s: &str) -> Option<JournalMode> {
        match s.to_ascii_lowercase().as_str() {
            "delete" => Some(JournalMode::Delete),
            "persist" => Some(JournalMode::Persist),
            "off" => Some(JournalMode::Off),
            "truncate" => Some(JournalMode::Truncate),
            "memory" => Some(JournalMode::Memory),
            "wal" => Some(JournalMode::Wal),
            _ => None,
        }
    }
}

/// Bytes SQLite 3.46 (64-bit) counts per cached page on top of the page
/// itself when it turns a negative cache size (KiB) into pages for
/// PRAGMA cache_spill (szPage + szExtra in pcache.c; measured: 136).
pub const PAGE_OVERHEAD: i64 = 136;

fn cache_pages(cache_size: i64, page_size: u32) -> usize {
    if cache_size >= 0 {
        cache_size as usize
    } else {
        ((cache_size.unsigned_abs() * 1024) / u64::from(page_size)) as usize
    }
}

impl Pager {
    /// Opens the database file (creating it when allowed) and validates its
    /// header if it has one.
    pub fn open(vfs: Rc<dyn Vfs>, path: &str, read_only: bool, create: bool, page_size: u32, cache_size: i64) -> Result<Pager> {
        let opts = OpenOptions { read_only, create: create && !read_only, exclusive: false, kind: FileKind::MainDb };
        let file = vfs.open(path, opts)?;
        let page_size = if header::decode_page_size(if page_size == 65536 { 1 } else { page_size.min(65535) as u16 }).is_some() {
            page_size
        } else {
            4096
        };
        let mut p = Pager {
            vfs: vfs.clone(),
            journal_path: format!("{path}-journal"),
            wal_path: format!("{path}-wal"),
            file,
            lock: LockState::new(),
            read_only,
            page_size,
            reserved: 0,
            db_size: 0,
            orig_size: 0,
            state: PagerState::None,
            cache: PageCache::new(cache_pages(cache_size, page_size)),
            cache_size,
            journal: None,
            journaled: HashSet::new(),
            savepoints: Vec::new(),
            busy_timeout_ms: 0,
            file_vers: None,
            db_dirty_on_disk: false,
            header_read_only: false,
            journal_mode: JournalMode::Delete,
            synchronous: 2,
            max_page_count: 0xffff_fffe,
            exclusive: false,
            walst: wal_mode::WalState::new(path),
            cache_spill: true,
            spill_size: 1,
            journal_size_limit: -1,
        };
        // Validate what is there now; sizes are read at begin_read, after
        // any hot-journal recovery.
        if p.file.size()? > 0 {
            let mut h = [0u8; 100];
            p.file.read_at(&mut h, 0)?;
            match header::validate(&h) {
                Ok(info) => {
                    p.page_size = info.page_size;
                    p.reserved = info.reserved;
                    p.cache.set_limit(cache_pages(p.cache_size, p.page_size));
                }
                // A journal may restore a header torn by a crash: decide at
                // begin_read, after recovery.
                Err(_) if p.vfs.exists(&p.journal_path)? => {}
                Err(e) => return Err(e),
            }
        }
        Ok(p)
    }

    pub fn page_size(&self) -> u32 {
        self.page_size
    }

    /// Usable bytes per page (page size less reserved bytes).
    pub fn usable_size(&self) -> u32 {
        self.page_size - u32::from(self.reserved)
    }

    pub fn db_size(&self) -> u32 {
        self.db_size
    }

    pub fn state(&self) -> PagerState {
        self.state
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The page holding the PENDING byte; never used for data.
    pub fn lock_page(&self) -> u32 {
        (PENDING_BYTE / u64::from(self.page_size)) as u32 + 1
    }

    /// Changes the page size of a database that has no pages yet (outside
    /// a write transaction). Returns false (and changes nothing) otherwise.
    pub fn set_page_size(&mut self, page_size: u32) -> bool {
        let ok = (512..=65536).contains(&page_size) && page_size.is_power_of_two();
        if !ok || self.db_size != 0 || self.state == PagerState::Write {
            return false;
        }
        self.page_size = page_size;
        self.reserved = 0;
        self.cache.clear();
        self.cache.set_limit(cache_pages(self.cache_size, page_size));
        true
    }

    pub fn set_busy_timeout(&mut self, ms: u32) {
        self.busy_timeout_ms = ms;
    }

    /// PRAGMA cache_size as last set (negative = KiB).
    pub fn cache_size(&self) -> i64 {
        self.cache_size
    }

    /// PRAGMA max_page_count: `n` > 0 sets the limit to max(n, current
    /// size) as SQLite's OP_MaxPgcnt; returns the limit in force.
    pub fn max_page_count(&mut self, n: u32) -> u32 {
        if n > 0 {
            self.max_page_count = n.max(self.db_size);
        }
        self.max_page_count
    }

    pub fn set_cache_size(&mut self, cache_size: i64) {
        self.cache_size = cache_size;
        self.cache.set_limit(cache_pages(cache_size, self.page_size));
    }

    /// Reads and validates the header; sets page size and db size. Drops
    /// the cache when the file changed since it was last read.
    /// Returns the header's read version (0 for an empty file).
    fn read_header(&mut self) -> Result<u8> {
        let size = self.file.size()?;
        if size == 0 {
            self.db_size = 0;
            if self.file_vers.is_some() {
                self.cache.clear();
            }
            self.file_vers = None;
            return Ok(0);
        }
        let mut h = [0u8; 100];
        self.file.read_at(&mut h, 0)?;
        let info = header::validate(&h)?;
        let mut vers = [0u8; 16];
        vers.copy_from_slice(&h[24..40]);
        if self.file_vers != Some(vers) || info.page_size != self.page_size || info.reserved != self.reserved {
            self.cache.clear();
        }
        self.file_vers = Some(vers);
        self.page_size = info.page_size;
        self.reserved = info.reserved;
        // Write version 2 = WAL mode (opened by the caller); above 2: read only.
        self.header_read_only = info.write_version > 2;
        self.cache.set_limit(cache_pages(self.cache_size, self.page_size));
        let file_pages = size.div_ceil(u64::from(self.page_size)).min(u64::from(u32::MAX)) as u32;
        self.db_size = match info.db_size {
            // As SQLite: a header claiming more pages than the file has is corrupt.
            // In WAL mode the size comes from the log (checked in wal_mode).
            Some(n) if n > file_pages && info.read_version == 2 && !self.walst.no_wal => file_pages,
            Some(n) if n > file_pages => {
                return Err(Error::corrupt(format!("header size {n} pages > file size {file_pages} pages")));
            }
            Some(n) => n,
            None => file_pages,
        };
        Ok(info.read_version)
    }

    /// Takes lock `level`, retrying with sleeps until the busy timeout.
    fn lock_busy(&mut self, level: LockLevel) -> Result<()> {
        let mut busy = BusyWait::default();
        loop {
            if self.lock.lock(&mut *self.file, level)? {
                return Ok(());
            }
            if !busy.wait(&*self.vfs, self.busy_timeout_ms) {
                return Err(Error::busy());
            }
        }
    }

    /// Starts a read transaction (SHARED lock, hot-journal recovery, cache
    /// validation).
    pub fn begin_read(&mut self) -> Result<()> {
        if self.state != PagerState::None {
            return Ok(());
        }
        if self.walst.wal.is_some() {
            return self.wal_begin_read();
        }
        self.lock_busy(LockLevel::Shared)?;
        let r = self.recover_if_hot().and_then(|_| self.read_header()).and_then(|v| self.open_wal_if_needed(v));
        match r {
            Ok(true) => return self.wal_begin_read(),
            Ok(false) => {}
            Err(e) => {
                let _ = self.lock.unlock(&mut *self.file, LockLevel::None);
                return Err(e);
            }
        }
        self.state = PagerState::Read;
        Ok(())
    }

    /// True if `<db>-journal` is hot: present, non-empty, first byte not
    /// zero and no connection holds RESERVED.
    fn journal_is_hot(&mut self) -> Result<bool> {
        if !self.vfs.exists(&self.journal_path)? {
            return Ok(false);
        }
        if self.lock.check_reserved(&mut *self.file)? {
            return Ok(false);
        }
        let opts = OpenOptions { read_only: true, create: false, exclusive: false, kind: FileKind::MainJournal };
        let mut j = match self.vfs.open(&self.journal_path, opts) {
            Ok(j) => j,
            Err(_) => return Ok(false),
        };
        if j.size()? == 0 {
            return Ok(false);
        }
        let mut b = [0u8; 1];
        j.read_at(&mut b, 0)?;
        Ok(b[0] != 0)
    }

    fn recover_if_hot(&mut self) -> Result<()> {
        if !self.journal_is_hot()? {
            return Ok(());
        }
        if self.read_only {
            return Err(Error::new(codes::READONLY_ROLLBACK, "attempt to write a readonly database"));
        }
        // SHARED -> EXCLUSIVE (through PENDING); other readers must leave.
        if let Err(e) = self.lock_busy(LockLevel::Exclusive) {
            self.lock.unlock(&mut *self.file, LockLevel::Shared)?;
            return Err(e);
        }
        let r = self.playback_journal();
        self.cache.clear();
        self.file_vers = None;
        self.lock.unlock(&mut *self.file, LockLevel::Shared)?;
        r
    }

    /// Plays back `<db>-journal` (caller holds EXCLUSIVE) and deletes it.
    fn playback_journal(&mut self) -> Result<()> {
        if !self.vfs.exists(&self.journal_path)? {
            return Ok(());
        }
        let opts = OpenOptions { read_only: false, create: false, exclusive: false, kind: FileKind::MainJournal };
        let mut j = self.vfs.open(&self.journal_path, opts)?;
        journal::playback(&mut *j, &mut *self.file)?;
        drop(j);
        self.finish_journal()
    }

    fn delete_journal(&mut self) -> Result<()> {
        self.journal = None;
        match self.vfs.delete(&self.journal_path, self.synchronous == 3) {
            Ok(()) => Ok(()),
            Err(e) if e.code == codes::IOERR_DELETE_NOENT => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Upgrades to a write transaction (RESERVED lock).
    pub fn begin_write(&mut self) -> Result<()> {
        if self.state == PagerState::Write {
            return Ok(());
        }
        if self.walst.wal.is_some() {
            return self.wal_begin_write();
        }
        if self.read_only || self.header_read_only {
            return Err(Error::new(codes::READONLY, "attempt to write a readonly database"));
        }
        if self.state == PagerState::None {
            // As SQLite: do not keep SHARED while waiting for RESERVED (a
            // writer waiting for EXCLUSIVE would wait for us meanwhile).
            let mut busy = BusyWait::default();
            loop {
                self.begin_read()?;
                if self.walst.wal.is_some() {
                    // The database turned out to be in WAL mode.
                    self.end_read()?;
                    return self.wal_begin_write();
                }
                if self.header_read_only {
                    self.end_read()?;
                    return Err(Error::new(codes::READONLY, "attempt to write a readonly database"));
                }
                if self.lock.lock(&mut *self.file, LockLevel::Reserved)? {
                    break;
                }
                self.end_read()?;
                if !busy.wait(&*self.vfs, self.busy_timeout_ms) {
                    return Err(Error::busy());
                }
            }
        } else {
            if self.header_read_only {
                return Err(Error::new(codes::READONLY, "attempt to write a readonly database"));
            }
            self.lock_busy(LockLevel::Reserved)?;
        }
        self.orig_size = self.db_size;
        self.state = PagerState::Write;
        self.journaled.clear();
        self.db_dirty_on_disk = false;
        Ok(())
    }

    /// Gives up a write transaction that has changed nothing yet and goes
    /// back to a read transaction (RESERVED dropped, SHARED kept).
    pub fn abandon_write(&mut self) -> Result<()> {
        if self.state != PagerState::Write {
            return Ok(());
        }
        if self.walst.wal.is_some() {
            return self.wal_abandon_write();
        }
        if !self.cache.dirty_pages().is_empty() || self.journal.is_some() {
            return self.rollback();
        }
        self.lock.unlock(&mut *self.file, LockLevel::Shared)?;
        self.state = PagerState::Read;
        Ok(())
    }

    fn end_read(&mut self) -> Result<()> {
        if self.walst.wal.is_some() {
            self.wal_end_read();
            return Ok(());
        }
        self.savepoints.clear();
        self.state = PagerState::None;
        if self.exclusive {
            return Ok(());
        }
        self.lock.unlock(&mut *self.file, LockLevel::None)
    }

    /// PRAGMA locking_mode: sets EXCLUSIVE (true) or NORMAL when given;
    /// returns the mode in force. Back in NORMAL, locks still held are
    /// released when the next transaction ends.
    pub fn locking_mode(&mut self, exclusive: Option<bool>) -> bool {
        if let Some(e) = exclusive {
            self.exclusive = e;
        }
        self.exclusive
    }

    /// Reads page `pgno` (1-based) through the cache.
    pub fn get(&mut self, pgno: u32) -> Result<PageRef> {
        if let Some(p) = self.cache.get(pgno) {
            return Ok(p);
        }
        if pgno == 0 || pgno > self.db_size {
            return Err(Error::corrupt(format!("page {pgno} out of range (size {})", self.db_size)));
        }
        if self.state == PagerState::None {
            return Err(Error::misuse("page read outside a transaction"));
        }
        let mut buf = vec![0u8; self.page_size as usize];
        let frame = match self.walst.wal.as_mut() {
            Some(w) => w.find_frame(pgno)?,
            None => 0,
        };
        if frame > 0 {
            if let Some(w) = self.walst.wal.as_mut() {
                w.read_frame(frame, &mut buf)?;
            }
        } else {
            self.file.read_at(&mut buf, u64::from(pgno - 1) * u64::from(self.page_size))?;
        }
        let p = Rc::new(RefCell::new(buf));
        self.cache.insert(pgno, p.clone(), false);
        Ok(p)
    }

    /// Makes page `pgno` writable: journals its original image, records it
    /// for the open savepoint, marks it dirty.
    pub fn write(&mut self, pgno: u32) -> Result<PageRef> {
        if self.state != PagerState::Write {
            return Err(Error::misuse("page write outside a write transaction"));
        }
        let page = self.get(pgno)?;
        if pgno <= self.orig_size && !self.journaled.contains(&pgno) && self.walst.wal.is_none() {
            if self.journal.is_none() {
                self.open_journal()?;
            }
            if let Some(j) = self.journal.as_mut() {
                j.append(pgno, &page.borrow())?;
            }
            self.journaled.insert(pgno);
        }
        if let Some(sp) = self.savepoints.last_mut() {
            if pgno <= sp.db_size && !sp.images.contains_key(&pgno) {
                sp.images.insert(pgno, page.borrow().clone());
            }
        }
        self.cache.set_dirty(pgno);
        self.maybe_spill()?;
        Ok(page)
    }

    /// When the cache is over its limit with mostly dirty pages, writes the
    /// dirty pages to the database file (sealing the journal first and
    /// taking EXCLUSIVE, without waiting) so they can be evicted. If the
    /// lock is not available now, the cache just grows.
    fn maybe_spill(&mut self) -> Result<()> {
        if !self.cache.take_spill_wanted() || self.state != PagerState::Write || self.walst.wal.is_some() || !self.cache_spill {
            return Ok(());
        }
        if self.cache.len() <= self.spill_size as usize {
            return Ok(());
        }
        if self.journal.is_none() {
            self.open_journal()?;
        }
        if let Some(j) = self.journal.as_mut() {
            j.seal(self.synchronous)?;
        }
        if !self.lock.lock(&mut *self.file, LockLevel::Exclusive)? {
            return Ok(());
        }
        self.db_dirty_on_disk = true;
        let ps = u64::from(self.page_size);
        let lock_page = self.lock_page();
        for pgno in self.cache.dirty_pages() {
            if pgno > self.db_size || pgno == lock_page {
                continue;
            }
            let Some(p) = self.cache.get(pgno) else { continue };
            // A page someone still holds (the cache and `p` aside) may be
            // modified further without another `write`: keep it dirty.
            if Rc::strong_count(&p) > 2 {
                continue;
            }
            let Ok(d) = p.try_borrow() else { continue };
            self.file.write_at(&d, u64::from(pgno - 1) * ps)?;
            drop(d);
            self.cache.mark_clean(pgno);
        }
        Ok(())
    }

    fn open_journal(&mut self) -> Result<()> {
        self.journal = match self.journal_mode {
            JournalMode::Off => None,
            JournalMode::Memory => {
                let mem = crate::vfs::memory::MemoryVfs::new();
                Some(JournalWriter::create(&mem, "journal", self.orig_size, self.page_size)?)
            }
            _ => Some(JournalWriter::create(&*self.vfs, &self.journal_path, self.orig_size, self.page_size)?),
        };
        Ok(())
    }

    /// PRAGMA synchronous (SQLite's level minus one, see the field).
    pub fn synchronous(&self) -> u8 {
        self.synchronous
    }

    pub fn set_synchronous(&mut self, level: u8) {
        self.synchronous = level.min(6);
    }

    pub fn journal_mode(&self) -> JournalMode {
        self.journal_mode
    }

    /// Changes the journal mode unless the write transaction has already
    /// journaled something (then the mode stays, as SQLite's pager does);
    /// returns the mode now in force. Leaving TRUNCATE or PERSIST for a
    /// mode that keeps no journal file deletes the leftover file (under
    /// RESERVED; if another connection holds it the file stays).
    pub fn set_journal_mode(&mut self, mode: JournalMode) -> Result<JournalMode> {
        let old = self.journal_mode;
        // Into and out of WAL: enter_wal_mode / leave_wal_mode.
        if mode == old || self.read_only || mode == JournalMode::Wal || old == JournalMode::Wal {
            return Ok(old);
        }
        if self.state == PagerState::Write && (self.journal.is_some() || !self.cache.dirty_pages().is_empty()) {
            return Ok(old);
        }
        self.journal_mode = mode;
        let leftover = matches!(old, JournalMode::Truncate | JournalMode::Persist);
        let keeps_none = matches!(mode, JournalMode::Delete | JournalMode::Off | JournalMode::Memory);
        if leftover && keeps_none {
            self.journal = None;
            match self.state {
                PagerState::Write => self.delete_journal()?,
                PagerState::Read => {
                    if self.lock.lock(&mut *self.file, LockLevel::Reserved)? {
                        let r = self.delete_journal();
                        self.lock.unlock(&mut *self.file, LockLevel::Shared)?;
                        r?;
                    }
                }
                PagerState::None => {
                    self.begin_read()?;
                    let r = if self.lock.lock(&mut *self.file, LockLevel::Reserved)? { self.delete_journal() } else { Ok(()) };
                    let e = self.end_read();
                    r?;
                    e?;
                }
            }
        }
        Ok(mode)
    }

    /// Ends the journal's life at the end of a transaction, per journal
    /// mode: DELETE removes the file, TRUNCATE cuts it to 0 bytes, PERSIST
    /// zeroes its header (28 bytes); MEMORY/OFF just drop it. Acts on the
    /// file even when this transaction's writer is gone (failed creation,
    /// playback).
    fn finish_journal(&mut self) -> Result<()> {
        self.journal = None;
        match self.journal_mode {
            JournalMode::Delete if !self.exclusive => self.delete_journal(),
            JournalMode::Memory | JournalMode::Off | JournalMode::Wal => Ok(()),
            JournalMode::Truncate | JournalMode::Persist | JournalMode::Delete => {
                if !self.vfs.exists(&self.journal_path)? {
                    return Ok(());
                }
                let opts = OpenOptions { read_only: false, create: false, exclusive: false, kind: FileKind::MainJournal };
                let mut j = self.vfs.open(&self.journal_path, opts)?;
                // As SQLite: TRUNCATE syncs under FULL, PERSIST (and
                // DELETE in exclusive locking mode) unless OFF.
                let sync = if self.journal_mode == JournalMode::Truncate {
                    j.truncate(0)?;
                    self.synchronous >= 2
                } else if self.journal_size_limit == 0 {
                    j.truncate(0)?;
                    self.synchronous >= 1
                } else {
                    if j.size()? > 0 {
                        j.write_at(&[0u8; 28], 0)?;
                    }
                    self.synchronous >= 1
                };
                if sync {
                    j.sync(SyncKind::Full)?;
                }
                // As SQLite's zeroJournalHdr: a kept journal longer than
                // journal_size_limit is cut to it.
                if self.journal_mode != JournalMode::Truncate && self.journal_size_limit > 0 && j.size()? > self.journal_size_limit as u64 {
                    j.truncate(self.journal_size_limit as u64)?;
                }
                Ok(())
            }
        }
    }

    /// Appends a new zeroed page at the end of the file (skipping the lock
    /// page) and returns its number; the page is dirty.
    pub fn append_page(&mut self) -> Result<u32> {
        if self.state != PagerState::Write {
            return Err(Error::misuse("page allocation outside a write transaction"));
        }
        let mut pgno = self.db_size + 1;
        if pgno == self.lock_page() {
            pgno += 1;
        }
        if self.db_size >= 0x7fff_fffe || pgno > self.max_page_count {
            return Err(Error::new(codes::FULL, "database or disk is full"));
        }
        self.db_size = pgno;
        let p = Rc::new(RefCell::new(vec![0u8; self.page_size as usize]));
        self.cache.insert(pgno, p, true);
        self.maybe_spill()?;
        Ok(pgno)
    }

    /// PRAGMA cache_spill: `set` = Some((on, size)) sets the flag and, when
    /// size != 0, the spill threshold (negative = KiB, with SQLite's
    /// per-page overhead `PAGE_OVERHEAD`). Returns 0 when off, else the
    /// larger of the cache size and the threshold, in pages.
    pub fn cache_spill(&mut self, set: Option<(bool, i64)>) -> i64 {
        let pages = |n: i64, ps: u32| -> i64 {
            if n >= 0 {
                n
            } else {
                (-1024 * n) / (i64::from(ps) + PAGE_OVERHEAD)
            }
        };
        if let Some((on, size)) = set {
            self.cache_spill = on;
            if size != 0 {
                self.spill_size = pages(size, self.page_size).clamp(0, i64::from(u32::MAX)) as u32;
            }
            return 0;
        }
        if !self.cache_spill {
            return 0;
        }
        pages(self.cache_size, self.page_size).max(i64::from(self.spill_size))
    }

    /// PRAGMA journal_size_limit: sets it when `limit` >= -1; returns it.
    pub fn journal_size_limit(&mut self, limit: Option<i64>) -> i64 {
        if let Some(l) = limit {
            if l >= -1 {
                self.journal_size_limit = l;
                self.set_wal_size_limit(l);
            }
        }
        self.journal_size_limit
    }

    /// Shrinks the database image to `n` pages (auto_vacuum). Pages past
    /// `n` that existed when the transaction began are journaled first, so
    /// a rollback or hot-journal recovery restores them; commit then cuts
    /// the file.
    pub fn truncate_image(&mut self, n: u32) -> Result<()> {
        if self.state != PagerState::Write {
            return Err(Error::misuse("truncate outside a write transaction"));
        }
        let lock_page = self.lock_page();
        for pgno in n + 1..=self.db_size.min(self.orig_size) {
            if pgno != lock_page && !self.journaled.contains(&pgno) {
                self.write(pgno)?;
            }
        }
        self.db_size = n.min(self.db_size);
        self.cache.truncate(self.db_size);
        Ok(())
    }

    /// Commits the write transaction (see the module diagram) and releases
    /// all locks. BUSY leaves the transaction open.
    pub fn commit(&mut self) -> Result<()> {
        match self.state {
            PagerState::None => return Ok(()),
            PagerState::Read => return self.end_read(),
            PagerState::Write => {}
        }
        if self.walst.wal.is_some() {
            return self.wal_commit();
        }
        let dirty = self.cache.dirty_pages();
        // A spill may have written every change already: still stamp page 1.
        if !dirty.is_empty() || self.db_dirty_on_disk {
            if self.db_size > 0 {
                let p1 = self.write(1)?;
                header::stamp_commit(&mut p1.borrow_mut(), self.db_size);
            }
            if self.journal.is_none() {
                self.open_journal()?;
            }
            if let Some(j) = self.journal.as_mut() {
                j.seal(self.synchronous)?;
            }
            self.lock_busy(LockLevel::Exclusive)?;
            self.db_dirty_on_disk = true;
            let ps = u64::from(self.page_size);
            let lock_page = self.lock_page();
            for pgno in self.cache.dirty_pages() {
                if pgno > self.db_size || pgno == lock_page {
                    continue;
                }
                if let Some(p) = self.cache.get(pgno) {
                    self.file.write_at(&p.borrow(), u64::from(pgno - 1) * ps)?;
                }
            }
            if self.file.size()? > u64::from(self.db_size) * ps {
                self.file.truncate(u64::from(self.db_size) * ps)?;
            }
            if self.synchronous > 0 {
                self.file.sync(SyncKind::Full)?;
            }
            self.finish_journal()?;
            self.db_dirty_on_disk = false;
            self.cache.mark_all_clean();
            if let Some(p1) = self.cache.get(1) {
                let mut v = [0u8; 16];
                v.copy_from_slice(&p1.borrow()[24..40]);
                self.file_vers = Some(v);
            }
        } else if self.journal.is_some() {
            self.finish_journal()?;
        }
        self.journaled.clear();
        self.end_read()
    }

    /// Rolls back the transaction and releases all locks.
    pub fn rollback(&mut self) -> Result<()> {
        if self.walst.wal.is_some() {
            return self.wal_rollback();
        }
        let mut result = Ok(());
        if self.state == PagerState::Write {
            self.cache.discard_dirty();
            self.db_size = self.orig_size;
            if self.db_dirty_on_disk {
                // A commit wrote part of the database: restore from the
                // journal (MEMORY: the in-memory one; OFF: none, the
                // written pages stay, as in SQLite).
                let mem = self.journal.take();
                result = self.lock_busy(LockLevel::Exclusive).and_then(|_| match self.journal_mode {
                    JournalMode::Off => Ok(()),
                    JournalMode::Memory => match mem {
                        Some(mut j) => journal::playback(j.file_mut(), &mut *self.file).map(|_| ()),
                        None => Ok(()),
                    },
                    _ => self.playback_journal(),
                });
                self.cache.clear();
                self.file_vers = None;
                self.db_dirty_on_disk = false;
            } else {
                // Delete the journal even if creating it failed halfway
                // (we hold RESERVED: no other writer can own it).
                result = self.finish_journal();
            }
            self.journaled.clear();
        }
        if self.state != PagerState::None {
            let r = self.end_read();
            if result.is_ok() {
                result = r;
            }
        }
        result
    }

    /// Opens savepoint level `depth` (1-based).
    pub fn savepoint(&mut self, depth: usize) -> Result<()> {
        if depth == 0 {
            return Err(Error::misuse("savepoint depth 0"));
        }
        if self.savepoints.len() >= depth {
            self.release(depth)?;
        }
        while self.savepoints.len() < depth {
            self.savepoints.push(Savepoint { db_size: self.db_size, images: HashMap::new() });
        }
        Ok(())
    }

    /// Keeps the changes of levels >= depth and closes them.
    pub fn release(&mut self, depth: usize) -> Result<()> {
        if depth == 0 || depth > self.savepoints.len() {
            return Ok(());
        }
        let closed: Vec<Savepoint> = self.savepoints.drain(depth - 1..).collect();
        if let Some(outer) = self.savepoints.last_mut() {
            for sp in closed {
                for (pgno, img) in sp.images {
                    if pgno <= outer.db_size {
                        outer.images.entry(pgno).or_insert(img);
                    }
                }
            }
        }
        Ok(())
    }

    /// Undoes every change made since level `depth` opened; the level stays open.
    pub fn rollback_to(&mut self, depth: usize) -> Result<()> {
        if depth == 0 || depth > self.savepoints.len() {
            return Ok(());
        }
        while self.savepoints.len() >= depth {
            let sp = match self.savepoints.pop() {
                Some(sp) => sp,
                None => break,
            };
            for (pgno, img) in sp.images {
                match self.cache.get(pgno) {
                    Some(p) => {
                        *p.borrow_mut() = img;
                        self.cache.set_dirty(pgno);
                    }
                    // Spilled and evicted: the restored image is dirty again.
                    None => self.cache.insert(pgno, Rc::new(RefCell::new(img)), true),
                }
            }
            self.db_size = sp.db_size;
        }
        self.cache.truncate(self.db_size);
        self.savepoints.push(Savepoint { db_size: self.db_size, images: HashMap::new() });
        Ok(())
    }
}

impl Drop for Pager {
    fn drop(&mut self) {
        self.close_wal_on_drop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page holding the PENDING byte is skipped by allocation and never
    /// written, even when the file grows past 1 GiB (sparse on disk).
    #[cfg(unix)]
    #[test]
    fn lock_page_is_skipped_and_never_written() {
        let mut dir = std::env::temp_dir();
        dir.push(format!("ferrolite-lockpage-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("l.db").to_string_lossy().into_owned();
        let vfs: Rc<dyn Vfs> = Rc::new(crate::vfs::unix::UnixVfs::new());
        let mut p = Pager::open(vfs, &path, false, true, 65536, -2000).unwrap();
        p.begin_write().unwrap();
        let first = p.append_page().unwrap();
        assert_eq!(first, 1);
        {
            let pg = p.write(1).unwrap();
            header::init_new(&mut pg.borrow_mut(), 65536);
        }
        let lock_page = p.lock_page();
        assert_eq!(lock_page, 16385);
        // Pretend the database already reaches the page before the lock page.
        p.db_size = lock_page - 1;
        let next = p.append_page().unwrap();
        assert_eq!(next, lock_page + 1);
        p.write(next).unwrap().borrow_mut().fill(0xAB);
        p.commit().unwrap();
        let mut f = std::fs::File::open(&path).unwrap();
        let len = f.metadata().unwrap().len();
        assert_eq!(len, u64::from(lock_page + 1) * 65536);
        use std::io::{Read, Seek, SeekFrom};
        let mut buf = vec![0u8; 65536];
        f.seek(SeekFrom::Start(u64::from(lock_page - 1) * 65536)).unwrap();
        f.read_exact(&mut buf).unwrap();
        assert!(buf.iter().all(|&b| b == 0), "lock page was written");
        f.read_exact(&mut buf).unwrap();
        assert!(buf.iter().all(|&b| b == 0xAB));
        drop(f);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
