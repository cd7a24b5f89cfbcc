//! auto_vacuum (FULL and INCREMENTAL) over the pointer map: moving pages,
//! keeping root pages at the front of the file, and shrinking the file.
//!
//! - Roots: in an auto_vacuum file every root page lies in 3..=largest root
//!   (header offset 52), map pages and the lock page aside. A new tree takes
//!   page largest+1, moving whatever used it elsewhere; dropping a tree
//!   moves the largest root into the freed slot and rewrites its
//!   sqlite_schema row (SQLite's OP_Destroy "iMoved" + UPDATE).
//! - Moving a page (`relocate`): copy it to the free slot, repoint its
//!   children's / next overflow page's map entries, fix the one pointer to
//!   it in its parent, set its own entry.
//! - FULL: at commit, with F free pages, the final size is
//!   nFin = nOrig - F - (map pages no longer needed); every in-use page past
//!   nFin moves into a free page <= nFin, the freelist is emptied and the
//!   image truncated to nFin (the pager journals the cut pages first).
//! - INCREMENTAL: free pages stay until `incremental_vacuum(N)`, which
//!   takes the last page N times: a free one leaves the freelist, a used
//!   one moves down; the file shrinks by a page each step.
//!
//! Invariant: the freelist count, the map entries and the parents' pointers
//! agree after every completed step; a contradiction found on the way
//! (a root past nFin, a parent without the pointer) is SQLITE_CORRUPT.

use super::ptrmap::*;
use super::{Btree, BtCursor, Meta, TreeKind};
use crate::error::{Error, Result};
use crate::storage::pager::header::{OFF_DB_SIZE, OFF_FREELIST_COUNT, OFF_FREELIST_TRUNK};
use crate::storage::record;
use crate::storage::varint::{get_u32, put_u32};
use crate::value::Value;

impl Btree {
    /// Header offsets 52 and 64 as (auto_vacuum, incremental).
    pub(crate) fn read_av_flags(&mut self) -> Result<(bool, bool)> {
        if self.pager.db_size() == 0 {
            return Ok((false, false));
        }
        let p = self.pager.get(1)?;
        let d = p.borrow();
        Ok((get_u32(&d, 52) != 0, get_u32(&d, 64) != 0))
    }

    fn header_u32(&mut self, off: usize) -> Result<u32> {
        let p = self.pager.get(1)?;
        let d = p.borrow();
        Ok(get_u32(&d, off))
    }

    /// Moves the content of page `from` (of map type `ty`, pointed to by
    /// `parent`) to page `to`, which the caller has taken off the freelist.
    pub(crate) fn relocate(&mut self, from: u32, ty: u8, parent: u32, to: u32) -> Result<()> {
        if from == to {
            return Ok(());
        }
        let src = self.pager.get(from)?.borrow().clone();
        {
            let p = self.pager.write(to)?;
            p.borrow_mut().copy_from_slice(&src);
        }
        match ty {
            PTRMAP_BTREE | PTRMAP_ROOTPAGE => self.ptrmap_children(to)?,
            PTRMAP_OVERFLOW1 | PTRMAP_OVERFLOW2 => {
                let next = get_u32(&src, 0);
                if next != 0 {
                    self.ptrmap_put(next, PTRMAP_OVERFLOW2, to)?;
                }
            }
            _ => return Err(Error::corrupt(format!("cannot move page {from} of map type {ty}"))),
        }
        if ty != PTRMAP_ROOTPAGE {
            self.modify_page_pointer(parent, from, to, ty)?;
        }
        self.ptrmap_put(to, ty, parent)?;
        self.generation += 1;
        Ok(())
    }

    /// SQLite's finalDbSize: the size once `n_free` free pages are gone.
    fn final_db_size(&self, n_orig: u32, n_free: u32) -> u32 {
        let n_entry = i64::from(self.pager.usable_size() / 5);
        let n_ptrmap = (i64::from(n_free) - i64::from(n_orig) + i64::from(self.ptrmap_pageno(n_orig)) + n_entry) / n_entry;
        let mut fin = i64::from(n_orig) - i64::from(n_free) - n_ptrmap;
        let lock = i64::from(self.pager.lock_page());
        if i64::from(n_orig) > lock && fin < lock {
            fin -= 1;
        }
        while fin > 1 && (self.is_ptrmap_page(fin as u32) || fin == lock) {
            fin -= 1;
        }
        fin.max(1) as u32
    }

