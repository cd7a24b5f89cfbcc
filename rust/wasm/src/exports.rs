//! The `fl_*` exports (docs/abi.md, "Exports"): each turns guest addresses
//! into ranges of the session's input buffer and calls one `Session` method.
//!
//! Invariants:
//! - One connection per instance, held in a thread-local `RefCell`; wasm32
//!   is single-threaded. A re-entrant call (a host import calling back into
//!   an export) gets SQLITE_MISUSE instead of a second borrow.
//! - The state block is a separate thread-local of `Cell`s so the panic hook
//!   can record a panic's message there before the instance traps.

use crate::host;
use crate::host_vfs::HostVfs;
use crate::session::Session;
use crate::state::{addr, len32, StateBlock};
use ferrolite_engine::{codes, Error};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

thread_local! {
    static STATE: StateBlock = const { StateBlock::new() };
    static SESSION: RefCell<Session> = const { RefCell::new(Session::new()) };
    static PANIC_MSG: RefCell<String> = const { RefCell::new(String::new()) };
    static HOOKED: Cell<bool> = const { Cell::new(false) };
}

/// On panic (which aborts, so the instance traps right after), leaves
/// SQLITE_INTERNAL and the panic's message in the state block for the host.
fn install_panic_hook() {
    if HOOKED.with(|h| h.replace(true)) {
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        PANIC_MSG.with(|m| {
            if let Ok(mut m) = m.try_borrow_mut() {
                *m = format!("internal error: ferrolite engine panicked: {info}");
                STATE.with(|st| {
                    st.rc.set(codes::INTERNAL);
                    st.extended.set(codes::INTERNAL);
                    st.err_ptr.set(addr(m.as_ptr()));
                    st.err_len.set(len32(m.len()));
                });
            }
        });
    }));
}

fn with_session(f: impl FnOnce(&mut Session, &StateBlock) -> i32) -> i32 {
    install_panic_hook();
    STATE.with(|st| {
        SESSION.with(|cell| match cell.try_borrow_mut() {
            Ok(mut s) => f(&mut s, st),
            Err(_) => {
                // The session is busy in an outer call; only the state block
                // can report this.
                st.rc.set(codes::MISUSE);
                st.extended.set(codes::MISUSE);
                st.clear_out();
                st.clear_err();
                codes::MISUSE
            }
        })
    })
}

/// Runs `f` on the input-buffer range at (`ptr`, `len`), or fails the call
/// with SQLITE_MISUSE when the range is outside that buffer.
fn with_input(ptr: i32, len: i32, f: impl FnOnce(&mut Session, &StateBlock, std::ops::Range<usize>) -> i32) -> i32 {
    with_session(|s, st| match s.input_range(ptr, len) {
        Ok(r) => f(s, st, r),
        Err(e) => s.fail(st, e),
    })
}

#[no_mangle]
pub extern "C" fn fl_state() -> i32 {
    install_panic_hook();
    STATE.with(|st| st.addr())
}

#[no_mangle]
pub extern "C" fn fl_buffer(size: i32) -> i32 {
    install_panic_hook();
    SESSION.with(|cell| match cell.try_borrow_mut() {
        Ok(mut s) => s.buffer(size).map_or(0, |b| addr(b.as_ptr())),
        Err(_) => 0,
    })
}

#[no_mangle]
pub extern "C" fn fl_open(path_ptr: i32, path_len: i32, flags: i32) -> i32 {
    with_input(path_ptr, path_len, |s, st, r| s.open(st, Rc::new(HostVfs), r, flags, Box::new(host::is_interrupted)))
}

#[no_mangle]
pub extern "C" fn fl_prepare(sql_ptr: i32, sql_len: i32) -> i32 {
    with_input(sql_ptr, sql_len, |s, st, r| s.prepare(st, r))
}

#[no_mangle]
pub extern "C" fn fl_bind(stmt: i32, buf_ptr: i32, buf_len: i32) -> i32 {
    with_input(buf_ptr, buf_len, |s, st, r| {
        if r.is_empty() {
            s.fail(st, Error::misuse("bad parameter or other API misuse (empty parameter list)"))
        } else {
            s.bind(st, stmt, r)
        }
    })
}

#[no_mangle]
pub extern "C" fn fl_step(stmt: i32) -> i32 {
    with_session(|s, st| s.step(st, stmt))
}

#[no_mangle]
pub extern "C" fn fl_run(stmt: i32, buf_ptr: i32, buf_len: i32) -> i32 {
    with_input(buf_ptr, buf_len, |s, st, r| s.run(st, stmt, r))
}

#[no_mangle]
pub extern "C" fn fl_reset(stmt: i32) -> i32 {
    with_session(|s, st| s.reset(st, stmt))
}

#[no_mangle]
pub extern "C" fn fl_finalize(stmt: i32) -> i32 {
    with_session(|s, st| s.finalize(st, stmt))
}

#[no_mangle]
pub extern "C" fn fl_exec(sql_ptr: i32, sql_len: i32) -> i32 {
    with_input(sql_ptr, sql_len, |s, st, r| s.exec(st, r))
}

#[no_mangle]
pub extern "C" fn fl_busy_timeout(ms: i32) -> i32 {
    with_session(|s, st| s.busy_timeout(st, ms))
}

#[no_mangle]
pub extern "C" fn fl_close() -> i32 {
    with_session(|s, st| s.close(st))
}
