//! The `ferrolite_host` imports (docs/abi.md, "Imports") for wasmtime: each
//! checks the guest's (pointer, length) against linear memory, then calls the
//! native file layer (`crate::hostfs`).
//!
//! Invariants:
//! - No import traps or panics on guest input: a range outside memory, a
//!   negative length or an unknown handle returns an error code.
//! - `interrupted` reads the connection's flag, which `ferrolite_interrupt`
//!   sets from any thread.
//! - `fs_map`/`fs_unmap` only replace whole 32 KiB blocks inside the
//!   instance's current memory, which never moves (`crate::shm`).

use crate::hostfs::{self, code, FileTable};
use crate::shm;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use wasmtime::{Caller, Linker, Memory, StoreLimits};

/// The store's data: what the imports of one instance work on.
pub struct HostState {
    pub files: FileTable,
    pub interrupt: Arc<AtomicBool>,
    /// The instance's exported memory, set right after instantiation.
    pub memory: Option<Memory>,
    /// Caps the instance's linear memory (a failed growth is an allocation
    /// failure inside the engine, never a host crash).
    pub limits: StoreLimits,
}

impl HostState {
    pub fn new(interrupt: Arc<AtomicBool>, limits: StoreLimits) -> HostState {
        HostState { files: FileTable::new(), interrupt, memory: None, limits }
    }
}

/// The longest sleep one `sleep` call performs.
const MAX_SLEEP: Duration = Duration::from_secs(60);

const MODULE: &str = "ferrolite_host";

/// (ptr, len) as a range of a memory of `size` bytes, if it fits.
pub fn guest_range(size: usize, ptr: i32, len: i32) -> Option<Range<usize>> {
    let start = ptr as u32 as usize;
    let len = usize::try_from(len).ok()?;
    let end = start.checked_add(len)?;
    (end <= size).then_some(start..end)
}

/// Guest memory and the host state, borrowed together.
fn split<'a>(caller: &'a mut Caller<'_, HostState>) -> Option<(&'a mut [u8], &'a mut HostState)> {
    let mem = caller.data().memory?;
    Some(mem.data_and_store_mut(caller))
}

fn fs_open(mut c: Caller<'_, HostState>, ptr: i32, len: i32, flags: i32) -> i32 {
    let Some((mem, st)) = split(&mut c) else { return -code::CANTOPEN };
    match guest_range(mem.len(), ptr, len) {
        Some(r) => st.files.open(&mem[r], flags),
        None => -code::CANTOPEN,
    }
}

fn fs_read(mut c: Caller<'_, HostState>, fd: i32, ptr: i32, len: i32, off: i64) -> i32 {
    let Some((mem, st)) = split(&mut c) else { return -code::IOERR_READ };
    match guest_range(mem.len(), ptr, len) {
        Some(r) => st.files.read(fd, &mut mem[r], off),
        None => -code::IOERR_READ,
    }
}

fn fs_write(mut c: Caller<'_, HostState>, fd: i32, ptr: i32, len: i32, off: i64) -> i32 {
    let Some((mem, st)) = split(&mut c) else { return code::IOERR_WRITE };
    match guest_range(mem.len(), ptr, len) {
        Some(r) => st.files.write(fd, &mem[r], off),
        None => code::IOERR_WRITE,
    }
}

fn fs_delete(mut c: Caller<'_, HostState>, ptr: i32, len: i32, sync_dir: i32) -> i32 {
    let Some((mem, _)) = split(&mut c) else { return code::IOERR_DELETE };
    match guest_range(mem.len(), ptr, len) {
        Some(r) => hostfs::delete(&mem[r], sync_dir != 0),
        None => code::IOERR_DELETE,
    }
}

fn fs_exists(mut c: Caller<'_, HostState>, ptr: i32, len: i32) -> i32 {
    let Some((mem, _)) = split(&mut c) else { return -code::IOERR_ACCESS };
    match guest_range(mem.len(), ptr, len) {
        Some(r) => hostfs::exists(&mem[r]),
        None => -code::IOERR_ACCESS,
    }
}

fn random(mut c: Caller<'_, HostState>, ptr: i32, len: i32) {
    if let Some((mem, _)) = split(&mut c) {
        if let Some(r) = guest_range(mem.len(), ptr, len) {
            hostfs::fill_random(&mut mem[r]);
        }
    }
}

