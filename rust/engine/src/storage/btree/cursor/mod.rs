//! Cursors: a position in one b-tree as a stack of (page, index) from the
//! root down. For interior pages the index is the child position taken
//! (0..=ncells; ncells = right-most child); on the top page it is the cell
//! the cursor is on. In index trees entries live in interior pages too, so
//! the top of the stack may be an interior page (on cell `idx`).
//!
//! A cursor holds no borrow of the `Btree`. It remembers the tree
//! generation it was positioned under and its current key (rowid, or key
//! record for index trees). When the generation moved (the tree changed
//! through any cursor), it re-seeks: `next` goes to the first entry greater
//! than the saved key, `prev` to the last smaller one, reads re-seek to
//! the key itself. After `delete`, the saved key is the deleted one, so
//! `next` lands on the entry that followed it.

mod write;

use super::page::{self, parse_cell, parse_header, CellInfo, PageHdr};
use super::{Btree, SeekOp, SeekResult, TreeKind, MAX_DEPTH};
use crate::error::{Error, Result};
use crate::storage::pager::cache::PageRef;
use crate::storage::record::{compare_records, KeyInfo};
use std::cmp::Ordering;
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Not on an entry.
    Invalid,
    /// On an entry (if `gen` still matches the tree).
    Valid,
    /// The entry at the saved key was deleted; the position is "between".
    Deleted,
}

/// A position in one b-tree. Holds no borrow of the Btree: every operation
/// takes it as a parameter. A cursor stays valid across changes made
/// through other cursors (it re-seeks to its saved key when the tree
/// changed under it).
pub struct BtCursor {
    root: u32,
    kind: TreeKind,
    key_info: Option<Rc<KeyInfo>>,
    pub(super) stack: Vec<(u32, usize)>,
    state: State,
    gen: u64,
    saved_rowid: i64,
    saved_key: Vec<u8>,
    scratch: Vec<u8>,
    cell: Vec<u8>,
    /// (page number, generation, page) of the last page the cursor read;
    /// valid only while the tree generation is the one it was read under
    /// (every cache replacement of a page object bumps the generation).
    top: Option<(u32, u64, PageRef)>,
}

/// Reads page `pgno` and parses its header.
fn load(bt: &mut Btree, pgno: u32) -> Result<(PageRef, PageHdr)> {
    if pgno == 0 || pgno > bt.pager.db_size() {
        return Err(Error::corrupt(format!("page {pgno} out of range")));
    }
    let p = bt.pager.get(pgno)?;
    let h = parse_header(&p.borrow(), pgno, bt.pager.usable_size() as usize)?;
    Ok((p, h))
}

impl BtCursor {
    /// A cursor on the tree at `root`. `key_info` is required for Index trees.
    pub fn new(root: u32, kind: TreeKind, key_info: Option<Rc<KeyInfo>>) -> BtCursor {
        BtCursor {
            root,
            kind,
            key_info,
            stack: Vec::with_capacity(8),
            state: State::Invalid,
            gen: 0,
            saved_rowid: 0,
            saved_key: Vec::new(),
            scratch: Vec::new(),
            cell: Vec::new(),
            top: None,
        }
    }

    pub fn root(&self) -> u32 {
        self.root
    }

    fn key_info(&self) -> Result<Rc<KeyInfo>> {
        match &self.key_info {
            Some(k) => Ok(k.clone()),
            None => Ok(Rc::new(KeyInfo { collations: Vec::new(), desc: Vec::new() })),
        }
    }

    fn require_tree_readable(&self, bt: &Btree) -> Result<()> {
        if bt.pager.state() == crate::storage::pager::PagerState::None {
            return Err(Error::misuse("cursor used outside a transaction"));
        }
        Ok(())
    }

    /// Page `pgno` through the cursor's one-page memo (valid while the
    /// generation it was taken under is current), else through the pager.
    fn page_of(&mut self, bt: &mut Btree, pgno: u32) -> Result<(PageRef, PageHdr)> {
        if let Some((tp, tg, ref r)) = self.top {
            if tp == pgno && tg == bt.generation {
                let h = parse_header(&r.borrow(), pgno, bt.pager.usable_size() as usize)?;
                return Ok((r.clone(), h));
            }
        }
        let (r, h) = load(bt, pgno)?;
        self.top = Some((pgno, bt.generation, r.clone()));
        Ok((r, h))
    }

