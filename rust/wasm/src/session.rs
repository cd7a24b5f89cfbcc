//! The connection behind one instance and the logic of every export, free of
//! wasm specifics so it runs (and is tested) natively over any `Vfs`.
//!
//! The exports (`exports.rs`) turn guest addresses into ranges of the input
//! buffer and call one method here; each method does the work, then
//! `finish` writes the state block (docs/abi.md).
//!
//! Invariants:
//! - `input` is the buffer handed out by `fl_buffer`: its bytes are always
//!   initialized (it grows zero-filled), so the host may write any prefix.
//! - `out` is reused for every row and metadata block; it only grows.
//! - `err` holds the message of the last failed call; the state block's
//!   err_ptr/err_len point into it until the next call.
//! - Every method returns the primary result code it also wrote at offset 0.

use crate::codec::{self, Reader};
use crate::state::StateBlock;
use ferrolite_engine::vfs::Vfs;
use ferrolite_engine::{codes, Connection, Error, OpenFlags, StepResult, StmtId};
use std::ops::Range;
use std::rc::Rc;

pub struct Session {
    conn: Option<Connection>,
    input: Vec<u8>,
    out: Vec<u8>,
    err: String,
}

type Outcome = Result<i32, Error>;

fn not_open() -> Error {
    Error::misuse("bad parameter or other API misuse (no open connection)")
}

fn utf8(bytes: &[u8]) -> Result<&str, Error> {
    std::str::from_utf8(bytes).map_err(|_| Error::misuse("SQL text is not valid UTF-8"))
}

fn stmt_id(stmt: i32) -> Result<StmtId, Error> {
    match u32::try_from(stmt) {
        Ok(id) if id != 0 => Ok(id),
        _ => Err(Error::misuse("bad parameter or other API misuse (statement handle 0)")),
    }
}

impl Session {
    pub const fn new() -> Session {
        Session { conn: None, input: Vec::new(), out: Vec::new(), err: String::new() }
    }

    /// The input buffer, grown (zero-filled) to at least `size` bytes.
    /// None when `size` is negative or memory is exhausted.
    pub fn buffer(&mut self, size: i32) -> Option<&mut [u8]> {
        let size = usize::try_from(size).ok()?;
        if size > self.input.len() {
            let want = size.max(self.input.len().saturating_mul(2)).max(256);
            self.input.try_reserve_exact(want - self.input.len()).ok()?;
            self.input.resize(want, 0);
        }
        Some(&mut self.input[..])
    }

    /// Maps a guest (address, length) to a range of the input buffer; the
    /// ABI only accepts SQL and parameter lists placed there. An empty range
    /// is accepted at any address.
    pub fn input_range(&self, ptr: i32, len: i32) -> Result<Range<usize>, Error> {
        let len = usize::try_from(len).map_err(|_| Error::misuse("negative length"))?;
        if len == 0 {
            return Ok(0..0);
        }
        let base = self.input.as_ptr() as usize;
        let start = (ptr as u32 as usize).wrapping_sub(base);
        match start.checked_add(len) {
            Some(end) if start < self.input.len() && end <= self.input.len() => Ok(start..end),
            _ => Err(Error::misuse("bad parameter or other API misuse (buffer outside fl_buffer's input buffer)")),
        }
    }

    /// The output of the last call (row or metadata).
    pub fn out(&self) -> &[u8] {
        &self.out
    }

    /// The message of the last failed call.
    pub fn err(&self) -> &str {
        &self.err
    }

    pub fn is_open(&self) -> bool {
        self.conn.is_some()
    }

    fn conn(&mut self) -> Result<&mut Connection, Error> {
        self.conn.as_mut().ok_or_else(not_open)
    }

