//! The engine's public API: a database connection and its prepared
//! statements (the shape of SQLite's C API). A statement is compiled
//! (`compile`) into a VM program (`vdbe`) and run one row per `step`.
//!
//! Transactions: outside BEGIN every statement is its own transaction; it
//! ends (commit, or rollback on error) when the last active statement of
//! the connection finishes (a write that ends while reads are still active
//! commits at once and leaves a read transaction for them). Every write
//! statement runs inside a statement savepoint (one level above the user's
//! SAVEPOINTs), so a failing statement undoes only itself.
//!
//! Schema changes: a program carries the schema cookie it was compiled
//! against; if the file's cookie differs at its Transaction op the schema
//! is re-read and the statement recompiled transparently (up to 3 times).

use crate::compile;
use crate::error::{codes, Error, Result};
use crate::schema::{self, Schema};
use crate::storage::btree::{Btree, BtreeOptions, TxnState};
use crate::value::Value;
use crate::vdbe::{DbState, Program, Vm};
use crate::vfs::Vfs;
use std::collections::HashMap;
use std::rc::Rc;

/// sqlite3_open_v2 flags (same bit values as SQLite).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenFlags(pub i32);

impl OpenFlags {
    pub const READONLY: i32 = 0x01;
    pub const READWRITE: i32 = 0x02;
    pub const CREATE: i32 = 0x04;
    pub const URI: i32 = 0x40;
    pub const MEMORY: i32 = 0x80;
    pub fn default_rwc() -> OpenFlags {
        OpenFlags(Self::READWRITE | Self::CREATE)
    }
}

/// A prepared statement's handle inside its connection (never 0).
pub type StmtId = u32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepResult {
    Row,
    Done,
}

struct Stmt {
    /// The statement's text (for recompiling after a schema change).
    sql: String,
    prog: Program,
    vm: Vm,
    params: Vec<Value>,
    active: bool,
    /// Halted (DONE or error): the next step starts over.
    done: bool,
}

pub struct Connection {
    bt: Btree,
    db: DbState,
    stmts: HashMap<StmtId, Stmt>,
    next_id: StmtId,
    n_active: usize,
    schema_loaded: bool,
}

/// Decodes %XX escapes of a URI path.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_error(e: ferrolite_parser::ParseError) -> Error {
    Error::sql(e.message)
}

impl Connection {
    /// Opens the database at `path` (":memory:" for a private in-memory db).
    pub fn open(vfs: Rc<dyn Vfs>, path: &str, flags: OpenFlags) -> Result<Connection> {
        let mut f = flags.0;
        // file: URIs (with SQLITE_OPEN_URI): path, then ?mode=ro|rw|rwc|memory.
        let uri_path;
        let path = if f & OpenFlags::URI != 0 && path.starts_with("file:") {
            let rest = &path[5..];
            let rest = match rest.strip_prefix("//") {
                Some(r) => match r.find('/') {
                    Some(i) if r[..i].is_empty() || r[..i].eq_ignore_ascii_case("localhost") => &r[i..],
                    _ => return Err(Error::new(codes::CANTOPEN, format!("invalid uri authority: {}", r.split('/').next().unwrap_or("")))),
                },
                None => rest,
            };
            let (p, query) = rest.split_once('?').unwrap_or((rest, ""));
            for kv in query.split('&').filter(|s| !s.is_empty()) {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                if k == "mode" {
                    f &= !(OpenFlags::READONLY | OpenFlags::READWRITE | OpenFlags::CREATE | OpenFlags::MEMORY);
                    f |= match v {
                        "ro" => OpenFlags::READONLY,
                        "rw" => OpenFlags::READWRITE,
                        "rwc" => OpenFlags::READWRITE | OpenFlags::CREATE,
                        "memory" => OpenFlags::READWRITE | OpenFlags::CREATE | OpenFlags::MEMORY,
                        _ => return Err(Error::new(codes::ERROR, format!("no such access mode: {v}"))),
                    };
                }
            }
            uri_path = percent_decode(p);
            uri_path.as_str()
        } else {
            path
        };
        let memory = path == ":memory:" || f & OpenFlags::MEMORY != 0 || path.is_empty();
        let vfs: Rc<dyn Vfs> = if memory { Rc::new(crate::vfs::memory::MemoryVfs::with_host(vfs.clone())) } else { vfs };
        let path = if memory { ":memory:" } else { path };
        let read_only = f & OpenFlags::READWRITE == 0 && f & OpenFlags::READONLY != 0;
        let opts = BtreeOptions { read_only, create: f & OpenFlags::CREATE != 0 || memory, ..Default::default() };
        let bt = Btree::open(vfs.clone(), path, opts)?;
        let mut conn = Connection {
            bt,
            db: DbState {
                schema: Rc::new(Schema { cookie: u32::MAX, ..Default::default() }),
                autocommit: true,
                last_insert_rowid: 0,
                changes: 0,
                total_changes: 0,
                interrupt: None,
                vfs,
                read_only,
                busy_timeout: 0,
                savepoints: Vec::new(),
                savepoint_txn: false,
                temp_views: Vec::new(),
                fk: Default::default(),
                main_file: if path == ":memory:" { String::new() } else { path.to_string() },
                temp_used: false,
            },
            stmts: HashMap::new(),
            next_id: 1,
            n_active: 0,
            schema_loaded: false,
        };
        // Read the schema now when the file is free, so a file that is not
        // a database fails here; when another connection holds the lock,
        // leave it to the first prepare, which waits under the busy timeout
        // (set after open) as SQLite's lazy schema load does.
        match conn.ensure_schema() {
            Err(e) if e.primary() != codes::BUSY => return Err(e),
            _ => {}
        }
        Ok(conn)
    }

