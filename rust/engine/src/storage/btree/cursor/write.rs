//! Cursor writes: insert (table rows and index keys, replacing an equal
//! key), and delete (leaf cells directly; index interior cells are replaced
//! by their predecessor entry, then the emptied leaf is rebalanced). Every
//! change bumps the tree generation so other cursors re-seek.

use super::{load, BtCursor, State};
use crate::error::{Error, Result};
use crate::storage::btree::page::{self, parse_cell, parse_header, CellInfo};
use crate::storage::btree::{Btree, TreeKind};

impl BtCursor {
    /// Table trees: insert or replace the row `rowid`. Leaves the cursor on it.
    pub fn insert(&mut self, bt: &mut Btree, rowid: i64, record: &[u8]) -> Result<()> {
        bt.require_write()?;
        if self.kind != TreeKind::Table {
            return Err(Error::misuse("insert on an index cursor"));
        }
        let mut cell = std::mem::take(&mut self.cell);
        let r = bt.build_leaf_cell(TreeKind::Table, rowid, record, &mut cell).and_then(|_| {
            let exact = self.descend_table(bt, rowid)?;
            self.put_cell(bt, &cell, exact)
        });
        self.cell = cell;
        let balanced = r?;
        bt.generation += 1;
        self.saved_rowid = rowid;
        if balanced && !self.descend_table(bt, rowid)? {
            return Err(Error::corrupt("inserted row not found"));
        }
        self.state = State::Valid;
        self.gen = bt.generation;
        Ok(())
    }

    /// Index trees: insert the key (a record). An equal key is replaced.
    pub fn insert_key(&mut self, bt: &mut Btree, key: &[u8]) -> Result<()> {
        bt.require_write()?;
        if self.kind != TreeKind::Index {
            return Err(Error::misuse("insert_key on a table cursor"));
        }
        let mut cell = std::mem::take(&mut self.cell);
        let r = bt.build_leaf_cell(TreeKind::Index, 0, key, &mut cell).and_then(|_| {
            let exact = self.descend_index(bt, key, false, true)?;
            self.put_cell(bt, &cell, exact)
        });
        self.cell = cell;
        let balanced = r?;
        bt.generation += 1;
        if balanced && !self.descend_index(bt, key, false, true)? {
            return Err(Error::corrupt("inserted key not found"));
        }
        self.saved_key.clear();
        self.saved_key.extend_from_slice(key);
        self.state = State::Valid;
        self.gen = bt.generation;
        Ok(())
    }

    /// Puts a leaf-format cell at the cursor position (replacing the cell
    /// there when `replace`), balancing if the page overflows. Returns true
    /// if the tree was rebalanced (the cursor stack is then stale; otherwise
    /// the top of the stack is the new cell).
    fn put_cell(&mut self, bt: &mut Btree, leaf_cell: &[u8], replace: bool) -> Result<bool> {
        let (pgno, idx) = *self.stack.last().ok_or_else(|| Error::corrupt("empty cursor stack"))?;
        let usable = bt.pager.usable_size() as usize;
        let p = bt.pager.write(pgno)?;
        let h = parse_header(&p.borrow(), pgno, usable)?;
        let mut cell_buf;
        let cell: &[u8] = if h.leaf {
            leaf_cell
        } else {
            // Replacing an entry in an index interior page: keep its child.
            cell_buf = Vec::with_capacity(leaf_cell.len() + 4);
            let c = parse_cell(&p.borrow(), &h, idx)?;
            cell_buf.extend_from_slice(&c.left_child.to_be_bytes());
            cell_buf.extend_from_slice(leaf_cell);
            &cell_buf
        };
        if replace {
            let c = parse_cell(&p.borrow(), &h, idx)?;
            bt.free_cell_overflow(&c)?;
            bt.drop_cell(&mut p.borrow_mut(), pgno, idx)?;
        }
        let fitted = page::insert_cell(&mut p.borrow_mut(), pgno, usable, idx, cell)?;
        if fitted {
            drop(p);
            bt.ptrmap_cell(pgno, idx)?;
            return Ok(false);
        }
        let mut node = page::load_node(&p.borrow(), pgno, usable)?;
        node.cells.insert(idx, cell.to_vec());
        drop(p);
        let append = h.leaf && idx == node.cells.len() - 1 && self.is_rightmost_path(bt)?;
        bt.balance(&self.stack, node, append)?;
        Ok(true)
    }

