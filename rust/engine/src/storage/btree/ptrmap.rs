//! Pointer-map pages of auto_vacuum databases (file format §1.7).
//!
//! ```text
//! The first pointer-map page is page 2; each one describes the
//! J = usable/5 pages that follow it, and the next map page comes right
//! after them (page 2 + k*(J+1), moved one further if it would be the lock
//! page). Entry for page P on map page M, at offset 5*(P-M-1):
//!   1 byte  type: 1 ROOTPAGE (parent 0)    2 FREEPAGE (parent 0)
//!                 3 OVERFLOW1 (parent = b-tree page holding the cell)
//!                 4 OVERFLOW2 (parent = previous overflow page)
//!                 5 BTREE     (parent = parent b-tree page)
//!   4 bytes parent page number, big-endian
//! ```
//!
//! Invariants (auto_vacuum files only, `Btree::av`): every page that is not
//! page 1, a map page or the lock page has an entry saying what points to
//! it. Entries are written on allocation, free, and whenever a cell or a
//! child moves to another page (`ptrmap_children` after a page is rebuilt,
//! `ptrmap_cell` after a cell is inserted in place). Page numbers read from
//! a map page are checked by the callers before use.

use super::page::{parse_cell, parse_header};
use super::Btree;
use crate::error::{Error, Result};
use crate::storage::varint::{get_u32, put_u32};

pub(crate) const PTRMAP_ROOTPAGE: u8 = 1;
pub(crate) const PTRMAP_FREEPAGE: u8 = 2;
pub(crate) const PTRMAP_OVERFLOW1: u8 = 3;
pub(crate) const PTRMAP_OVERFLOW2: u8 = 4;
pub(crate) const PTRMAP_BTREE: u8 = 5;

impl Btree {
    /// The pointer-map page holding the entry of `pgno` (0 for pages < 2).
    pub(crate) fn ptrmap_pageno(&self, pgno: u32) -> u32 {
        if pgno < 2 {
            return 0;
        }
        let per = self.pager.usable_size() / 5 + 1;
        let mut r = (pgno - 2) / per * per + 2;
        if r == self.pager.lock_page() {
            r += 1;
        }
        r
    }

    /// True if `pgno` is a pointer-map page.
    pub(crate) fn is_ptrmap_page(&self, pgno: u32) -> bool {
        pgno >= 2 && self.ptrmap_pageno(pgno) == pgno
    }

    fn ptrmap_slot(&self, pgno: u32) -> Result<(u32, usize)> {
        let m = self.ptrmap_pageno(pgno);
        if m == 0 || pgno <= m || m > self.pager.db_size() {
            return Err(Error::corrupt(format!("pointer map entry for page {pgno}")));
        }
        Ok((m, 5 * (pgno - m - 1) as usize))
    }

    /// Sets the entry of `pgno` (only writes the map page when it changes).
    pub(crate) fn ptrmap_put(&mut self, pgno: u32, ty: u8, parent: u32) -> Result<()> {
        let (m, off) = self.ptrmap_slot(pgno)?;
        {
            let p = self.pager.get(m)?;
            let d = p.borrow();
            if d[off] == ty && get_u32(&d, off + 1) == parent {
                return Ok(());
            }
        }
        let p = self.pager.write(m)?;
        let mut d = p.borrow_mut();
        d[off] = ty;
        put_u32(&mut d, off + 1, parent);
        Ok(())
    }

    /// Reads the entry of `pgno`: (type, parent).
    pub(crate) fn ptrmap_get(&mut self, pgno: u32) -> Result<(u8, u32)> {
        let (m, off) = self.ptrmap_slot(pgno)?;
        let p = self.pager.get(m)?;
        let d = p.borrow();
        Ok((d[off], get_u32(&d, off + 1)))
    }

    /// Points the entries of every child and first overflow page of b-tree
    /// page `pgno` at it (SQLite's setChildPtrmaps). No-op unless auto_vacuum.
    pub(crate) fn ptrmap_children(&mut self, pgno: u32) -> Result<()> {
        if !self.av {
            return Ok(());
        }
        let usable = self.pager.usable_size() as usize;
        let (children, ovfl) = {
            let p = self.pager.get(pgno)?;
            let d = p.borrow();
            let h = parse_header(&d, pgno, usable)?;
            let mut children = Vec::new();
            let mut ovfl = Vec::new();
            for i in 0..h.ncells {
                let c = parse_cell(&d, &h, i)?;
                if c.overflow != 0 && (c.local as u64) < c.payload_size {
                    ovfl.push(c.overflow);
                }
                if !h.leaf {
                    children.push(c.left_child);
                }
            }
            if !h.leaf {
                children.push(h.right);
            }
            (children, ovfl)
        };
        for ch in children {
            self.ptrmap_put(ch, PTRMAP_BTREE, pgno)?;
        }
        for o in ovfl {
            self.ptrmap_put(o, PTRMAP_OVERFLOW1, pgno)?;
        }
        Ok(())
    }

    /// After a cell was inserted in place at `idx` of page `pgno`: its
    /// overflow chain (if any) now hangs off `pgno`. No-op unless auto_vacuum.
    pub(crate) fn ptrmap_cell(&mut self, pgno: u32, idx: usize) -> Result<()> {
        if !self.av {
            return Ok(());
        }
        let usable = self.pager.usable_size() as usize;
        let ovfl = {
            let p = self.pager.get(pgno)?;
            let d = p.borrow();
            let h = parse_header(&d, pgno, usable)?;
            let c = parse_cell(&d, &h, idx)?;
            if c.overflow != 0 && (c.local as u64) < c.payload_size {
                c.overflow
            } else {
                0
            }
        };
        if ovfl != 0 {
            self.ptrmap_put(ovfl, PTRMAP_OVERFLOW1, pgno)?;
        }
        Ok(())
    }

    /// In page `parent`, replaces the reference to `from` by `to`: the
    /// next-page field of an overflow page (OVERFLOW2), the overflow
    /// pointer of a cell (OVERFLOW1) or a child pointer (BTREE).
    pub(crate) fn modify_page_pointer(&mut self, parent: u32, from: u32, to: u32, ty: u8) -> Result<()> {
        if parent < 1 || parent > self.pager.db_size() {
            return Err(Error::corrupt(format!("pointer map parent {parent} of page {from}")));
        }
        let usable = self.pager.usable_size() as usize;
        let p = self.pager.write(parent)?;
        let mut d = p.borrow_mut();
        if ty == PTRMAP_OVERFLOW2 {
            if get_u32(&d, 0) != from {
                return Err(Error::corrupt(format!("overflow page {parent} does not point to {from}")));
            }
            put_u32(&mut d, 0, to);
            return Ok(());
        }
        let h = parse_header(&d, parent, usable)?;
        for i in 0..h.ncells {
            let off = super::page::cell_offset(&d, &h, i)?;
            let c = super::page::parse_cell_at(&d, off, &h)?;
            if ty == PTRMAP_OVERFLOW1 {
                if c.overflow == from && (c.local as u64) < c.payload_size {
                    let at = c.payload_off + c.local;
                    put_u32(&mut d, at, to);
                    return Ok(());
                }
            } else if !h.leaf && c.left_child == from {
                put_u32(&mut d, off, to);
                return Ok(());
            }
        }
        if ty == PTRMAP_BTREE && !h.leaf && h.right == from {
            put_u32(&mut d, h.hdr + 8, to);
            return Ok(());
        }
        Err(Error::corrupt(format!("page {parent} does not point to page {from}")))
    }
}
