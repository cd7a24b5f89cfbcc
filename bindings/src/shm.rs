//! The wal-index mapping imports (docs/abi.md `fs_map`, `fs_unmap`,
//! `shm_barrier`) for wasmtime: a block of the `<db>-shm` file is mapped
//! with `mmap(MAP_SHARED|MAP_FIXED)` straight over the instance's linear
//! memory at `base + ptr`, so the engine's compiled code reads and writes
//! the file's pages in place, shared with every other connection and
//! process (real SQLite included) that maps the file.
//!
//! This is sound only because the memory never moves: `module.rs` configures
//! wasmtime with a 4 GiB reservation and `memory_may_move(false)` on 64-bit
//! hosts, so the base stays put for the instance's life and growth only
//! changes the protection of pages past the current size (never of mapped
//! blocks). On other hosts `FIXED_MEMORY` is false and `fs_map` answers
//! IOERR_SHMMAP (the engine then refuses WAL mode).
//!
//! Block rules: file offset, length and address are multiples of
//! `REGION` (32 KiB) and the block lies inside the memory's current size;
//! anything else is IOERR_SHMMAP, never a fault. A writable file shorter
//! than the block's end is first grown with zeros (fallocate on Linux, else
//! a zero byte at the end of each new 4 KiB page, as SQLite's unix VFS);
//! a read-only one is IOERR_SHMSIZE and is mapped private (copy-on-write),
//! so a stray store neither reaches the file nor faults.
//!
//! Invariants: only pages inside the instance's accessible memory are ever
//! replaced; `fs_unmap` puts private zero pages back, so the block is
//! ordinary memory again for the engine's allocator.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::os::unix::fs::FileExt;

/// Size and alignment of one mapped block of a wal-index.
pub(crate) const REGION: u64 = 32768;

pub(crate) const IOERR_SHMSIZE: i32 = 10 | (19 << 8);
pub(crate) const IOERR_SHMMAP: i32 = 10 | (21 << 8);
const FULL: i32 = 13;

/// Whether linear memories are created at a fixed address (module.rs).
pub(crate) const FIXED_MEMORY: bool = cfg!(target_pointer_width = "64");

/// Whether the OS page size divides a 32 KiB block.
fn page_ok() -> bool {
    // SAFETY: sysconf reads a system constant.
    let ps = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    ps > 0 && REGION.is_multiple_of(ps as u64)
}

/// Validates a block and returns (file offset, length, address).
pub fn check_block(off: i64, len: i32, ptr: i32, mem_size: usize) -> Option<(u64, usize, usize)> {
    let off = u64::try_from(off).ok()?;
    let len = usize::try_from(len).ok().filter(|&l| l > 0)?;
    let at = ptr as u32 as usize;
    let aligned =
        off.is_multiple_of(REGION) && (len as u64).is_multiple_of(REGION) && (at as u64).is_multiple_of(REGION);
    (aligned && at.checked_add(len)? <= mem_size).then_some((off, len, at))
}

fn read_only(file: &File) -> bool {
    // SAFETY: F_GETFL only reads the flags of a descriptor `file` owns.
    let fl = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_GETFL) };
    fl < 0 || fl & libc::O_ACCMODE == libc::O_RDONLY
}

