//! The imports of module `ferrolite_host` (docs/abi.md, "Imports"), each
//! wrapped in a safe function. Only this file declares foreign functions.
//!
//! Invariants:
//! - Every pointer passed to the host comes from a live Rust slice of the
//!   stated length, so the host only touches memory the slice owns.
//! - The host never traps on bad input; it returns SQLite result codes
//!   (negative for functions that otherwise return a count or handle).
//! - `map_file`/`unmap` take a block the caller owns exclusively (see
//!   `shm_block`), so replacing its pages never affects other Rust data.

#[link(wasm_import_module = "ferrolite_host")]
extern "C" {
    fn fs_open(path_ptr: *const u8, path_len: i32, flags: i32) -> i32;
    fn fs_close(fd: i32) -> i32;
    fn fs_read(fd: i32, ptr: *mut u8, len: i32, offset: i64) -> i32;
    fn fs_write(fd: i32, ptr: *const u8, len: i32, offset: i64) -> i32;
    fn fs_sync(fd: i32, flags: i32) -> i32;
    fn fs_size(fd: i32) -> i64;
    fn fs_truncate(fd: i32, size: i64) -> i32;
    fn fs_lock(fd: i32, start: i64, len: i64, kind: i32) -> i32;
    fn fs_delete(path_ptr: *const u8, path_len: i32, sync_dir: i32) -> i32;
    fn fs_exists(path_ptr: *const u8, path_len: i32) -> i32;
    fn time_ms() -> i64;
    fn random(ptr: *mut u8, len: i32);
    fn sleep(micros: i64);
    fn interrupted() -> i32;
    fn fs_map(fd: i32, offset: i64, len: i32, ptr: *mut u8) -> i32;
    fn fs_unmap(ptr: *mut u8, len: i32) -> i32;
    fn shm_barrier();
}

/// Slice lengths as i32: wasm32 allocations stay below 2 GiB.
fn len(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

pub fn open(path: &str, flags: i32) -> i32 {
    // SAFETY: the host reads `path.len()` bytes at `path.as_ptr()`, which
    // the borrowed str owns for the whole call.
    unsafe { fs_open(path.as_ptr(), len(path.len()), flags) }
}

pub fn close(fd: i32) -> i32 {
    // SAFETY: plain integer argument; the host validates the handle.
    unsafe { fs_close(fd) }
}

pub fn read(fd: i32, buf: &mut [u8], offset: i64) -> i32 {
    // SAFETY: the host writes at most `buf.len()` bytes into `buf`, which is
    // exclusively borrowed for the call.
    unsafe { fs_read(fd, buf.as_mut_ptr(), len(buf.len()), offset) }
}

pub fn write(fd: i32, buf: &[u8], offset: i64) -> i32 {
    // SAFETY: the host reads `buf.len()` bytes of the borrowed slice.
    unsafe { fs_write(fd, buf.as_ptr(), len(buf.len()), offset) }
}

pub fn sync(fd: i32, flags: i32) -> i32 {
    // SAFETY: integer arguments only.
    unsafe { fs_sync(fd, flags) }
}

pub fn size(fd: i32) -> i64 {
    // SAFETY: integer arguments only.
    unsafe { fs_size(fd) }
}

pub fn truncate(fd: i32, size: i64) -> i32 {
    // SAFETY: integer arguments only.
    unsafe { fs_truncate(fd, size) }
}

pub fn lock(fd: i32, start: i64, length: i64, kind: i32) -> i32 {
    // SAFETY: integer arguments only.
    unsafe { fs_lock(fd, start, length, kind) }
}

pub fn delete(path: &str, sync_dir: bool) -> i32 {
    // SAFETY: the host reads `path.len()` bytes of the borrowed str.
    unsafe { fs_delete(path.as_ptr(), len(path.len()), sync_dir as i32) }
}

pub fn exists(path: &str) -> i32 {
    // SAFETY: the host reads `path.len()` bytes of the borrowed str.
    unsafe { fs_exists(path.as_ptr(), len(path.len())) }
}

pub fn now_ms() -> i64 {
    // SAFETY: no arguments.
    unsafe { time_ms() }
}

pub fn fill_random(buf: &mut [u8]) {
    // SAFETY: the host writes exactly `buf.len()` bytes into the exclusively
    // borrowed slice.
    unsafe { random(buf.as_mut_ptr(), len(buf.len())) }
}

pub fn sleep_micros(micros: i64) {
    // SAFETY: integer argument only.
    unsafe { sleep(micros) }
}

pub fn is_interrupted() -> bool {
    // SAFETY: no arguments.
    unsafe { interrupted() != 0 }
}

/// fs_map: maps `[offset, offset+len)` of file `fd` over `len` bytes at
/// `ptr` (all multiples of 32 KiB).
///
/// # Safety
/// `ptr .. ptr+len` must be memory the caller owns exclusively (an
/// allocated, aligned block no reference reads or writes except through
/// volatile accesses), since its contents become the file's.
pub unsafe fn map_file(fd: i32, offset: i64, ptr: *mut u8, len: usize) -> i32 {
    // SAFETY: the caller's contract; the host validates fd and the range.
    unsafe { fs_map(fd, offset, self::len(len), ptr) }
}

/// fs_unmap: private zero-filled memory back over a mapped block.
///
/// # Safety
/// As for `map_file`: the block at `ptr` is exclusively the caller's.
pub unsafe fn unmap(ptr: *mut u8, len: usize) -> i32 {
    // SAFETY: the caller's contract; the host validates the range.
    unsafe { fs_unmap(ptr, self::len(len)) }
}

/// shm_barrier: a full memory fence in the host (and, being a call, a
/// compiler barrier here).
pub fn barrier() {
    // SAFETY: no arguments.
    unsafe { shm_barrier() }
}
