//! The opaque handles behind `ferrolite*` and `ferrolite_stmt*`, and how a C
//! pointer becomes a Rust reference.
//!
//! Invariants:
//! - A handle is a `Box` turned into a raw pointer by open/prepare and freed
//!   by close/finalize; its `magic` is checked on every use (and cleared when
//!   it is freed), catching NULL, foreign and many stale pointers.
//! - A connection (and its statements) is used by one thread at a time, as
//!   with SQLite's multi-thread mode; only `interrupt` (an atomic) is touched
//!   by other threads, so the mutable part lives in an `UnsafeCell`.
//! - No `&mut DbInner` is held across a call into C (the exec callback), so C
//!   may call back into the API on the same connection.
//! - The error state is what ferrolite_errcode/errmsg report: set by every
//!   call into the engine and by host-side API errors, as SQLite's is.

use super::guard::errstr;
use crate::codec::{Bind, Meta, Row};
use crate::wasm::instance::{HostErr, State, Wasm};
use std::cell::UnsafeCell;
use std::ffi::{c_char, c_int, CStr};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

pub(crate) const DB_MAGIC: u32 = 0xfe44_0db1;
pub(crate) const STMT_MAGIC: u32 = 0xfe44_57a7;
const DEAD: u32 = 0xdead_dead;

/// A database connection (opaque to C).
#[allow(non_camel_case_types)]
pub struct ferrolite {
    magic: u32,
    pub(crate) interrupt: Arc<AtomicBool>,
    inner: UnsafeCell<DbInner>,
}

/// A prepared statement (opaque to C).
#[allow(non_camel_case_types)]
pub struct ferrolite_stmt {
    magic: u32,
    pub(crate) db: *const ferrolite,
    pub(crate) s: StmtInner,
}

/// The last error of a connection.
pub enum ErrMsg {
    Static(&'static CStr),
    Owned(Box<[u8]>),
}

pub struct ErrState {
    pub code: c_int,
    pub extended: c_int,
    pub msg: ErrMsg,
}

impl ErrState {
    pub fn ok() -> ErrState {
        ErrState { code: 0, extended: 0, msg: ErrMsg::Static(errstr(0)) }
    }

    pub fn ptr(&self) -> *const c_char {
        match &self.msg {
            ErrMsg::Static(s) => s.as_ptr(),
            ErrMsg::Owned(b) => b.as_ptr().cast(),
        }
    }

    pub fn text(&self) -> String {
        // SAFETY: both variants are NUL-terminated buffers owned by self.
        unsafe { CStr::from_ptr(self.ptr()) }.to_string_lossy().into_owned()
    }
}

pub struct DbInner {
    pub wasm: Wasm,
    pub err: ErrState,
    /// Statements not yet finalized (close refuses while any remain).
    pub stmts: usize,
    /// Statements between their first step and their reset/end.
    pub active: usize,
    /// Reused buffer for parameter lists.
    pub scratch: Vec<u8>,
    /// Bumped whenever the input buffer is overwritten (exec re-writes its
    /// SQL when a callback used the connection meanwhile).
    pub input_gen: u64,
}

impl DbInner {
    pub fn new(wasm: Wasm) -> DbInner {
        DbInner { wasm, err: ErrState::ok(), stmts: 0, active: 0, scratch: Vec::new(), input_gen: 0 }
    }

    /// Records a result code with SQLite's fixed text (or `msg`).
    pub fn set_err(&mut self, code: c_int, msg: Option<&str>) {
        self.err = ErrState {
            code: code & 0xff,
            extended: code,
            msg: match msg {
                Some(m) => ErrMsg::Owned(crate::codec::c_bytes(m.as_bytes())),
                None => ErrMsg::Static(errstr(code)),
            },
        };
    }

    /// Records the outcome of the last engine call from its state block.
    pub fn set_from_state(&mut self, st: &State) {
        if st.rc == 0 || st.rc == 100 || st.rc == 101 {
            self.set_err(st.extended, None);
        } else {
            let msg = self.wasm.err_msg(st);
            self.set_err(st.extended, msg.as_deref());
        }
    }

    /// Records a host failure and returns its code.
    pub fn fail(&mut self, e: HostErr) -> c_int {
        self.set_err(e.code, Some(&e.msg));
        e.code & 0xff
    }

