//! Connection-level C functions: open, close, error reporting, counters,
//! busy timeout, interrupt.

use super::consts::*;
use super::guard::{errstr, guard, guard_or};
use super::handle::{ferrolite, DbInner};
use crate::wasm::instance::{State, Wasm};
use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Open flags the engine understands; SQLite's threading and cache flags
/// mean nothing here (each connection is its own wasm instance).
const ENGINE_FLAGS: c_int = FERROLITE_OPEN_READONLY
    | FERROLITE_OPEN_READWRITE
    | FERROLITE_OPEN_CREATE
    | FERROLITE_OPEN_URI
    | FERROLITE_OPEN_MEMORY;

/// Opens a connection to the database file `filename` (UTF-8; ":memory:" for
/// a private in-memory database) with `flags`: FERROLITE_OPEN_READONLY,
/// FERROLITE_OPEN_READWRITE, or FERROLITE_OPEN_READWRITE |
/// FERROLITE_OPEN_CREATE, optionally with FERROLITE_OPEN_URI and
/// FERROLITE_OPEN_MEMORY. `vfs` is ignored (pass NULL).
///
/// On success writes the new handle to `*out_db` and returns FERROLITE_OK.
/// Unlike SQLite, on failure `*out_db` is left untouched and no handle needs
/// closing; the result code says what failed (see ferrolite_errstr).
///
/// # Safety
/// `filename` is NULL or a NUL-terminated string; `out_db` is NULL or valid
/// for a write.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_open_v2(
    filename: *const c_char,
    out_db: *mut *mut ferrolite,
    flags: c_int,
    vfs: *const c_char,
) -> c_int {
    let _ = vfs;
    guard(|| {
        if out_db.is_null() || (1 << (flags & 7)) & 0x46 == 0 {
            return FERROLITE_MISUSE;
        }
        let path: &[u8] = if filename.is_null() {
            b""
        } else {
            // SAFETY: the caller passes a NUL-terminated string.
            unsafe { CStr::from_ptr(filename) }.to_bytes()
        };
        let interrupt = Arc::new(AtomicBool::new(false));
        let mut wasm = match Wasm::new(interrupt.clone()) {
            Ok(w) => w,
            Err(e) => return e.code & 0xff,
        };
        match wasm.open(path, flags & ENGINE_FLAGS) {
            Ok(FERROLITE_OK) => {}
            Ok(rc) => return rc,
            Err(e) => return e.code & 0xff,
        }
        let db = ferrolite::new_boxed(interrupt, DbInner::new(wasm));
        // SAFETY: out_db was checked non-NULL; the caller guarantees it is
        // valid for a write.
        unsafe { *out_db = db };
        FERROLITE_OK
    })
}

/// ferrolite_open_v2 with FERROLITE_OPEN_READWRITE | FERROLITE_OPEN_CREATE.
///
/// # Safety
/// As ferrolite_open_v2.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_open(filename: *const c_char, out_db: *mut *mut ferrolite) -> c_int {
    // SAFETY: same contract as ferrolite_open_v2.
    unsafe { ferrolite_open_v2(filename, out_db, FERROLITE_OPEN_READWRITE | FERROLITE_OPEN_CREATE, std::ptr::null()) }
}

/// Closes a connection: rolls back an open transaction and releases its
/// files and locks. Returns FERROLITE_BUSY, keeping the connection open,
/// while statements are not finalized; otherwise the handle is freed
/// whatever the result. Closing NULL is a no-op returning FERROLITE_OK.
///
/// # Safety
/// `db` is NULL or a live connection handle, not used after it is freed.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_close(db: *mut ferrolite) -> c_int {
    guard(|| {
        if db.is_null() {
            return FERROLITE_OK;
        }
        // SAFETY: db is a handle from ferrolite_open (caller's contract).
        let Some(conn) = (unsafe { ferrolite::from_ptr(db) }) else { return FERROLITE_MISUSE };
        // SAFETY: one thread at a time uses the connection.
        let inner = unsafe { conn.inner() };
        if inner.stmts > 0 {
            inner.set_err(FERROLITE_BUSY, Some("unable to close due to unfinalized statements or unfinished backups"));
            return FERROLITE_BUSY;
        }
        let rc = if inner.wasm.is_dead() { FERROLITE_OK } else { inner.engine(|w| w.close()) };
        // SAFETY: db came from ferrolite::new_boxed and the caller does not
        // use it after close.
        unsafe { ferrolite::free(db) };
        rc
    })
}