    /// Records the key of the current entry and the generation.
    fn save_position(&mut self, bt: &mut Btree) -> Result<()> {
        self.state = State::Valid;
        self.gen = bt.generation;
        let (pgno, idx) = *self.stack.last().ok_or_else(|| Error::corrupt("empty cursor stack"))?;
        let (p, h) = self.page_of(bt, pgno)?;
        let d = p.borrow();
        let c = parse_cell(&d, &h, idx)?;
        if self.kind == TreeKind::Table {
            if !h.leaf {
                return Err(Error::corrupt("table cursor on interior page"));
            }
            self.saved_rowid = c.key;
        } else {
            let mut k = std::mem::take(&mut self.saved_key);
            let r = bt.read_payload(&d, &c, &mut k);
            self.saved_key = k;
            r?;
        }
        Ok(())
    }

    /// Brings the position up to date after the tree changed. Returns false
    /// if the entry is gone (the cursor is then on the following entry, or
    /// invalid at the end).
    fn restore(&mut self, bt: &mut Btree) -> Result<bool> {
        match self.state {
            State::Invalid => Ok(false),
            State::Valid if self.gen == bt.generation => Ok(true),
            _ => {
                let exact = self.seek_saved(bt, false)?;
                if exact {
                    self.save_position(bt)?;
                }
                Ok(exact)
            }
        }
    }

    /// Seeks to the saved key: `strict` = first entry > key; else first
    /// entry >= key. Returns whether an entry equal to the key was found
    /// (non-strict) and leaves the cursor Valid on the entry, or Invalid.
    fn seek_saved(&mut self, bt: &mut Btree, strict: bool) -> Result<bool> {
        let found = if self.kind == TreeKind::Table {
            let rowid = self.saved_rowid;
            if strict {
                if rowid == i64::MAX {
                    self.state = State::Invalid;
                    return Ok(false);
                }
                self.descend_table(bt, rowid + 1)?;
                false
            } else {
                self.descend_table(bt, rowid)?
            }
        } else {
            let key = std::mem::take(&mut self.saved_key);
            let r = self.descend_index(bt, &key, strict, !strict);
            self.saved_key = key;
            r?
        };
        if found {
            self.state = State::Valid;
            self.gen = bt.generation;
            return Ok(true);
        }
        if self.settle_forward(bt)? {
            self.save_position(bt)?;
        }
        Ok(false)
    }

    /// After a descent that may leave the top index at ncells of a leaf,
    /// moves to the next real entry. Returns whether positioned.
    fn settle_forward(&mut self, bt: &mut Btree) -> Result<bool> {
        let (pgno, idx) = match self.stack.last() {
            Some(&t) => t,
            None => {
                self.state = State::Invalid;
                return Ok(false);
            }
        };
        let (_, h) = load(bt, pgno)?;
        if idx < h.ncells {
            self.state = State::Valid;
            return Ok(true);
        }
        if h.ncells == 0 {
            if self.stack.len() == 1 {
                self.state = State::Invalid;
                return Ok(false);
            }
            return Err(Error::corrupt(format!("empty non-root page {pgno}")));
        }
        if let Some(t) = self.stack.last_mut() {
            t.1 = h.ncells - 1;
        }
        let ok = self.step_next(bt)?;
        self.state = if ok { State::Valid } else { State::Invalid };
        Ok(ok)
    }

