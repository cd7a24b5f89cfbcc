//! B-tree page layout (file format §1.6): header, cell pointer array,
//! cells, freeblocks, fragments; cell parsing; in-place cell insert/drop;
//! and the `Node` form (a page's cells as owned byte strings) used when a
//! page is rebuilt by balancing.
//!
//! ```text
//! page header at `hdr` (100 on page 1, else 0):
//!   0  1  page type: 2 interior index, 5 interior table, 10 leaf index, 13 leaf table
//!   1  2  first freeblock (0 = none)
//!   3  2  number of cells
//!   5  2  start of cell content area (0 = 65536)
//!   7  1  fragmented free bytes
//!   8  4  right-most child (interior pages only)
//! then the cell pointer array (2 bytes per cell, in key order).
//! freeblock: 2-byte next offset, 2-byte size; chain in ascending offsets,
//! never adjacent (gaps of 1..3 bytes are counted as fragments).
//!
//! cells:  table leaf    varint payload size, varint rowid, payload, [overflow]
//!         table interior 4-byte left child, varint rowid
//!         index leaf    varint payload size, payload, [overflow]
//!         index interior 4-byte left child, varint payload size, payload, [overflow]
//! ```
//!
//! Invariants: every read of page bytes is bounds-checked against the usable
//! size; a malformed page gives `Error::corrupt`. A cell occupies at least
//! 4 bytes on the page.

use crate::error::{Error, Result};
use crate::storage::varint::{self, get_u16, get_u32, put_u16, put_u32};

pub const PT_INTERIOR_INDEX: u8 = 2;
pub const PT_INTERIOR_TABLE: u8 = 5;
pub const PT_LEAF_INDEX: u8 = 10;
pub const PT_LEAF_TABLE: u8 = 13;

/// Offset of the b-tree page header within page `pgno`.
#[inline]
pub fn hdr_offset(pgno: u32) -> usize {
    if pgno == 1 {
        100
    } else {
        0
    }
}

/// Parsed page header.
#[derive(Clone, Copy, Debug)]
pub struct PageHdr {
    pub hdr: usize,
    pub ptype: u8,
    pub leaf: bool,
    pub intkey: bool,
    pub ncells: usize,
    /// Offset of the cell pointer array.
    pub cell_ptr: usize,
    pub content: usize,
    pub first_free: usize,
    pub frag: usize,
    pub right: u32,
    pub usable: usize,
}

impl PageHdr {
    #[inline]
    pub fn ptr_end(&self) -> usize {
        self.cell_ptr + 2 * self.ncells
    }
}

#[inline]
pub fn header_size(ptype: u8) -> usize {
    if ptype == PT_LEAF_INDEX || ptype == PT_LEAF_TABLE {
        8
    } else {
        12
    }
}

pub fn parse_header(data: &[u8], pgno: u32, usable: usize) -> Result<PageHdr> {
    let hdr = hdr_offset(pgno);
    let ptype = data[hdr];
    let (leaf, intkey) = match ptype {
        PT_INTERIOR_INDEX => (false, false),
        PT_INTERIOR_TABLE => (false, true),
        PT_LEAF_INDEX => (true, false),
        PT_LEAF_TABLE => (true, true),
        _ => return Err(Error::corrupt(format!("page {pgno}: bad page type {ptype}"))),
    };
    let hsz = header_size(ptype);
    let ncells = get_u16(data, hdr + 3) as usize;
    let mut content = get_u16(data, hdr + 5) as usize;
    if content == 0 {
        content = 65536;
    }
    let cell_ptr = hdr + hsz;
    let h = PageHdr {
        hdr,
        ptype,
        leaf,
        intkey,
        ncells,
        cell_ptr,
        content,
        first_free: get_u16(data, hdr + 1) as usize,
        frag: data[hdr + 7] as usize,
        right: if leaf { 0 } else { get_u32(data, hdr + 8) },
        usable,
    };
    if h.ptr_end() > content || content > usable {
        return Err(Error::corrupt(format!("page {pgno}: cell count/content area")));
    }
    Ok(h)
}

