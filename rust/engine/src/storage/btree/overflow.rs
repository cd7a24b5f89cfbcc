//! Overflow chains (file format §1.6 "Cell Payload Overflow Pages"): each
//! overflow page is `[next page u32][usable-4 bytes of payload]`, the last
//! one has next = 0. Also builds leaf cells (local part + chain).
//!
//! Invariants: a chain is followed for at most the number of pages its
//! payload needs, and every page number is checked against the database
//! size, so a corrupt chain (cycle, bad pointer) is an error, not a hang.

use super::page::{local_size, CellInfo};
use super::ptrmap::{PTRMAP_OVERFLOW1, PTRMAP_OVERFLOW2};
use super::{Btree, TreeKind};
use crate::error::{Error, Result};
use crate::storage::varint::{self, get_u32, put_u32};

impl Btree {
    /// Builds the leaf cell for `payload` (with `rowid` for tables) into
    /// `out`, allocating and writing overflow pages as needed.
    pub(crate) fn build_leaf_cell(&mut self, kind: TreeKind, rowid: i64, payload: &[u8], out: &mut Vec<u8>) -> Result<()> {
        out.clear();
        let usable = self.pager.usable_size() as usize;
        varint::put(payload.len() as u64, out);
        if kind == TreeKind::Table {
            varint::put(rowid as u64, out);
        }
        let local = local_size(payload.len() as u64, kind == TreeKind::Table, usable);
        out.extend_from_slice(&payload[..local]);
        if local < payload.len() {
            let first = self.write_overflow(&payload[local..])?;
            out.extend_from_slice(&first.to_be_bytes());
        }
        Ok(())
    }

    fn write_overflow(&mut self, rest: &[u8]) -> Result<u32> {
        let usable = self.pager.usable_size() as usize;
        let per = usable - 4;
        let n = rest.len().div_ceil(per);
        let mut pages = Vec::with_capacity(n);
        for _ in 0..n {
            pages.push(self.allocate_page()?);
        }
        for (i, chunk) in rest.chunks(per).enumerate() {
            {
                let p = self.pager.write(pages[i])?;
                let mut d = p.borrow_mut();
                put_u32(&mut d, 0, pages.get(i + 1).copied().unwrap_or(0));
                d[4..4 + chunk.len()].copy_from_slice(chunk);
            }
            if self.av {
                // The first page's parent is the b-tree page the cell lands
                // on: set when the cell is placed (ptrmap_cell / children).
                let (ty, parent) = if i == 0 { (PTRMAP_OVERFLOW1, 0) } else { (PTRMAP_OVERFLOW2, pages[i - 1]) };
                self.ptrmap_put(pages[i], ty, parent)?;
            }
        }
        Ok(pages[0])
    }

    /// Copies the whole payload of a cell into `out` (cleared first).
    pub(crate) fn read_payload(&mut self, page: &[u8], c: &CellInfo, out: &mut Vec<u8>) -> Result<()> {
        out.clear();
        let end = c.payload_off + c.local;
        if end > page.len() {
            return Err(Error::corrupt("cell payload overruns page"));
        }
        out.extend_from_slice(&page[c.payload_off..end]);
        if (c.local as u64) < c.payload_size {
            self.read_overflow(c.overflow, c.payload_size as usize - c.local, out)?;
        }
        Ok(())
    }

    /// Appends `len` bytes of the chain starting at `first` to `out`.
    pub(crate) fn read_overflow(&mut self, first: u32, len: usize, out: &mut Vec<u8>) -> Result<()> {
        let usable = self.pager.usable_size() as usize;
        let per = usable - 4;
        let db_size = self.pager.db_size();
        if len.div_ceil(per) > db_size as usize {
            return Err(Error::corrupt("overflow chain longer than the database"));
        }
        out.reserve(len);
        let mut left = len;
        let mut pgno = first;
        while left > 0 {
            if pgno < 2 || pgno > db_size {
                return Err(Error::corrupt(format!("overflow page {pgno}")));
            }
            let p = self.pager.get(pgno)?;
            let d = p.borrow();
            let n = left.min(per);
            out.extend_from_slice(&d[4..4 + n]);
            left -= n;
            pgno = get_u32(&d, 0);
        }
        Ok(())
    }

    /// Frees the overflow chain of a cell (if any).
    pub(crate) fn free_cell_overflow(&mut self, c: &CellInfo) -> Result<()> {
        if c.overflow == 0 || c.local as u64 >= c.payload_size {
            return Ok(());
        }
        let usable = self.pager.usable_size() as usize;
        let per = usable - 4;
        let n = (c.payload_size as usize - c.local).div_ceil(per);
        let db_size = self.pager.db_size();
        if n > db_size as usize {
            return Err(Error::corrupt("overflow chain longer than the database"));
        }
        let mut pgno = c.overflow;
        for i in 0..n {
            if pgno < 2 || pgno > db_size {
                return Err(Error::corrupt(format!("overflow page {pgno}")));
            }
            let next = {
                let p = self.pager.get(pgno)?;
                let d = p.borrow();
                get_u32(&d, 0)
            };
            self.free_page(pgno)?;
            if i + 1 < n {
                pgno = next;
            }
        }
        Ok(())
    }
}
