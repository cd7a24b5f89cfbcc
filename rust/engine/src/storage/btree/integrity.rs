//! The b-tree part of integrity_check / quick_check, walking pages in
//! SQLite 3.46's order and reporting in its words (the caller adds the
//! "*** in database main ***" line and the row/index checks).
//!
//! Order: the freelist (prefix "Freelist: "), then each root in the given
//! order (its pointer-map entry first in auto_vacuum files), then the
//! largest-root header check, then "Page N: never used" for every page no
//! tree, chain or freelist reached (pointer-map pages and the lock page
//! excepted; a referenced map page is "Page N: pointer map referenced").
//!
//! Per tree page (prefix "Tree R page P: ", cells "Tree R page P cell C: "):
//! the right child first, then the cells from last to first; each cell's
//! rowid (table trees) must be below the running maximum (the first one
//! checked may equal it); overflow chains are followed ("overflow list
//! length is X but should be Y"); children recurse with the cell's key as
//! their maximum; all children must have one depth; finally cells and
//! freeblocks must tile the content area ("Multiple uses for byte ...",
//! "Fragmentation of ... reported as ..."). In auto_vacuum files every
//! child, overflow and free page's pointer-map entry is verified ("Bad ptr
//! map entry key=K expected=(T,P) got=(T,P)").
//!
//! Invariant: at most `max_errors` messages; every page number is checked
//! before it is read, and a page is entered once, so cycles end.

use super::page::{parse_cell_at, parse_header};
use super::ptrmap::{PTRMAP_BTREE, PTRMAP_FREEPAGE, PTRMAP_OVERFLOW1, PTRMAP_OVERFLOW2, PTRMAP_ROOTPAGE};
use super::{Btree, TreeKind};
use crate::error::Result;
use crate::storage::pager::header::{OFF_FREELIST_COUNT, OFF_FREELIST_TRUNK};
use crate::storage::varint::{get_u16, get_u32};

/// Message prefix format in force (SQLite's zPfx), filled from the
/// checker's v0 (root), v1 (page), v2 (cell).
#[derive(Clone, Copy)]
enum Pfx {
    None,
    Freelist,
    Page,
    Cell,
    RightChild,
}

struct Checker {
    used: Vec<bool>,
    errors: Vec<String>,
    left: usize,
    db_size: u32,
    av: bool,
    pfx: Pfx,
    v0: u32,
    v1: u32,
    v2: usize,
}

impl Checker {
    fn err(&mut self, msg: String) {
        if self.left == 0 {
            return;
        }
        self.left -= 1;
        let p = match self.pfx {
            Pfx::None => String::new(),
            Pfx::Freelist => "Freelist: ".to_string(),
            Pfx::Page => format!("Tree {} page {}: ", self.v0, self.v1),
            Pfx::Cell => format!("Tree {} page {} cell {}: ", self.v0, self.v1, self.v2),
            Pfx::RightChild => format!("Tree {} page {} right child: ", self.v0, self.v1),
        };
        self.errors.push(format!("{p}{msg}"));
    }
    /// SQLite's checkRef: true (with a message) if invalid or seen before.
    fn check_ref(&mut self, pgno: u32) -> bool {
        if pgno == 0 || pgno > self.db_size {
            self.err(format!("invalid page number {pgno}"));
            return true;
        }
        if self.used[pgno as usize] {
            self.err(format!("2nd reference to page {pgno}"));
            return true;
        }
        self.used[pgno as usize] = true;
        false
    }
}