/// Offset of cell `i` (bounds-checked).
#[inline]
pub fn cell_offset(data: &[u8], h: &PageHdr, i: usize) -> Result<usize> {
    if i >= h.ncells {
        return Err(Error::corrupt("cell index out of range"));
    }
    let off = get_u16(data, h.cell_ptr + 2 * i) as usize;
    if off < h.ptr_end() || off + 4 > h.usable {
        return Err(Error::corrupt(format!("cell pointer {off} out of page")));
    }
    Ok(off)
}

/// Child page number at position `i` (0..=ncells) of an interior page.
#[inline]
pub fn child_at(data: &[u8], h: &PageHdr, i: usize) -> Result<u32> {
    if i == h.ncells {
        Ok(h.right)
    } else {
        Ok(get_u32(data, cell_offset(data, h, i)?))
    }
}

/// Bytes of payload stored on the page for a payload of `p` bytes.
#[inline]
pub fn local_size(p: u64, table_leaf: bool, usable: usize) -> usize {
    let u = usable as u64;
    let max_local = if table_leaf { u - 35 } else { (u - 12) * 64 / 255 - 23 };
    if p <= max_local {
        return p as usize;
    }
    let min_local = (u - 12) * 32 / 255 - 23;
    let k = min_local + (p - min_local) % (u - 4);
    if k <= max_local {
        k as usize
    } else {
        min_local as usize
    }
}

/// A parsed cell.
#[derive(Clone, Copy, Debug, Default)]
pub struct CellInfo {
    pub left_child: u32,
    /// Rowid (table pages).
    pub key: i64,
    pub payload_size: u64,
    /// Offset of the local payload within the page.
    pub payload_off: usize,
    pub local: usize,
    /// First overflow page, 0 if none.
    pub overflow: u32,
    /// Bytes the cell occupies on the page (at least 4).
    pub size: usize,
}

pub fn parse_cell_at(data: &[u8], off: usize, h: &PageHdr) -> Result<CellInfo> {
    let end = h.usable;
    let bad = || Error::corrupt(format!("cell at offset {off} overruns page"));
    let mut c = CellInfo::default();
    let mut p = off;
    if !h.leaf {
        if p + 4 > end {
            return Err(bad());
        }
        c.left_child = get_u32(data, p);
        p += 4;
        if h.intkey {
            let (k, n) = varint::get(&data[p..end]).ok_or_else(bad)?;
            c.key = k as i64;
            p += n;
            c.size = (p - off).max(4);
            c.payload_off = p;
            return Ok(c);
        }
    }
    let (sz, n) = varint::get(&data[p..end]).ok_or_else(bad)?;
    p += n;
    if h.intkey {
        let (k, n) = varint::get(&data[p..end]).ok_or_else(bad)?;
        c.key = k as i64;
        p += n;
    }
    if sz > 0x7fff_ffff {
        return Err(Error::corrupt("payload size too large"));
    }
    c.payload_size = sz;
    c.payload_off = p;
    c.local = local_size(sz, h.leaf && h.intkey, h.usable);
    p += c.local;
    if (c.local as u64) < sz {
        if p + 4 > end {
            return Err(bad());
        }
        c.overflow = get_u32(data, p);
        p += 4;
    }
    if p > end {
        return Err(bad());
    }
    c.size = (p - off).max(4);
    Ok(c)
}

#[inline]
pub fn parse_cell(data: &[u8], h: &PageHdr, i: usize) -> Result<CellInfo> {
    let off = cell_offset(data, h, i)?;
    parse_cell_at(data, off, h)
}

/// Initializes an empty page of type `ptype`.
pub fn init_page(data: &mut [u8], pgno: u32, ptype: u8, usable: usize) {
    let hdr = hdr_offset(pgno);
    let hsz = header_size(ptype);
    data[hdr..hdr + hsz].fill(0);
    data[hdr] = ptype;
    put_u16(data, hdr + 5, (usable & 0xffff) as u16);
}

