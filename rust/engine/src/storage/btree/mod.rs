//! The b-tree layer: table (intkey) and index b-trees over the pager, in
//! SQLite's on-disk format.
//!
//! Files: `page` (page layout, cells, in-place edits), `overflow` (chains),
//! `freelist`, `balance` (split / merge / root deeper and shallower),
//! `cursor` (navigation, seek, insert, delete), `integrity`.
//!
//! Invariants:
//! - Every tree keeps all leaves at one depth; a non-root page always has at
//!   least one cell (a page left less than a third full is merged with or
//!   refilled from a sibling); root page numbers never change (a full root
//!   moves its content to a new child; an interior root with no cells takes
//!   its only child's content back when it fits, which on page 1, with its
//!   100-byte header, it may not: such a root stays a cell-less interior
//!   page, as SQLite allows).
//! - auto_vacuum files (header offset 52 non-zero; `av`) keep their
//!   pointer map exact on every allocation, free and cell/child move
//!   (`ptrmap`, `autovacuum`).
//! - WAL mode is the pager's; `wal` switches to it.
//! - `generation` changes whenever any tree content changes; cursors compare
//!   it with the value they saw and re-seek to their saved key when it moved.
//! - Page numbers read from disk are validated before use; tree descent is
//!   bounded by `MAX_DEPTH`.

mod autovacuum;
mod balance;
mod cursor;
mod freelist;
mod integrity;
mod overflow;
pub mod page;
mod pragmas;
mod ptrmap;
mod vacuum;
mod wal;

pub use cursor::BtCursor;

use crate::error::{Error, Result};
use crate::storage::pager::header;
use crate::storage::pager::{Pager, PagerState};
use crate::storage::varint::{get_u32, put_u32};
use crate::vfs::Vfs;
use page::{init_page, parse_cell, parse_header, PT_LEAF_INDEX, PT_LEAF_TABLE};
use std::rc::Rc;

/// Deepest tree we accept (SQLite uses 20).
pub(crate) const MAX_DEPTH: usize = 40;

/// What kind of b-tree a root page holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TreeKind {
    /// Rowid table: integer keys, record payloads in leaves (intkey).
    Table,
    /// Index (also WITHOUT ROWID tables): record keys, no data.
    Index,
}

/// Meta values of the database header (offsets 40.. in page 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Meta {
    SchemaCookie,      // offset 40
    SchemaFormat,      // offset 44
    DefaultCacheSize,  // offset 48
    LargestRootPage,   // offset 52 (auto_vacuum)
    TextEncoding,      // offset 56 (1 = UTF-8)
    UserVersion,       // offset 60
    IncrementalVacuum, // offset 64
    ApplicationId,     // offset 68
}

impl Meta {
    fn offset(self) -> usize {
        match self {
            Meta::SchemaCookie => 40,
            Meta::SchemaFormat => 44,
            Meta::DefaultCacheSize => 48,
            Meta::LargestRootPage => 52,
            Meta::TextEncoding => 56,
            Meta::UserVersion => 60,
            Meta::IncrementalVacuum => 64,
            Meta::ApplicationId => 68,
        }
    }
}

/// Options for opening a database file.
#[derive(Clone, Debug)]
pub struct BtreeOptions {
    pub read_only: bool,
    pub create: bool,
    /// Page size used when the file is created (default 4096).
    pub page_size: u32,
    /// cache_size as in the pragma: negative = KiB, positive = pages.
    pub cache_size: i64,
}

impl Default for BtreeOptions {
    fn default() -> Self {
        BtreeOptions { read_only: false, create: true, page_size: 4096, cache_size: -2000 }
    }
}

/// Transaction state of the b-tree (and its pager).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxnState {
    None,
    Read,
    Write,
}

/// Result of a seek.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeekResult {
    /// Positioned on an entry equal to the key.
    Found,
    /// Positioned on an entry before/after where the key would go, or
    /// `Empty` if the tree has no entries.
    NotFound,
    Empty,
}