pub(super) fn check(bt: &mut Btree, roots: &[(u32, TreeKind)], max_errors: usize) -> Result<Vec<String>> {
    let db_size = bt.pager.db_size();
    let mut ck = Checker { used: vec![false; db_size as usize + 1], errors: Vec::new(), left: max_errors.max(1), db_size, av: false, pfx: Pfx::None, v0: 0, v1: 0, v2: 0 };
    if db_size == 0 {
        return Ok(Vec::new());
    }
    ck.av = bt.read_av_flags()?.0;
    let lock = bt.pager.lock_page();
    if lock <= db_size {
        ck.used[lock as usize] = true;
    }
    let (trunk, count) = {
        let p = bt.pager.get(1)?;
        let d = p.borrow();
        (get_u32(&d, OFF_FREELIST_TRUNK), get_u32(&d, OFF_FREELIST_COUNT))
    };
    ck.pfx = Pfx::Freelist;
    check_list(bt, &mut ck, true, trunk, count)?;
    ck.pfx = Pfx::None;
    for &(root, kind) in roots {
        if ck.left == 0 {
            break;
        }
        if root == 0 {
            continue;
        }
        if ck.av && root > 1 {
            check_ptrmap(bt, &mut ck, root, PTRMAP_ROOTPAGE, 0)?;
        }
        let mut min = 0i64;
        ck.v0 = root;
        check_tree_page(bt, &mut ck, root, kind, &mut min, i64::MAX, 0)?;
    }
    if ck.av {
        // Only a root past the header's value is certain to be wrong: the
        // caller's root list may leave out objects it cannot read.
        let mx = roots.iter().map(|r| r.0).max().unwrap_or(0);
        let hdr = {
            let p = bt.pager.get(1)?;
            let d = p.borrow();
            get_u32(&d, 52)
        };
        if mx > hdr {
            ck.err(format!("max rootpage ({mx}) disagrees with header ({hdr})"));
        }
    }
    for p in 1..=db_size {
        if ck.left == 0 {
            break;
        }
        let is_map = ck.av && bt.is_ptrmap_page(p);
        if !ck.used[p as usize] && !is_map {
            ck.err(format!("Page {p}: never used"));
        }
        if ck.used[p as usize] && is_map {
            ck.err(format!("Page {p}: pointer map referenced"));
        }
    }
    Ok(ck.errors)
}

/// Verifies the pointer-map entry of `pgno` (SQLite's checkPtrmap).
fn check_ptrmap(bt: &mut Btree, ck: &mut Checker, pgno: u32, ty: u8, parent: u32) -> Result<()> {
    let m = bt.ptrmap_pageno(pgno);
    if m == 0 || m >= pgno || m > ck.db_size || pgno > ck.db_size {
        ck.err(format!("Failed to read ptrmap key={pgno}"));
        return Ok(());
    }
    let (t, p) = bt.ptrmap_get(pgno)?;
    if t != ty || p != parent {
        ck.err(format!("Bad ptr map entry key={pgno} expected=({ty},{parent}) got=({t},{p})"));
    }
    Ok(())
}

/// The freelist (trunks with their leaves) or an overflow chain, which
/// must hold `n` pages (SQLite's checkList).
fn check_list(bt: &mut Btree, ck: &mut Checker, free_list: bool, first: u32, n: u32) -> Result<()> {
    let usable = bt.pager.usable_size() as usize;
    let expected = n;
    let mut n = i64::from(n);
    let errs_at_start = ck.errors.len() + usize::from(ck.left == 0);
    let mut pgno = first;
    while pgno != 0 && ck.left > 0 {
        if ck.check_ref(pgno) {
            break;
        }
        n -= 1;
        let (next, leaves, count) = {
            let p = bt.pager.get(pgno)?;
            let d = p.borrow();
            let count = get_u32(&d, 4) as usize;
            let leaves: Vec<u32> = if free_list && count <= usable / 4 - 2 { (0..count).map(|i| get_u32(&d, 8 + 4 * i)).collect() } else { Vec::new() };
            (get_u32(&d, 0), leaves, count)
        };
        if free_list {
            if ck.av {
                check_ptrmap(bt, ck, pgno, PTRMAP_FREEPAGE, 0)?;
            }
            if count > usable / 4 - 2 {
                ck.err(format!("freelist leaf count too big on page {pgno}"));
                n -= 1;
            } else {
                for leaf in leaves {
                    if ck.av {
                        check_ptrmap(bt, ck, leaf, PTRMAP_FREEPAGE, 0)?;
                    }
                    ck.check_ref(leaf);
                }
                n -= count as i64;
            }
        } else if ck.av && n > 0 {
            check_ptrmap(bt, ck, next, PTRMAP_OVERFLOW2, pgno)?;
        }
        pgno = next;
    }
    if n != 0 && errs_at_start == ck.errors.len() + usize::from(ck.left == 0) {
        let what = if free_list { "size" } else { "overflow list length" };
        ck.err(format!("{what} is {} but should be {expected}", i64::from(expected) - n));
    }
    Ok(())
}