fn time_ms(_: Caller<'_, HostState>) -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

fn sleep(_: Caller<'_, HostState>, micros: i64) {
    let d = Duration::from_micros(u64::try_from(micros).unwrap_or(0)).min(MAX_SLEEP);
    std::thread::sleep(d);
}

fn fs_map(c: Caller<'_, HostState>, fd: i32, off: i64, len: i32, ptr: i32) -> i32 {
    let Some(mem) = c.data().memory else { return shm::IOERR_SHMMAP };
    let (base, size) = (mem.data_ptr(&c), mem.data_size(&c));
    let Some(file) = c.data().files.file(fd) else { return shm::IOERR_SHMMAP };
    // SAFETY: `base..base+size` is this instance's linear memory, which
    // never moves (module.rs config); no reference into it is alive here.
    unsafe { shm::map_file(base, size, file, off, len, ptr) }
}

fn fs_unmap(c: Caller<'_, HostState>, ptr: i32, len: i32) -> i32 {
    let Some(mem) = c.data().memory else { return shm::IOERR_SHMMAP };
    let (base, size) = (mem.data_ptr(&c), mem.data_size(&c));
    // SAFETY: as in `fs_map`.
    unsafe { shm::unmap(base, size, ptr, len) }
}

/// Adds every `ferrolite_host` import to `linker`.
pub fn define(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    linker.func_wrap(MODULE, "fs_open", fs_open)?;
    linker.func_wrap(MODULE, "fs_close", |mut c: Caller<'_, HostState>, fd: i32| c.data_mut().files.close(fd))?;
    linker.func_wrap(MODULE, "fs_read", fs_read)?;
    linker.func_wrap(MODULE, "fs_write", fs_write)?;
    linker
        .func_wrap(MODULE, "fs_sync", |c: Caller<'_, HostState>, fd: i32, flags: i32| c.data().files.sync(fd, flags))?;
    linker.func_wrap(MODULE, "fs_size", |c: Caller<'_, HostState>, fd: i32| c.data().files.size(fd))?;
    linker.func_wrap(MODULE, "fs_truncate", |c: Caller<'_, HostState>, fd: i32, size: i64| {
        c.data().files.truncate(fd, size)
    })?;
    linker.func_wrap(MODULE, "fs_lock", |c: Caller<'_, HostState>, fd: i32, start: i64, len: i64, kind: i32| {
        c.data().files.lock(fd, start, len, kind)
    })?;
    linker.func_wrap(MODULE, "fs_delete", fs_delete)?;
    linker.func_wrap(MODULE, "fs_exists", fs_exists)?;
    linker.func_wrap(MODULE, "time_ms", time_ms)?;
    linker.func_wrap(MODULE, "random", random)?;
    linker.func_wrap(MODULE, "sleep", sleep)?;
    linker.func_wrap(MODULE, "interrupted", |c: Caller<'_, HostState>| {
        c.data().interrupt.load(Ordering::Relaxed) as i32
    })?;
    linker.func_wrap(MODULE, "fs_map", fs_map)?;
    linker.func_wrap(MODULE, "fs_unmap", fs_unmap)?;
    linker.func_wrap(MODULE, "shm_barrier", |_: Caller<'_, HostState>| shm::barrier())?;
    Ok(())
}

/// The import names `define` provides, in the doc's order.
pub const NAMES: [&str; 17] = [
    "fs_open",
    "fs_close",
    "fs_read",
    "fs_write",
    "fs_sync",
    "fs_size",
    "fs_truncate",
    "fs_lock",
    "fs_delete",
    "fs_exists",
    "time_ms",
    "random",
    "sleep",
    "interrupted",
    "fs_map",
    "fs_unmap",
    "shm_barrier",
];

#[cfg(test)]
mod tests {
    use super::guest_range;

    #[test]
    fn guest_ranges_are_bounds_checked() {
        assert_eq!(guest_range(100, 0, 100), Some(0..100));
        assert_eq!(guest_range(100, 99, 1), Some(99..100));
        assert_eq!(guest_range(100, 100, 0), Some(100..100));
        assert_eq!(guest_range(100, 100, 1), None);
        assert_eq!(guest_range(100, 0, -1), None);
        assert_eq!(guest_range(100, -1, 1), None, "0xffffffff is past the end");
        assert_eq!(guest_range(usize::MAX, -1, i32::MAX), Some(0xffff_ffff..0xffff_ffff + i32::MAX as usize));
    }
}
