//! Errors of the engine: every error carries SQLite's extended result code
//! (whose low byte is the primary code) and a message in SQLite's words.
//!
//! Invariants:
//! - `Error::code` is always one of the constants below, never 0 (OK), 100
//!   (ROW) or 101 (DONE).
//! - Corruption found while reading untrusted bytes is reported with
//!   `Error::corrupt`, which records where it was detected.

use std::fmt;

/// SQLite primary result codes.
pub mod codes {
    pub const OK: i32 = 0;
    pub const ERROR: i32 = 1;
    pub const INTERNAL: i32 = 2;
    pub const PERM: i32 = 3;
    pub const ABORT: i32 = 4;
    pub const BUSY: i32 = 5;
    pub const LOCKED: i32 = 6;
    pub const NOMEM: i32 = 7;
    pub const READONLY: i32 = 8;
    pub const INTERRUPT: i32 = 9;
    pub const IOERR: i32 = 10;
    pub const CORRUPT: i32 = 11;
    pub const NOTFOUND: i32 = 12;
    pub const FULL: i32 = 13;
    pub const CANTOPEN: i32 = 14;
    pub const PROTOCOL: i32 = 15;
    pub const EMPTY: i32 = 16;
    pub const SCHEMA: i32 = 17;
    pub const TOOBIG: i32 = 18;
    pub const CONSTRAINT: i32 = 19;
    pub const MISMATCH: i32 = 20;
    pub const MISUSE: i32 = 21;
    pub const NOLFS: i32 = 22;
    pub const AUTH: i32 = 23;
    pub const FORMAT: i32 = 24;
    pub const RANGE: i32 = 25;
    pub const NOTADB: i32 = 26;
    pub const NOTICE: i32 = 27;
    pub const WARNING: i32 = 28;
    pub const ROW: i32 = 100;
    pub const DONE: i32 = 101;

    // Extended result codes (primary | n << 8).
    pub const IOERR_READ: i32 = IOERR | (1 << 8);
    pub const IOERR_SHORT_READ: i32 = IOERR | (2 << 8);
    pub const IOERR_WRITE: i32 = IOERR | (3 << 8);
    pub const IOERR_FSYNC: i32 = IOERR | (4 << 8);
    pub const IOERR_TRUNCATE: i32 = IOERR | (6 << 8);
    pub const IOERR_FSTAT: i32 = IOERR | (7 << 8);
    pub const IOERR_UNLOCK: i32 = IOERR | (8 << 8);
    pub const IOERR_RDLOCK: i32 = IOERR | (9 << 8);
    pub const IOERR_DELETE: i32 = IOERR | (10 << 8);
    pub const IOERR_ACCESS: i32 = IOERR | (13 << 8);
    pub const IOERR_CHECKRESERVEDLOCK: i32 = IOERR | (14 << 8);
    pub const IOERR_LOCK: i32 = IOERR | (15 << 8);
    pub const IOERR_CLOSE: i32 = IOERR | (16 << 8);
    pub const IOERR_SHMOPEN: i32 = IOERR | (18 << 8);
    pub const IOERR_SHMSIZE: i32 = IOERR | (19 << 8);
    pub const IOERR_SHMLOCK: i32 = IOERR | (20 << 8);
    pub const IOERR_SHMMAP: i32 = IOERR | (21 << 8);
    pub const IOERR_DELETE_NOENT: i32 = IOERR | (23 << 8);
    pub const BUSY_RECOVERY: i32 = BUSY | (1 << 8);
    pub const BUSY_SNAPSHOT: i32 = BUSY | (2 << 8);
    pub const BUSY_TIMEOUT: i32 = BUSY | (3 << 8);
    pub const CANTOPEN_NOTEMPDIR: i32 = CANTOPEN | (1 << 8);
    pub const CANTOPEN_ISDIR: i32 = CANTOPEN | (2 << 8);
    pub const CANTOPEN_FULLPATH: i32 = CANTOPEN | (3 << 8);
    pub const CORRUPT_INDEX: i32 = CORRUPT | (3 << 8);
    pub const READONLY_RECOVERY: i32 = READONLY | (1 << 8);
    pub const READONLY_CANTLOCK: i32 = READONLY | (2 << 8);
    pub const READONLY_ROLLBACK: i32 = READONLY | (3 << 8);
    pub const READONLY_DBMOVED: i32 = READONLY | (4 << 8);
    pub const ABORT_ROLLBACK: i32 = ABORT | (2 << 8);
    pub const CONSTRAINT_CHECK: i32 = CONSTRAINT | (1 << 8);
    pub const CONSTRAINT_COMMITHOOK: i32 = CONSTRAINT | (2 << 8);
    pub const CONSTRAINT_FOREIGNKEY: i32 = CONSTRAINT | (3 << 8);
    pub const CONSTRAINT_FUNCTION: i32 = CONSTRAINT | (4 << 8);
    pub const CONSTRAINT_NOTNULL: i32 = CONSTRAINT | (5 << 8);
    pub const CONSTRAINT_PRIMARYKEY: i32 = CONSTRAINT | (6 << 8);
    pub const CONSTRAINT_TRIGGER: i32 = CONSTRAINT | (7 << 8);
    pub const CONSTRAINT_UNIQUE: i32 = CONSTRAINT | (8 << 8);
    pub const CONSTRAINT_VTAB: i32 = CONSTRAINT | (9 << 8);
    pub const CONSTRAINT_ROWID: i32 = CONSTRAINT | (10 << 8);
    pub const CONSTRAINT_DATATYPE: i32 = CONSTRAINT | (12 << 8);
}

