//! PRAGMA synchronous is honoured by the pager: a VFS wrapper logs every
//! journal/database write, sync and delete of a commit, and the order must
//! be SQLite's (syncJournal + sqlite3PagerSync + the journal delete):
//! OFF no sync at all; NORMAL count written, one journal sync, database
//! written, database synced; FULL journal synced before and after the
//! count write; EXTRA as FULL with the directory synced on delete.
use ferrolite_engine::error::Result;
use ferrolite_engine::vfs::memory::MemoryVfs;
use ferrolite_engine::vfs::{OpenOptions, RangeLock, SyncKind, Vfs, VfsFile};
use ferrolite_engine::{Connection, OpenFlags};
use std::cell::RefCell;
use std::rc::Rc;

#[derive(Debug, Clone, PartialEq)]
enum Ev {
    /// Journal write at this offset.
    JWrite(u64),
    JSync,
    DbWrite,
    DbSync,
    /// Journal deleted (directory sync asked).
    JDelete(bool),
}

type Log = Rc<RefCell<Vec<Ev>>>;

struct LogVfs {
    inner: MemoryVfs,
    log: Log,
}

struct LogFile {
    inner: Box<dyn VfsFile>,
    journal: bool,
    log: Log,
}

impl Vfs for LogVfs {
    fn open(&self, path: &str, opts: OpenOptions) -> Result<Box<dyn VfsFile>> {
        let inner = self.inner.open(path, opts)?;
        Ok(Box::new(LogFile { inner, journal: path.ends_with("-journal"), log: self.log.clone() }))
    }
    fn delete(&self, path: &str, sync_dir: bool) -> Result<()> {
        if path.ends_with("-journal") {
            self.log.borrow_mut().push(Ev::JDelete(sync_dir));
        }
        self.inner.delete(path, sync_dir)
    }
    fn exists(&self, path: &str) -> Result<bool> {
        self.inner.exists(path)
    }
    fn current_time_ms(&self) -> i64 {
        self.inner.current_time_ms()
    }
    fn randomness(&self, buf: &mut [u8]) {
        self.inner.randomness(buf)
    }
    fn sleep(&self, micros: u64) {
        self.inner.sleep(micros)
    }
}

impl VfsFile for LogFile {
    fn read_at(&mut self, buf: &mut [u8], offset: u64) -> Result<usize> {
        self.inner.read_at(buf, offset)
    }
    fn write_at(&mut self, buf: &[u8], offset: u64) -> Result<()> {
        self.log.borrow_mut().push(if self.journal { Ev::JWrite(offset) } else { Ev::DbWrite });
        self.inner.write_at(buf, offset)
    }
    fn sync(&mut self, kind: SyncKind) -> Result<()> {
        self.log.borrow_mut().push(if self.journal { Ev::JSync } else { Ev::DbSync });
        self.inner.sync(kind)
    }
    fn size(&mut self) -> Result<u64> {
        self.inner.size()
    }
    fn truncate(&mut self, size: u64) -> Result<()> {
        self.inner.truncate(size)
    }
    fn lock_range(&mut self, start: u64, len: u64, kind: RangeLock) -> Result<bool> {
        self.inner.lock_range(start, len, kind)
    }
    fn range_is_write_locked(&mut self, start: u64, len: u64) -> Result<bool> {
        self.inner.range_is_write_locked(start, len)
    }
}

/// The events of one committed UPDATE at the given synchronous level,
/// with the record writes (every journal write but the count at offset 8
/// and the header at 0) folded away.
fn commit_events(level: &str) -> Vec<Ev> {
    let log: Log = Rc::new(RefCell::new(Vec::new()));
    let vfs = LogVfs { inner: MemoryVfs::new(), log: log.clone() };
    let mut c = Connection::open(Rc::new(vfs), "s.db", OpenFlags::default_rwc()).unwrap();
    c.exec("CREATE TABLE t(a); INSERT INTO t VALUES (1), (2)").unwrap();
    c.exec(&format!("PRAGMA synchronous = {level}")).unwrap();
    log.borrow_mut().clear();
    c.exec("UPDATE t SET a = a + 1").unwrap();
    let evs = log.borrow().clone();
    let mut out: Vec<Ev> = Vec::new();
    for e in evs {
        match e {
            Ev::JWrite(o) if o != 0 && o != 8 => continue,
            Ev::DbWrite if out.last() == Some(&Ev::DbWrite) => continue,
            e => out.push(e),
        }
    }
    out
}

#[test]
fn commit_syncs_follow_the_synchronous_level() {
    use Ev::*;
    assert_eq!(commit_events("off"), vec![JWrite(0), JWrite(8), DbWrite, JDelete(false)]);
    assert_eq!(commit_events("normal"), vec![JWrite(0), JWrite(8), JSync, DbWrite, DbSync, JDelete(false)]);
    assert_eq!(commit_events("full"), vec![JWrite(0), JSync, JWrite(8), JSync, DbWrite, DbSync, JDelete(false)]);
    assert_eq!(commit_events("extra"), vec![JWrite(0), JSync, JWrite(8), JSync, DbWrite, DbSync, JDelete(true)]);
}