#[cfg(target_os = "linux")]
fn fallocate(file: &File, cur: u64, end: u64) -> Option<std::io::Result<()>> {
    let (Ok(cur), Ok(len)) = (i64::try_from(cur), i64::try_from(end - cur)) else {
        return Some(Err(std::io::Error::from_raw_os_error(libc::EFBIG)));
    };
    loop {
        // SAFETY: fallocate with mode 0 on a descriptor `file` owns; it
        // only extends the file and allocates blocks.
        let rc = unsafe { libc::fallocate(file.as_raw_fd(), 0, cur, len) };
        if rc == 0 {
            return Some(Ok(()));
        }
        let e = std::io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EINTR) => continue,
            Some(libc::EOPNOTSUPP) | Some(libc::ENOSYS) => return None,
            _ => return Some(Err(e)),
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn fallocate(_: &File, _: u64, _: u64) -> Option<std::io::Result<()>> {
    None
}

/// Grows `file` from `cur` to `end` bytes with zeros, never shrinking it
/// and never touching bytes below `cur`.
pub fn grow_file(file: &File, cur: u64, end: u64) -> std::io::Result<()> {
    if cur >= end {
        return Ok(());
    }
    if let Some(r) = fallocate(file, cur, end) {
        return r;
    }
    write_zero_pages(file, cur, end)
}

/// The portable way to grow: one zero byte at the end of each new 4 KiB
/// page (and at `end - 1`).
pub fn write_zero_pages(file: &File, cur: u64, end: u64) -> std::io::Result<()> {
    const PG: u64 = 4096;
    let mut p = cur / PG;
    while p * PG < end {
        let at = (p * PG + PG - 1).min(end - 1);
        if at >= cur {
            file.write_all_at(&[0], at)?;
        }
        p += 1;
    }
    Ok(())
}

/// `fs_map`: maps `[off, off+len)` of `file` at `base + ptr`.
///
/// # Safety
/// `base .. base + mem_size` must be the accessible part of a linear memory
/// that never moves, owned by the calling instance, with no Rust reference
/// into it alive during the call.
pub unsafe fn map_file(base: *mut u8, mem_size: usize, file: &File, off: i64, len: i32, ptr: i32) -> i32 {
    if !FIXED_MEMORY || !page_ok() || base.is_null() {
        return IOERR_SHMMAP;
    }
    let Some((off, len, at)) = check_block(off, len, ptr, mem_size) else { return IOERR_SHMMAP };
    let Ok(coff) = libc::off_t::try_from(off) else { return IOERR_SHMMAP };
    let ro = read_only(file);
    let Ok(size) = file.metadata().map(|m| m.len()) else { return IOERR_SHMSIZE };
    let end = off + len as u64;
    if size < end {
        if ro {
            return IOERR_SHMSIZE;
        }
        if let Err(e) = grow_file(file, size, end) {
            return match e.raw_os_error() {
                Some(libc::ENOSPC) | Some(libc::EDQUOT) => FULL,
                _ => IOERR_SHMSIZE,
            };
        }
    }
    let flags = if ro { libc::MAP_PRIVATE } else { libc::MAP_SHARED } | libc::MAP_FIXED;
    // SAFETY: the caller guarantees `base + at .. base + at + len` (inside
    // `mem_size`, checked above) is memory of a non-moving linear memory
    // the instance owns and nothing borrows; MAP_FIXED replaces exactly
    // those pages with the file's.
    let addr = unsafe { base.add(at) };
    // SAFETY: see above; the descriptor is owned by `file`.
    let p = unsafe { libc::mmap(addr.cast(), len, libc::PROT_READ | libc::PROT_WRITE, flags, file.as_raw_fd(), coff) };
    if p == libc::MAP_FAILED {
        return IOERR_SHMMAP;
    }
    if p != addr.cast() {
        // Cannot happen with MAP_FIXED; never leave a stray mapping.
        // SAFETY: `p` is the mapping just made, owned by no one.
        unsafe { libc::munmap(p, len) };
        return IOERR_SHMMAP;
    }
    0
}

/// `fs_unmap`: private zero-filled pages back over `[ptr, ptr+len)`.
///
/// # Safety
/// As for `map_file`.
pub unsafe fn unmap(base: *mut u8, mem_size: usize, ptr: i32, len: i32) -> i32 {
    if !FIXED_MEMORY || base.is_null() {
        return IOERR_SHMMAP;
    }
    let Some((_, len, at)) = check_block(0, len, ptr, mem_size) else { return IOERR_SHMMAP };
    // SAFETY: as in `map_file`, the block lies inside the instance's own
    // non-moving memory.
    let addr = unsafe { base.add(at) };
    // SAFETY: see above.
    let p = unsafe {
        libc::mmap(
            addr.cast(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED || p != addr.cast() {
        return IOERR_SHMMAP;
    }
    0
}

/// `shm_barrier`: a full memory fence (MFENCE / DMB ISH); the host call
/// itself is a compiler barrier for the guest's code.
pub fn barrier() {
    std::sync::atomic::fence(std::sync::atomic::Ordering::SeqCst);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_checked() {
        let m = 4 * REGION as usize;
        assert_eq!(check_block(0, 32768, 32768, m), Some((0, 32768, 32768)));
        assert_eq!(check_block(32768, 65536, 65536, m), Some((32768, 65536, 65536)));
        assert_eq!(check_block(0, 32768, 98304, m), Some((0, 32768, 98304)));
        assert_eq!(check_block(0, 32768, 131072, m), None, "past the end");
        assert_eq!(check_block(0, 65536, 98304, m), None, "straddles the end");
        assert_eq!(check_block(4096, 32768, 0, m), None, "unaligned offset");
        assert_eq!(check_block(0, 32768, 4096, m), None, "unaligned address");
        assert_eq!(check_block(0, 4096, 0, m), None, "short length");
        assert_eq!(check_block(0, 0, 0, m), None, "empty");
        assert_eq!(check_block(0, -32768, 0, m), None, "negative length");
        assert_eq!(check_block(-32768, 32768, 0, m), None, "negative offset");
        assert_eq!(check_block(0, 32768, -32768, usize::MAX), Some((0, 32768, 0xffff_8000)));
        assert_eq!(check_block(0, 32768, -32768, 1 << 32), Some((0, 32768, 0xffff_8000)));
        assert_eq!(check_block(0, 65536, -32768, 1 << 32), None);
    }
}