/// An engine error: SQLite extended result code plus message.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    /// Extended result code; `code & 0xff` is the primary code.
    pub code: i32,
    pub message: String,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(code: i32, message: impl Into<String>) -> Error {
        Error { code, message: message.into() }
    }
    /// Primary result code (low byte of the extended code).
    pub fn primary(&self) -> i32 {
        self.code & 0xff
    }
    /// A generic SQL error (SQLITE_ERROR).
    pub fn sql(message: impl Into<String>) -> Error {
        Error::new(codes::ERROR, message)
    }
    /// Corruption detected at `location` (a short tag, e.g. "btree page 7 cell 3").
    pub fn corrupt(location: impl fmt::Display) -> Error {
        Error::new(codes::CORRUPT, format!("database disk image is malformed ({location})"))
    }
    pub fn busy() -> Error {
        Error::new(codes::BUSY, "database is locked")
    }
    pub fn io(code: i32, what: impl fmt::Display) -> Error {
        Error::new(code, format!("disk I/O error ({what})"))
    }
    pub fn constraint(code: i32, message: impl Into<String>) -> Error {
        Error::new(code, message)
    }
    pub fn misuse(message: impl Into<String>) -> Error {
        Error::new(codes::MISUSE, message)
    }
}

/// The fixed English text SQLite gives for each primary code (sqlite3_errstr).
pub fn errstr(code: i32) -> &'static str {
    match code & 0xff {
        codes::OK => "not an error",
        codes::ERROR => "SQL logic error",
        codes::INTERNAL => "internal error",
        codes::PERM => "access permission denied",
        codes::ABORT => "query aborted",
        codes::BUSY => "database is locked",
        codes::LOCKED => "database table is locked",
        codes::NOMEM => "out of memory",
        codes::READONLY => "attempt to write a readonly database",
        codes::INTERRUPT => "interrupted",
        codes::IOERR => "disk I/O error",
        codes::CORRUPT => "database disk image is malformed",
        codes::NOTFOUND => "unknown operation",
        codes::FULL => "database or disk is full",
        codes::CANTOPEN => "unable to open database file",
        codes::PROTOCOL => "locking protocol",
        codes::SCHEMA => "database schema has changed",
        codes::TOOBIG => "string or blob too big",
        codes::CONSTRAINT => "constraint failed",
        codes::MISMATCH => "datatype mismatch",
        codes::MISUSE => "bad parameter or other API misuse",
        codes::NOLFS => "large file support is disabled",
        codes::AUTH => "authorization denied",
        codes::RANGE => "column index out of range",
        codes::NOTADB => "file is not a database",
        codes::ROW => "another row available",
        codes::DONE => "no more rows available",
        _ => "unknown error",
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error({}: {})", self.code, self.message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
