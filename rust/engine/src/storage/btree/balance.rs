//! Balancing: restores the b-tree invariants after an insert made a page
//! overflow or a delete left it too empty. Works on `Node`s (cells as owned
//! byte strings) and rewrites whole pages.
//!
//! Algorithm, per level from the changed page up to the root:
//! - the page fits and is not underfull: store it, done;
//! - non-root page that overflows: split it alone; non-root page that is
//!   underfull (less than a third used, or empty): combine it with one
//!   adjacent sibling and the divider between them;
//! - the combined cells are packed into as few pages as fit (evenly,
//!   or left-packed when appending at the right edge of the tree); sibling
//!   pages are reused in order, extra pages allocated, unused ones freed;
//! - dividers go back into the parent, which is then processed the same way;
//! - root that overflows: its content moves into a new child ("deeper") and
//!   that child is split; interior root with no cells: its only child's
//!   content moves up when it fits ("shallower").
//!
//! Dividers: table leaves get a new interior cell (left child, last rowid of
//! the left page); index leaves and all interior pages give up one real
//! cell per boundary (index interior cells are entries, table interior
//! cells are copies of keys), whose child pointer becomes the left page's
//! right-most child.

use super::page::{self, header_size, Node, PT_INTERIOR_INDEX, PT_INTERIOR_TABLE, PT_LEAF_INDEX, PT_LEAF_TABLE};
use super::Btree;
use crate::error::{Error, Result};
use crate::storage::varint;

fn cell_size(c: &[u8]) -> usize {
    c.len().max(4) + 2
}

/// Groups of `cells` (as index ranges) that each fit in `cap` bytes. With
/// `consume`, the cell after each group but the last is the divider.
fn pack(cells: &[Vec<u8>], cap: usize, consume: bool, left_packed: bool) -> Result<Vec<(usize, usize)>> {
    let greedy = pack_limit(cells, cap, consume, None)?;
    if left_packed || greedy.len() < 2 {
        return Ok(greedy);
    }
    let k = greedy.len();
    let total: usize = cells.iter().map(|c| cell_size(c)).sum();
    let target = total / k;
    match pack_limit(cells, cap, consume, Some((target, k))) {
        Ok(even) if even.len() == k => Ok(even),
        _ => Ok(greedy),
    }
}

fn pack_limit(cells: &[Vec<u8>], cap: usize, consume: bool, even: Option<(usize, usize)>) -> Result<Vec<(usize, usize)>> {
    let n = cells.len();
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    let mut used = 0;
    let mut i = 0;
    while i < n {
        let s = cell_size(&cells[i]);
        if s > cap {
            return Err(Error::corrupt("cell larger than a page"));
        }
        let over = used + s > cap;
        let at_target = match even {
            Some((target, k)) => i > start && groups.len() + 1 < k && used + s / 2 > target,
            None => false,
        };
        if (over || at_target) && i > start {
            groups.push((start, i));
            used = 0;
            if consume {
                start = i + 1;
                i += 1;
            } else {
                start = i;
            }
            continue;
        }
        used += s;
        i += 1;
    }
    if start < n || groups.is_empty() {
        groups.push((start, n));
    } else if consume {
        // The last divider left nothing for the last page: move the
        // boundary one cell to the left.
        let (a, b) = groups.pop().ok_or_else(|| Error::corrupt("pack"))?;
        if b - a < 2 {
            return Err(Error::corrupt("pack: cannot place divider"));
        }
        groups.push((a, b - 1));
        groups.push((b, n));
    } else {
        groups.push((start, n));
    }
    if groups.iter().any(|&(a, b)| a >= b) && n > 0 {
        return Err(Error::corrupt("pack: empty group"));
    }
    Ok(groups)
}

fn interior_type(ptype: u8) -> u8 {
    match ptype {
        PT_LEAF_TABLE | PT_INTERIOR_TABLE => PT_INTERIOR_TABLE,
        _ => PT_INTERIOR_INDEX,
    }
}

/// Rowid of a table leaf cell.
fn leaf_rowid(cell: &[u8]) -> Result<u64> {
    let (_, n) = varint::get(cell).ok_or_else(|| Error::corrupt("leaf cell"))?;
    let (k, _) = varint::get(&cell[n..]).ok_or_else(|| Error::corrupt("leaf cell"))?;
    Ok(k)
}

