//! integrity_check over given roots, with SQLite's wording for the
//! problems it finds ("*** in database main ***" is the caller's prefix).
//!
//! Checks: every page is referenced once (trees, overflow chains,
//! freelist), page headers and cell bounds, rowid order within and across
//! pages of table trees, equal leaf depth, overflow chain lengths, the
//! freelist count, and finally "Page N: never used" for orphans. Index key
//! order is not checked here (it needs the index's KeyInfo). In
//! auto_vacuum files every pointer-map entry is verified against the page
//! that refers to it ("Bad ptr map entry ..."), and the largest-root
//! header field against the roots.

use super::page::{cell_offset, parse_cell_at, parse_header};
use super::{Btree, TreeKind};
use crate::error::Result;
use crate::storage::pager::header::{OFF_FREELIST_COUNT, OFF_FREELIST_TRUNK};
use crate::storage::varint::get_u32;

struct Checker {
    used: Vec<bool>,
    errors: Vec<String>,
    max: usize,
    db_size: u32,
    lock_page: u32,
    av: bool,
}

impl Checker {
    fn err(&mut self, msg: String) {
        if self.errors.len() < self.max {
            self.errors.push(msg);
        }
    }
    fn full(&self) -> bool {
        self.errors.len() >= self.max
    }
    /// Marks a page referenced; false (with a message) if invalid or seen.
    fn mark(&mut self, pgno: u32, ctx: &str) -> bool {
        if pgno == 0 || pgno > self.db_size || pgno == self.lock_page {
            self.err(format!("{ctx}invalid page number {pgno}"));
            return false;
        }
        if self.used[pgno as usize] {
            self.err(format!("{ctx}2nd reference to page {pgno}"));
            return false;
        }
        self.used[pgno as usize] = true;
        true
    }
}

pub(super) fn check(bt: &mut Btree, roots: &[(u32, TreeKind)], max_errors: usize) -> Result<Vec<String>> {
    let db_size = bt.pager.db_size();
    let mut ck = Checker {
        used: vec![false; db_size as usize + 1],
        errors: Vec::new(),
        max: max_errors.max(1),
        db_size,
        lock_page: bt.pager.lock_page(),
        av: false,
    };
    if db_size == 0 {
        return Ok(Vec::new());
    }
    ck.av = bt.read_av_flags()?.0;
    check_freelist(bt, &mut ck)?;
    mark_ptrmap_pages(bt, &mut ck)?;
    for &(root, kind) in roots {
        if ck.full() {
            break;
        }
        if root == 0 {
            continue;
        }
        if !ck.mark(root, "") {
            continue;
        }
        if root > 1 {
            check_ptrmap(bt, &mut ck, root, super::ptrmap::PTRMAP_ROOTPAGE, 0, "")?;
        }
        let mut depth = None;
        check_tree(bt, &mut ck, root, kind, 0, &mut depth, None, None)?;
    }
    if ck.av {
        let mx = roots.iter().map(|r| r.0).max().unwrap_or(0);
        let hdr = {
            let p = bt.pager.get(1)?;
            let d = p.borrow();
            get_u32(&d, 52)
        };
        // Only a root past the header's value is certain to be wrong: the
        // caller's root list may leave out objects it cannot read.
        if mx > hdr {
            ck.err(format!("max rootpage ({mx}) disagrees with header ({hdr})"));
        }
    }
    for p in 1..=db_size {
        if ck.full() {
            break;
        }
        if !ck.used[p as usize] && p != ck.lock_page {
            ck.err(format!("Page {p}: never used"));
        }
    }
    Ok(ck.errors)
}

/// Verifies the pointer-map entry of `pgno` (auto_vacuum files only).
fn check_ptrmap(bt: &mut Btree, ck: &mut Checker, pgno: u32, ty: u8, parent: u32, ctx: &str) -> Result<()> {
    if !ck.av || pgno < 2 || pgno > ck.db_size {
        return Ok(());
    }
    let m = bt.ptrmap_pageno(pgno);
    if m == 0 || m >= pgno || m > ck.db_size {
        ck.err(format!("{ctx}Failed to read ptrmap key={pgno}"));
        return Ok(());
    }
    let (t, p) = bt.ptrmap_get(pgno)?;
    if t != ty || p != parent {
        ck.err(format!("{ctx}Bad ptr map entry key={pgno} expected=({ty},{parent}) got=({t},{p})"));
    }
    Ok(())
}

