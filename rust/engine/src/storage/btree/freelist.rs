//! The freelist (file format §1.5): trunk pages chained from header offset
//! 32, each holding `[next trunk u32][leaf count u32][leaf pgno u32]...`;
//! header offset 36 counts every freelist page (trunks and leaves).
//!
//! Invariants: allocation takes the last leaf of the first trunk, or the
//! trunk itself when it has no leaves; a freed page becomes a leaf of the
//! first trunk while it has room (usable/4 - 8 leaves, as SQLite limits
//! it), else the new first trunk. Page numbers read from trunks are checked
//! against the database size.

use super::ptrmap::PTRMAP_FREEPAGE;
use super::Btree;
use crate::error::{Error, Result};
use crate::storage::pager::header::{OFF_FREELIST_COUNT, OFF_FREELIST_TRUNK};
use crate::storage::varint::{get_u32, put_u32};

impl Btree {
    /// Allocates a page (from the freelist or by growing the file). The
    /// page is writable and zero-filled.
    pub(crate) fn allocate_page(&mut self) -> Result<u32> {
        let (trunk, count) = {
            let p1 = self.pager.get(1)?;
            let d = p1.borrow();
            (get_u32(&d, OFF_FREELIST_TRUNK), get_u32(&d, OFF_FREELIST_COUNT))
        };
        if count == 0 || trunk == 0 {
            return self.append_page();
        }
        let db_size = self.pager.db_size();
        if trunk < 2 || trunk > db_size {
            return Err(Error::corrupt(format!("freelist trunk {trunk}")));
        }
        let usable = self.pager.usable_size() as usize;
        let t = self.pager.write(trunk)?;
        let pgno = {
            let mut d = t.borrow_mut();
            let n = get_u32(&d, 4) as usize;
            if n > usable / 4 - 2 {
                return Err(Error::corrupt(format!("freelist trunk {trunk} leaf count {n}")));
            }
            if n > 0 {
                let leaf = get_u32(&d, 8 + 4 * (n - 1));
                if leaf < 2 || leaf > db_size || leaf == self.pager.lock_page() {
                    return Err(Error::corrupt(format!("freelist leaf {leaf}")));
                }
                put_u32(&mut d, 4, (n - 1) as u32);
                leaf
            } else {
                let next = get_u32(&d, 0);
                drop(d);
                let p1 = self.pager.write(1)?;
                put_u32(&mut p1.borrow_mut(), OFF_FREELIST_TRUNK, next);
                trunk
            }
        };
        {
            let p1 = self.pager.write(1)?;
            put_u32(&mut p1.borrow_mut(), OFF_FREELIST_COUNT, count - 1);
        }
        let p = self.pager.write(pgno)?;
        p.borrow_mut().fill(0);
        Ok(pgno)
    }

    /// Grows the file by one page; in auto_vacuum files a pointer-map page
    /// that falls due is appended (zeroed) first, as SQLite does.
    pub(crate) fn append_page(&mut self) -> Result<u32> {
        let pgno = self.pager.append_page()?;
        if self.av && self.is_ptrmap_page(pgno) {
            return self.pager.append_page();
        }
        Ok(pgno)
    }

    /// Returns page `pgno` to the freelist.
    pub(crate) fn free_page(&mut self, pgno: u32) -> Result<()> {
        let db_size = self.pager.db_size();
        if pgno < 2 || pgno > db_size || (self.av && self.is_ptrmap_page(pgno)) {
            return Err(Error::corrupt(format!("free of page {pgno}")));
        }
        if self.av {
            self.ptrmap_put(pgno, PTRMAP_FREEPAGE, 0)?;
        }
        if self.secure_delete == 1 {
            let p = self.pager.write(pgno)?;
            p.borrow_mut().fill(0);
        }
        let usable = self.pager.usable_size() as usize;
        let (trunk, count) = {
            let p1 = self.pager.get(1)?;
            let d = p1.borrow();
            (get_u32(&d, OFF_FREELIST_TRUNK), get_u32(&d, OFF_FREELIST_COUNT))
        };
        {
            let p1 = self.pager.write(1)?;
            put_u32(&mut p1.borrow_mut(), OFF_FREELIST_COUNT, count + 1);
        }
        if trunk != 0 {
            if trunk > db_size {
                return Err(Error::corrupt(format!("freelist trunk {trunk}")));
            }
            let n = {
                let t = self.pager.get(trunk)?;
                let d = t.borrow();
                get_u32(&d, 4) as usize
            };
            if n > usable / 4 - 2 {
                return Err(Error::corrupt(format!("freelist trunk {trunk} leaf count {n}")));
            }
            if n < usable / 4 - 8 {
                let t = self.pager.write(trunk)?;
                let mut d = t.borrow_mut();
                put_u32(&mut d, 8 + 4 * n, pgno);
                put_u32(&mut d, 4, (n + 1) as u32);
                return Ok(());
            }
        }
        let p = self.pager.write(pgno)?;
        {
            // As SQLite: only the trunk header is written (the rest was
            // zeroed above under secure_delete).
            let mut d = p.borrow_mut();
            put_u32(&mut d, 0, trunk);
            put_u32(&mut d, 4, 0);
        }
        let p1 = self.pager.write(1)?;
        put_u32(&mut p1.borrow_mut(), OFF_FREELIST_TRUNK, pgno);
        Ok(())
    }

