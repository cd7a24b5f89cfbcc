//! The C API in the shape of SQLite's, prefix `ferrolite_` (see
//! include/ferrolite.h, generated from these files by cbindgen).

pub mod bind;
pub mod column;
pub mod consts;
pub mod db;
pub mod exec;
pub mod guard;
pub mod handle;
pub mod stmt;
