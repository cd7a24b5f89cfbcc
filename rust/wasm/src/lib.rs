//! ferrolite's engine as a `wasm32-unknown-unknown` module behind the ABI of
//! docs/abi.md: exports `fl_*` (and `memory`), imports module
//! `ferrolite_host` only. One instance is one connection.
//!
//! Modules:
//! - `state`: the 64-byte state block hosts read in place.
//! - `codec`: values, parameter lists, rows and metadata as bytes.
//! - `session`: the connection and the logic of every export, independent of
//!   wasm (tested natively over the engine's in-memory VFS).
//! - `host`, `host_vfs`, `exports` (wasm32 only): the imports, the engine's
//!   VFS over them, and the exported functions.
//!
//! `unsafe` appears only in `host`, around calls to the imports.

#![deny(unsafe_op_in_unsafe_fn)]

pub mod codec;
pub mod session;
pub mod state;

#[cfg(target_arch = "wasm32")]
mod exports;
#[cfg(target_arch = "wasm32")]
mod host;
#[cfg(target_arch = "wasm32")]
mod host_vfs;