    /// Reads the schema if it has not been read yet.
    fn ensure_schema(&mut self) -> Result<()> {
        if self.schema_loaded {
            return Ok(());
        }
        let started = self.bt.txn_state() == TxnState::None;
        if started {
            self.bt.begin_read()?;
        }
        let r = schema::load::load(&mut self.bt);
        if started {
            let _ = self.bt.rollback();
        }
        self.db.install_schema(r?);
        self.schema_loaded = true;
        Ok(())
    }

    fn compile_text(&self, sql: &str) -> Result<Option<(Program, usize)>> {
        let opts = ferrolite_parser::ParseOptions { number_anonymous_params: true, ..Default::default() };
        match ferrolite_parser::parse_one_with(sql, opts).map_err(parse_error)? {
            None => Ok(None),
            Some(p) => {
                let prog = compile::compile_with_params(&p.stmt, &self.db.schema, sql, p.end, Some(&p.params))?;
                Ok(Some((prog, p.end)))
            }
        }
    }

    /// Compiles the first statement of `sql`. Returns None when `sql` holds
    /// only whitespace/comments, plus the byte offset where the rest begins.
    pub fn prepare(&mut self, sql: &str) -> Result<(Option<StmtId>, usize)> {
        // As sqlite3_prepare: the schema must be readable (BUSY after the
        // busy timeout otherwise).
        self.ensure_schema()?;
        let mut attempt = 0;
        let (prog, tail) = loop {
            match self.compile_text(sql) {
                Ok(Some(x)) => break x,
                Ok(None) => return Ok((None, sql.len())),
                Err(e) if attempt == 0 && self.bt.txn_state() == TxnState::None && e.primary() == codes::ERROR => {
                    // The schema may be stale (another connection changed it).
                    attempt += 1;
                    if self.reload_schema_if_changed()? {
                        continue;
                    }
                    return Err(e);
                }
                Err(e) => return Err(e),
            }
        };
        let id = self.next_id;
        self.next_id = self.next_id.checked_add(1).unwrap_or(1).max(1);
        let vm = Vm::new(&prog);
        let params = vec![Value::Null; prog.params.len()];
        self.stmts.insert(id, Stmt { sql: sql[..tail].to_string(), prog, vm, params, active: false, done: false });
        Ok((Some(id), tail))
    }

    /// Re-reads the schema if the file's cookie moved; true if it did.
    fn reload_schema_if_changed(&mut self) -> Result<bool> {
        self.bt.begin_read()?;
        let r = (|| -> Result<bool> {
            let cookie = self.bt.get_meta(crate::storage::btree::Meta::SchemaCookie)?;
            if cookie == self.db.schema.cookie {
                return Ok(false);
            }
            let s = schema::load::load(&mut self.bt)?;
            self.db.install_schema(s);
            Ok(true)
        })();
        let _ = self.bt.rollback();
        r
    }

    fn stmt(&self, id: StmtId) -> Option<&Stmt> {
        self.stmts.get(&id)
    }

    /// Binds parameter `idx` (1-based) of `stmt`.
    pub fn bind(&mut self, stmt: StmtId, idx: usize, v: Value) -> Result<()> {
        let st = self.stmts.get_mut(&stmt).ok_or_else(|| Error::misuse("bad parameter or other API misuse"))?;
        if st.active {
            return Err(Error::misuse("bad parameter or other API misuse"));
        }
        if idx == 0 || idx > st.params.len() {
            return Err(Error::new(codes::RANGE, "column index out of range"));
        }
        let v = match v {
            Value::Real(r) if r.is_nan() => Value::Null,
            v => v,
        };
        st.params[idx - 1] = v;
        Ok(())
    }