/// auto_vacuum files (header offset 52 non-zero) hold pointer-map pages at
/// page 2 and every usable/5+1 pages after it (skipping the lock page);
/// they belong to no tree. Their entries are not verified here.
fn mark_ptrmap_pages(bt: &mut Btree, ck: &mut Checker) -> Result<()> {
    let largest_root = {
        let p = bt.pager.get(1)?;
        let d = p.borrow();
        get_u32(&d, 52)
    };
    if largest_root == 0 {
        return Ok(());
    }
    let per = bt.pager.usable_size() / 5 + 1;
    let mut p = 2u32;
    while p <= ck.db_size {
        let pg = if p == ck.lock_page { p + 1 } else { p };
        if pg <= ck.db_size {
            ck.mark(pg, "Pointer map: ");
        }
        p = match p.checked_add(per) {
            Some(n) => n,
            None => break,
        };
    }
    Ok(())
}

fn check_freelist(bt: &mut Btree, ck: &mut Checker) -> Result<()> {
    let (mut trunk, expected) = {
        let p = bt.pager.get(1)?;
        let d = p.borrow();
        (get_u32(&d, OFF_FREELIST_TRUNK), get_u32(&d, OFF_FREELIST_COUNT))
    };
    let usable = bt.pager.usable_size() as usize;
    let mut count: u32 = 0;
    let mut guard = 0;
    while trunk != 0 && guard <= ck.db_size {
        guard += 1;
        if !ck.mark(trunk, "Freelist: ") {
            break;
        }
        check_ptrmap(bt, ck, trunk, super::ptrmap::PTRMAP_FREEPAGE, 0, "Freelist: ")?;
        count += 1;
        let (n, leaves, next) = {
            let p = bt.pager.get(trunk)?;
            let d = p.borrow();
            let n = get_u32(&d, 4) as usize;
            let leaves: Vec<u32> = if n > usable / 4 - 2 { Vec::new() } else { (0..n).map(|i| get_u32(&d, 8 + 4 * i)).collect() };
            (n, leaves, get_u32(&d, 0))
        };
        if n > usable / 4 - 2 {
            ck.err(format!("freelist leaf count too big on page {trunk}"));
            break;
        }
        for leaf in leaves {
            if ck.mark(leaf, "Freelist: ") {
                check_ptrmap(bt, ck, leaf, super::ptrmap::PTRMAP_FREEPAGE, 0, "Freelist: ")?;
                count += 1;
            }
        }
        trunk = next;
    }
    if count != expected {
        ck.err(format!("Freelist: size is {count} but should be {expected}"));
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn check_tree(
    bt: &mut Btree,
    ck: &mut Checker,
    pgno: u32,
    kind: TreeKind,
    depth: usize,
    leaf_depth: &mut Option<usize>,
    lower: Option<i64>,
    upper: Option<i64>,
) -> Result<()> {
    if depth > super::MAX_DEPTH || ck.full() {
        return Ok(());
    }
    let usable = bt.pager.usable_size() as usize;
    let p = bt.pager.get(pgno)?;
    let d = p.borrow().clone();
    drop(p);
    let h = match parse_header(&d, pgno, usable) {
        Ok(h) => h,
        Err(_) => {
            ck.err(format!("On tree page {pgno} cell 0: invalid page header"));
            return Ok(());
        }
    };
    if h.intkey != (kind == TreeKind::Table) {
        ck.err(format!("On tree page {pgno} cell 0: wrong page type for this tree"));
        return Ok(());
    }
    // Space accounting: cells + freeblocks + fragments must tile the content area.
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(h.ncells);
    let mut prev_key: Option<i64> = None;
    let mut children = Vec::new();
    for i in 0..h.ncells {
        let off = match cell_offset(&d, &h, i) {
            Ok(o) => o,
            Err(_) => {
                ck.err(format!("On tree page {pgno} cell {i}: Offset out of range"));
                return Ok(());
            }
        };
        let c = match parse_cell_at(&d, off, &h) {
            Ok(c) => c,
            Err(_) => {
                ck.err(format!("On tree page {pgno} cell {i}: Extends off end of page"));
                return Ok(());
            }
        };
        spans.push((off, off + c.size));
        if h.intkey {
            if let Some(pk) = prev_key {
                if (h.leaf && c.key <= pk) || (!h.leaf && c.key < pk) {
                    ck.err(format!("On tree page {pgno} cell {i}: Rowid {} out of order", c.key));
                }
            }
            if lower.is_some_and(|l| c.key <= l) || upper.is_some_and(|u| c.key > u) {
                ck.err(format!("On tree page {pgno} cell {i}: Rowid {} out of order", c.key));
            }
            prev_key = Some(c.key);
        }
        if (c.local as u64) < c.payload_size {
            let per = usable - 4;
            let n = (c.payload_size as usize - c.local).div_ceil(per);
            let mut ov = c.overflow;
            let ctx = format!("On tree page {pgno} cell {i}: ");
            let mut prev = pgno;
            for k in 0..n {
                if !ck.mark(ov, &ctx) {
                    break;
                }
                let ty = if k == 0 { super::ptrmap::PTRMAP_OVERFLOW1 } else { super::ptrmap::PTRMAP_OVERFLOW2 };
                check_ptrmap(bt, ck, ov, ty, prev, &ctx)?;
                prev = ov;
                let op = bt.pager.get(ov)?;
                let next = get_u32(&op.borrow(), 0);
                if k + 1 < n && next == 0 {
                    ck.err(format!("On tree page {pgno} cell {i}: 1 of {n} pages missing from overflow list starting at {}", c.overflow));
                    break;
                }
                if k + 1 == n && next != 0 {
                    ck.err(format!("On tree page {pgno} cell {i}: Extends off end of page"));
                }
                ov = next;
            }
        }
        if !h.leaf {
            children.push((c.left_child, if h.intkey { Some(c.key) } else { None }));
        }
    }
    // Freeblocks.
    let mut pc = h.first_free;
    let mut guard = 0;
    let mut free_total = 0;
    while pc != 0 && guard < usable / 4 {
        guard += 1;
        if pc + 4 > usable {
            ck.err(format!("On tree page {pgno} cell 0: freeblock off end of page"));
            break;
        }
        let size = u16::from_be_bytes([d[pc + 2], d[pc + 3]]) as usize;
        spans.push((pc, pc + size));
        free_total += size;
        pc = u16::from_be_bytes([d[pc], d[pc + 1]]) as usize;
    }
    spans.sort_unstable();
    let mut cover = h.content;
    let mut frag = 0usize;
    for &(a, b) in &spans {
        if a < cover || b > usable {
            ck.err(format!("Multiple uses for byte {} of page {pgno}", a.max(cover.min(a))));
            break;
        }
        frag += a - cover;
        cover = b;
    }
    if cover <= usable {
        frag += usable - cover;
    }
    let _ = free_total;
    if frag != h.frag && !ck.full() {
        ck.err(format!("Fragmentation of {frag} bytes reported as {} on page {pgno}", h.frag));
    }
    if h.leaf {
        match *leaf_depth {
            None => *leaf_depth = Some(depth),
            Some(ld) if ld != depth => ck.err(format!("On page {pgno} at right child: Child page depth differs")),
            _ => {}
        }
        if h.ncells == 0 && depth > 0 {
            ck.err(format!("On tree page {pgno}: empty non-root page"));
        }
        return Ok(());
    }
    children.push((h.right, None));
    let mut lo = lower;
    for (i, (child, key)) in children.into_iter().enumerate() {
        let ctx = format!("On tree page {pgno} cell {i}: ");
        if !ck.mark(child, &ctx) {
            continue;
        }
        check_ptrmap(bt, ck, child, super::ptrmap::PTRMAP_BTREE, pgno, &ctx)?;
        let hi = if key.is_some() { key } else { upper };
        check_tree(bt, ck, child, kind, depth + 1, leaf_depth, lo, hi)?;
        if key.is_some() {
            lo = key;
        }
    }
    Ok(())
}