fn with_child(child: u32, rest: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(rest.len() + 4);
    v.extend_from_slice(&child.to_be_bytes());
    v.extend_from_slice(rest);
    v
}

fn left_child(cell: &[u8]) -> Result<u32> {
    if cell.len() < 4 {
        return Err(Error::corrupt("interior cell too short"));
    }
    Ok(u32::from_be_bytes([cell[0], cell[1], cell[2], cell[3]]))
}

impl Btree {
    fn underfull(&self, node: &Node) -> bool {
        node.cells.is_empty() || node.used() * 3 < self.pager.usable_size() as usize
    }

    fn load_node_at(&mut self, pgno: u32) -> Result<Node> {
        let usable = self.pager.usable_size() as usize;
        let p = self.pager.get(pgno)?;
        let d = p.borrow();
        page::load_node(&d, pgno, usable)
    }

    fn store_node_at(&mut self, pgno: u32, node: &Node) -> Result<()> {
        let usable = self.pager.usable_size() as usize;
        {
            let p = self.pager.write(pgno)?;
            let mut d = p.borrow_mut();
            page::store_node(&mut d, pgno, usable, node)?;
        }
        self.ptrmap_children(pgno)
    }

    /// Restores the invariants after the page at the end of `path` got the
    /// (possibly overfull or underfull) content `node`. `path[i].1` is the
    /// child position taken at level i. `append` asks for left-packed
    /// splits (sequential inserts at the right edge).
    pub(crate) fn balance(&mut self, path: &[(u32, usize)], node: Node, append: bool) -> Result<()> {
        let usable = self.pager.usable_size() as usize;
        let mut path: Vec<(u32, usize)> = path.to_vec();
        let mut node = node;
        let mut level = path.len() - 1;
        let mut parent_override: Option<Node> = None;
        loop {
            let pgno = path[level].0;
            let fits = node.fits(pgno, usable);
            if level == 0 {
                if fits {
                    if !node.is_leaf() && node.cells.is_empty() {
                        return self.balance_shallower(pgno, node);
                    }
                    return self.store_node_at(pgno, &node);
                }
                // Deeper: the root's content moves to a new child.
                let child = self.allocate_page()?;
                let root = Node { ptype: interior_type(node.ptype), cells: Vec::new(), right: child };
                parent_override = Some(root);
                path = vec![(pgno, 0), (child, 0)];
                level = 1;
                continue;
            }
            if fits && !self.underfull(&node) {
                self.store_node_at(pgno, &node)?;
                match parent_override.take() {
                    // After "deeper": the new root must be written too.
                    Some(root) => {
                        node = root;
                        level -= 1;
                        continue;
                    }
                    None => return Ok(()),
                }
            }
            let ppg = path[level - 1].0;
            let mut parent = match parent_override.take() {
                Some(p) => p,
                None => self.load_node_at(ppg)?,
            };
            let ci = path[level - 1].1;
            if ci > parent.cells.len() {
                return Err(Error::corrupt("balance: child position"));
            }
            let (first, last) = if !fits || parent.cells.is_empty() {
                (ci, ci)
            } else if ci < parent.cells.len() {
                (ci, ci + 1)
            } else {
                (ci - 1, ci)
            };
            if fits && first == last {
                // Underfull but no sibling to merge with: the parent is an
                // interior root with no cells; let the root level handle it.
                self.store_node_at(pgno, &node)?;
                node = parent;
                level -= 1;
                continue;
            }
            // Sibling page numbers and contents.
            let child_at = |parent: &Node, i: usize| -> Result<u32> {
                if i == parent.cells.len() {
                    Ok(parent.right)
                } else {
                    left_child(&parent.cells[i])
                }
            };
            let mut sib_pgnos = Vec::with_capacity(2);
            let mut sib_nodes = Vec::with_capacity(2);
            for j in first..=last {
                let spg = child_at(&parent, j)?;
                if j == ci {
                    if spg != pgno {
                        return Err(Error::corrupt("balance: parent does not point to child"));
                    }
                    sib_nodes.push(std::mem::replace(&mut node, Node { ptype: 0, cells: Vec::new(), right: 0 }));
                } else {
                    if spg < 2 || spg > self.pager.db_size() || spg == pgno {
                        return Err(Error::corrupt(format!("balance: sibling page {spg}")));
                    }
                    sib_nodes.push(self.load_node_at(spg)?);
                }
                sib_pgnos.push(spg);
            }
            let ptype = sib_nodes[0].ptype;
            if sib_nodes.iter().any(|n| n.ptype != ptype) {
                return Err(Error::corrupt("balance: siblings of different types"));
            }
            let leaf = ptype == PT_LEAF_TABLE || ptype == PT_LEAF_INDEX;
            // Combine the cells, pulling the dividers down.
            let mut cells: Vec<Vec<u8>> = Vec::new();
            let dividers: Vec<Vec<u8>> = parent.cells.drain(first..last).collect();
            let mut final_right = 0;
            for (k, sn) in sib_nodes.into_iter().enumerate() {
                let right = sn.right;
                cells.extend(sn.cells);
                if k < dividers.len() {
                    let d = &dividers[k];
                    match ptype {
                        PT_LEAF_TABLE => {}
                        PT_LEAF_INDEX => cells.push(d[4..].to_vec()),
                        _ => cells.push(with_child(right, &d[4..])),
                    }
                } else {
                    final_right = right;
                }
            }
            let consume = ptype != PT_LEAF_TABLE;
            let cap = usable - header_size(ptype);
            let groups = pack(&cells, cap, consume, append)?;
            // Page numbers for the groups.
            let mut pgnos = Vec::with_capacity(groups.len());
            for g in 0..groups.len() {
                if g < sib_pgnos.len() {
                    pgnos.push(sib_pgnos[g]);
                } else {
                    pgnos.push(self.allocate_page()?);
                }
            }
            for &extra in sib_pgnos.iter().skip(groups.len()) {
                self.free_page(extra)?;
            }
            // Build the pages and the new dividers.
            let mut new_divs = Vec::with_capacity(groups.len());
            for (g, &(a, b)) in groups.iter().enumerate() {
                let last_group = g + 1 == groups.len();
                let right = if leaf {
                    0
                } else if last_group {
                    final_right
                } else {
                    left_child(&cells[b])?
                };
                let n = Node { ptype, cells: cells[a..b].to_vec(), right };
                self.store_node_at(pgnos[g], &n)?;
                if !last_group {
                    let div = match ptype {
                        PT_LEAF_TABLE => {
                            let mut v = pgnos[g].to_be_bytes().to_vec();
                            varint::put(leaf_rowid(&cells[b - 1])?, &mut v);
                            v
                        }
                        PT_LEAF_INDEX => with_child(pgnos[g], &cells[b]),
                        _ => with_child(pgnos[g], &cells[b][4..]),
                    };
                    new_divs.push(div);
                }
            }
            let nd = new_divs.len();
            for (k, d) in new_divs.into_iter().enumerate() {
                parent.cells.insert(first + k, d);
            }
            let last_pg = *pgnos.last().ok_or_else(|| Error::corrupt("balance: no pages"))?;
            if first + nd == parent.cells.len() {
                parent.right = last_pg;
            } else {
                parent.cells[first + nd][..4].copy_from_slice(&last_pg.to_be_bytes());
            }
            node = parent;
            level -= 1;
        }
    }

    /// An interior root without cells takes its only child's content.
    fn balance_shallower(&mut self, root: u32, node: Node) -> Result<()> {
        let usable = self.pager.usable_size() as usize;
        let child = node.right;
        if child < 2 || child > self.pager.db_size() || child == root {
            return Err(Error::corrupt(format!("balance: root child {child}")));
        }
        let cn = self.load_node_at(child)?;
        if cn.fits(root, usable) {
            self.store_node_at(root, &cn)?;
            self.free_page(child)
        } else {
            self.store_node_at(root, &node)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_even_and_greedy() {
        let cells: Vec<Vec<u8>> = (0..100).map(|_| vec![0u8; 30]).collect();
        let g = pack(&cells, 4000 - 8, false, false).unwrap();
        assert_eq!(g.len(), 1);
        let g = pack(&cells, 1000, false, false).unwrap();
        assert_eq!(g.len(), 4);
        assert!(g.iter().all(|&(a, b)| b - a >= 20), "{g:?}");
        let g = pack(&cells, 1000, true, true).unwrap();
        let covered: usize = g.iter().map(|&(a, b)| b - a).sum();
        assert_eq!(covered + g.len() - 1, 100);
    }
}
