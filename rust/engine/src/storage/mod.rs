//! Storage: the SQLite file format. Layers point one way:
//! btree -> pager -> journal -> vfs. `record` is the row/key encoding shared
//! by the b-tree (index key comparison) and the VM; `varint` holds the
//! varint and big-endian integer helpers every on-disk format uses.
//!
//! Tests: rust/engine/tests/storage_*.rs (round trips with real SQLite in
//! both directions, crash/power-loss recovery, hot journals from real SQLite
//! processes, concurrent writers, randomized model tests, corrupt input).

pub mod btree;
pub mod pager;
pub mod record;
pub mod varint;
pub mod wal;