    /// Removes cell `idx` of page `pgno` (whose bytes are `data`), zeroing
    /// it first under secure_delete (ON or FAST), as SQLite's freeSpace.
    pub(crate) fn drop_cell(&self, data: &mut [u8], pgno: u32, idx: usize) -> Result<()> {
        let usable = self.pager.usable_size() as usize;
        super::page::drop_cell(data, pgno, usable, idx, self.secure_delete != 0)
    }

    /// Takes a free page for the auto_vacuum mover: `want` itself if it is
    /// on the freelist (`exact`), else any free page numbered <= `want`.
    /// Returns None when there is none. The page's content is left as is.
    pub(crate) fn take_free_page(&mut self, want: u32, exact: bool) -> Result<Option<u32>> {
        let db_size = self.pager.db_size();
        let usable = self.pager.usable_size() as usize;
        let (mut trunk, count) = {
            let p1 = self.pager.get(1)?;
            let d = p1.borrow();
            (get_u32(&d, OFF_FREELIST_TRUNK), get_u32(&d, OFF_FREELIST_COUNT))
        };
        let mut prev = 0u32;
        let mut guard = 0u32;
        while trunk != 0 && count > 0 {
            guard += 1;
            if trunk < 2 || trunk > db_size || guard > db_size {
                return Err(Error::corrupt(format!("freelist trunk {trunk}")));
            }
            let (next, leaves) = {
                let t = self.pager.get(trunk)?;
                let d = t.borrow();
                let n = get_u32(&d, 4) as usize;
                if n > usable / 4 - 2 {
                    return Err(Error::corrupt(format!("freelist trunk {trunk} leaf count {n}")));
                }
                let leaves: Vec<u32> = (0..n).map(|i| get_u32(&d, 8 + 4 * i)).collect();
                (get_u32(&d, 0), leaves)
            };
            let fits = |p: u32| if exact { p == want } else { p <= want };
            let hit = if fits(trunk) { Some(usize::MAX) } else { leaves.iter().position(|&l| fits(l)) };
            if let Some(i) = hit {
                let got = if i == usize::MAX {
                    // The trunk itself: its first leaf (if any) becomes the
                    // trunk in its place.
                    let replacement = if let Some(&first) = leaves.first() {
                        if first < 2 || first > db_size {
                            return Err(Error::corrupt(format!("freelist leaf {first}")));
                        }
                        let np = self.pager.write(first)?;
                        let mut d = np.borrow_mut();
                        put_u32(&mut d, 0, next);
                        put_u32(&mut d, 4, (leaves.len() - 1) as u32);
                        for (k, &l) in leaves[1..].iter().enumerate() {
                            put_u32(&mut d, 8 + 4 * k, l);
                        }
                        first
                    } else {
                        next
                    };
                    if prev == 0 {
                        let p1 = self.pager.write(1)?;
                        put_u32(&mut p1.borrow_mut(), OFF_FREELIST_TRUNK, replacement);
                    } else {
                        let pp = self.pager.write(prev)?;
                        put_u32(&mut pp.borrow_mut(), 0, replacement);
                    }
                    trunk
                } else {
                    let leaf = leaves[i];
                    if leaf < 2 || leaf > db_size {
                        return Err(Error::corrupt(format!("freelist leaf {leaf}")));
                    }
                    let t = self.pager.write(trunk)?;
                    let mut d = t.borrow_mut();
                    let last = leaves.len() - 1;
                    put_u32(&mut d, 8 + 4 * i, leaves[last]);
                    put_u32(&mut d, 4, last as u32);
                    leaf
                };
                let p1 = self.pager.write(1)?;
                put_u32(&mut p1.borrow_mut(), OFF_FREELIST_COUNT, count - 1);
                return Ok(Some(got));
            }
            prev = trunk;
            trunk = next;
        }
        Ok(None)
    }
}