/// Comparison used by `seek_index`: position on the first entry `op` the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeekOp {
    /// first entry >= key (in key order)
    Ge,
    /// first entry > key
    Gt,
    /// last entry <= key
    Le,
    /// last entry < key
    Lt,
}

/// An open database file.
pub struct Btree {
    pub(crate) pager: Pager,
    pub(crate) generation: u64,
    /// The open file is an auto_vacuum file (refreshed at begin_write).
    pub(crate) av: bool,
    /// auto_vacuum mode a new database gets with page 1 (0/1/2).
    pub(crate) new_av: u8,
    /// Last mode asked for by PRAGMA auto_vacuum (VACUUM applies it).
    pub(crate) next_av: Option<u8>,
    /// PRAGMA secure_delete: 0 off, 1 on (freed pages and cells zeroed),
    /// 2 FAST (cells zeroed within b-tree pages only).
    pub(crate) secure_delete: u8,
}

impl Btree {
    /// Opens or creates the database at `path`. Does not lock or read yet
    /// beyond what is needed to validate that it is a database.
    pub fn open(vfs: Rc<dyn Vfs>, path: &str, opts: BtreeOptions) -> Result<Btree> {
        let pager = Pager::open(vfs, path, opts.read_only, opts.create, opts.page_size, opts.cache_size)?;
        Ok(Btree { pager, generation: 1, av: false, new_av: 0, next_av: None, secure_delete: 0 })
    }

    /// Starts a read transaction: SHARED lock, hot-journal recovery, cache
    /// invalidation if the file change counter moved. BUSY if locked out.
    pub fn begin_read(&mut self) -> Result<()> {
        if self.pager.state() == PagerState::None {
            self.generation += 1;
        }
        self.pager.begin_read()
    }

    /// Upgrades to a write transaction: RESERVED lock, opens the journal.
    /// Starts a read transaction first if none. BUSY if another writer.
    pub fn begin_write(&mut self) -> Result<()> {
        let had_txn = self.pager.state() != PagerState::None;
        if !had_txn {
            self.generation += 1;
        }
        self.pager.begin_write()?;
        if self.pager.db_size() == 0 {
            // A new database: page 1 holds the header and the empty schema table.
            let pgno = self.pager.append_page()?;
            debug_assert_eq!(pgno, 1);
            let usable = self.pager.usable_size() as usize;
            let ps = self.pager.page_size();
            let p = self.pager.write(1)?;
            let mut d = p.borrow_mut();
            header::init_new(&mut d, ps);
            init_page(&mut d, 1, PT_LEAF_TABLE, usable);
            put_u32(&mut d, Meta::LargestRootPage.offset(), u32::from(self.new_av != 0));
            put_u32(&mut d, Meta::IncrementalVacuum.offset(), u32::from(self.new_av == 2));
        }
        self.av = self.read_av_flags()?.0;
        Ok(())
    }

    /// Commits (journal sync, db write, EXCLUSIVE via PENDING, journal
    /// finalize) and drops to no transaction (locks released). BUSY if
    /// readers keep the PENDING->EXCLUSIVE step from completing; the
    /// transaction stays open then and commit may be retried.
    pub fn commit(&mut self) -> Result<()> {
        if self.pager.state() == PagerState::Write {
            self.autovacuum_commit()?;
        }
        self.pager.commit()
    }

    /// Rolls back any write transaction and releases all locks.
    pub fn rollback(&mut self) -> Result<()> {
        self.generation += 1;
        self.pager.rollback()
    }

    pub fn txn_state(&self) -> TxnState {
        match self.pager.state() {
            PagerState::None => TxnState::None,
            PagerState::Read => TxnState::Read,
            PagerState::Write => TxnState::Write,
        }
    }