    /// One step of vacuuming: deals with page `last` (the last page) so the
    /// file can end before it. `commit` (FULL mode at commit): free pages
    /// past nFin are left for the final freelist reset.
    fn vacuum_step(&mut self, n_fin: u32, last: u32, commit: bool) -> Result<()> {
        if self.is_ptrmap_page(last) || last == self.pager.lock_page() {
            return Ok(());
        }
        let (ty, parent) = self.ptrmap_get(last)?;
        match ty {
            PTRMAP_ROOTPAGE => return Err(Error::corrupt(format!("root page {last} past the end of a vacuumed file"))),
            PTRMAP_FREEPAGE => {
                if !commit && self.take_free_page(last, true)?.is_none() {
                    return Err(Error::corrupt(format!("page {last} marked free but not on the freelist")));
                }
            }
            PTRMAP_BTREE | PTRMAP_OVERFLOW1 | PTRMAP_OVERFLOW2 => {
                let Some(to) = self.take_free_page(n_fin, false)? else {
                    return Err(Error::corrupt("freelist has no page to move into"));
                };
                self.relocate(last, ty, parent, to)?;
            }
            _ => return Err(Error::corrupt(format!("bad pointer map entry for page {last}"))),
        }
        Ok(())
    }

    /// FULL auto_vacuum at commit: moves used pages from the end into free
    /// pages and cuts the file to its final size.
    pub(crate) fn autovacuum_commit(&mut self) -> Result<()> {
        let (av, incr) = self.read_av_flags()?;
        if !av || incr {
            return Ok(());
        }
        self.av = true;
        let n_free = self.header_u32(OFF_FREELIST_COUNT)?;
        if n_free == 0 {
            return Ok(());
        }
        let n_orig = self.pager.db_size();
        if self.is_ptrmap_page(n_orig) || n_orig == self.pager.lock_page() || n_free >= n_orig {
            return Err(Error::corrupt("database size at auto_vacuum commit"));
        }
        let n_fin = self.final_db_size(n_orig, n_free);
        if n_fin > n_orig {
            return Err(Error::corrupt("auto_vacuum final size"));
        }
        let mut last = n_orig;
        while last > n_fin {
            self.vacuum_step(n_fin, last, true)?;
            last -= 1;
        }
        {
            let p1 = self.pager.write(1)?;
            let mut d = p1.borrow_mut();
            put_u32(&mut d, OFF_FREELIST_TRUNK, 0);
            put_u32(&mut d, OFF_FREELIST_COUNT, 0);
            put_u32(&mut d, OFF_DB_SIZE, n_fin);
        }
        self.pager.truncate_image(n_fin)?;
        self.generation += 1;
        Ok(())
    }

    /// PRAGMA incremental_vacuum: removes up to `n` free pages (all when
    /// `n` <= 0) from the end of the file. Only in auto_vacuum files.
    pub fn incremental_vacuum(&mut self, n: i64) -> Result<()> {
        self.require_write()?;
        let (av, _) = self.read_av_flags()?;
        if !av {
            return Ok(());
        }
        self.av = true;
        let limit = if n <= 0 { u64::MAX } else { n as u64 };
        let mut done = 0u64;
        while done < limit {
            let n_free = self.header_u32(OFF_FREELIST_COUNT)?;
            if n_free == 0 {
                break;
            }
            let n_orig = self.pager.db_size();
            let n_fin = self.final_db_size(n_orig, n_free);
            if n_orig < n_fin || n_free >= n_orig {
                return Err(Error::corrupt("database size at incremental_vacuum"));
            }
            self.vacuum_step(n_fin, n_orig, false)?;
            let mut size = n_orig - 1;
            while size > 1 && (size == self.pager.lock_page() || self.is_ptrmap_page(size)) {
                size -= 1;
            }
            self.pager.truncate_image(size)?;
            let p1 = self.pager.write(1)?;
            put_u32(&mut p1.borrow_mut(), OFF_DB_SIZE, size);
            drop(p1);
            self.generation += 1;
            done += 1;
        }
        Ok(())
    }

