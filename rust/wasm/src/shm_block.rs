//! One 32 KiB block of linear memory, aligned to 32 KiB, that a region of
//! the wal-index (`<db>-shm`) is mapped over (`host::map_file`). The host
//! replaces the block's pages with the file's shared pages, so other
//! connections and processes change its bytes at any time: every access
//! is a volatile load or store (4 bytes at a time where aligned, as SQLite
//! reads the wal-index's u32 fields), never a Rust reference to the bytes.
//!
//! Invariants:
//! - The block is allocated with `std::alloc` (size = alignment =
//!   `SHM_REGION_SIZE`) and nothing else in the program refers to it.
//! - It is returned to the allocator only after the host unmapped it
//!   (`free` is unsafe for that reason); a block the host failed to unmap
//!   is leaked, never reused, so allocator data can never land in the file.
//! - Accesses are bounds-checked against the block (an out-of-range access
//!   is refused, never a panic).

#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

use ferrolite_engine::vfs::SHM_REGION_SIZE;
use std::alloc::Layout;
use std::ptr::NonNull;

const SIZE: usize = SHM_REGION_SIZE as usize;

pub struct ShmBlock {
    ptr: NonNull<u8>,
}

fn layout() -> Layout {
    // 32768 is a nonzero power of two and far below isize::MAX.
    Layout::from_size_align(SIZE, SIZE).expect("valid layout")
}

impl ShmBlock {
    /// Allocates a block, or None when memory is exhausted.
    pub fn alloc() -> Option<ShmBlock> {
        // SAFETY: the layout has a nonzero size.
        let p = unsafe { std::alloc::alloc(layout()) };
        NonNull::new(p).map(|ptr| ShmBlock { ptr })
    }

    /// The block's address in linear memory (what `fs_map` receives).
    pub fn as_ptr(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    /// Copies `buf.len()` bytes at `off` of the block into `buf`; false
    /// when the range is outside the block.
    pub fn read(&self, off: usize, buf: &mut [u8]) -> bool {
        if off.checked_add(buf.len()).is_none_or(|end| end > SIZE) {
            return false;
        }
        let mut i = 0;
        while i < buf.len() {
            let at = off + i;
            if at.is_multiple_of(4) && buf.len() - i >= 4 {
                // SAFETY: at+4 <= SIZE (checked above) and `at` is 4-aligned
                // within a 32 KiB-aligned block the program owns.
                let v = unsafe { self.ptr.as_ptr().add(at).cast::<u32>().read_volatile() };
                buf[i..i + 4].copy_from_slice(&v.to_ne_bytes());
                i += 4;
            } else {
                // SAFETY: at < SIZE (checked above).
                buf[i] = unsafe { self.ptr.as_ptr().add(at).read_volatile() };
                i += 1;
            }
        }
        true
    }

    /// Copies `data` into the block at `off`; false when the range is
    /// outside the block.
    pub fn write(&self, off: usize, data: &[u8]) -> bool {
        if off.checked_add(data.len()).is_none_or(|end| end > SIZE) {
            return false;
        }
        let mut i = 0;
        while i < data.len() {
            let at = off + i;
            if at.is_multiple_of(4) && data.len() - i >= 4 {
                let v = u32::from_ne_bytes([data[i], data[i + 1], data[i + 2], data[i + 3]]);
                // SAFETY: as in `read`.
                unsafe { self.ptr.as_ptr().add(at).cast::<u32>().write_volatile(v) };
                i += 4;
            } else {
                // SAFETY: at < SIZE (checked above).
                unsafe { self.ptr.as_ptr().add(at).write_volatile(data[i]) };
                i += 1;
            }
        }
        true
    }

    /// Gives the block up for good: it stays allocated and unused (for a
    /// block the host could not unmap, whose pages may still be the file's).
    pub fn leak(self) {}

    /// Returns the block to the allocator.
    ///
    /// # Safety
    /// The host must have unmapped the block (`host::unmap` returned 0), so
    /// its pages are private memory again.
    pub unsafe fn free(self) {
        // SAFETY: allocated in `alloc` with the same layout; the caller
        // guarantees it is ordinary memory again.
        unsafe { std::alloc::dealloc(self.ptr.as_ptr(), layout()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volatile_copies_round_trip_and_check_bounds() {
        let b = ShmBlock::alloc().unwrap();
        assert_eq!(b.as_ptr() as usize % SIZE, 0, "aligned to 32 KiB");
        let data: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        for off in [0usize, 1, 3, 4, 120, SIZE - 1000] {
            assert!(b.write(off, &data));
            let mut out = vec![0u8; 1000];
            assert!(b.read(off, &mut out));
            assert_eq!(out, data, "at {off}");
        }
        let mut one = [0u8; 1];
        assert!(b.read(SIZE - 1, &mut one));
        assert!(!b.read(SIZE, &mut one));
        assert!(!b.write(SIZE - 3, &[0; 4]));
        assert!(!b.read(usize::MAX, &mut one));
        assert!(b.read(SIZE, &mut []), "an empty read at the end is fine");
        // SAFETY: never mapped in this native test.
        unsafe { b.free() };
    }
}
