//! Statement life cycle: prepare, step, reset, finalize, plus the
//! statement-level metadata functions.
//!
//! Crossings: prepare is one call (the SQL is written into the instance's
//! input buffer first); step is one call per row, preceded by one `fl_bind`
//! only when bindings changed since the last step, and by one `fl_reset`
//! only when stepping a finished statement again (SQLite's auto-reset).
//! A statement without result columns (INSERT, UPDATE, DDL, ...) never
//! yields a row, so its step is a single `fl_run` (bind, run, reset in one
//! call) and the reset that follows needs no call at all.

use super::consts::*;
use super::guard::{guard, guard_or};
use super::handle::{ferrolite, ferrolite_stmt, DbInner, Phase, StmtInner};
use crate::codec::{self, Bind, Row};
use std::ffi::{c_char, c_int};
use std::sync::atomic::Ordering;

/// Compiles the statement at (`ptr`, `len`) of the input buffer. Returns
/// the new statement (None when the SQL held only spaces or comments) and
/// the byte offset where the next statement starts.
pub(crate) fn prepare_at(
    conn: &ferrolite,
    inner: &mut DbInner,
    ptr: i32,
    len: i32,
) -> Result<(Option<*mut ferrolite_stmt>, usize), c_int> {
    let rc = inner.engine(|w| w.prepare_at(ptr, len));
    if rc != FERROLITE_OK {
        return Err(rc);
    }
    let st = inner.wasm.state();
    let tail = usize::try_from(st.tail).ok().filter(|&t| t <= len as usize);
    let meta = if st.stmt == 0 { Some(None) } else { inner.wasm.out(&st).and_then(codec::decode_meta).map(Some) };
    let (Some(tail), Some(meta)) = (tail, meta) else {
        if st.stmt != 0 {
            let _ = inner.wasm.finalize(st.stmt);
        }
        inner.set_err(FERROLITE_INTERNAL, Some("malformed statement metadata from the engine"));
        return Err(FERROLITE_INTERNAL);
    };
    let Some(meta) = meta else { return Ok((None, tail)) };
    let ncols = meta.col_names.len();
    let nparams = meta.param_names.len();
    let s = StmtInner {
        handle: st.stmt,
        meta,
        binds: vec![Bind::Null; nparams],
        binds_dirty: false,
        row: Row::default(),
        has_row: false,
        conv: vec![Vec::new(); ncols],
        conv_ok: vec![false; ncols],
        phase: Phase::Ready,
        last_err: None,
        engine_reset: false,
    };
    inner.stmts += 1;
    Ok((Some(ferrolite_stmt::new_boxed(conn, s)), tail))
}

/// Sends the collected bindings in one `fl_bind` call.
fn flush_binds(s: &mut StmtInner, inner: &mut DbInner) -> c_int {
    let n = s.binds.iter().rposition(|b| *b != Bind::Null).map_or(0, |i| i + 1);
    if codec::params_size(&s.binds[..n], i32::MAX as usize).is_none() {
        inner.set_err(FERROLITE_TOOBIG, None);
        return FERROLITE_TOOBIG;
    }
    let mut buf = std::mem::take(&mut inner.scratch);
    codec::encode_params(&mut buf, &s.binds[..n]);
    inner.input_gen += 1;
    let handle = s.handle;
    let rc = inner.engine(|w| w.bind(handle, &buf));
    inner.scratch = buf;
    if rc == FERROLITE_OK {
        s.binds_dirty = false;
    }
    rc
}

fn leave_running(s: &mut StmtInner, inner: &mut DbInner) {
    if s.phase == Phase::Running {
        inner.active = inner.active.saturating_sub(1);
    }
    s.has_row = false;
    s.row.clear();
}

pub(crate) fn step(conn: &ferrolite, s: &mut StmtInner, inner: &mut DbInner) -> c_int {
    if s.phase == Phase::Halted {
        if !s.engine_reset {
            let _ = inner.wasm.reset(s.handle);
        }
        s.phase = Phase::Ready;
        s.last_err = None;
    }
    if s.meta.col_names.is_empty() {
        return run_once(conn, s, inner);
    }
    s.engine_reset = false;
    if s.binds_dirty {
        let rc = flush_binds(s, inner);
        if rc != FERROLITE_OK {
            return rc;
        }
    }
    if s.phase == Phase::Ready && inner.active == 0 {
        // SQLite clears a pending interrupt when a statement starts while
        // none is running: an interrupt only stops what runs.
        conn.interrupt.store(false, Ordering::SeqCst);
    }
    let handle = s.handle;
    let rc = inner.engine(|w| w.step(handle));
    for ok in s.conv_ok.iter_mut() {
        *ok = false;
    }
    match rc {
        FERROLITE_ROW => {
            let st = inner.wasm.state();
            let ncols = s.meta.col_names.len();
            let decoded = inner.wasm.out(&st).and_then(|buf| s.row.decode(buf, ncols));
            if decoded.is_none() {
                leave_running(s, inner);
                s.phase = Phase::Halted;
                inner.set_err(FERROLITE_INTERNAL, Some("malformed row from the engine"));
                return FERROLITE_INTERNAL;
            }
            s.has_row = true;
            if s.phase != Phase::Running {
                s.phase = Phase::Running;
                inner.active += 1;
            }
            FERROLITE_ROW
        }
        FERROLITE_DONE => {
            leave_running(s, inner);
            s.phase = Phase::Halted;
            FERROLITE_DONE
        }
        _ => {
            leave_running(s, inner);
            s.phase = Phase::Halted;
            s.last_err = Some((inner.err.extended, inner.err.text()));
            rc
        }
    }
}

