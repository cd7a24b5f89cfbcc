//! Storage: the SQLite file format. Layers point one way:
//! btree -> pager -> journal -> vfs. `record` is the row/key encoding shared
//! by the b-tree (index key comparison) and the VM.

pub mod btree;
pub mod pager;
pub mod record;
pub mod varint;