/// Total free bytes: gap between pointer array and content, freeblocks and
/// fragments.
pub fn free_space(data: &[u8], h: &PageHdr) -> Result<usize> {
    let mut total = h.content - h.ptr_end() + h.frag;
    let mut pc = h.first_free;
    let mut guard = 0;
    while pc != 0 {
        if pc < h.content || pc + 4 > h.usable {
            return Err(Error::corrupt("freeblock out of range"));
        }
        let next = get_u16(data, pc) as usize;
        let size = get_u16(data, pc + 2) as usize;
        if pc + size > h.usable || (next != 0 && next <= pc + size) {
            return Err(Error::corrupt("freeblock chain"));
        }
        total += size;
        pc = next;
        guard += 1;
        if guard > h.usable / 4 {
            return Err(Error::corrupt("freeblock loop"));
        }
    }
    Ok(total)
}

/// Rewrites the cell content area so that all free space is one gap.
pub fn defragment(data: &mut [u8], pgno: u32, usable: usize) -> Result<()> {
    let h = parse_header(data, pgno, usable)?;
    let mut tmp = vec![0u8; usable];
    let mut top = usable;
    for i in 0..h.ncells {
        let off = cell_offset(data, &h, i)?;
        let c = parse_cell_at(data, off, &h)?;
        if c.size > top || off + c.size > usable {
            return Err(Error::corrupt("defragment: cells overflow page"));
        }
        top -= c.size;
        if top < h.ptr_end() {
            return Err(Error::corrupt("defragment: cells overflow page"));
        }
        tmp[top..top + c.size].copy_from_slice(&data[off..off + c.size]);
        put_u16(data, h.cell_ptr + 2 * i, top as u16);
    }
    data[top..usable].copy_from_slice(&tmp[top..usable]);
    data[h.ptr_end()..top].fill(0);
    put_u16(data, h.hdr + 1, 0);
    put_u16(data, h.hdr + 5, (top & 0xffff) as u16);
    data[h.hdr + 7] = 0;
    Ok(())
}

/// Finds `n` bytes in the freeblock list (first fit); returns the offset.
fn find_slot(data: &mut [u8], h: &PageHdr, n: usize) -> Result<Option<usize>> {
    let mut prev = h.hdr + 1;
    let mut pc = h.first_free;
    let mut guard = 0;
    while pc != 0 {
        if pc < h.content || pc + 4 > h.usable {
            return Err(Error::corrupt("freeblock out of range"));
        }
        let next = get_u16(data, pc) as usize;
        let size = get_u16(data, pc + 2) as usize;
        if pc + size > h.usable {
            return Err(Error::corrupt("freeblock size"));
        }
        if size >= n {
            let x = size - n;
            if x < 4 {
                if h.frag + x > 57 {
                    return Ok(None);
                }
                put_u16(data, prev, next as u16);
                data[h.hdr + 7] = (h.frag + x) as u8;
                return Ok(Some(pc));
            }
            put_u16(data, pc + 2, x as u16);
            return Ok(Some(pc + x));
        }
        prev = pc;
        pc = next;
        guard += 1;
        if guard > h.usable / 4 {
            return Err(Error::corrupt("freeblock loop"));
        }
    }
    Ok(None)
}