/// Step of a statement without result columns: one `fl_run` call binds
/// (when the bindings changed), runs it to the end and resets it.
fn run_once(conn: &ferrolite, s: &mut StmtInner, inner: &mut DbInner) -> c_int {
    let mut buf = std::mem::take(&mut inner.scratch);
    buf.clear();
    if s.binds_dirty {
        let n = s.binds.iter().rposition(|b| *b != Bind::Null).map_or(0, |i| i + 1);
        if codec::params_size(&s.binds[..n], i32::MAX as usize).is_none() {
            inner.scratch = buf;
            inner.set_err(FERROLITE_TOOBIG, None);
            return FERROLITE_TOOBIG;
        }
        codec::encode_params(&mut buf, &s.binds[..n]);
        inner.input_gen += 1;
    }
    if inner.active == 0 {
        conn.interrupt.store(false, Ordering::SeqCst);
    }
    let handle = s.handle;
    let rc = inner.engine(|w| w.run(handle, &buf));
    inner.scratch = buf;
    s.phase = Phase::Halted;
    s.engine_reset = true;
    if rc == FERROLITE_DONE {
        s.binds_dirty = false;
    } else {
        s.last_err = Some((inner.err.extended, inner.err.text()));
    }
    rc
}

/// Runs `f` on a statement and its connection; `default` for bad handles.
pub(crate) fn with_stmt<T: Copy>(
    p: *mut ferrolite_stmt,
    default: T,
    f: impl FnOnce(&ferrolite, &mut StmtInner, &mut DbInner) -> T,
) -> T {
    guard_or(default, move || {
        // SAFETY: API contract: p is NULL or a live statement handle, used by
        // one thread at a time together with its connection.
        let Some(stmt) = (unsafe { ferrolite_stmt::from_ptr(p) }) else { return default };
        // SAFETY: a statement's connection outlives it.
        let Some(conn) = (unsafe { stmt.conn() }) else { return default };
        // SAFETY: as above; no other reference to the inner state is alive.
        let inner = unsafe { conn.inner() };
        f(conn, &mut stmt.s, inner)
    })
}

/// Compiles the first statement of `sql`. `nbyte` < 0 reads up to the NUL;
/// otherwise at most `nbyte` bytes (stopping at a NUL). On success writes
/// the statement to `*out_stmt` (NULL when the SQL holds no statement, e.g.
/// only a comment) and, when `out_tail` is not NULL, the address in `sql`
/// where the next statement starts. On failure the out-parameters are left
/// untouched.
///
/// # Safety
/// `db` is a live connection; `sql` points to `nbyte` readable bytes or a
/// NUL-terminated string; the out-pointers are NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_prepare_v2(
    db: *mut ferrolite,
    sql: *const c_char,
    nbyte: c_int,
    out_stmt: *mut *mut ferrolite_stmt,
    out_tail: *mut *const c_char,
) -> c_int {
    guard(|| {
        // SAFETY: API contract (db NULL or live).
        let Some(conn) = (unsafe { ferrolite::from_ptr(db) }) else { return FERROLITE_MISUSE };
        // SAFETY: one thread at a time uses the connection.
        let inner = unsafe { conn.inner() };
        if out_stmt.is_null() || sql.is_null() {
            inner.set_err(FERROLITE_MISUSE, None);
            return FERROLITE_MISUSE;
        }
        let bytes: &[u8] = if nbyte < 0 {
            // SAFETY: with nbyte < 0 the caller passes a NUL-terminated string.
            unsafe { std::ffi::CStr::from_ptr(sql) }.to_bytes()
        } else {
            // SAFETY: the caller guarantees nbyte readable bytes at sql.
            let all = unsafe { std::slice::from_raw_parts(sql.cast::<u8>(), nbyte as usize) };
            &all[..all.iter().position(|&b| b == 0).unwrap_or(all.len())]
        };
        let ptr = match inner.wasm.write_input(bytes) {
            Ok(p) => p,
            Err(e) => return inner.fail(e),
        };
        inner.input_gen += 1;
        match prepare_at(conn, inner, ptr, bytes.len() as i32) {
            Ok((stmt, tail)) => {
                // SAFETY: out_stmt checked non-NULL; out_tail NULL or valid.
                unsafe {
                    *out_stmt = stmt.unwrap_or(std::ptr::null_mut());
                    if !out_tail.is_null() {
                        *out_tail = sql.add(tail);
                    }
                }
                FERROLITE_OK
            }
            Err(rc) => rc,
        }
    })
}

