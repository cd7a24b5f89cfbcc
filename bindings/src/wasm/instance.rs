//! One instance of the engine module = one database connection: typed
//! handles on the `fl_*` exports, reading the state block in place and
//! writing SQL and parameter lists into the instance's input buffer.
//!
//! Invariants:
//! - Every read of guest memory is bounds-checked against the memory's
//!   current size, which is re-read after each call (memory may grow).
//! - After a trap the instance is dead: its files are closed (releasing
//!   their locks) and every later call fails with SQLITE_INTERNAL and the
//!   trap's message, including the panic message the engine left in the
//!   state block before aborting.

use super::imports::{guest_range, HostState};
use super::module;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use wasmtime::{Memory, Store, StoreLimitsBuilder, TypedFunc};

pub(crate) const SQLITE_INTERNAL: i32 = 2;
pub(crate) const SQLITE_NOMEM: i32 = 7;

/// Size of the state block (docs/abi.md).
const STATE_SIZE: usize = 64;

/// Default cap of one connection's linear memory: the whole wasm32 space.
pub(crate) const DEFAULT_MEMORY_LIMIT: usize = 4 << 30;

/// A failure of the host machinery itself (not an engine result code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostErr {
    pub code: i32,
    pub msg: String,
}

impl HostErr {
    fn internal(msg: impl Into<String>) -> HostErr {
        HostErr { code: SQLITE_INTERNAL, msg: msg.into() }
    }
}

/// The state block, decoded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct State {
    pub rc: i32,
    pub extended: i32,
    pub changes: i64,
    pub total_changes: i64,
    pub last_insert_rowid: i64,
    pub stmt: i32,
    pub tail: i32,
    pub out_ptr: i32,
    pub out_len: i32,
    pub err_ptr: i32,
    pub err_len: i32,
    pub autocommit: i32,
}

fn i32_at(b: &[u8], off: usize) -> i32 {
    i32::from_le_bytes([b[off], b[off + 1], b[off + 2], b[off + 3]])
}

fn i64_at(b: &[u8], off: usize) -> i64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[off..off + 8]);
    i64::from_le_bytes(a)
}

impl State {
    /// Decodes the 64 bytes of the block.
    pub fn decode(b: &[u8; STATE_SIZE]) -> State {
        State {
            rc: i32_at(b, 0),
            extended: i32_at(b, 4),
            changes: i64_at(b, 8),
            total_changes: i64_at(b, 16),
            last_insert_rowid: i64_at(b, 24),
            stmt: i32_at(b, 32),
            tail: i32_at(b, 36),
            out_ptr: i32_at(b, 40),
            out_len: i32_at(b, 44),
            err_ptr: i32_at(b, 48),
            err_len: i32_at(b, 52),
            autocommit: i32_at(b, 56),
        }
    }
}

struct Exports {
    state: TypedFunc<(), i32>,
    buffer: TypedFunc<i32, i32>,
    open: TypedFunc<(i32, i32, i32), i32>,
    prepare: TypedFunc<(i32, i32), i32>,
    bind: TypedFunc<(i32, i32, i32), i32>,
    step: TypedFunc<i32, i32>,
    run: TypedFunc<(i32, i32, i32), i32>,
    reset: TypedFunc<i32, i32>,
    finalize: TypedFunc<i32, i32>,
    exec: TypedFunc<(i32, i32), i32>,
    busy_timeout: TypedFunc<i32, i32>,
    close: TypedFunc<(), i32>,
}

pub struct Wasm {
    store: Store<HostState>,
    memory: Memory,
    state_addr: usize,
    f: Exports,
    dead: Option<String>,
}

impl Wasm {
    /// Instantiates the engine module for one connection.
    pub fn new(interrupt: Arc<AtomicBool>) -> Result<Wasm, HostErr> {
        Wasm::with_memory_limit(interrupt, DEFAULT_MEMORY_LIMIT)
    }

    /// Instantiates the engine module with its memory capped at `bytes`.
    pub fn with_memory_limit(interrupt: Arc<AtomicBool>, bytes: usize) -> Result<Wasm, HostErr> {
        let compiled = module::compiled().map_err(HostErr::internal)?;
        let limits = StoreLimitsBuilder::new().memory_size(bytes).build();
        let mut store = Store::new(&compiled.engine, HostState::new(interrupt, limits));
        store.limiter(|s| &mut s.limits);
        let inst = compiled
            .pre
            .instantiate(&mut store)
            .map_err(|e| HostErr::internal(format!("instantiating the engine module: {e}")))?;
        let memory = inst
            .get_memory(&mut store, "memory")
            .ok_or_else(|| HostErr::internal("the engine module exports no memory"))?;
        store.data_mut().memory = Some(memory);
        macro_rules! export {
            ($name:literal) => {
                inst.get_typed_func(&mut store, $name)
                    .map_err(|e| HostErr::internal(format!("engine module export {}: {e}", $name)))?
            };
        }
        let f = Exports {
            state: export!("fl_state"),
            buffer: export!("fl_buffer"),
            open: export!("fl_open"),
            prepare: export!("fl_prepare"),
            bind: export!("fl_bind"),
            step: export!("fl_step"),
            run: export!("fl_run"),
            reset: export!("fl_reset"),
            finalize: export!("fl_finalize"),
            exec: export!("fl_exec"),
            busy_timeout: export!("fl_busy_timeout"),
            close: export!("fl_close"),
        };
        let mut w = Wasm { store, memory, state_addr: 0, f, dead: None };
        let addr = w.call(|f, s| f.state.call(s, ()))?;
        w.state_addr = guest_range(w.memory.data_size(&w.store), addr, STATE_SIZE as i32)
            .ok_or_else(|| HostErr::internal("state block outside memory"))?
            .start;
        Ok(w)
    }

