//! VACUUM and VACUUM INTO at the b-tree level: the database is rebuilt
//! compactly by copying every tree, in key order, into a new database.
//!
//! - The new database gets the source's page size, the auto_vacuum mode
//!   last asked for by PRAGMA auto_vacuum (else the source's), and the
//!   source's header values: schema cookie + 1, default cache size, text
//!   encoding, user_version, application_id (as SQLite's VACUUM).
//! - sqlite_schema rows keep their rowids and order; every row with a
//!   root page gets a new tree (roots are all created before any content,
//!   so auto_vacuum roots need no moving); the tree kind comes from the old
//!   root page's header (a WITHOUT ROWID table is an index-format tree).
//! - VACUUM: the new image is built in memory, then written over the main
//!   database inside one write transaction (every old page journaled, so a
//!   crash leaves the old database), and the file cut to the new size.
//!   The change counter continues from the old one.
//! - VACUUM INTO: the new image is written to the named file (which must
//!   not exist or be empty) with no journal; the source is only read.

use super::page::parse_header;
use super::{BtCursor, Btree, BtreeOptions, Meta, TreeKind};
use crate::error::{Error, Result};
use crate::storage::pager::header::OFF_CHANGE_COUNTER;
use crate::storage::pager::PagerState;
use crate::storage::record;
use crate::value::Value;
use crate::vfs::{FileKind, OpenOptions, Vfs};
use std::rc::Rc;

impl Btree {
    /// VACUUM (into = None) or VACUUM INTO the file `into`. Runs its own
    /// transaction; none may be open.
    pub fn vacuum(&mut self, vfs: Rc<dyn Vfs>, into: Option<&str>) -> Result<()> {
        if self.pager.state() != PagerState::None {
            return Err(Error::sql("cannot VACUUM from within a transaction"));
        }
        match into {
            Some(path) => {
                self.begin_read()?;
                let r = self.vacuum_into(vfs, path);
                let c = self.commit();
                r.and(c)
            }
            None => {
                self.begin_write()?;
                match self.vacuum_in_place() {
                    Ok(()) => self.commit().or_else(|e| {
                        let _ = self.rollback();
                        Err(e)
                    }),
                    Err(e) => {
                        let _ = self.rollback();
                        Err(e)
                    }
                }
            }
        }
    }

    fn vacuum_mode(&mut self) -> Result<u8> {
        match self.next_av {
            Some(m) => Ok(m),
            None => self.auto_vacuum(None),
        }
    }

    fn vacuum_into(&mut self, vfs: Rc<dyn Vfs>, path: &str) -> Result<()> {
        if vfs.exists(path)? {
            let opts = OpenOptions { read_only: true, create: false, exclusive: false, kind: FileKind::MainDb };
            let mut f = vfs.open(path, opts)?;
            if f.size()? > 0 {
                return Err(Error::sql("output file already exists"));
            }
        }
        let opts = BtreeOptions { page_size: self.page_size(), ..Default::default() };
        let mut out = Btree::open(vfs, path, opts)?;
        out.journal_mode(Some("off"))?;
        out.synchronous(Some(0));
        out.new_av = self.vacuum_mode()?;
        out.begin_write()?;
        match self.copy_into(&mut out) {
            Ok(()) => out.commit(),
            Err(e) => {
                let _ = out.rollback();
                Err(e)
            }
        }
    }

