//! CONTRACT SKELETON — the storage helper replaces every `todo!()` and may
//! split this file into submodules (btree/{cell,page,balance,cursor,..}.rs),
//! keeping these public signatures.

use crate::error::Result;
use crate::storage::record::KeyInfo;
use crate::vfs::Vfs;
use std::rc::Rc;

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
    SchemaCookie,   // offset 40
    SchemaFormat,   // offset 44
    DefaultCacheSize, // offset 48
    LargestRootPage, // offset 52 (auto_vacuum)
    TextEncoding,   // offset 56 (1 = UTF-8)
    UserVersion,    // offset 60
    IncrementalVacuum, // offset 64
    ApplicationId,  // offset 68
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

/// An open database file.
pub struct Btree {
    _private: (),
}

impl Btree {
    /// Opens or creates the database at `path`. Does not lock or read yet
    /// beyond what is needed to validate that it is a database.
    pub fn open(vfs: Rc<dyn Vfs>, path: &str, opts: BtreeOptions) -> Result<Btree> {
        let _ = (vfs, path, opts);
        todo!()
    }
    /// Starts a read transaction: SHARED lock, hot-journal recovery, cache
    /// invalidation if the file change counter moved. BUSY if locked out.
    pub fn begin_read(&mut self) -> Result<()> { todo!() }
    /// Upgrades to a write transaction: RESERVED lock, opens the journal.
    /// Starts a read transaction first if none. BUSY if another writer.
    pub fn begin_write(&mut self) -> Result<()> { todo!() }
    /// Commits (journal sync, db write, EXCLUSIVE via PENDING, journal
    /// finalize) and drops to no transaction (locks released). BUSY if
    /// readers keep the PENDING->EXCLUSIVE step from completing; the
    /// transaction stays open then and commit may be retried.
    pub fn commit(&mut self) -> Result<()> { todo!() }
    /// Rolls back any write transaction and releases all locks.
    pub fn rollback(&mut self) -> Result<()> { todo!() }
    pub fn txn_state(&self) -> TxnState { todo!() }
    /// Savepoints over the page store for statement rollback: `savepoint`
    /// opens level n (1-based depth), `release(n)` keeps changes and drops
    /// levels >= n, `rollback_to(n)` undoes changes since level n opened
    /// (level n stays open).
    pub fn savepoint(&mut self, depth: usize) -> Result<()> { let _ = depth; todo!() }
    pub fn release(&mut self, depth: usize) -> Result<()> { let _ = depth; todo!() }
    pub fn rollback_to(&mut self, depth: usize) -> Result<()> { let _ = depth; todo!() }

    /// Allocates a new empty b-tree root page; requires a write txn.
    pub fn create_tree(&mut self, kind: TreeKind) -> Result<u32> { let _ = kind; todo!() }
    /// Frees every page of the tree rooted at `root` (root included).
    pub fn drop_tree(&mut self, root: u32) -> Result<()> { let _ = root; todo!() }
    /// Deletes every entry of the tree; the root page stays.
    pub fn clear_tree(&mut self, root: u32) -> Result<()> { let _ = root; todo!() }
    pub fn get_meta(&mut self, m: Meta) -> Result<u32> { let _ = m; todo!() }
    pub fn set_meta(&mut self, m: Meta, v: u32) -> Result<()> { let _ = (m, v); todo!() }
    pub fn page_size(&self) -> u32 { todo!() }
    /// Number of pages in the database (header field, valid inside a txn).
    pub fn page_count(&mut self) -> Result<u32> { todo!() }
    /// Sets the busy handler timeout used when a lock cannot be taken
    /// (0 = return BUSY at once). Sleeps through `Vfs::sleep`.
    pub fn set_busy_timeout(&mut self, ms: u32) { let _ = ms; todo!() }
    /// Runs SQLite's integrity_check over the given roots; returns the list of
    /// problems in SQLite's wording (empty = "ok").
    pub fn integrity_check(&mut self, roots: &[(u32, TreeKind)], max_errors: usize) -> Result<Vec<String>> { let _ = (roots, max_errors); todo!() }
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

/// A position in one b-tree. Holds no borrow of the Btree: every operation
/// takes it as a parameter. A cursor stays valid across changes made
/// through other cursors (it re-seeks to its saved key when the tree
/// changed under it).
pub struct BtCursor {
    _private: (),
}

impl BtCursor {
    /// A cursor on the tree at `root`. `key_info` is required for Index trees.
    pub fn new(root: u32, kind: TreeKind, key_info: Option<Rc<KeyInfo>>) -> BtCursor {
        let _ = (root, kind, key_info);
        todo!()
    }
    /// Moves to the first entry; false if the tree is empty.
    pub fn first(&mut self, bt: &mut Btree) -> Result<bool> { let _ = bt; todo!() }
    pub fn last(&mut self, bt: &mut Btree) -> Result<bool> { let _ = bt; todo!() }
    /// Moves to the next entry; false at end (cursor is then invalid).
    pub fn next(&mut self, bt: &mut Btree) -> Result<bool> { let _ = bt; todo!() }
    pub fn prev(&mut self, bt: &mut Btree) -> Result<bool> { let _ = bt; todo!() }
    /// True if positioned on an entry.
    pub fn is_valid(&self) -> bool { todo!() }
    /// Table trees: seek to `rowid`.
    pub fn seek_rowid(&mut self, bt: &mut Btree, rowid: i64) -> Result<SeekResult> { let _ = (bt, rowid); todo!() }
    /// Index trees: seek by a (possibly prefix) key record, compared with
    /// the cursor's KeyInfo; returns whether the cursor is on an entry.
    pub fn seek_index(&mut self, bt: &mut Btree, key: &[u8], op: SeekOp) -> Result<bool> { let _ = (bt, key, op); todo!() }
    /// Rowid of the current entry (Table trees).
    pub fn rowid(&mut self, bt: &mut Btree) -> Result<i64> { let _ = bt; todo!() }
    /// The whole payload (record) of the current entry, overflow included,
    /// copied into `out` (cleared first). For Index trees this is the key.
    pub fn payload(&mut self, bt: &mut Btree, out: &mut Vec<u8>) -> Result<()> { let _ = (bt, out); todo!() }
    /// Table trees: insert or replace the row `rowid`. Leaves the cursor on it.
    pub fn insert(&mut self, bt: &mut Btree, rowid: i64, record: &[u8]) -> Result<()> { let _ = (bt, rowid, record); todo!() }
    /// Index trees: insert the key (a record). An equal key is replaced.
    pub fn insert_key(&mut self, bt: &mut Btree, key: &[u8]) -> Result<()> { let _ = (bt, key); todo!() }
    /// Deletes the current entry. Afterwards `next` moves to the entry that
    /// followed it.
    pub fn delete(&mut self, bt: &mut Btree) -> Result<()> { let _ = bt; todo!() }
}
