//! ferrolite_column_*: reading the current row, with SQLite's conversions.
//!
//! Pointers returned (text, blob, names) stay valid until the next step,
//! reset or finalize of the statement. TEXT and BLOB bodies point into the
//! decoded row (each NUL-terminated); INTEGER and REAL values converted to
//! text are kept per column until the next step. A column index outside the
//! current row gives NULL/0 and sets FERROLITE_RANGE on the connection, as
//! SQLite does.

use super::consts::*;
use super::handle::{ferrolite_stmt, DbInner, StmtInner};
use super::stmt::with_stmt;
use crate::codec::{Col, Kind};
use crate::convert;
use std::ffi::{c_char, c_double, c_int, c_uchar, c_void};
use std::ptr::null;

/// The value of column `i` of the current row, or RANGE on the connection.
fn col(s: &StmtInner, inner: &mut DbInner, i: c_int) -> Option<(usize, Col)> {
    let c = usize::try_from(i).ok().filter(|_| s.has_row).and_then(|i| s.row.cols.get(i).map(|c| (i, *c)));
    if c.is_none() {
        inner.set_err(FERROLITE_RANGE, None);
    }
    c
}

/// Text of an INTEGER or REAL column, converted once per row.
fn converted<'a>(s: &'a mut StmtInner, i: usize, c: &Col) -> &'a [u8] {
    if !s.conv_ok[i] {
        let buf = &mut s.conv[i];
        buf.clear();
        match c.kind {
            Kind::Integer => buf.extend_from_slice(c.int.to_string().as_bytes()),
            _ => convert::real_to_text(buf, c.real),
        }
        buf.push(0);
        s.conv_ok[i] = true;
    }
    let b = &s.conv[i];
    &b[..b.len() - 1]
}

/// Number of columns in the statement's result (0 for statements without).
///
/// # Safety
/// `stmt` is NULL or a live statement handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_column_count(stmt: *mut ferrolite_stmt) -> c_int {
    with_stmt(stmt, 0, |_, s, _| s.meta.col_names.len() as c_int)
}

/// Number of values in the current row (0 when there is no row).
///
/// # Safety
/// `stmt` is NULL or a live statement handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_data_count(stmt: *mut ferrolite_stmt) -> c_int {
    with_stmt(stmt, 0, |_, s, _| if s.has_row { s.row.cols.len() as c_int } else { 0 })
}

/// Name of result column `i` (0-based), or NULL.
///
/// # Safety
/// `stmt` is NULL or a live statement handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_column_name(stmt: *mut ferrolite_stmt, i: c_int) -> *const c_char {
    with_stmt(stmt, null(), |_, s, _| {
        usize::try_from(i).ok().and_then(|i| s.meta.col_names.get(i)).map_or(null(), |n| n.as_ptr().cast())
    })
}

/// Declared type of result column `i` when it is a table column, else NULL.
///
/// # Safety
/// `stmt` is NULL or a live statement handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_column_decltype(stmt: *mut ferrolite_stmt, i: c_int) -> *const c_char {
    with_stmt(stmt, null(), |_, s, _| {
        usize::try_from(i)
            .ok()
            .and_then(|i| s.meta.decltypes.get(i))
            .and_then(|d| d.as_ref())
            .map_or(null(), |d| d.as_ptr().cast())
    })
}

/// Datatype of column `i` of the current row: FERROLITE_INTEGER, _FLOAT,
/// _TEXT, _BLOB or _NULL.
///
/// # Safety
/// `stmt` is NULL or a live statement handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_column_type(stmt: *mut ferrolite_stmt, i: c_int) -> c_int {
    with_stmt(stmt, FERROLITE_NULL, |_, s, inner| col(s, inner, i).map_or(FERROLITE_NULL, |(_, c)| c.kind as c_int))
}

/// Column `i` as a 64-bit integer (REAL truncates, saturating; TEXT and BLOB
/// use their leading integer; NULL is 0).
///
/// # Safety
/// `stmt` is NULL or a live statement handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_column_int64(stmt: *mut ferrolite_stmt, i: c_int) -> i64 {
    with_stmt(stmt, 0, |_, s, inner| {
        let Some((_, c)) = col(s, inner, i) else { return 0 };
        match c.kind {
            Kind::Integer => c.int,
            Kind::Float => convert::real_to_int(c.real),
            Kind::Text | Kind::Blob => convert::text_to_int(s.row.body(&c)),
            Kind::Null => 0,
        }
    })
}

/// Column `i` as an int: the low 32 bits of ferrolite_column_int64.
///
/// # Safety
/// `stmt` is NULL or a live statement handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_column_int(stmt: *mut ferrolite_stmt, i: c_int) -> c_int {
    // SAFETY: same contract.
    unsafe { ferrolite_column_int64(stmt, i) as c_int }
}

/// Column `i` as a double (TEXT and BLOB use their leading number).
///
/// # Safety
/// `stmt` is NULL or a live statement handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_column_double(stmt: *mut ferrolite_stmt, i: c_int) -> c_double {
    with_stmt(stmt, 0.0, |_, s, inner| {
        let Some((_, c)) = col(s, inner, i) else { return 0.0 };
        match c.kind {
            Kind::Integer => c.int as f64,
            Kind::Float => c.real,
            Kind::Text | Kind::Blob => convert::text_to_real(s.row.body(&c)),
            Kind::Null => 0.0,
        }
    })
}

/// Column `i` as NUL-terminated UTF-8 text (NULL for a NULL value).
///
/// # Safety
/// `stmt` is NULL or a live statement handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_column_text(stmt: *mut ferrolite_stmt, i: c_int) -> *const c_uchar {
    with_stmt(stmt, null(), |_, s, inner| {
        let Some((i, c)) = col(s, inner, i) else { return null() };
        match c.kind {
            Kind::Null => null(),
            Kind::Text | Kind::Blob => s.row.bytes[c.start..].as_ptr(),
            Kind::Integer | Kind::Float => converted(s, i, &c).as_ptr(),
        }
    })
}

/// Column `i` as bytes: the body of a TEXT or BLOB, the text of a number;
/// NULL for a NULL value or an empty body. Its length is
/// ferrolite_column_bytes.
///
/// # Safety
/// `stmt` is NULL or a live statement handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_column_blob(stmt: *mut ferrolite_stmt, i: c_int) -> *const c_void {
    with_stmt(stmt, null(), |_, s, inner| {
        let Some((i, c)) = col(s, inner, i) else { return null() };
        match c.kind {
            Kind::Null => null(),
            Kind::Text | Kind::Blob if c.len == 0 => null(),
            Kind::Text | Kind::Blob => s.row.bytes[c.start..].as_ptr().cast(),
            Kind::Integer | Kind::Float => converted(s, i, &c).as_ptr().cast(),
        }
    })
}

/// Length in bytes of column `i` as ferrolite_column_text or _blob return it
/// (without the NUL).
///
/// # Safety
/// `stmt` is NULL or a live statement handle.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_column_bytes(stmt: *mut ferrolite_stmt, i: c_int) -> c_int {
    with_stmt(stmt, 0, |_, s, inner| {
        let Some((i, c)) = col(s, inner, i) else { return 0 };
        match c.kind {
            Kind::Null => 0,
            Kind::Text | Kind::Blob => c.len as c_int,
            Kind::Integer | Kind::Float => converted(s, i, &c).len() as c_int,
        }
    })
}