    pub fn clear_bindings(&mut self, stmt: StmtId) -> Result<()> {
        let st = self.stmts.get_mut(&stmt).ok_or_else(|| Error::misuse("bad parameter or other API misuse"))?;
        for p in st.params.iter_mut() {
            *p = Value::Null;
        }
        Ok(())
    }

    /// Number of parameters (the largest index used).
    pub fn param_count(&self, stmt: StmtId) -> usize {
        self.stmt(stmt).map_or(0, |s| s.prog.params.len())
    }

    /// Name of parameter `idx` (1-based) with its prefix (":a", "@a", "$a",
    /// "?5"), or None for a plain "?".
    pub fn param_name(&self, stmt: StmtId, idx: usize) -> Option<&str> {
        let s = self.stmt(stmt)?;
        s.prog.params.get(idx.checked_sub(1)?)?.as_deref()
    }

    /// Ends the statement's run: statement savepoint, change counters, and
    /// the autocommit transaction when no other statement is active.
    fn finish(&mut self, id: StmtId, ok: bool) -> Result<()> {
        let Some(st) = self.stmts.get_mut(&id) else { return Ok(()) };
        let mut result = Ok(());
        let had_stmt_savepoint = st.vm.stmt_savepoint;
        if st.vm.stmt_savepoint {
            let d = st.vm.stmt_depth;
            let r = if ok {
                self.bt.release(d)
            } else {
                self.db.fk.deferred = st.vm.fk_deferred_start;
                self.bt.rollback_to(d).and_then(|_| self.bt.release(d))
            };
            st.vm.stmt_savepoint = false;
            if let Err(e) = r {
                result = Err(e);
            }
        }
        if ok && st.prog.counts_changes {
            self.db.changes = st.vm.n_change;
            self.db.total_changes += st.vm.n_change;
        } else if st.prog.counts_changes && had_stmt_savepoint {
            // A write statement that failed and was rolled back, as SQLite.
            self.db.changes = 0;
        }
        let wrote = st.vm.wrote;
        if st.active {
            st.active = false;
            self.n_active = self.n_active.saturating_sub(1);
        }
        st.done = true;
        if self.bt.txn_state() == TxnState::None && !self.db.savepoints.is_empty() {
            // The transaction holding the savepoints is gone (rolled back).
            self.db.savepoints.clear();
            if self.db.savepoint_txn {
                self.db.autocommit = true;
            }
            self.db.savepoint_txn = false;
        }
        if self.db.autocommit && self.n_active > 0 && wrote && self.bt.txn_state() == TxnState::Write {
            // A write statement finished while read statements are still
            // running: commit it now (as SQLite does) and keep a read
            // transaction for the readers.
            if ok && result.is_ok() {
                if let Err(e) = self.bt.commit() {
                    let _ = self.bt.rollback();
                    result = Err(e);
                }
            } else {
                let _ = self.bt.rollback();
            }
            if self.bt.txn_state() == TxnState::None {
                if let Err(e) = self.bt.begin_read() {
                    if result.is_ok() {
                        result = Err(e);
                    }
                }
            }
        }
        if self.db.autocommit && self.n_active == 0 {
            match self.bt.txn_state() {
                TxnState::Write => {
                    self.db.fk.end_transaction();
                    if ok && result.is_ok() {
                        if let Err(e) = self.bt.commit() {
                            let _ = self.bt.rollback();
                            result = Err(e);
                        }
                    } else {
                        let _ = self.bt.rollback();
                    }
                }
                TxnState::Read => {
                    let _ = self.bt.rollback();
                }
                TxnState::None => {}
            }
        }
        // Statements still running (e.g. a SELECT being stepped while a
        // COMMIT ran) keep reading in a fresh read transaction.
        if self.n_active > 0 && self.bt.txn_state() == TxnState::None {
            if let Err(e) = self.bt.begin_read() {
                if result.is_ok() {
                    result = Err(e);
                }
            }
        }
        result
    }