    /// Savepoints over the page store for statement rollback: `savepoint`
    /// opens level n (1-based depth), `release(n)` keeps changes and drops
    /// levels >= n, `rollback_to(n)` undoes changes since level n opened
    /// (level n stays open).
    pub fn savepoint(&mut self, depth: usize) -> Result<()> {
        self.pager.savepoint(depth)
    }
    pub fn release(&mut self, depth: usize) -> Result<()> {
        self.pager.release(depth)
    }
    pub fn rollback_to(&mut self, depth: usize) -> Result<()> {
        self.generation += 1;
        self.pager.rollback_to(depth)
    }

    fn require_write(&self) -> Result<()> {
        if self.pager.state() != PagerState::Write {
            return Err(Error::misuse("b-tree write outside a write transaction"));
        }
        Ok(())
    }

    /// Allocates a new empty b-tree root page; requires a write txn.
    pub fn create_tree(&mut self, kind: TreeKind) -> Result<u32> {
        self.require_write()?;
        let pgno = if self.av { self.allocate_root_av()? } else { self.allocate_page()? };
        let usable = self.pager.usable_size() as usize;
        let p = self.pager.write(pgno)?;
        let ptype = if kind == TreeKind::Table { PT_LEAF_TABLE } else { PT_LEAF_INDEX };
        init_page(&mut p.borrow_mut(), pgno, ptype, usable);
        self.generation += 1;
        Ok(pgno)
    }

    /// Frees every page of the tree rooted at `root` (root included).
    pub fn drop_tree(&mut self, root: u32) -> Result<()> {
        self.require_write()?;
        if root < 2 {
            return Err(Error::misuse("cannot drop the schema table"));
        }
        self.clear_tree(root)?;
        if self.av {
            self.free_root_av(root)?;
        } else {
            self.free_page(root)?;
        }
        self.generation += 1;
        Ok(())
    }

    /// Deletes every entry of the tree; the root page stays.
    pub fn clear_tree(&mut self, root: u32) -> Result<()> {
        self.require_write()?;
        let mut budget = self.pager.db_size() as usize + 1;
        let intkey = {
            let p = self.pager.get(root)?;
            let d = p.borrow();
            parse_header(&d, root, self.pager.usable_size() as usize)?.intkey
        };
        self.clear_page(root, 0, &mut budget, false)?;
        let usable = self.pager.usable_size() as usize;
        let p = self.pager.write(root)?;
        init_page(&mut p.borrow_mut(), root, if intkey { PT_LEAF_TABLE } else { PT_LEAF_INDEX }, usable);
        self.generation += 1;
        Ok(())
    }

    fn clear_page(&mut self, pgno: u32, depth: usize, budget: &mut usize, free_self: bool) -> Result<()> {
        if depth > MAX_DEPTH || *budget == 0 {
            return Err(Error::corrupt(format!("tree too deep or cyclic at page {pgno}")));
        }
        *budget -= 1;
        if pgno < 1 || pgno > self.pager.db_size() {
            return Err(Error::corrupt(format!("child page {pgno} out of range")));
        }
        let usable = self.pager.usable_size() as usize;
        let (cells, children) = {
            let p = self.pager.get(pgno)?;
            let d = p.borrow();
            let h = parse_header(&d, pgno, usable)?;
            let mut cells = Vec::with_capacity(h.ncells);
            let mut children = Vec::new();
            for i in 0..h.ncells {
                let c = parse_cell(&d, &h, i)?;
                if !h.leaf {
                    children.push(c.left_child);
                }
                cells.push(c);
            }
            if !h.leaf {
                children.push(h.right);
            }
            (cells, children)
        };
        for c in &cells {
            self.free_cell_overflow(c)?;
        }
        for ch in children {
            self.clear_page(ch, depth + 1, budget, true)?;
        }
        if free_self {
            self.free_page(pgno)?;
        }
        Ok(())
    }

