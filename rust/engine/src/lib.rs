//! ferrolite's engine: a SQLite-compatible SQL database engine.
//!
//! Layers (each points only downward):
//! `connection` (public API) -> compile (parse tree -> program) -> vdbe (VM)
//! -> storage::btree -> storage::pager -> storage::journal -> vfs.
//! `value` and `storage::record` are shared data formats.
//!
//! The public surface is `Connection`, `Value`, `Error`/`codes` and the
//! `vfs` traits, used by `rust/wasm` (host-import VFS) and by tests
//! (native and in-memory VFS).

#![deny(unsafe_code)]

pub mod compile;
pub mod connection;
pub mod error;
pub mod func;
pub mod schema;
pub mod storage;
pub mod value;
pub mod vdbe;
pub mod vfs;

pub use connection::{Connection, OpenFlags, StepResult, StmtId};
pub use error::{codes, Error, Result};
pub use value::Value;