/// Inserts `cell` as cell `idx` if it fits; false if the page is too full.
pub fn insert_cell(data: &mut [u8], pgno: u32, usable: usize, idx: usize, cell: &[u8]) -> Result<bool> {
    let h = parse_header(data, pgno, usable)?;
    let sz = cell.len().max(4);
    if idx > h.ncells {
        return Err(Error::corrupt("insert position"));
    }
    if free_space(data, &h)? < sz + 2 {
        return Ok(false);
    }
    let mut off = None;
    if h.first_free != 0 && h.ptr_end() + 2 <= h.content {
        off = find_slot(data, &h, sz)?;
    }
    let off = match off {
        Some(o) => o,
        None => {
            let mut h2 = parse_header(data, pgno, usable)?;
            if h2.ptr_end() + 2 + sz > h2.content {
                defragment(data, pgno, usable)?;
                h2 = parse_header(data, pgno, usable)?;
                if h2.ptr_end() + 2 + sz > h2.content {
                    return Ok(false);
                }
            }
            let o = h2.content - sz;
            put_u16(data, h2.hdr + 5, (o & 0xffff) as u16);
            o
        }
    };
    let h = parse_header(data, pgno, usable)?;
    data[off..off + cell.len()].copy_from_slice(cell);
    if sz > cell.len() {
        data[off + cell.len()..off + sz].fill(0);
    }
    let p = h.cell_ptr + 2 * idx;
    data.copy_within(p..h.ptr_end(), p + 2);
    put_u16(data, p, off as u16);
    put_u16(data, h.hdr + 3, (h.ncells + 1) as u16);
    Ok(true)
}

/// Removes cell `idx`, returning its space to the free list; `zero`
/// (secure_delete) overwrites its bytes with zeros first.
pub fn drop_cell(data: &mut [u8], pgno: u32, usable: usize, idx: usize, zero: bool) -> Result<()> {
    let h = parse_header(data, pgno, usable)?;
    let off = cell_offset(data, &h, idx)?;
    let c = parse_cell_at(data, off, &h)?;
    if zero {
        if off + c.size > usable {
            return Err(Error::corrupt("cell overruns page"));
        }
        data[off..off + c.size].fill(0);
    }
    free_block(data, &h, off, c.size)?;
    let h = parse_header(data, pgno, usable)?;
    let p = h.cell_ptr + 2 * idx;
    data.copy_within(p + 2..h.ptr_end(), p);
    put_u16(data, h.hdr + 3, (h.ncells - 1) as u16);
    if h.ncells == 1 {
        // Empty page: reset the content area completely.
        put_u16(data, h.hdr + 1, 0);
        put_u16(data, h.hdr + 5, (usable & 0xffff) as u16);
        data[h.hdr + 7] = 0;
    }
    Ok(())
}

/// Returns [start, start+size) to the freeblock list, coalescing with
/// neighbours and with the gap (SQLite's freeSpace).
fn free_block(data: &mut [u8], h: &PageHdr, start: usize, size: usize) -> Result<()> {
    let mut start = start;
    let mut size = size;
    let corrupt = || Error::corrupt("freeblock list");
    if start < h.content || start + size > h.usable {
        return Err(corrupt());
    }
    let mut prev_ptr = h.hdr + 1; // where the link to the next block lives
    let mut prev_start = 0usize;
    let mut next = h.first_free;
    let mut guard = 0;
    while next != 0 && next < start {
        if next + 4 > h.usable {
            return Err(corrupt());
        }
        prev_ptr = next;
        prev_start = next;
        next = get_u16(data, next) as usize;
        guard += 1;
        if guard > h.usable / 4 || (next != 0 && next <= prev_start) {
            return Err(corrupt());
        }
    }
    if next != 0 && next < start + size {
        return Err(corrupt());
    }
    let mut frag_absorbed = 0usize;
    // Coalesce with the following freeblock.
    if next != 0 && next <= start + size + 3 {
        if next + 4 > h.usable {
            return Err(corrupt());
        }
        frag_absorbed += next - (start + size);
        let nsize = get_u16(data, next + 2) as usize;
        size = next + nsize - start;
        next = get_u16(data, next) as usize;
    }
    // Coalesce with the preceding freeblock.
    if prev_start != 0 {
        let psize = get_u16(data, prev_start + 2) as usize;
        let pend = prev_start + psize;
        if pend > start {
            return Err(corrupt());
        }
        if pend + 3 >= start {
            frag_absorbed += start - pend;
            size = start + size - prev_start;
            start = prev_start;
            // The block now starts at prev_start; find the link pointing to it.
            prev_ptr = h.hdr + 1;
            let mut pc = h.first_free;
            let mut guard = 0;
            while pc != 0 && pc != prev_start {
                prev_ptr = pc;
                pc = get_u16(data, pc) as usize;
                guard += 1;
                if guard > h.usable / 4 {
                    return Err(corrupt());
                }
            }
        }
    }
    if frag_absorbed > h.frag {
        return Err(corrupt());
    }
    data[h.hdr + 7] = (h.frag - frag_absorbed) as u8;
    if start == h.content {
        // Adjacent to the gap: grow the gap instead.
        if prev_ptr != h.hdr + 1 {
            return Err(corrupt());
        }
        put_u16(data, h.hdr + 1, next as u16);
        put_u16(data, h.hdr + 5, ((start + size) & 0xffff) as u16);
    } else {
        put_u16(data, prev_ptr, start as u16);
        put_u16(data, start, next as u16);
        put_u16(data, start + 2, size as u16);
    }
    Ok(())
}