    /// True once the instance has trapped.
    pub fn is_dead(&self) -> bool {
        self.dead.is_some()
    }

    /// Calls one export; a trap kills the instance.
    fn call(
        &mut self,
        f: impl FnOnce(&Exports, &mut Store<HostState>) -> wasmtime::Result<i32>,
    ) -> Result<i32, HostErr> {
        if let Some(msg) = &self.dead {
            return Err(HostErr::internal(msg.clone()));
        }
        match f(&self.f, &mut self.store) {
            Ok(rc) => Ok(rc),
            Err(e) => {
                let mut msg = format!("ferrolite engine trapped: {e}");
                if self.state_addr != 0 {
                    let st = self.state();
                    if st.rc == SQLITE_INTERNAL {
                        if let Some(m) = self.err_msg(&st) {
                            msg = format!("{m} ({e})");
                        }
                    }
                }
                self.store.data_mut().files.close_all();
                self.dead = Some(msg.clone());
                Err(HostErr::internal(msg))
            }
        }
    }

    /// The state block as the last call left it.
    pub fn state(&self) -> State {
        let data = self.memory.data(&self.store);
        match data.get(self.state_addr..self.state_addr + STATE_SIZE) {
            Some(b) => State::decode(b.try_into().expect("64-byte slice")),
            None => State { rc: SQLITE_INTERNAL, extended: SQLITE_INTERNAL, ..State::default() },
        }
    }

    /// The output buffer (row or metadata) the state block points at.
    pub fn out(&self, st: &State) -> Option<&[u8]> {
        let data = self.memory.data(&self.store);
        guest_range(data.len(), st.out_ptr, st.out_len).map(|r| &data[r])
    }

    /// The error message the state block points at.
    pub fn err_msg(&self, st: &State) -> Option<String> {
        let data = self.memory.data(&self.store);
        guest_range(data.len(), st.err_ptr, st.err_len).map(|r| String::from_utf8_lossy(&data[r]).into_owned())
    }

    /// Copies `bytes` into the instance's input buffer; returns its address.
    pub fn write_input(&mut self, bytes: &[u8]) -> Result<i32, HostErr> {
        let len = i32::try_from(bytes.len()).map_err(|_| HostErr { code: 18, msg: "string or blob too big".into() })?;
        let ptr = self.call(|f, s| f.buffer.call(s, len))?;
        if ptr == 0 {
            return Err(HostErr { code: SQLITE_NOMEM, msg: "out of memory".into() });
        }
        self.memory
            .write(&mut self.store, ptr as u32 as usize, bytes)
            .map_err(|_| HostErr::internal("input buffer outside memory"))?;
        Ok(ptr)
    }

    pub fn open(&mut self, path: &[u8], flags: i32) -> Result<i32, HostErr> {
        let ptr = self.write_input(path)?;
        let len = path.len() as i32;
        self.call(|f, s| f.open.call(s, (ptr, len, flags)))
    }

    /// fl_prepare on `len` bytes at `ptr` (inside the input buffer).
    pub fn prepare_at(&mut self, ptr: i32, len: i32) -> Result<i32, HostErr> {
        self.call(|f, s| f.prepare.call(s, (ptr, len)))
    }

    pub fn bind(&mut self, stmt: i32, list: &[u8]) -> Result<i32, HostErr> {
        let ptr = self.write_input(list)?;
        let len = list.len() as i32;
        self.call(|f, s| f.bind.call(s, (stmt, ptr, len)))
    }

    pub fn step(&mut self, stmt: i32) -> Result<i32, HostErr> {
        self.call(|f, s| f.step.call(s, stmt))
    }

    /// fl_run; an empty `list` binds nothing.
    pub fn run(&mut self, stmt: i32, list: &[u8]) -> Result<i32, HostErr> {
        let (ptr, len) = if list.is_empty() { (0, 0) } else { (self.write_input(list)?, list.len() as i32) };
        self.call(|f, s| f.run.call(s, (stmt, ptr, len)))
    }

    pub fn reset(&mut self, stmt: i32) -> Result<i32, HostErr> {
        self.call(|f, s| f.reset.call(s, stmt))
    }

    pub fn finalize(&mut self, stmt: i32) -> Result<i32, HostErr> {
        self.call(|f, s| f.finalize.call(s, stmt))
    }

    pub fn exec_at(&mut self, ptr: i32, len: i32) -> Result<i32, HostErr> {
        self.call(|f, s| f.exec.call(s, (ptr, len)))
    }

    pub fn busy_timeout(&mut self, ms: i32) -> Result<i32, HostErr> {
        self.call(|f, s| f.busy_timeout.call(s, ms))
    }

    pub fn close(&mut self) -> Result<i32, HostErr> {
        self.call(|f, s| f.close.call(s, ()))
    }

    /// Number of files the instance has open (tests check for leaks).
    pub fn open_files(&self) -> usize {
        self.store.data().files.open_count()
    }
}