/// Runs the statement to its next row: FERROLITE_ROW (read it with the
/// ferrolite_column_* functions), FERROLITE_DONE, or an error code. Stepping
/// a finished statement starts it again.
///
/// # Safety
/// `stmt` is NULL or a live statement handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_step(stmt: *mut ferrolite_stmt) -> c_int {
    with_stmt(stmt, FERROLITE_MISUSE, step)
}

/// Resets the statement to run again from the start; bindings are kept.
/// Returns the error of the last step if it failed, as SQLite does.
///
/// # Safety
/// `stmt` is NULL or a live statement handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_reset(stmt: *mut ferrolite_stmt) -> c_int {
    if stmt.is_null() {
        return FERROLITE_OK;
    }
    with_stmt(stmt, FERROLITE_MISUSE, |_, s, inner| {
        let handle = s.handle;
        let rc = if s.engine_reset && s.phase != Phase::Running {
            inner.set_err(FERROLITE_OK, None);
            FERROLITE_OK
        } else {
            inner.engine(|w| w.reset(handle))
        };
        leave_running(s, inner);
        s.phase = Phase::Ready;
        match s.last_err.take() {
            Some((code, msg)) if rc == FERROLITE_OK => {
                inner.set_err(code, Some(&msg));
                code & 0xff
            }
            _ => rc,
        }
    })
}

/// Destroys the statement. Returns the error of its last step if that
/// failed. Finalizing NULL is a no-op.
///
/// # Safety
/// `stmt` is NULL or a live statement handle, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_finalize(stmt: *mut ferrolite_stmt) -> c_int {
    if stmt.is_null() {
        return FERROLITE_OK;
    }
    guard(|| {
        // SAFETY: API contract: stmt is a live statement handle.
        let Some(st) = (unsafe { ferrolite_stmt::from_ptr(stmt) }) else { return FERROLITE_MISUSE };
        // SAFETY: a statement's connection outlives it.
        let Some(conn) = (unsafe { st.conn() }) else { return FERROLITE_MISUSE };
        // SAFETY: one thread at a time uses the connection.
        let inner = unsafe { conn.inner() };
        let s = &mut st.s;
        let handle = s.handle;
        let rc = if inner.wasm.is_dead() { FERROLITE_OK } else { inner.engine(|w| w.finalize(handle)) };
        leave_running(s, inner);
        inner.stmts = inner.stmts.saturating_sub(1);
        let rc = match s.last_err.take() {
            Some((code, msg)) if rc == FERROLITE_OK => {
                inner.set_err(code, Some(&msg));
                code & 0xff
            }
            _ => rc,
        };
        // SAFETY: stmt came from ferrolite_stmt::new_boxed; the caller does
        // not use it after finalize.
        unsafe { ferrolite_stmt::free(stmt) };
        rc
    })
}

/// Number of SQL parameters (the largest index used).
///
/// # Safety
/// `stmt` is NULL or a live statement handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_bind_parameter_count(stmt: *mut ferrolite_stmt) -> c_int {
    with_stmt(stmt, 0, |_, s, _| s.meta.param_names.len() as c_int)
}

/// Name of parameter `idx` (1-based) with its prefix (":a", "@a", "$a",
/// "?5"); NULL for a plain "?" or an index out of range.
///
/// # Safety
/// `stmt` is NULL or a live statement handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_bind_parameter_name(stmt: *mut ferrolite_stmt, idx: c_int) -> *const c_char {
    with_stmt(stmt, std::ptr::null(), |_, s, _| {
        usize::try_from(idx)
            .ok()
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| s.meta.param_names.get(i))
            .and_then(|n| n.as_ref())
            .map_or(std::ptr::null(), |n| n.as_ptr().cast())
    })
}

/// Index of the parameter named `name` (with its prefix), or 0.
///
/// # Safety
/// `stmt` is NULL or a live statement handle; `name` is NULL or a
/// NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_bind_parameter_index(stmt: *mut ferrolite_stmt, name: *const c_char) -> c_int {
    if name.is_null() {
        return 0;
    }
    // SAFETY: name is a NUL-terminated string (caller's contract).
    let want = unsafe { std::ffi::CStr::from_ptr(name) }.to_bytes_with_nul();
    with_stmt(stmt, 0, |_, s, _| {
        s.meta.param_names.iter().position(|n| n.as_deref() == Some(want)).map_or(0, |i| i as c_int + 1)
    })
}

/// 1 if the statement makes no direct changes to the database, else 0.
///
/// # Safety
/// `stmt` is NULL or a live statement handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_stmt_readonly(stmt: *mut ferrolite_stmt) -> c_int {
    with_stmt(stmt, 0, |_, s, _| s.meta.readonly as c_int)
}

/// 1 if the statement has been stepped and not yet reset or finished.
///
/// # Safety
/// `stmt` is NULL or a live statement handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_stmt_busy(stmt: *mut ferrolite_stmt) -> c_int {
    with_stmt(stmt, 0, |_, s, _| (s.phase == Phase::Running) as c_int)
}
