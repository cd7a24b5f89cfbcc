//! The engine's wasm module, embedded in the library and compiled once per
//! process: one wasmtime `Engine`, one `Module`, one `InstancePre` (the
//! module already linked against the host imports), so opening a connection
//! only instantiates.
//!
//! Invariants:
//! - Compilation happens at most once per process (`OnceLock`), and at most
//!   once per machine while the on-disk cache (`cache`) is on; a failure is
//!   kept and reported by every later open.
//! - Linear memories never move on 64-bit hosts (`crate::shm` maps the
//!   wal-index into them).
//! - The embedded bytes are the module committed in the Go tree
//!   (go/internal/wasmhost/ferrolite.wasm), so Go and C run the same engine.

use super::cache;
use super::imports::{self, HostState};
use std::sync::OnceLock;
use wasmtime::{Config, Engine, InstancePre, Linker, Module, OptLevel};

/// The engine module (see docs/abi.md).
pub static WASM: &[u8] = include_bytes!("../../../go/internal/wasmhost/ferrolite.wasm");

pub struct Compiled {
    pub engine: Engine,
    pub module: Module,
    pub pre: InstancePre<HostState>,
}

static COMPILED: OnceLock<Result<Compiled, String>> = OnceLock::new();

/// The wasmtime configuration every instance runs under.
pub fn config() -> Config {
    let mut config = Config::new();
    config.cranelift_opt_level(OptLevel::Speed);
    // Linear memory never moves (the wal-index is mapped into it, see
    // crate::shm): the whole 4 GiB a wasm32 memory can reach is reserved up
    // front (address space only) and growth stays inside it.
    #[cfg(target_pointer_width = "64")]
    config.memory_reservation(1 << 32).memory_may_move(false);
    config
}

fn compile() -> Result<Compiled, String> {
    let engine = Engine::new(&config()).map_err(|e| format!("wasmtime engine: {e}"))?;
    let module = cache::load_or_compile(&engine, WASM).map_err(|e| format!("compiling the engine module: {e:?}"))?;
    let mut linker = Linker::new(&engine);
    imports::define(&mut linker).map_err(|e| format!("defining host imports: {e}"))?;
    let pre = linker.instantiate_pre(&module).map_err(|e| format!("linking the engine module: {e}"))?;
    Ok(Compiled { engine, module, pre })
}

/// The process-wide compiled module, compiling it on first use.
pub fn compiled() -> Result<&'static Compiled, &'static str> {
    match COMPILED.get_or_init(compile) {
        Ok(c) => Ok(c),
        Err(e) => Err(e.as_str()),
    }
}