    /// Writes the outcome and the connection's counters to the state block.
    fn finish(&mut self, st: &StateBlock, outcome: Outcome) -> i32 {
        let rc = match outcome {
            Ok(rc) => {
                st.rc.set(rc);
                st.extended.set(rc);
                self.err.clear();
                st.clear_err();
                rc
            }
            Err(e) => {
                let code = if e.code & 0xff == 0 || e.code & 0xff == codes::ROW || e.code & 0xff == codes::DONE {
                    codes::INTERNAL
                } else {
                    e.code
                };
                st.rc.set(code & 0xff);
                st.extended.set(code);
                self.err = e.message;
                st.set_err(&self.err);
                code & 0xff
            }
        };
        match &self.conn {
            Some(c) => {
                st.changes.set(c.changes());
                st.total_changes.set(c.total_changes());
                st.last_insert_rowid.set(c.last_insert_rowid());
                st.autocommit.set(c.is_autocommit() as i32);
            }
            None => {
                st.changes.set(0);
                st.total_changes.set(0);
                st.last_insert_rowid.set(0);
                st.autocommit.set(1);
            }
        }
        rc
    }

    /// fl_open: `path` is a range of the input buffer.
    pub fn open(
        &mut self,
        st: &StateBlock,
        vfs: Rc<dyn Vfs>,
        path: Range<usize>,
        flags: i32,
        probe: Box<dyn FnMut() -> bool>,
    ) -> i32 {
        st.clear_out();
        let outcome = (|| {
            if self.conn.is_some() {
                return Err(Error::misuse("bad parameter or other API misuse (connection already open)"));
            }
            let path = std::str::from_utf8(&self.input[path])
                .map_err(|_| Error::new(codes::CANTOPEN, "unable to open database file (path is not UTF-8)"))?;
            let mut conn = Connection::open(vfs, path, OpenFlags(flags))?;
            conn.set_interrupt_probe(probe);
            self.conn = Some(conn);
            Ok(codes::OK)
        })();
        self.finish(st, outcome)
    }

    /// fl_prepare: compiles the first statement of the SQL in `sql`.
    pub fn prepare(&mut self, st: &StateBlock, sql: Range<usize>) -> i32 {
        st.clear_out();
        st.stmt.set(0);
        st.tail.set(0);
        let outcome = (|| {
            let conn = self.conn.as_mut().ok_or_else(not_open)?;
            let text = utf8(&self.input[sql])?;
            let (id, tail) = conn.prepare(text)?;
            st.tail.set(i32::try_from(tail).unwrap_or(i32::MAX));
            self.out.clear();
            if let Some(id) = id {
                st.stmt.set(id as i32);
                let conn: &Connection = conn;
                let ncols = conn.column_count(id);
                let nparams = conn.param_count(id);
                codec::encode_metadata(
                    &mut self.out,
                    (0..ncols).map(|i| (conn.column_name(id, i), conn.column_decltype(id, i))),
                    (0..nparams).map(|i| conn.param_name(id, i + 1)),
                    conn.stmt_readonly(id),
                );
                st.set_out(&self.out);
            }
            Ok(codes::OK)
        })();
        self.finish(st, outcome)
    }

    /// Clears the bindings of `stmt`, then binds the encoded parameter list.
    fn bind_list(conn: &mut Connection, id: StmtId, list: &[u8]) -> Result<(), Error> {
        let mut r = Reader::new(list);
        let n = r.u32().map_err(|e| Error::misuse(e.to_string()))? as usize;
        if n > conn.param_count(id) {
            return Err(Error::new(codes::RANGE, "column index out of range"));
        }
        conn.clear_bindings(id)?;
        for idx in 1..=n {
            let v = match r.value() {
                Ok(v) => v,
                Err(e) => {
                    conn.clear_bindings(id)?;
                    return Err(Error::misuse(e.to_string()));
                }
            };
            conn.bind(id, idx, v)?;
        }
        if !r.at_end() {
            conn.clear_bindings(id)?;
            return Err(Error::misuse("parameter list has bytes after its last value"));
        }
        Ok(())
    }

