//! Result codes, datatype codes and open flags, with SQLite's values.

use std::ffi::c_int;

pub const FERROLITE_OK: c_int = 0;
pub const FERROLITE_ERROR: c_int = 1;
pub const FERROLITE_INTERNAL: c_int = 2;
pub const FERROLITE_PERM: c_int = 3;
pub const FERROLITE_ABORT: c_int = 4;
pub const FERROLITE_BUSY: c_int = 5;
pub const FERROLITE_LOCKED: c_int = 6;
pub const FERROLITE_NOMEM: c_int = 7;
pub const FERROLITE_READONLY: c_int = 8;
pub const FERROLITE_INTERRUPT: c_int = 9;
pub const FERROLITE_IOERR: c_int = 10;
pub const FERROLITE_CORRUPT: c_int = 11;
pub const FERROLITE_NOTFOUND: c_int = 12;
pub const FERROLITE_FULL: c_int = 13;
pub const FERROLITE_CANTOPEN: c_int = 14;
pub const FERROLITE_PROTOCOL: c_int = 15;
pub const FERROLITE_EMPTY: c_int = 16;
pub const FERROLITE_SCHEMA: c_int = 17;
pub const FERROLITE_TOOBIG: c_int = 18;
pub const FERROLITE_CONSTRAINT: c_int = 19;
pub const FERROLITE_MISMATCH: c_int = 20;
pub const FERROLITE_MISUSE: c_int = 21;
pub const FERROLITE_NOLFS: c_int = 22;
pub const FERROLITE_AUTH: c_int = 23;
pub const FERROLITE_FORMAT: c_int = 24;
pub const FERROLITE_RANGE: c_int = 25;
pub const FERROLITE_NOTADB: c_int = 26;
pub const FERROLITE_NOTICE: c_int = 27;
pub const FERROLITE_WARNING: c_int = 28;
pub const FERROLITE_ROW: c_int = 100;
pub const FERROLITE_DONE: c_int = 101;

/// Extended result codes (primary | n << 8) most programs test for.
pub const FERROLITE_BUSY_TIMEOUT: c_int = FERROLITE_BUSY | (3 << 8);
pub const FERROLITE_CONSTRAINT_CHECK: c_int = FERROLITE_CONSTRAINT | (1 << 8);
pub const FERROLITE_CONSTRAINT_FOREIGNKEY: c_int = FERROLITE_CONSTRAINT | (3 << 8);
pub const FERROLITE_CONSTRAINT_NOTNULL: c_int = FERROLITE_CONSTRAINT | (5 << 8);
pub const FERROLITE_CONSTRAINT_PRIMARYKEY: c_int = FERROLITE_CONSTRAINT | (6 << 8);
pub const FERROLITE_CONSTRAINT_UNIQUE: c_int = FERROLITE_CONSTRAINT | (8 << 8);
pub const FERROLITE_CONSTRAINT_ROWID: c_int = FERROLITE_CONSTRAINT | (10 << 8);
pub const FERROLITE_IOERR_DELETE_NOENT: c_int = FERROLITE_IOERR | (23 << 8);

/// Fundamental datatypes (ferrolite_column_type).
pub const FERROLITE_INTEGER: c_int = 1;
pub const FERROLITE_FLOAT: c_int = 2;
pub const FERROLITE_TEXT: c_int = 3;
pub const FERROLITE_BLOB: c_int = 4;
pub const FERROLITE_NULL: c_int = 5;

/// ferrolite_open_v2 flags.
pub const FERROLITE_OPEN_READONLY: c_int = 0x01;
pub const FERROLITE_OPEN_READWRITE: c_int = 0x02;
pub const FERROLITE_OPEN_CREATE: c_int = 0x04;
pub const FERROLITE_OPEN_URI: c_int = 0x40;
pub const FERROLITE_OPEN_MEMORY: c_int = 0x80;

/// The largest string or blob (SQLite's default SQLITE_MAX_LENGTH).
pub const FERROLITE_MAX_LENGTH: c_int = 1_000_000_000;