    /// Page for a new root in an auto_vacuum file: largest root + 1
    /// (skipping map pages and the lock page), freeing it first when in use.
    pub(crate) fn allocate_root_av(&mut self) -> Result<u32> {
        let largest = self.get_meta(Meta::LargestRootPage)?;
        let mut root = largest + 1;
        while self.is_ptrmap_page(root) || root == self.pager.lock_page() {
            root += 1;
        }
        if root <= self.pager.db_size() && self.take_free_page(root, true)?.is_some() {
            // It was free: now it is ours.
        } else {
            let moved_to = self.allocate_page()?;
            if moved_to != root {
                if root > self.pager.db_size() {
                    return Err(Error::corrupt(format!("new root page {root} past the end of the file")));
                }
                let (ty, parent) = self.ptrmap_get(root)?;
                if ty == PTRMAP_ROOTPAGE || ty == PTRMAP_FREEPAGE {
                    return Err(Error::corrupt(format!("page {root} after the largest root is a {ty} page")));
                }
                self.relocate(root, ty, parent, moved_to)?;
            }
        }
        self.ptrmap_put(root, PTRMAP_ROOTPAGE, 0)?;
        self.set_meta(Meta::LargestRootPage, root)?;
        let p = self.pager.write(root)?;
        p.borrow_mut().fill(0);
        Ok(root)
    }

    /// Frees the (already cleared) root page `root` of an auto_vacuum file:
    /// the largest root moves into its place and its sqlite_schema row is
    /// updated; the largest-root field shrinks.
    pub(crate) fn free_root_av(&mut self, root: u32) -> Result<()> {
        let largest = self.get_meta(Meta::LargestRootPage)?;
        if largest < root {
            return Err(Error::corrupt(format!("root page {root} past the largest root {largest}")));
        }
        if root == largest {
            self.free_page(root)?;
        } else {
            self.relocate(largest, PTRMAP_ROOTPAGE, 0, root)?;
            self.free_page(largest)?;
            self.schema_root_moved(largest, root)?;
        }
        let mut l = largest - 1;
        while l > 1 && (l == self.pager.lock_page() || self.is_ptrmap_page(l)) {
            l -= 1;
        }
        self.set_meta(Meta::LargestRootPage, l)
    }

    /// Rewrites every sqlite_schema row whose rootpage is `from` to `to`.
    fn schema_root_moved(&mut self, from: u32, to: u32) -> Result<()> {
        let mut c = BtCursor::new(1, TreeKind::Table, None);
        let mut buf = Vec::new();
        let mut vals = Vec::new();
        let mut ok = c.first(self)?;
        while ok {
            c.payload(self, &mut buf)?;
            record::decode(&buf, &mut vals)?;
            if vals.len() >= 4 && vals[3] == Value::Integer(i64::from(from)) {
                vals[3] = Value::Integer(i64::from(to));
                let rowid = c.rowid(self)?;
                let mut out = Vec::new();
                record::encode(&vals, &mut out);
                c.insert(self, rowid, &out)?;
            }
            ok = c.next(self)?;
        }
        Ok(())
    }

    /// PRAGMA auto_vacuum: with `set`, 0 NONE / 1 FULL / 2 INCREMENTAL
    /// applies to a database without pages (it is written with page 1), and
    /// switches FULL <-> INCREMENTAL in an auto_vacuum file (requires a write
    /// transaction then); NONE <-> auto_vacuum on a non-empty file waits for
    /// VACUUM. Returns the mode in force.
    pub fn auto_vacuum(&mut self, set: Option<u8>) -> Result<u8> {
        if let Some(v) = set {
            let v = v.min(2);
            self.next_av = Some(v);
            if self.pager.state() == crate::storage::pager::PagerState::None {
                // Before the statement's transaction: only remembered for
                // a database that gets its page 1 in that transaction.
                self.new_av = v;
                return Ok(v);
            }
            if self.pager.db_size() == 0 {
                self.new_av = v;
            } else if v != 0 && self.read_av_flags()?.0 {
                self.require_write()?;
                self.set_meta(Meta::IncrementalVacuum, u32::from(v == 2))?;
            }
        }
        if self.pager.db_size() == 0 {
            return Ok(self.new_av);
        }
        Ok(match self.read_av_flags()? {
            (false, _) => 0,
            (true, false) => 1,
            (true, true) => 2,
        })
    }
}
