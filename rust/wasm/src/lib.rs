//! ferrolite's engine as a `wasm32-unknown-unknown` module behind the ABI of
//! docs/abi.md: exports `fl_*` (and `memory`), imports module
//! `ferrolite_host` only. One instance is one connection.
//!
//! Modules:
//! - `state`: the 64-byte state block hosts read in place.
//! - `codec`: values, parameter lists, rows and metadata as bytes.
//! - `session`: the connection and the logic of every export, independent of
//!   wasm (tested natively over the engine's in-memory VFS).
//! - `host`, `host_vfs`, `host_shm`, `exports` (wasm32 only): the imports,
//!   the engine's VFS and wal-index shared memory over them, and the
//!   exported functions.
//! - `shm_block`: a 32 KiB-aligned block of linear memory the host maps a
//!   wal-index region over, accessed with volatile copies.
//!
//! `unsafe` appears only in `host` (calls to the imports) and `shm_block`
//! (the mapped block's allocation and volatile accesses).

#![deny(unsafe_op_in_unsafe_fn)]

pub mod codec;
pub mod session;
pub mod state;

#[cfg(target_arch = "wasm32")]
mod exports;
#[cfg(target_arch = "wasm32")]
mod host;
#[cfg(target_arch = "wasm32")]
mod host_shm;
#[cfg(target_arch = "wasm32")]
mod host_vfs;
#[cfg(any(target_arch = "wasm32", test))]
mod shm_block;