    /// Runs until the next row or the end.
    pub fn step(&mut self, stmt: StmtId) -> Result<StepResult> {
        let Some(st) = self.stmts.get_mut(&stmt) else {
            return Err(Error::misuse("bad parameter or other API misuse"));
        };
        if st.done {
            st.vm.reset();
            st.done = false;
        }
        if !st.active {
            st.active = true;
            self.n_active += 1;
        }
        let mut retries = 0;
        loop {
            let st = self.stmts.get_mut(&stmt).expect("statement exists");
            let r = st.vm.step(&st.prog, &mut self.bt, &mut self.db, &st.params);
            match r {
                Ok(true) => return Ok(StepResult::Row),
                Ok(false) => {
                    self.finish(stmt, true)?;
                    return Ok(StepResult::Done);
                }
                Err(e) if e.primary() == codes::SCHEMA && retries < 3 => {
                    retries += 1;
                    if st.vm.stmt_savepoint {
                        let d = st.vm.stmt_depth;
                        let _ = self.bt.rollback_to(d).and_then(|_| self.bt.release(d));
                    }
                    let sql = st.sql.clone();
                    match self.compile_text(&sql) {
                        Ok(Some((prog, _))) => {
                            let st = self.stmts.get_mut(&stmt).expect("statement exists");
                            let mut params = std::mem::take(&mut st.params);
                            params.resize(prog.params.len(), Value::Null);
                            st.vm = Vm::new(&prog);
                            st.vm.started = true;
                            st.prog = prog;
                            st.params = params;
                        }
                        Ok(None) => {
                            self.finish(stmt, true)?;
                            return Ok(StepResult::Done);
                        }
                        Err(e2) => {
                            let _ = self.finish(stmt, false);
                            return Err(e2);
                        }
                    }
                }
                Err(e) => {
                    let _ = self.finish(stmt, false);
                    return Err(e);
                }
            }
        }
    }

    /// The current row after `step` returned Row.
    pub fn row(&self, stmt: StmtId) -> &[Value] {
        match self.stmt(stmt) {
            Some(s) if !s.done => s.vm.row(),
            _ => &[],
        }
    }

    pub fn column_count(&self, stmt: StmtId) -> usize {
        self.stmt(stmt).map_or(0, |s| s.prog.columns.len())
    }

    pub fn column_name(&self, stmt: StmtId, i: usize) -> &str {
        self.stmt(stmt).and_then(|s| s.prog.columns.get(i)).map_or("", |c| c.name.as_str())
    }

    /// Declared type of result column `i` when it is a table column.
    pub fn column_decltype(&self, stmt: StmtId, i: usize) -> Option<&str> {
        self.stmt(stmt)?.prog.columns.get(i)?.decltype.as_deref()
    }

    /// True if the statement makes no direct changes (sqlite3_stmt_readonly).
    pub fn stmt_readonly(&self, stmt: StmtId) -> bool {
        self.stmt(stmt).map_or(true, |s| s.prog.readonly)
    }

    pub fn reset(&mut self, stmt: StmtId) -> Result<()> {
        let Some(st) = self.stmts.get_mut(&stmt) else {
            return Err(Error::misuse("bad parameter or other API misuse"));
        };
        let r = if st.active { self.finish(stmt, true) } else { Ok(()) };
        if let Some(st) = self.stmts.get_mut(&stmt) {
            st.vm.reset();
            st.done = false;
        }
        r
    }

    pub fn finalize(&mut self, stmt: StmtId) -> Result<()> {
        if !self.stmts.contains_key(&stmt) {
            return Err(Error::misuse("bad parameter or other API misuse"));
        }
        let r = self.reset(stmt);
        self.stmts.remove(&stmt);
        r
    }

    /// Runs every statement of `sql`, discarding rows.
    pub fn exec(&mut self, sql: &str) -> Result<()> {
        let mut rest = sql;
        while !rest.is_empty() {
            let (id, tail) = self.prepare(rest)?;
            let Some(id) = id else { break };
            let r = loop {
                match self.step(id) {
                    Ok(StepResult::Row) => continue,
                    Ok(StepResult::Done) => break Ok(()),
                    Err(e) => break Err(e),
                }
            };
            let _ = self.finalize(id);
            r?;
            rest = &rest[tail..];
        }
        Ok(())
    }

    /// Rows changed by the last INSERT/UPDATE/DELETE.
    pub fn changes(&self) -> i64 {
        self.db.changes
    }
    pub fn total_changes(&self) -> i64 {
        self.db.total_changes
    }
    pub fn last_insert_rowid(&self) -> i64 {
        self.db.last_insert_rowid
    }
    pub fn is_autocommit(&self) -> bool {
        self.db.autocommit
    }
    pub fn set_busy_timeout(&mut self, ms: i32) {
        let ms = ms.max(0);
        self.db.busy_timeout = ms;
        self.bt.set_busy_timeout(ms as u32);
    }
    /// Installs the interrupt probe the VM calls every few thousand
    /// instructions; when it returns true the statement fails with
    /// SQLITE_INTERRUPT.
    pub fn set_interrupt_probe(&mut self, probe: Box<dyn FnMut() -> bool>) {
        self.db.interrupt = Some(probe);
    }
    /// Finalizes all statements, rolls back any open transaction, releases locks.
    pub fn close(mut self) -> Result<()> {
        let ids: Vec<StmtId> = self.stmts.keys().copied().collect();
        for id in ids {
            let _ = self.finalize(id);
        }
        if self.bt.txn_state() != TxnState::None {
            self.bt.rollback()?;
        }
        Ok(())
    }
}