    /// Runs one engine call: records its result (state block or host
    /// failure) as the connection's error state and returns the primary code.
    pub fn engine(&mut self, f: impl FnOnce(&mut Wasm) -> Result<i32, HostErr>) -> c_int {
        match f(&mut self.wasm) {
            Ok(rc) => {
                let st = self.wasm.state();
                self.set_from_state(&st);
                rc
            }
            Err(e) => self.fail(e),
        }
    }
}

/// Where a statement is in its life (SQLite's READY / RUN / HALT).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Not stepped since prepare or reset: bindings may change.
    Ready,
    /// Stepped, more rows may follow.
    Running,
    /// Finished with DONE or an error; the next step resets it first.
    Halted,
}

pub struct StmtInner {
    pub handle: i32,
    pub meta: Meta,
    pub binds: Vec<Bind>,
    pub binds_dirty: bool,
    pub row: Row,
    pub has_row: bool,
    /// Per-column text of INTEGER/REAL values converted by column_text,
    /// valid until the next step.
    pub conv: Vec<Vec<u8>>,
    pub conv_ok: Vec<bool>,
    pub phase: Phase,
    /// Extended code and message of the last failed step, reported again by
    /// reset and finalize as SQLite does.
    pub last_err: Option<(c_int, String)>,
    /// The engine already reset the statement (it ran through `fl_run`), so
    /// reset and auto-reset need no call.
    pub engine_reset: bool,
}

impl ferrolite {
    pub fn new_boxed(interrupt: Arc<AtomicBool>, inner: DbInner) -> *mut ferrolite {
        Box::into_raw(Box::new(ferrolite { magic: DB_MAGIC, interrupt, inner: UnsafeCell::new(inner) }))
    }

    /// The connection behind a C pointer, if it looks like one.
    ///
    /// # Safety
    /// `p` is NULL or a pointer this library returned and has not freed.
    pub unsafe fn from_ptr<'a>(p: *const ferrolite) -> Option<&'a ferrolite> {
        // SAFETY: the caller guarantees p is NULL or points to a live
        // `ferrolite`; `as_ref` handles NULL.
        let db = unsafe { p.as_ref() }?;
        (db.magic == DB_MAGIC).then_some(db)
    }

    /// The mutable part of the connection.
    ///
    /// # Safety
    /// No other reference to the inner state may be alive: the API's
    /// one-thread-at-a-time rule, and no `&mut DbInner` is held across a call
    /// into C.
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn inner(&self) -> &mut DbInner {
        // SAFETY: exclusive access is the caller's obligation (see above).
        unsafe { &mut *self.inner.get() }
    }

    /// Frees the handle.
    ///
    /// # Safety
    /// `p` came from `new_boxed` and is not used afterwards.
    pub unsafe fn free(p: *mut ferrolite) {
        // SAFETY: p was made by Box::into_raw in new_boxed.
        let mut b = unsafe { Box::from_raw(p) };
        b.magic = DEAD;
        drop(b);
    }
}

impl ferrolite_stmt {
    pub fn new_boxed(db: *const ferrolite, s: StmtInner) -> *mut ferrolite_stmt {
        Box::into_raw(Box::new(ferrolite_stmt { magic: STMT_MAGIC, db, s }))
    }

    /// The statement behind a C pointer, if it looks like one.
    ///
    /// # Safety
    /// `p` is NULL or a pointer this library returned and has not freed.
    pub unsafe fn from_ptr<'a>(p: *mut ferrolite_stmt) -> Option<&'a mut ferrolite_stmt> {
        // SAFETY: as for ferrolite::from_ptr.
        let s = unsafe { p.as_mut() }?;
        (s.magic == STMT_MAGIC).then_some(s)
    }

    /// The statement's connection.
    ///
    /// # Safety
    /// The connection outlives its statements (close refuses while any
    /// remain), so the pointer is live while the statement is.
    pub unsafe fn conn<'a>(&self) -> Option<&'a ferrolite> {
        // SAFETY: see above.
        unsafe { ferrolite::from_ptr(self.db) }
    }

    /// Frees the handle.
    ///
    /// # Safety
    /// `p` came from `new_boxed` and is not used afterwards.
    pub unsafe fn free(p: *mut ferrolite_stmt) {
        // SAFETY: p was made by Box::into_raw in new_boxed.
        let mut b = unsafe { Box::from_raw(p) };
        b.magic = DEAD;
        drop(b);
    }
}