    pub fn get_meta(&mut self, m: Meta) -> Result<u32> {
        if self.pager.state() == PagerState::None {
            return Err(Error::misuse("get_meta outside a transaction"));
        }
        if self.pager.db_size() == 0 {
            return Ok(0);
        }
        let p = self.pager.get(1)?;
        let d = p.borrow();
        Ok(get_u32(&d, m.offset()))
    }

    pub fn set_meta(&mut self, m: Meta, v: u32) -> Result<()> {
        self.require_write()?;
        let p = self.pager.write(1)?;
        put_u32(&mut p.borrow_mut(), m.offset(), v);
        Ok(())
    }

    pub fn page_size(&self) -> u32 {
        self.pager.page_size()
    }

    /// Number of pages in the database (header field, valid inside a txn).
    pub fn page_count(&mut self) -> Result<u32> {
        Ok(self.pager.db_size())
    }

    /// Sets the busy handler timeout used when a lock cannot be taken
    /// (0 = return BUSY at once). Sleeps through `Vfs::sleep`.
    pub fn set_busy_timeout(&mut self, ms: u32) {
        self.pager.set_busy_timeout(ms);
    }

    /// Sets the page size of a database that has no pages yet (PRAGMA
    /// page_size before the first write); false when it cannot change.
    pub fn set_page_size(&mut self, page_size: u32) -> bool {
        self.pager.set_page_size(page_size)
    }

    /// PRAGMA journal_mode: sets the mode named `mode` when given (unknown
    /// names and "wal" change nothing) and returns the mode in force.
    pub fn journal_mode(&mut self, mode: Option<&str>) -> Result<&'static str> {
        let m = match mode.and_then(crate::storage::pager::JournalMode::parse) {
            Some(m) => self.pager.set_journal_mode(m)?,
            None => self.pager.journal_mode(),
        };
        Ok(m.name())
    }

    /// PRAGMA cache_size: sets it when given; returns the value in force.
    pub fn cache_size(&mut self, size: Option<i64>) -> i64 {
        if let Some(s) = size {
            self.pager.set_cache_size(s);
        }
        self.pager.cache_size()
    }

    /// PRAGMA max_page_count (inside a transaction): `n` > 0 sets the limit
    /// to max(n, pages in use); returns the limit.
    pub fn max_page_count(&mut self, n: u32) -> u32 {
        self.pager.max_page_count(n)
    }

    /// PRAGMA freelist_count: header offset 36 (inside a transaction).
    pub fn freelist_count(&mut self) -> Result<u32> {
        if self.pager.state() == PagerState::None {
            return Err(Error::misuse("freelist_count outside a transaction"));
        }
        if self.pager.db_size() == 0 {
            return Ok(0);
        }
        let p = self.pager.get(1)?;
        let d = p.borrow();
        Ok(get_u32(&d, 36))
    }

    /// PRAGMA locking_mode: sets EXCLUSIVE (true) / NORMAL when given;
    /// returns whether the mode in force is EXCLUSIVE.
    pub fn locking_mode(&mut self, exclusive: Option<bool>) -> bool {
        self.pager.locking_mode(exclusive)
    }

    /// PRAGMA synchronous: sets SQLite's stored level minus one (0..6) when
    /// given; returns the level in force.
    pub fn synchronous(&mut self, level: Option<u8>) -> u8 {
        if let Some(l) = level {
            self.pager.set_synchronous(l);
        }
        self.pager.synchronous()
    }

    /// Sets the page cache size (the cache_size pragma: negative = KiB).
    pub fn set_cache_size(&mut self, cache_size: i64) {
        self.pager.set_cache_size(cache_size);
    }

    /// Runs SQLite's integrity_check over the given roots; returns the list of
    /// problems in SQLite's wording (empty = "ok").
    pub fn integrity_check(&mut self, roots: &[(u32, TreeKind)], max_errors: usize) -> Result<Vec<String>> {
        integrity::check(self, roots, max_errors)
    }
}
