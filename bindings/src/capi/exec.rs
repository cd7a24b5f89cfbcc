//! ferrolite_exec: runs every statement of a SQL string. Without a callback
//! it is one `fl_exec` call; with one, each statement is prepared and stepped
//! here and the callback sees each row as text, as sqlite3_exec does.
//!
//! The connection's state is not borrowed while the callback runs, so the
//! callback may use the API on the same connection (it may even prepare
//! statements, which overwrites the input buffer: the remaining SQL is then
//! written again).

use super::column::ferrolite_column_text;
use super::consts::*;
use super::guard::guard;
use super::handle::ferrolite;
use super::stmt::{ferrolite_finalize, prepare_at, step};
use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::atomic::Ordering;

/// The row callback of ferrolite_exec: (user argument, column count, column
/// values as text (NULL for NULL), column names). Returning non-zero stops
/// the execution with FERROLITE_ABORT.
#[allow(non_camel_case_types)]
pub type ferrolite_callback =
    Option<unsafe extern "C" fn(*mut c_void, c_int, *mut *mut c_char, *mut *mut c_char) -> c_int>;

/// A malloc'd copy of `msg` for the caller to free with ferrolite_free.
fn malloc_str(msg: &[u8]) -> *mut c_char {
    // SAFETY: malloc of len+1 bytes; NULL is checked before writing.
    unsafe {
        let p = libc::malloc(msg.len() + 1).cast::<u8>();
        if !p.is_null() {
            std::ptr::copy_nonoverlapping(msg.as_ptr(), p, msg.len());
            *p.add(msg.len()) = 0;
        }
        p.cast()
    }
}

/// Runs `sql` statement by statement, calling `callback` (when not NULL)
/// with `arg` for each result row. On error, when `errmsg` is not NULL,
/// stores a copy of the message there (free it with ferrolite_free); on
/// success stores NULL there.
///
/// # Safety
/// `db` is a live connection; `sql` is NULL or NUL-terminated; `errmsg` is
/// NULL or valid for a write; the callback is a valid function.
#[no_mangle]
pub unsafe extern "C" fn ferrolite_exec(
    db: *mut ferrolite,
    sql: *const c_char,
    callback: ferrolite_callback,
    arg: *mut c_void,
    errmsg: *mut *mut c_char,
) -> c_int {
    let rc = guard(|| {
        // SAFETY: API contract: db is NULL or a live handle.
        let Some(conn) = (unsafe { ferrolite::from_ptr(db) }) else { return FERROLITE_MISUSE };
        let sql: &[u8] = if sql.is_null() {
            b""
        } else {
            // SAFETY: sql is NUL-terminated (caller's contract).
            unsafe { CStr::from_ptr(sql) }.to_bytes()
        };
        match callback {
            None => exec_plain(conn, sql),
            // SAFETY: forwarded contract (db live, callback valid).
            Some(cb) => unsafe { exec_rows(conn, db, sql, cb, arg) },
        }
    });
    if !errmsg.is_null() {
        let msg = if rc == FERROLITE_OK {
            std::ptr::null_mut()
        } else {
            // SAFETY: db is NULL or live; errmsg is a valid NUL-terminated
            // buffer owned by the connection (or a static string).
            let m = unsafe { CStr::from_ptr(super::db::ferrolite_errmsg(db)) };
            malloc_str(m.to_bytes())
        };
        // SAFETY: errmsg is non-NULL and valid for a write.
        unsafe { *errmsg = msg };
    }
    rc
}

fn exec_plain(conn: &ferrolite, sql: &[u8]) -> c_int {
    // SAFETY: one thread at a time uses the connection.
    let inner = unsafe { conn.inner() };
    if inner.active == 0 {
        conn.interrupt.store(false, Ordering::SeqCst);
    }
    let ptr = match inner.wasm.write_input(sql) {
        Ok(p) => p,
        Err(e) => return inner.fail(e),
    };
    inner.input_gen += 1;
    inner.engine(|w| w.exec_at(ptr, sql.len() as i32))
}

/// # Safety
/// `db` is the live handle `conn` came from; `cb` is a valid function.
unsafe fn exec_rows(
    conn: &ferrolite,
    db: *mut ferrolite,
    sql: &[u8],
    cb: unsafe extern "C" fn(*mut c_void, c_int, *mut *mut c_char, *mut *mut c_char) -> c_int,
    arg: *mut c_void,
) -> c_int {
    let _ = db;
    let mut off = 0usize;
    let mut written: Option<(i32, u64)> = None;
    let mut values: Vec<*mut c_char> = Vec::new();
    let mut names: Vec<*mut c_char> = Vec::new();
    while off < sql.len() {
        // SAFETY: one thread at a time; this borrow ends before the callback.
        let inner = unsafe { conn.inner() };
        // (Re)write the rest of the SQL unless it is still in the buffer.
        // `base` is where byte 0 of `sql` is (or would be) in the buffer.
        let base = match written {
            Some((base, gen)) if gen == inner.input_gen => base,
            _ => match inner.wasm.write_input(&sql[off..]) {
                Ok(p) => {
                    inner.input_gen += 1;
                    let base = p.wrapping_sub(off as i32);
                    written = Some((base, inner.input_gen));
                    base
                }
                Err(e) => return inner.fail(e),
            },
        };
        let (stmt, tail) = match prepare_at(conn, inner, base.wrapping_add(off as i32), (sql.len() - off) as i32) {
            Ok(r) => r,
            Err(rc) => return rc,
        };
        off += tail.max(1).min(sql.len() - off);
        let Some(stmt) = stmt else { break };
        loop {
            // SAFETY: stmt is the live statement just prepared; the borrows
            // of the statement and connection end before the callback.
            let rc = unsafe {
                let st = &mut *stmt;
                step(conn, &mut st.s, conn.inner())
            };
            if rc == FERROLITE_DONE {
                break;
            }
            if rc != FERROLITE_ROW {
                // SAFETY: finalize the live statement; keep the step's error.
                unsafe { ferrolite_finalize(stmt) };
                return rc;
            }
            // SAFETY: stmt is live; the pointers stay valid until the next
            // step, i.e. for the duration of the callback.
            unsafe {
                let ncols = (&*stmt).s.meta.col_names.len();
                values.clear();
                names.clear();
                for i in 0..ncols {
                    values.push(ferrolite_column_text(stmt, i as c_int) as *mut c_char);
                }
                let st = &*stmt;
                names.extend(st.s.meta.col_names.iter().map(|n| n.as_ptr() as *mut c_char));
                if cb(arg, ncols as c_int, values.as_mut_ptr(), names.as_mut_ptr()) != 0 {
                    ferrolite_finalize(stmt);
                    let inner = conn.inner();
                    inner.set_err(FERROLITE_ABORT, None);
                    return FERROLITE_ABORT;
                }
            }
        }
        // SAFETY: stmt is live and not used after this.
        let rc = unsafe { ferrolite_finalize(stmt) };
        if rc != FERROLITE_OK {
            return rc;
        }
    }
    FERROLITE_OK
}