    /// fl_bind.
    pub fn bind(&mut self, st: &StateBlock, stmt: i32, list: Range<usize>) -> i32 {
        st.clear_out();
        let outcome = (|| {
            let id = stmt_id(stmt)?;
            let conn = self.conn.as_mut().ok_or_else(not_open)?;
            Self::bind_list(conn, id, &self.input[list])?;
            Ok(codes::OK)
        })();
        self.finish(st, outcome)
    }

    /// fl_step: ROW with the row encoded in `out`, or DONE.
    pub fn step(&mut self, st: &StateBlock, stmt: i32) -> i32 {
        st.clear_out();
        let outcome = (|| {
            let id = stmt_id(stmt)?;
            let conn = self.conn.as_mut().ok_or_else(not_open)?;
            match conn.step(id)? {
                StepResult::Row => {
                    self.out.clear();
                    codec::encode_row(&mut self.out, conn.row(id));
                    st.set_out(&self.out);
                    Ok(codes::ROW)
                }
                StepResult::Done => Ok(codes::DONE),
            }
        })();
        self.finish(st, outcome)
    }

    /// fl_run: bind (when the list is not empty), step to the end, reset.
    pub fn run(&mut self, st: &StateBlock, stmt: i32, list: Range<usize>) -> i32 {
        st.clear_out();
        let outcome = (|| {
            let id = stmt_id(stmt)?;
            let conn = self.conn.as_mut().ok_or_else(not_open)?;
            if !list.is_empty() {
                Self::bind_list(conn, id, &self.input[list])?;
            }
            let stepped = loop {
                match conn.step(id) {
                    Ok(StepResult::Row) => continue,
                    Ok(StepResult::Done) => break Ok(codes::DONE),
                    Err(e) => break Err(e),
                }
            };
            // The statement is left reusable either way; a failed step's
            // error is the one reported.
            let reset = conn.reset(id);
            let rc = stepped?;
            reset?;
            Ok(rc)
        })();
        self.finish(st, outcome)
    }

    pub fn reset(&mut self, st: &StateBlock, stmt: i32) -> i32 {
        st.clear_out();
        let outcome = (|| {
            let id = stmt_id(stmt)?;
            self.conn()?.reset(id)?;
            Ok(codes::OK)
        })();
        self.finish(st, outcome)
    }

    pub fn finalize(&mut self, st: &StateBlock, stmt: i32) -> i32 {
        st.clear_out();
        let outcome = (|| {
            let id = stmt_id(stmt)?;
            self.conn()?.finalize(id)?;
            Ok(codes::OK)
        })();
        self.finish(st, outcome)
    }

    pub fn exec(&mut self, st: &StateBlock, sql: Range<usize>) -> i32 {
        st.clear_out();
        let outcome = (|| {
            let conn = self.conn.as_mut().ok_or_else(not_open)?;
            conn.exec(utf8(&self.input[sql])?)?;
            Ok(codes::OK)
        })();
        self.finish(st, outcome)
    }

    pub fn busy_timeout(&mut self, st: &StateBlock, ms: i32) -> i32 {
        st.clear_out();
        let outcome = (|| {
            self.conn()?.set_busy_timeout(ms);
            Ok(codes::OK)
        })();
        self.finish(st, outcome)
    }

    /// fl_close: closing an instance with no open connection is a no-op, as
    /// sqlite3_close(NULL) is.
    pub fn close(&mut self, st: &StateBlock) -> i32 {
        st.clear_out();
        let outcome = match self.conn.take() {
            Some(c) => c.close().map(|()| codes::OK),
            None => Ok(codes::OK),
        };
        self.finish(st, outcome)
    }

    /// Reports an error found before the session could act (bad address).
    pub fn fail(&mut self, st: &StateBlock, e: Error) -> i32 {
        st.clear_out();
        self.finish(st, Err(e))
    }
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}
