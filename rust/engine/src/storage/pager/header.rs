//! The 100-byte database header at the start of page 1 (file format §1.3).
//!
//! ```text
//!  0 16  "SQLite format 3\0"          56  4  text encoding (1 = UTF-8)
//! 16  2  page size (1 = 65536)        60  4  user version
//! 18  1  write version (1 rollback)   64  4  incremental vacuum
//! 19  1  read version                 68  4  application id
//! 20  1  reserved bytes per page      72 20  zero
//! 21  3  payload fractions 64/32/32   92  4  version-valid-for
//! 24  4  file change counter          96  4  SQLITE_VERSION_NUMBER
//! 28  4  database size in pages
//! 32  4  first freelist trunk page    36  4  freelist page count
//! 40  4  schema cookie                44  4  schema format (4)
//! 48  4  default cache size           52  4  largest root page (auto-vacuum)
//! ```
//!
//! Invariant: `validate` accepts only what SQLite accepts for reading: a bad
//! magic is SQLITE_NOTADB, an impossible page size or usable size likewise.

use crate::error::{codes, Error, Result};
use crate::storage::varint::{get_u16, get_u32, put_u16, put_u32};

pub const HEADER_SIZE: usize = 100;
pub const MAGIC: &[u8; 16] = b"SQLite format 3\0";
pub const OFF_PAGE_SIZE: usize = 16;
pub const OFF_WRITE_VERSION: usize = 18;
pub const OFF_READ_VERSION: usize = 19;
pub const OFF_RESERVED: usize = 20;
pub const OFF_CHANGE_COUNTER: usize = 24;
pub const OFF_DB_SIZE: usize = 28;
pub const OFF_FREELIST_TRUNK: usize = 32;
pub const OFF_FREELIST_COUNT: usize = 36;
pub const OFF_SCHEMA_COOKIE: usize = 40;
pub const OFF_SCHEMA_FORMAT: usize = 44;
pub const OFF_TEXT_ENCODING: usize = 56;
pub const OFF_VERSION_VALID_FOR: usize = 92;
pub const OFF_VERSION_NUMBER: usize = 96;
/// SQLite 3.45.1, the version whose files we write.
pub const SQLITE_VERSION_NUMBER: u32 = 3_045_001;

/// What the pager needs from a validated header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeaderInfo {
    pub page_size: u32,
    pub reserved: u8,
    pub write_version: u8,
    pub read_version: u8,
    pub change_counter: u32,
    /// Database size from the header when it is valid (non-zero and the
    /// version-valid-for matches the change counter), else None.
    pub db_size: Option<u32>,
}

fn notadb() -> Error {
    Error::new(codes::NOTADB, "file is not a database")
}

/// Page size encoded at offset 16, or None if it is not a legal one.
pub fn decode_page_size(raw: u16) -> Option<u32> {
    let ps = if raw == 1 { 65536 } else { u32::from(raw) };
    if (512..=65536).contains(&ps) && ps.is_power_of_two() {
        Some(ps)
    } else {
        None
    }
}

/// Validates the header bytes (at least 100) of an existing database.
pub fn validate(h: &[u8]) -> Result<HeaderInfo> {
    if h.len() < HEADER_SIZE || &h[..16] != MAGIC {
        return Err(notadb());
    }
    let page_size = decode_page_size(get_u16(h, OFF_PAGE_SIZE)).ok_or_else(notadb)?;
    let write_version = h[OFF_WRITE_VERSION];
    let read_version = h[OFF_READ_VERSION];
    if !(1..=2).contains(&read_version) || write_version == 0 {
        return Err(notadb());
    }
    if h[21] != 64 || h[22] != 32 || h[23] != 32 {
        return Err(notadb());
    }
    let reserved = h[OFF_RESERVED];
    if page_size - u32::from(reserved) < 480 {
        return Err(notadb());
    }
    let change_counter = get_u32(h, OFF_CHANGE_COUNTER);
    let n = get_u32(h, OFF_DB_SIZE);
    let db_size = if n != 0 && get_u32(h, OFF_VERSION_VALID_FOR) == change_counter { Some(n) } else { None };
    Ok(HeaderInfo { page_size, reserved, write_version, read_version, change_counter, db_size })
}

/// Writes the header of a brand-new database into `page1` exactly as SQLite
/// 3.45 does (change counter and size are set at commit).
pub fn init_new(page1: &mut [u8], page_size: u32) {
    page1[..HEADER_SIZE].fill(0);
    page1[..16].copy_from_slice(MAGIC);
    put_u16(page1, OFF_PAGE_SIZE, if page_size == 65536 { 1 } else { page_size as u16 });
    page1[OFF_WRITE_VERSION] = 1;
    page1[OFF_READ_VERSION] = 1;
    page1[OFF_RESERVED] = 0;
    page1[21] = 64;
    page1[22] = 32;
    page1[23] = 32;
    put_u32(page1, OFF_SCHEMA_FORMAT, 4);
    put_u32(page1, OFF_TEXT_ENCODING, 1);
    put_u32(page1, OFF_VERSION_NUMBER, SQLITE_VERSION_NUMBER);
}

/// Updates the commit fields: change counter + 1, version-valid-for, size,
/// and the version number.
pub fn stamp_commit(page1: &mut [u8], db_size: u32) {
    let c = get_u32(page1, OFF_CHANGE_COUNTER).wrapping_add(1);
    put_u32(page1, OFF_CHANGE_COUNTER, c);
    put_u32(page1, OFF_DB_SIZE, db_size);
    put_u32(page1, OFF_VERSION_VALID_FOR, c);
    put_u32(page1, OFF_VERSION_NUMBER, SQLITE_VERSION_NUMBER);
}