    /// True if every interior level of the stack took the right-most child.
    fn is_rightmost_path(&self, bt: &mut Btree) -> Result<bool> {
        for &(pgno, pos) in &self.stack[..self.stack.len() - 1] {
            let (_, h) = load(bt, pgno)?;
            if pos != h.ncells {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Deletes the current entry. Afterwards `next` moves to the entry that
    /// followed it.
    pub fn delete(&mut self, bt: &mut Btree) -> Result<()> {
        bt.require_write()?;
        match self.state {
            State::Invalid => return Err(Error::misuse("delete: cursor is not on an entry")),
            // Already deleted (through this cursor): nothing left to delete.
            State::Deleted => return Ok(()),
            State::Valid => {}
        }
        if self.gen != bt.generation {
            let (rowid, key) = (self.saved_rowid, self.saved_key.clone());
            if !self.restore(bt)? {
                // The entry was deleted through another cursor: do not
                // delete its successor; `next` still goes to the successor.
                self.saved_rowid = rowid;
                self.saved_key = key;
                self.state = State::Deleted;
                return Ok(());
            }
        }
        let usable = bt.pager.usable_size() as usize;
        let (pgno, idx) = *self.stack.last().ok_or_else(|| Error::corrupt("empty cursor stack"))?;
        let p = bt.pager.write(pgno)?;
        let h = parse_header(&p.borrow(), pgno, usable)?;
        let c = parse_cell(&p.borrow(), &h, idx)?;
        if h.leaf {
            bt.free_cell_overflow(&c)?;
            bt.drop_cell(&mut p.borrow_mut(), pgno, idx)?;
            let underfull = self.stack.len() > 1 && {
                let d = p.borrow();
                let h2 = parse_header(&d, pgno, usable)?;
                page::free_space(&d, &h2)? * 3 > usable * 2
            };
            if underfull {
                let node = page::load_node(&p.borrow(), pgno, usable)?;
                drop(p);
                bt.balance(&self.stack, node, false)?;
            }
        } else {
            drop(p);
            self.delete_interior(bt, c)?;
        }
        bt.generation += 1;
        self.state = State::Deleted;
        Ok(())
    }

    /// Deletes interior cell (index trees): the predecessor entry (last
    /// entry of the left subtree) takes its place.
    fn delete_interior(&mut self, bt: &mut Btree, c: CellInfo) -> Result<()> {
        let usable = bt.pager.usable_size() as usize;
        let level = self.stack.len() - 1;
        let (ipg, idx) = self.stack[level];
        // Find the predecessor leaf.
        self.descend_rightmost(bt, c.left_child)?;
        let (lpg, lidx) = *self.stack.last().ok_or_else(|| Error::corrupt("empty cursor stack"))?;
        let lp = bt.pager.write(lpg)?;
        let (pred_cell, pred_key) = {
            let d = lp.borrow();
            let lh = parse_header(&d, lpg, usable)?;
            if !lh.leaf || lh.ncells == 0 || lidx + 1 != lh.ncells {
                return Err(Error::corrupt("delete: predecessor leaf"));
            }
            let off = page::cell_offset(&d, &lh, lidx)?;
            let pc = page::parse_cell_at(&d, off, &lh)?;
            let end = pc.payload_off + pc.local + if pc.overflow != 0 { 4 } else { 0 };
            let mut key = Vec::new();
            bt.read_payload(&d, &pc, &mut key)?;
            (d[off..end].to_vec(), key)
        };
        bt.drop_cell(&mut lp.borrow_mut(), lpg, lidx)?;
        drop(lp);
        // Replace the interior cell, keeping its left child.
        let mut newcell = Vec::with_capacity(pred_cell.len() + 4);
        newcell.extend_from_slice(&c.left_child.to_be_bytes());
        newcell.extend_from_slice(&pred_cell);
        bt.free_cell_overflow(&c)?;
        let ip = bt.pager.write(ipg)?;
        bt.drop_cell(&mut ip.borrow_mut(), ipg, idx)?;
        let fitted = page::insert_cell(&mut ip.borrow_mut(), ipg, usable, idx, &newcell)?;
        if !fitted {
            let mut node = page::load_node(&ip.borrow(), ipg, usable)?;
            node.cells.insert(idx, newcell);
            drop(ip);
            let path: Vec<(u32, usize)> = self.stack[..=level].to_vec();
            bt.balance(&path, node, false)?;
        } else {
            drop(ip);
            bt.ptrmap_cell(ipg, idx)?;
        }
        // Re-find the predecessor leaf (the tree may have been rebalanced)
        // and fix it if it became too empty.
        if !self.descend_index(bt, &pred_key, false, true)? {
            return Err(Error::corrupt("delete: moved key not found"));
        }
        let (tpg, tidx) = *self.stack.last().ok_or_else(|| Error::corrupt("empty cursor stack"))?;
        let (tp, th) = load(bt, tpg)?;
        if th.leaf {
            return Err(Error::corrupt("delete: moved key landed in a leaf"));
        }
        let child = page::child_at(&tp.borrow(), &th, tidx)?;
        drop(tp);
        self.descend_rightmost_ex(bt, child, false)?;
        let (lpg, _) = *self.stack.last().ok_or_else(|| Error::corrupt("empty cursor stack"))?;
        let lp = bt.pager.get(lpg)?;
        let (empty_or_underfull, node) = {
            let d = lp.borrow();
            let lh = parse_header(&d, lpg, usable)?;
            let free = page::free_space(&d, &lh)?;
            (free * 3 > usable * 2, page::load_node(&d, lpg, usable)?)
        };
        drop(lp);
        if empty_or_underfull {
            bt.balance(&self.stack.clone(), node, false)?;
        }
        Ok(())
    }
}

impl BtCursor {
    /// Appends an entry after the last one without comparing keys: bulk
    /// loads in key order (VACUUM). The caller guarantees the order. The
    /// cursor is left on no entry.
    pub fn append(&mut self, bt: &mut Btree, rowid: i64, payload: &[u8]) -> Result<()> {
        bt.require_write()?;
        let mut cell = std::mem::take(&mut self.cell);
        let r = bt.build_leaf_cell(self.kind, rowid, payload, &mut cell).and_then(|_| {
            self.stack.clear();
            self.descend_rightmost_ex(bt, self.root, false)?;
            let (pgno, _) = *self.stack.last().ok_or_else(|| Error::corrupt("empty cursor stack"))?;
            let (_, h) = load(bt, pgno)?;
            if let Some(t) = self.stack.last_mut() {
                t.1 = h.ncells;
            }
            self.put_cell(bt, &cell, false)
        });
        self.cell = cell;
        r?;
        bt.generation += 1;
        self.state = State::Invalid;
        Ok(())
    }
}