/// Runs `f` on the connection's state, or returns `default` for a bad handle.
fn with_db<T>(db: *mut ferrolite, default: T, f: impl FnOnce(&ferrolite, &mut DbInner) -> T) -> T
where
    T: Copy,
{
    guard_or(default, || {
        // SAFETY: the API contract: db is NULL or a live handle used by one
        // thread at a time.
        match unsafe { ferrolite::from_ptr(db) } {
            Some(conn) => f(conn, unsafe { conn.inner() }),
            None => default,
        }
    })
}

fn state_of(db: *mut ferrolite) -> Option<State> {
    with_db(db, None, |_, inner| Some(inner.wasm.state()))
}

/// The English message of the connection's last error ("not an error" after
/// a success), valid until the next call on the connection. NULL gives
/// "out of memory", as in SQLite.
///
/// # Safety
/// `db` is NULL or a live connection handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_errmsg(db: *mut ferrolite) -> *const c_char {
    let nomem = errstr(FERROLITE_NOMEM).as_ptr();
    with_db(db, nomem, |_, inner| inner.err.ptr())
}

/// The primary result code of the connection's last call.
///
/// # Safety
/// `db` is NULL or a live connection handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_errcode(db: *mut ferrolite) -> c_int {
    with_db(db, FERROLITE_NOMEM, |_, inner| inner.err.code)
}

/// The extended result code of the connection's last call.
///
/// # Safety
/// `db` is NULL or a live connection handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_extended_errcode(db: *mut ferrolite) -> c_int {
    with_db(db, FERROLITE_NOMEM, |_, inner| inner.err.extended)
}

/// SQLite's English text for a result code (static storage).
#[no_mangle]
pub extern "C" fn ferrolite_errstr(code: c_int) -> *const c_char {
    errstr(code).as_ptr()
}

/// Rows changed by the last INSERT, UPDATE or DELETE.
///
/// # Safety
/// `db` is NULL or a live connection handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_changes64(db: *mut ferrolite) -> i64 {
    state_of(db).map_or(0, |s| s.changes)
}

/// ferrolite_changes64 truncated to int, as sqlite3_changes.
///
/// # Safety
/// `db` is NULL or a live connection handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_changes(db: *mut ferrolite) -> c_int {
    state_of(db).map_or(0, |s| s.changes as c_int)
}

/// Rows changed since the connection was opened.
///
/// # Safety
/// `db` is NULL or a live connection handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_total_changes64(db: *mut ferrolite) -> i64 {
    state_of(db).map_or(0, |s| s.total_changes)
}

/// ferrolite_total_changes64 truncated to int.
///
/// # Safety
/// `db` is NULL or a live connection handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_total_changes(db: *mut ferrolite) -> c_int {
    state_of(db).map_or(0, |s| s.total_changes as c_int)
}

/// Rowid of the most recent successful INSERT into a rowid table.
///
/// # Safety
/// `db` is NULL or a live connection handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_last_insert_rowid(db: *mut ferrolite) -> i64 {
    state_of(db).map_or(0, |s| s.last_insert_rowid)
}

/// 1 when no transaction is open, else 0.
///
/// # Safety
/// `db` is NULL or a live connection handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_get_autocommit(db: *mut ferrolite) -> c_int {
    state_of(db).map_or(0, |s| s.autocommit)
}

/// Makes a locked database be retried for up to `ms` milliseconds before
/// FERROLITE_BUSY is returned (0 or less: fail at once).
///
/// # Safety
/// `db` is NULL or a live connection handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_busy_timeout(db: *mut ferrolite, ms: c_int) -> c_int {
    with_db(db, FERROLITE_MISUSE, |_, inner| inner.engine(|w| w.busy_timeout(ms)))
}

/// Makes the statement running on `db` (if any) stop with
/// FERROLITE_INTERRUPT. Safe to call from any thread while the connection is
/// open; a call while nothing runs has no effect on later statements.
///
/// # Safety
/// `db` is NULL or a live connection handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_interrupt(db: *mut ferrolite) {
    guard_or((), || {
        // SAFETY: only the atomic flag is touched, which any thread may do.
        if let Some(conn) = unsafe { ferrolite::from_ptr(db) } {
            conn.interrupt.store(true, Ordering::SeqCst);
        }
    })
}

/// Frees memory this library allocated for the caller (ferrolite_exec's
/// error message). NULL is a no-op.
///
/// # Safety
/// `p` is NULL or a pointer returned by this library for the caller to free.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_free(p: *mut c_void) {
    // SAFETY: p came from libc::malloc in this library (or is NULL).
    unsafe { libc::free(p) }
}

/// The library version, e.g. "0.1.0".
#[no_mangle]
pub extern "C" fn ferrolite_libversion() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
