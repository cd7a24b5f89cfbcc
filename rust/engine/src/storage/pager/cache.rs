//! The page cache: page images keyed by page number, with a dirty flag and
//! a use tick for eviction.
//!
//! Invariants:
//! - A dirty page is never evicted. When eviction finds too few clean pages
//!   it raises `spill_wanted`; the pager then writes dirty pages to the
//!   database (after sealing the journal) and marks them clean.
//! - A page still referenced outside the cache (Rc count > 1) is not evicted.
//! - Eviction removes the least recently used clean pages, in batches, when
//!   the number of pages passes the limit.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

/// Hasher for page numbers: one multiply (Fibonacci hashing), much cheaper
/// than SipHash on the hot path of every page access. Page numbers are not
/// attacker-chosen keys in a way that matters for a per-connection cache.
#[derive(Default)]
pub struct PgnoHasher(u64);

impl Hasher for PgnoHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type PgnoMap<V> = HashMap<u32, V, BuildHasherDefault<PgnoHasher>>;

/// One cached page image (exactly page_size bytes).
pub type PageRef = Rc<RefCell<Vec<u8>>>;

struct Entry {
    page: PageRef,
    dirty: bool,
    tick: u64,
}

pub struct PageCache {
    map: PgnoMap<Entry>,
    limit: usize,
    tick: u64,
    /// Do not try to evict again before the cache holds this many pages
    /// (avoids rescanning a cache full of dirty pages on every insert).
    next_check: usize,
    /// Set when eviction found too few clean pages: the pager should spill.
    spill_wanted: bool,
}

impl PageCache {
    pub fn new(limit: usize) -> PageCache {
        PageCache { map: PgnoMap::default(), limit: limit.max(10), tick: 0, next_check: 0, spill_wanted: false }
    }

    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit.max(10);
    }

    #[inline]
    pub fn get(&mut self, pgno: u32) -> Option<PageRef> {
        self.tick += 1;
        let t = self.tick;
        self.map.get_mut(&pgno).map(|e| {
            e.tick = t;
            e.page.clone()
        })
    }

    pub fn is_dirty(&self, pgno: u32) -> bool {
        self.map.get(&pgno).is_some_and(|e| e.dirty)
    }

    pub fn set_dirty(&mut self, pgno: u32) {
        if let Some(e) = self.map.get_mut(&pgno) {
            e.dirty = true;
        }
    }

    pub fn insert(&mut self, pgno: u32, page: PageRef, dirty: bool) {
        if self.map.len() >= self.limit && self.map.len() >= self.next_check {
            self.evict();
            self.next_check = self.map.len() + (self.limit / 4).max(16);
        }
        self.tick += 1;
        self.map.insert(pgno, Entry { page, dirty, tick: self.tick });
    }

    pub fn remove(&mut self, pgno: u32) {
        self.map.remove(&pgno);
    }

    /// Drops every page (clean or dirty).
    pub fn clear(&mut self) {
        self.map.clear();
    }

    /// Drops every dirty page (rollback).
    pub fn discard_dirty(&mut self) {
        self.map.retain(|_, e| !e.dirty);
    }

    /// Drops every page numbered above `n`.
    pub fn truncate(&mut self, n: u32) {
        self.map.retain(|&p, _| p <= n);
    }

    /// Dirty page numbers in ascending order.
    pub fn dirty_pages(&self) -> Vec<u32> {
        let mut v: Vec<u32> = self.map.iter().filter(|(_, e)| e.dirty).map(|(&p, _)| p).collect();
        v.sort_unstable();
        v
    }

    /// Marks every page clean (after commit wrote them).
    pub fn mark_all_clean(&mut self) {
        for e in self.map.values_mut() {
            e.dirty = false;
        }
        self.next_check = 0;
    }

    /// True (once) when the cache is over its limit with mostly dirty pages.
    pub fn take_spill_wanted(&mut self) -> bool {
        std::mem::take(&mut self.spill_wanted)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Marks page `pgno` clean (it was written to the database file).
    pub fn mark_clean(&mut self, pgno: u32) {
        if let Some(e) = self.map.get_mut(&pgno) {
            e.dirty = false;
        }
        self.next_check = 0;
    }

    fn evict(&mut self) {
        let mut cands: Vec<(u64, u32)> = self
            .map
            .iter()
            .filter(|(_, e)| !e.dirty && Rc::strong_count(&e.page) == 1)
            .map(|(&p, e)| (e.tick, p))
            .collect();
        let want = (self.map.len() - self.limit * 3 / 4).max(1);
        if cands.len() < want {
            self.spill_wanted = true;
        }
        if cands.is_empty() {
            return;
        }
        cands.sort_unstable();
        for &(_, p) in cands.iter().take(want) {
            self.map.remove(&p);
        }
    }
}