    /// Descends a table tree to the leaf where `rowid` is or would be; the
    /// top index is the first cell with key >= rowid (may be ncells).
    /// Returns true on an exact match.
    fn descend_table(&mut self, bt: &mut Btree, rowid: i64) -> Result<bool> {
        self.stack.clear();
        let mut pgno = self.root;
        loop {
            if self.stack.len() >= MAX_DEPTH {
                return Err(Error::corrupt("b-tree too deep"));
            }
            let (p, h) = load(bt, pgno)?;
            let d = p.borrow();
            if !h.intkey {
                return Err(Error::corrupt(format!("page {pgno}: index page in a table tree")));
            }
            let (mut lo, mut hi) = (0usize, h.ncells);
            while lo < hi {
                let mid = (lo + hi) / 2;
                let c = parse_cell(&d, &h, mid)?;
                if c.key < rowid {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            self.stack.push((pgno, lo));
            if h.leaf {
                if lo < h.ncells {
                    return Ok(parse_cell(&d, &h, lo)?.key == rowid);
                }
                return Ok(false);
            }
            pgno = page::child_at(&d, &h, lo)?;
        }
    }

    /// Compares the key of cell `c` on page `d` with `key`.
    fn cmp_cell(&mut self, bt: &mut Btree, d: &[u8], c: &CellInfo, key: &[u8], ki: &KeyInfo) -> Result<Ordering> {
        let local_end = c.payload_off + c.local;
        if c.local as u64 == c.payload_size {
            return compare_records(&d[c.payload_off..local_end], key, ki);
        }
        let mut buf = std::mem::take(&mut self.scratch);
        let r = bt.read_payload(d, c, &mut buf).and_then(|_| compare_records(&buf, key, ki));
        self.scratch = buf;
        r
    }

    /// Descends an index tree. `upper` = position at the first entry > key,
    /// else the first entry >= key. With `stop_on_equal`, stops at an
    /// interior cell equal to the key (exact lookup of a full key). Returns
    /// true if the cursor's top entry equals the key.
    fn descend_index(&mut self, bt: &mut Btree, key: &[u8], upper: bool, stop_on_equal: bool) -> Result<bool> {
        let ki = self.key_info()?;
        self.stack.clear();
        let mut pgno = self.root;
        loop {
            if self.stack.len() >= MAX_DEPTH {
                return Err(Error::corrupt("b-tree too deep"));
            }
            let (p, h) = load(bt, pgno)?;
            let d = p.borrow();
            if h.intkey {
                return Err(Error::corrupt(format!("page {pgno}: table page in an index tree")));
            }
            let (mut lo, mut hi) = (0usize, h.ncells);
            let mut eq_at = None;
            while lo < hi {
                let mid = (lo + hi) / 2;
                let c = parse_cell(&d, &h, mid)?;
                let o = self.cmp_cell(bt, &d, &c, key, &ki)?;
                let go_right = if upper { o != Ordering::Greater } else { o == Ordering::Less };
                if o == Ordering::Equal && !upper {
                    eq_at = Some(mid);
                }
                if go_right {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            self.stack.push((pgno, lo));
            if h.leaf {
                return Ok(!upper && eq_at == Some(lo) && lo < h.ncells);
            }
            if stop_on_equal && eq_at == Some(lo) && lo < h.ncells {
                return Ok(true);
            }
            pgno = page::child_at(&d, &h, lo)?;
        }
    }

    /// Pushes the left-most path from child position `pos` of the top page.
    fn descend_leftmost(&mut self, bt: &mut Btree, mut pgno: u32) -> Result<()> {
        loop {
            if self.stack.len() >= MAX_DEPTH {
                return Err(Error::corrupt("b-tree too deep"));
            }
            let (p, h) = load(bt, pgno)?;
            self.stack.push((pgno, 0));
            if h.leaf {
                if h.ncells == 0 && self.stack.len() > 1 {
                    return Err(Error::corrupt(format!("empty non-root leaf {pgno}")));
                }
                return Ok(());
            }
            pgno = page::child_at(&p.borrow(), &h, 0)?;
        }
    }

    fn descend_rightmost(&mut self, bt: &mut Btree, pgno: u32) -> Result<()> {
        self.descend_rightmost_ex(bt, pgno, true)
    }

    /// Like `descend_rightmost`; with `strict` false an empty leaf is
    /// accepted (used while a delete is being repaired).
    fn descend_rightmost_ex(&mut self, bt: &mut Btree, mut pgno: u32, strict: bool) -> Result<()> {
        loop {
            if self.stack.len() >= MAX_DEPTH {
                return Err(Error::corrupt("b-tree too deep"));
            }
            let (_, h) = load(bt, pgno)?;
            if h.leaf {
                if strict && h.ncells == 0 && !self.stack.is_empty() {
                    return Err(Error::corrupt(format!("empty non-root leaf {pgno}")));
                }
                self.stack.push((pgno, h.ncells.saturating_sub(1)));
                return Ok(());
            }
            self.stack.push((pgno, h.ncells));
            pgno = h.right;
        }
    }

    /// Moves one entry forward from a valid position (no restore logic).
    fn step_next(&mut self, bt: &mut Btree) -> Result<bool> {
        let (pgno, idx) = *self.stack.last().ok_or_else(|| Error::corrupt("empty cursor stack"))?;
        let (p, h) = self.page_of(bt, pgno)?;
        if !h.leaf {
            // Index tree, on interior cell idx: go to the smallest entry of child idx+1.
            let child = page::child_at(&p.borrow(), &h, idx + 1)?;
            if let Some(t) = self.stack.last_mut() {
                t.1 = idx + 1;
            }
            self.descend_leftmost(bt, child)?;
            return Ok(true);
        }
        if idx + 1 < h.ncells {
            if let Some(t) = self.stack.last_mut() {
                t.1 = idx + 1;
            }
            return Ok(true);
        }
        loop {
            self.stack.pop();
            let (pp, pi) = match self.stack.last() {
                Some(&t) => t,
                None => {
                    self.state = State::Invalid;
                    return Ok(false);
                }
            };
            let (p, h) = load(bt, pp)?;
            if pi < h.ncells {
                if self.kind == TreeKind::Index {
                    return Ok(true);
                }
                let child = page::child_at(&p.borrow(), &h, pi + 1)?;
                if let Some(t) = self.stack.last_mut() {
                    t.1 = pi + 1;
                }
                self.descend_leftmost(bt, child)?;
                return Ok(true);
            }
        }
    }

    fn step_prev(&mut self, bt: &mut Btree) -> Result<bool> {
        let (pgno, idx) = *self.stack.last().ok_or_else(|| Error::corrupt("empty cursor stack"))?;
        let (p, h) = self.page_of(bt, pgno)?;
        if !h.leaf {
            // Index tree, on interior cell idx: the largest entry of child idx.
            let child = page::child_at(&p.borrow(), &h, idx)?;
            self.descend_rightmost(bt, child)?;
            return Ok(true);
        }
        if idx > 0 {
            if let Some(t) = self.stack.last_mut() {
                t.1 = idx - 1;
            }
            return Ok(true);
        }
        loop {
            self.stack.pop();
            let (pp, pi) = match self.stack.last() {
                Some(&t) => t,
                None => {
                    self.state = State::Invalid;
                    return Ok(false);
                }
            };
            if pi > 0 {
                if let Some(t) = self.stack.last_mut() {
                    t.1 = pi - 1;
                }
                if self.kind == TreeKind::Index {
                    return Ok(true);
                }
                let (p, h) = load(bt, pp)?;
                let child = page::child_at(&p.borrow(), &h, pi - 1)?;
                self.descend_rightmost(bt, child)?;
                return Ok(true);
            }
        }
    }

    fn finish_move(&mut self, bt: &mut Btree, ok: bool) -> Result<bool> {
        if ok {
            self.save_position(bt)?;
        } else {
            self.state = State::Invalid;
        }
        Ok(ok)
    }

    /// Moves to the first entry; false if the tree is empty.
    pub fn first(&mut self, bt: &mut Btree) -> Result<bool> {
        self.move_to_end(bt, false)
    }

    /// Moves to the last entry; false if the tree is empty.
    pub fn last(&mut self, bt: &mut Btree) -> Result<bool> {
        self.move_to_end(bt, true)
    }

    /// `first` (rightmost = false) or `last` (rightmost = true).
    fn move_to_end(&mut self, bt: &mut Btree, rightmost: bool) -> Result<bool> {
        self.require_tree_readable(bt)?;
        self.stack.clear();
        if bt.pager.db_size() == 0 {
            self.state = State::Invalid;
            return Ok(false);
        }
        if rightmost {
            self.descend_rightmost(bt, self.root)?;
        } else {
            self.descend_leftmost(bt, self.root)?;
        }
        let (pgno, _) = self.stack[self.stack.len() - 1];
        let (_, h) = load(bt, pgno)?;
        let ok = h.ncells > 0;
        self.finish_move(bt, ok)
    }

    /// Moves to the next entry; false at end (cursor is then invalid).
    pub fn next(&mut self, bt: &mut Btree) -> Result<bool> {
        match self.state {
            State::Invalid => Ok(false),
            State::Valid if self.gen == bt.generation => {
                let ok = self.step_next(bt)?;
                self.finish_move(bt, ok)
            }
            _ => {
                self.seek_saved(bt, true)?;
                Ok(self.state == State::Valid)
            }
        }
    }

    pub fn prev(&mut self, bt: &mut Btree) -> Result<bool> {
        match self.state {
            State::Invalid => Ok(false),
            State::Valid if self.gen == bt.generation => {
                let ok = self.step_prev(bt)?;
                self.finish_move(bt, ok)
            }
            _ => {
                // Last entry < saved key: position at first >= key, step back.
                let found = self.seek_saved(bt, false)?;
                let _ = found;
                if self.state == State::Valid {
                    let ok = self.step_prev(bt)?;
                    return self.finish_move(bt, ok);
                }
                self.last(bt)
            }
        }
    }

    /// True if positioned on an entry.
    pub fn is_valid(&self) -> bool {
        self.state == State::Valid
    }

    /// Table trees: seek to `rowid`.
    pub fn seek_rowid(&mut self, bt: &mut Btree, rowid: i64) -> Result<SeekResult> {
        self.require_tree_readable(bt)?;
        if self.kind != TreeKind::Table {
            return Err(Error::misuse("seek_rowid on an index cursor"));
        }
        if bt.pager.db_size() == 0 {
            self.state = State::Invalid;
            return Ok(SeekResult::Empty);
        }
        if self.descend_table(bt, rowid)? {
            self.save_position(bt)?;
            return Ok(SeekResult::Found);
        }
        if self.settle_forward(bt)? {
            self.save_position(bt)?;
            return Ok(SeekResult::NotFound);
        }
        if self.last(bt)? {
            Ok(SeekResult::NotFound)
        } else {
            Ok(SeekResult::Empty)
        }
    }

    /// Index trees: seek by a (possibly prefix) key record, compared with
    /// the cursor's KeyInfo; returns whether the cursor is on an entry.
    pub fn seek_index(&mut self, bt: &mut Btree, key: &[u8], op: SeekOp) -> Result<bool> {
        self.require_tree_readable(bt)?;
        if self.kind != TreeKind::Index {
            return Err(Error::misuse("seek_index on a table cursor"));
        }
        if bt.pager.db_size() == 0 {
            self.state = State::Invalid;
            return Ok(false);
        }
        let upper = matches!(op, SeekOp::Gt | SeekOp::Le);
        self.descend_index(bt, key, upper, false)?;
        let on = self.settle_forward(bt)?;
        match op {
            SeekOp::Ge | SeekOp::Gt => self.finish_move(bt, on),
            SeekOp::Le | SeekOp::Lt => {
                if on {
                    let ok = self.step_prev(bt)?;
                    self.finish_move(bt, ok)
                } else {
                    self.last(bt)
                }
            }
        }
    }

    /// Rowid of the current entry (Table trees).
    pub fn rowid(&mut self, bt: &mut Btree) -> Result<i64> {
        if self.kind != TreeKind::Table {
            return Err(Error::misuse("rowid on an index cursor"));
        }
        self.position_for_read(bt)?;
        Ok(self.saved_rowid)
    }

    fn position_for_read(&mut self, bt: &mut Btree) -> Result<()> {
        if self.state == State::Valid && self.gen == bt.generation {
            return Ok(());
        }
        if self.state == State::Invalid {
            return Err(Error::misuse("cursor is not on an entry"));
        }
        if !self.restore(bt)? && self.state != State::Valid {
            return Err(Error::misuse("cursor is not on an entry"));
        }
        Ok(())
    }

    /// The whole payload (record) of the current entry, overflow included,
    /// copied into `out` (cleared first). For Index trees this is the key.
    pub fn payload(&mut self, bt: &mut Btree, out: &mut Vec<u8>) -> Result<()> {
        self.position_for_read(bt)?;
        let (pgno, idx) = *self.stack.last().ok_or_else(|| Error::corrupt("empty cursor stack"))?;
        let (p, h) = self.page_of(bt, pgno)?;
        let d = p.borrow();
        let c = parse_cell(&d, &h, idx)?;
        bt.read_payload(&d, &c, out)
    }
}