    fn vacuum_in_place(&mut self) -> Result<()> {
        if self.pager.db_size() == 0 {
            return Ok(());
        }
        let mem: Rc<dyn Vfs> = Rc::new(crate::vfs::memory::MemoryVfs::new());
        let opts = BtreeOptions { page_size: self.page_size(), ..Default::default() };
        let mut out = Btree::open(mem, "vacuum", opts)?;
        out.journal_mode(Some("off"))?;
        out.new_av = self.vacuum_mode()?;
        out.begin_write()?;
        self.copy_into(&mut out)?;
        out.commit()?;
        out.begin_read()?;
        let n = out.pager.db_size();
        let counter = {
            let p = self.pager.get(1)?;
            let d = p.borrow();
            [d[OFF_CHANGE_COUNTER], d[OFF_CHANGE_COUNTER + 1], d[OFF_CHANGE_COUNTER + 2], d[OFF_CHANGE_COUNTER + 3]]
        };
        let lock_page = self.pager.lock_page();
        for pgno in 1..=n {
            if pgno == lock_page {
                continue;
            }
            let src = out.pager.get(pgno)?;
            let dst = if pgno <= self.pager.db_size() {
                self.pager.write(pgno)?
            } else {
                let got = self.pager.append_page()?;
                if got != pgno {
                    return Err(Error::corrupt("vacuum: page numbering"));
                }
                self.pager.write(pgno)?
            };
            dst.borrow_mut().copy_from_slice(&src.borrow());
        }
        {
            let p1 = self.pager.write(1)?;
            p1.borrow_mut()[OFF_CHANGE_COUNTER..OFF_CHANGE_COUNTER + 4].copy_from_slice(&counter);
        }
        if n < self.pager.db_size() {
            self.pager.truncate_image(n)?;
        }
        out.commit()?;
        self.av = self.read_av_flags()?.0;
        self.generation += 1;
        Ok(())
    }

    /// Copies the header values, the schema and every tree into `out`
    /// (in a write transaction on a new database).
    fn copy_into(&mut self, out: &mut Btree) -> Result<()> {
        if self.pager.db_size() == 0 {
            return Ok(());
        }
        let usable = self.pager.usable_size() as usize;
        // Schema rows, in rowid order; a new root for each tree.
        let mut rows: Vec<(i64, Vec<Value>)> = Vec::new();
        {
            let mut c = BtCursor::new(1, TreeKind::Table, None);
            let mut buf = Vec::new();
            let mut ok = c.first(self)?;
            while ok {
                c.payload(self, &mut buf)?;
                let mut vals = Vec::new();
                record::decode(&buf, &mut vals)?;
                rows.push((c.rowid(self)?, vals));
                ok = c.next(self)?;
            }
        }
        let mut trees: Vec<(u32, u32, TreeKind)> = Vec::new();
        for (_, vals) in rows.iter_mut() {
            let root = match vals.get(3) {
                Some(Value::Integer(r)) if *r > 0 => *r,
                _ => continue,
            };
            if root > i64::from(self.pager.db_size()) {
                return Err(Error::corrupt(format!("root page {root} out of range")));
            }
            let kind = {
                let p = self.pager.get(root as u32)?;
                let d = p.borrow();
                if parse_header(&d, root as u32, usable)?.intkey {
                    TreeKind::Table
                } else {
                    TreeKind::Index
                }
            };
            let new_root = out.create_tree(kind)?;
            trees.push((root as u32, new_root, kind));
            vals[3] = Value::Integer(i64::from(new_root));
        }
        let mut sc = BtCursor::new(1, TreeKind::Table, None);
        let mut buf = Vec::new();
        for (rowid, vals) in &rows {
            buf.clear();
            record::encode(vals, &mut buf);
            sc.append(out, *rowid, &buf)?;
        }
        for &(old, new, kind) in &trees {
            let mut src = BtCursor::new(old, kind, None);
            let mut dst = BtCursor::new(new, kind, None);
            let mut ok = src.first(self)?;
            while ok {
                src.payload(self, &mut buf)?;
                let rowid = if kind == TreeKind::Table { src.rowid(self)? } else { 0 };
                dst.append(out, rowid, &buf)?;
                ok = src.next(self)?;
            }
        }
        let cookie = self.get_meta(Meta::SchemaCookie)?;
        out.set_meta(Meta::SchemaCookie, cookie.wrapping_add(1))?;
        for m in [Meta::DefaultCacheSize, Meta::TextEncoding, Meta::UserVersion, Meta::ApplicationId] {
            let v = self.get_meta(m)?;
            out.set_meta(m, v)?;
        }
        let format = self.get_meta(Meta::SchemaFormat)?;
        out.set_meta(Meta::SchemaFormat, format.max(1))?;
        Ok(())
    }
}