/// One tree page (SQLite's checkTreePage): returns its depth (leaves 0,
/// their parents 1, ...); `min` receives the smallest rowid seen.
#[allow(clippy::too_many_arguments)]
fn check_tree_page(bt: &mut Btree, ck: &mut Checker, pgno: u32, kind: TreeKind, min: &mut i64, mut max: i64, level: usize) -> Result<i64> {
    if ck.left == 0 || pgno == 0 || level > super::MAX_DEPTH * 4 {
        return Ok(0);
    }
    if ck.check_ref(pgno) {
        return Ok(0);
    }
    let saved = (ck.pfx, ck.v1, ck.v2);
    ck.pfx = Pfx::Page;
    ck.v1 = pgno;
    let usable = bt.pager.usable_size() as usize;
    let d = bt.pager.get(pgno)?.borrow().clone();
    let h = match parse_header(&d, pgno, usable) {
        Ok(h) => h,
        Err(_) => {
            ck.err("btreeInitPage() returns error code 11".to_string());
            (ck.pfx, ck.v1, ck.v2) = saved;
            return Ok(0);
        }
    };
    ck.pfx = Pfx::Cell;
    let mut depth: i64 = -1;
    let mut key_can_be_equal = true;
    let mut coverage = true;
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(h.ncells + 4);
    if !h.leaf {
        if ck.av {
            ck.pfx = Pfx::RightChild;
            check_ptrmap(bt, ck, h.right, PTRMAP_BTREE, pgno)?;
        }
        let cap = max;
        depth = check_tree_page(bt, ck, h.right, kind, &mut max, cap, level + 1)?;
        key_can_be_equal = false;
    }
    for i in (0..h.ncells).rev() {
        if ck.left == 0 {
            break;
        }
        ck.pfx = Pfx::Cell;
        ck.v2 = i;
        let pc = get_u16(&d, h.cell_ptr + 2 * i) as usize;
        if pc < h.content || pc + 4 > usable {
            ck.err(format!("Offset {pc} out of range {}..{}", h.content, usable - 4));
            coverage = false;
            continue;
        }
        let c = match parse_cell_at(&d, pc, &h) {
            Ok(c) if pc + c.size <= usable => c,
            _ => {
                ck.err("Extends off end of page".to_string());
                coverage = false;
                continue;
            }
        };
        if h.intkey {
            if if key_can_be_equal { c.key > max } else { c.key >= max } {
                ck.err(format!("Rowid {} out of order", c.key));
            }
            max = c.key;
            key_can_be_equal = false;
        }
        if (c.local as u64) < c.payload_size {
            let per = (usable - 4) as u64;
            let n = (c.payload_size - c.local as u64).div_ceil(per) as u32;
            if ck.av {
                check_ptrmap(bt, ck, c.overflow, PTRMAP_OVERFLOW1, pgno)?;
            }
            check_list(bt, ck, false, c.overflow, n)?;
        }
        if !h.leaf {
            if ck.av {
                check_ptrmap(bt, ck, c.left_child, PTRMAP_BTREE, pgno)?;
            }
            let cap = max;
            let d2 = check_tree_page(bt, ck, c.left_child, kind, &mut max, cap, level + 1)?;
            key_can_be_equal = false;
            if d2 != depth {
                ck.err("Child page depth differs".to_string());
                depth = d2;
            }
        }
        spans.push((pc, pc + c.size));
    }
    *min = max;
    ck.pfx = Pfx::None;
    if coverage && ck.left > 0 {
        let mut fb = h.first_free;
        let mut guard = 0;
        while fb > 0 && guard < usable / 4 {
            guard += 1;
            if fb + 4 > usable {
                break;
            }
            let size = get_u16(&d, fb + 2) as usize;
            spans.push((fb, fb + size));
            fb = get_u16(&d, fb) as usize;
        }
        spans.sort_unstable();
        let mut frag = 0usize;
        let mut prev_end = h.content;
        let mut overlap = false;
        for &(a, b) in &spans {
            if a < prev_end {
                ck.err(format!("Multiple uses for byte {a} of page {pgno}"));
                overlap = true;
                break;
            }
            frag += a - prev_end;
            prev_end = b;
        }
        if !overlap {
            frag += usable.saturating_sub(prev_end);
            if frag != h.frag {
                ck.err(format!("Fragmentation of {frag} bytes reported as {} on page {pgno}", h.frag));
            }
        }
    }
    (ck.pfx, ck.v1, ck.v2) = saved;
    Ok(depth + 1)
}
