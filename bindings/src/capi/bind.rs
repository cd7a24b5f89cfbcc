//! ferrolite_bind_*: parameters are collected on the host side and sent to
//! the engine in one `fl_bind` call at the next step. Values are copied at
//! bind time (there are no destructor arguments).
//!
//! As in SQLite: binding a statement that has been stepped and not reset is
//! FERROLITE_MISUSE, an index outside 1..=parameter count is
//! FERROLITE_RANGE, and a success sets the connection's error state to OK.

use super::consts::*;
use super::handle::ferrolite_stmt;
use super::handle::{DbInner, Phase, StmtInner};
use super::stmt::with_stmt;
use crate::codec::Bind;
use std::ffi::{c_char, c_double, c_int, c_void};

fn set(s: &mut StmtInner, inner: &mut DbInner, idx: c_int, v: Bind) -> c_int {
    if s.phase != Phase::Ready {
        inner.set_err(FERROLITE_MISUSE, Some("bad parameter or other API misuse"));
        return FERROLITE_MISUSE;
    }
    let Some(slot) = usize::try_from(idx).ok().and_then(|i| i.checked_sub(1)).and_then(|i| s.binds.get_mut(i)) else {
        inner.set_err(FERROLITE_RANGE, None);
        return FERROLITE_RANGE;
    };
    *slot = v;
    s.binds_dirty = true;
    inner.set_err(FERROLITE_OK, None);
    FERROLITE_OK
}

fn bind(stmt: *mut ferrolite_stmt, idx: c_int, v: impl FnOnce() -> Result<Bind, c_int>) -> c_int {
    with_stmt(stmt, FERROLITE_MISUSE, |_, s, inner| match v() {
        Ok(v) => set(s, inner, idx, v),
        Err(code) => {
            inner.set_err(code, None);
            code
        }
    })
}

/// Copies `n` bytes at `p` (n < 0: up to the NUL when `nul_terminated`).
///
/// # Safety
/// `p` is non-NULL and valid for the bytes described.
unsafe fn copy_bytes(p: *const u8, n: c_int, nul_terminated: bool) -> Result<Vec<u8>, c_int> {
    let bytes: &[u8] = if n < 0 {
        if !nul_terminated {
            return Err(FERROLITE_MISUSE);
        }
        // SAFETY: with n < 0 the caller passes a NUL-terminated string.
        unsafe { std::ffi::CStr::from_ptr(p.cast()) }.to_bytes()
    } else {
        // SAFETY: the caller guarantees n readable bytes at p.
        unsafe { std::slice::from_raw_parts(p, n as usize) }
    };
    if bytes.len() > FERROLITE_MAX_LENGTH as usize {
        return Err(FERROLITE_TOOBIG);
    }
    let mut v = Vec::new();
    v.try_reserve_exact(bytes.len()).map_err(|_| FERROLITE_NOMEM)?;
    v.extend_from_slice(bytes);
    Ok(v)
}

/// Binds NULL to parameter `idx` (1-based).
///
/// # Safety
/// `stmt` is NULL or a live statement handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_bind_null(stmt: *mut ferrolite_stmt, idx: c_int) -> c_int {
    bind(stmt, idx, || Ok(Bind::Null))
}

/// Binds a 64-bit integer.
///
/// # Safety
/// `stmt` is NULL or a live statement handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_bind_int64(stmt: *mut ferrolite_stmt, idx: c_int, v: i64) -> c_int {
    bind(stmt, idx, || Ok(Bind::Int(v)))
}

/// Binds an integer.
///
/// # Safety
/// `stmt` is NULL or a live statement handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_bind_int(stmt: *mut ferrolite_stmt, idx: c_int, v: c_int) -> c_int {
    bind(stmt, idx, || Ok(Bind::Int(v as i64)))
}

/// Binds a floating-point value (NaN binds NULL, as in SQLite).
///
/// # Safety
/// `stmt` is NULL or a live statement handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_bind_double(stmt: *mut ferrolite_stmt, idx: c_int, v: c_double) -> c_int {
    bind(stmt, idx, || Ok(if v.is_nan() { Bind::Null } else { Bind::Real(v) }))
}

/// Binds UTF-8 text: `n` bytes, or up to the NUL when `n` < 0. The text is
/// copied. A NULL `text` binds NULL.
///
/// # Safety
/// `stmt` is NULL or a live statement handle; `text` is NULL or valid as
/// described by `n`.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_bind_text(
    stmt: *mut ferrolite_stmt,
    idx: c_int,
    text: *const c_char,
    n: c_int,
) -> c_int {
    bind(stmt, idx, || {
        if text.is_null() {
            return Ok(Bind::Null);
        }
        // SAFETY: text is non-NULL and valid as described by n.
        unsafe { copy_bytes(text.cast(), n, true) }.map(Bind::Text)
    })
}

/// Binds a blob of `n` bytes (copied). A NULL `data` binds NULL; a negative
/// `n` is FERROLITE_MISUSE.
///
/// # Safety
/// `stmt` is NULL or a live statement handle; `data` is NULL or valid for
/// `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_bind_blob(
    stmt: *mut ferrolite_stmt,
    idx: c_int,
    data: *const c_void,
    n: c_int,
) -> c_int {
    bind(stmt, idx, || {
        if data.is_null() {
            return Ok(Bind::Null);
        }
        // SAFETY: data is non-NULL and valid for n bytes.
        unsafe { copy_bytes(data.cast(), n, false) }.map(Bind::Blob)
    })
}

/// Binds a blob of `n` zero bytes (negative `n`: an empty blob).
///
/// # Safety
/// `stmt` is NULL or a live statement handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_bind_zeroblob(stmt: *mut ferrolite_stmt, idx: c_int, n: c_int) -> c_int {
    bind(stmt, idx, || {
        if n > FERROLITE_MAX_LENGTH {
            return Err(FERROLITE_TOOBIG);
        }
        Ok(Bind::ZeroBlob(n.max(0) as usize))
    })
}

/// Sets every parameter back to NULL.
///
/// # Safety
/// `stmt` is NULL or a live statement handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_clear_bindings(stmt: *mut ferrolite_stmt) -> c_int {
    with_stmt(stmt, FERROLITE_MISUSE, |_, s, _| {
        if s.binds.iter().any(|b| *b != Bind::Null) {
            s.binds.iter_mut().for_each(|b| *b = Bind::Null);
            s.binds_dirty = true;
        }
        FERROLITE_OK
    })
}