/// A page's content as owned cells (used by balancing).
#[derive(Clone, Debug)]
pub struct Node {
    pub ptype: u8,
    pub cells: Vec<Vec<u8>>,
    pub right: u32,
}

impl Node {
    pub fn is_leaf(&self) -> bool {
        self.ptype == PT_LEAF_INDEX || self.ptype == PT_LEAF_TABLE
    }
    /// Bytes needed on a page (header + pointers + cells).
    pub fn used(&self) -> usize {
        header_size(self.ptype) + self.cells.iter().map(|c| c.len().max(4) + 2).sum::<usize>()
    }
    pub fn fits(&self, pgno: u32, usable: usize) -> bool {
        hdr_offset(pgno) + self.used() <= usable
    }
}

pub fn load_node(data: &[u8], pgno: u32, usable: usize) -> Result<Node> {
    let h = parse_header(data, pgno, usable)?;
    let mut cells = Vec::with_capacity(h.ncells);
    for i in 0..h.ncells {
        let off = cell_offset(data, &h, i)?;
        let c = parse_cell_at(data, off, &h)?;
        let len = if c.size == 4 { actual_len(&c, off) } else { c.size };
        cells.push(data[off..off + len].to_vec());
    }
    Ok(Node { ptype: h.ptype, cells, right: h.right })
}

/// Length of a cell without the padding to 4 bytes.
fn actual_len(c: &CellInfo, off: usize) -> usize {
    let end = c.payload_off + c.local + if c.overflow != 0 { 4 } else { 0 };
    (end - off).clamp(1, 4)
}

/// Writes `node` into page `pgno`, fully defragmented.
pub fn store_node(data: &mut [u8], pgno: u32, usable: usize, node: &Node) -> Result<()> {
    if !node.fits(pgno, usable) {
        return Err(Error::corrupt("store_node: node does not fit"));
    }
    let hdr = hdr_offset(pgno);
    let hsz = header_size(node.ptype);
    data[hdr] = node.ptype;
    put_u16(data, hdr + 1, 0);
    put_u16(data, hdr + 3, node.cells.len() as u16);
    data[hdr + 7] = 0;
    if hsz == 12 {
        put_u32(data, hdr + 8, node.right);
    }
    let mut top = usable;
    let ptr = hdr + hsz;
    for (i, c) in node.cells.iter().enumerate() {
        let sz = c.len().max(4);
        top -= sz;
        data[top..top + c.len()].copy_from_slice(c);
        data[top + c.len()..top + sz].fill(0);
        put_u16(data, ptr + 2 * i, top as u16);
    }
    data[ptr + 2 * node.cells.len()..top].fill(0);
    put_u16(data, hdr + 5, (top & 0xffff) as u16);
    Ok(())
}
